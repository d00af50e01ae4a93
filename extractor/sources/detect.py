"""Tell what an input file is by its content (never its name) and parse it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.sources.problems import SourceError

if TYPE_CHECKING:
    from extractor.sources.base import Source

_PATCH = re.compile(r"^(diff --git |--- \S|\+\+\+ \S|@@ -\d|From [0-9a-f]{7,40} |commit [0-9a-f]{7,40})", re.M)
_CONTENTS_HEADING = "# Modified Contents"  # as the report parser knows it


def looks_like_report(head: str) -> bool:
    """True when ``head`` (the first few KB of a file) is a report rather than a diff / patch.

    A report opens with ``---`` front matter holding a ``date:`` or ``permalink:`` key, or
    has a ``# Modified Contents`` heading. Unified diffs and ``git format-patch`` mails open
    with ``diff``, ``--- a/…`` or ``From …``, and their diff lines are prefixed, so they never
    hold either at column 0.
    """
    lines = head.lstrip("\ufeff").split("\n")
    first = lines[0].rstrip()
    if first == "---":
        for line in lines[1:]:
            s = line.rstrip()
            if s in ("---", "..."):
                break
            if s.startswith(("date:", "permalink:")):
                return True
    if first.startswith(("diff ", "From ", "--- ", "Index: ")):
        return False
    return any(line.rstrip() == _CONTENTS_HEADING for line in lines)


HEAD_BYTES = 8192  # how much of a file found in a folder is read to tell whether it is a diff


def kind_of_head(data: bytes) -> str | None:
    """``kind_of`` the first ``HEAD_BYTES`` of a file's bytes (undecodable bytes ignored)."""
    return kind_of(data[:HEAD_BYTES].decode("utf-8", "ignore"))


def kind_of(text: str) -> str | None:
    """``report``, ``patch`` or None, from the first few kilobytes of ``text``."""
    head = text[:8192]
    if looks_like_report(head):
        return "report"
    if _PATCH.search(head):
        return "patch"
    return None


def parse(path: Path, text: str, *, date: str | None = None) -> Source | list[Source] | None:
    """The source(s) in ``text``: a report gives one, a patch one per commit it holds
    (a list when several), anything else None."""
    kind = kind_of(text)
    if kind == "report":
        from extractor.sources.report import parse_report

        return parse_report(text, str(path))
    if kind == "patch":
        try:
            from extractor.sources.patch import parse_patch
        except ImportError as exc:  # pragma: no cover - patch source not installed
            raise SourceError("unified diffs are not supported by this build", str(path), 1) from exc
        return parse_patch(text, str(path), date=date)
    return None
