"""Tell what an input file is by its content (never its name) and parse it."""

from __future__ import annotations

import re
from pathlib import Path

from extractor.sources.base import Source, SourceError

_PATCH = re.compile(r"^(diff --git |--- \S|\+\+\+ \S|@@ -\d|From [0-9a-f]{7,40} |commit [0-9a-f]{7,40})", re.M)


def kind_of(text: str) -> str | None:
    """``report``, ``patch`` or None, from the first few kilobytes of ``text``."""
    from extractor.sources.report import looks_like_report

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
