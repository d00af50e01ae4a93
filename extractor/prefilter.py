"""The cheap first look at a diff section: is it worth parsing for facts?

Most sections of a report are prose. A section is parsed when it changes a table row
or a one-word bullet (a region list) and shows a row with a word some kind reads; a
section of a document known to hold fact tables is parsed in any case (the caller knows).
"""

from __future__ import annotations

import re

# A diff worth parsing changes a table row or a one-word bullet (region lists) ...
_CHANGES_ROWS = re.compile(r"\n[+-][ \t]*\|")
_REGION_BULLET = re.compile(r"\n[ +-][ \t]*[-*+][ \t]+`?[a-z][a-z0-9]+`?[ \t]*(?=\n|$)")
# ... and shows a table row a recogniser may want, or belongs to a document known to hold one.
_ROW_LINES = re.compile(r"\n[ +-][ \t]*\|[^\n]*")
_ROW_WORDS = ("✅", "retire", "deprecation", "tokens per minute", "requests per minute", "enterprise agreement")
_ROW_WORDS_BOUNDED = re.compile(r"\b(?:tpm|regions?)\b")


def wanted(text: str) -> bool | None:
    """True: parse now; None: parse if the document is known to hold fact tables; False: skip.

    Only the table rows are searched for fact words (a cheap scan: most sections are prose)."""
    text = "\n" + text
    if _REGION_BULLET.search(text):
        return True
    if "|" not in text or not _CHANGES_ROWS.search(text):
        return False
    rows = "".join(_ROW_LINES.findall(text)).lower()
    if any(w in rows for w in _ROW_WORDS):
        return True
    if ("tpm" in rows or "region" in rows) and _ROW_WORDS_BOUNDED.search(rows):
        return True
    return None
