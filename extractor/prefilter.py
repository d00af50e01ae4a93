"""The cheap first look at a diff section: is it worth parsing for facts?

Most sections of a report are prose. A section is parsed when it shows a short bullet item
some kind reads (a region list: ``- Sweden Central``), or changes a table row and shows a
row with a word some kind reads; a section of a document known to hold fact tables is
parsed in any case (the caller knows).
"""

from __future__ import annotations

import re

from extractor.kinds import prefilter as kind_prefilter

# A diff worth parsing shows a short bullet item a kind reads (``Kind.bullet``), or changes a table row ...
_SHORT_BULLET = re.compile(r"\n[ +-][ \t]*[-*+][ \t]+([^\n]{1,60})(?=\n|$)")
_CHANGES_ROWS = re.compile(r"\n[+-][ \t]*\|")
# ... and shows a table row a recogniser may want, or belongs to a document known to hold one.
_ROW_LINES = re.compile(r"\n[ +-][ \t]*\|[^\n]*")
# (the words are the kinds' own: ``extractor.kinds.prefilter``)


def wanted(text: str) -> bool | None:
    """True: parse now; None: parse if the document is known to hold fact tables; False: skip.

    Only the table rows are searched for fact words (a cheap scan: most sections are prose)."""
    text = "\n" + text
    words, whole_words, whole, bullets = kind_prefilter()
    if bullets and any(test(m.group(1)) for m in _SHORT_BULLET.finditer(text) for test in bullets):
        return True
    if "|" not in text or not _CHANGES_ROWS.search(text):
        return False
    rows = "".join(_ROW_LINES.findall(text)).lower()
    if any(w in rows for w in words):
        return True
    if whole is not None and any(w in rows for w in whole_words) and whole.search(rows):
        return True
    return None
