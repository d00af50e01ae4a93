"""The cheap first look at a diff section: is it worth parsing for facts?

Most sections of a report are prose. A section is parsed when it changes a table row
or a one-word bullet (a region list) and shows a row with a word some kind reads; a
section of a document known to hold fact tables is parsed in any case (the caller knows).
"""

from __future__ import annotations

import re

from extractor.kinds import prefilter as kind_prefilter

# A diff worth parsing changes a table row or a one-word bullet (region lists) ...
_CHANGES_ROWS = re.compile(r"\n[+-][ \t]*\|")
_REGION_BULLET = re.compile(r"\n[ +-][ \t]*[-*+][ \t]+`?[a-z][a-z0-9]+`?[ \t]*(?=\n|$)")
# ... and shows a table row a recogniser may want, or belongs to a document known to hold one.
_ROW_LINES = re.compile(r"\n[ +-][ \t]*\|[^\n]*")
# (the words are the kinds' own: ``extractor.kinds.prefilter``)


def wanted(text: str) -> bool | None:
    """True: parse now; None: parse if the document is known to hold fact tables; False: skip.

    Only the table rows are searched for fact words (a cheap scan: most sections are prose)."""
    text = "\n" + text
    if _REGION_BULLET.search(text):
        return True
    if "|" not in text or not _CHANGES_ROWS.search(text):
        return False
    rows = "".join(_ROW_LINES.findall(text)).lower()
    words, whole_words, whole = kind_prefilter()
    if any(w in rows for w in words):
        return True
    if whole is not None and any(w in rows for w in whole_words) and whole.search(rows):
        return True
    return None
