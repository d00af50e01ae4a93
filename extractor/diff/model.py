"""The diff model every source feeds: one ``FileDiff`` per document, made of ``Hunk``s.

A hunk gives a *before* view (context + removed lines) and an *after* view (context +
added lines). Each line keeps its line number in the input file (for provenance) and in
the old / new document (for locating tables). Parsing is done by ``unidiff``; report
diff blocks lack ``---``/``+++`` headers, so they are added here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import unidiff
from unidiff.errors import UnidiffParseError

CONTEXT, ADDED, REMOVED = " ", "+", "-"


class DiffError(ValueError):
    """A diff block that cannot be parsed; carries the input line where it failed."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(slots=True)
class DiffLine:
    kind: str  # " ", "+" or "-"
    text: str
    src_line: int  # line number in the input file (report / patch)
    old_no: int | None
    new_no: int | None

    def no(self, side: str) -> int:
        """Line number in the document on ``side`` ("before" / "after")."""
        n = self.old_no if side == "before" else self.new_no
        return n if n is not None else 0


@dataclass(slots=True)
class Hunk:
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    section: str  # git's function line after the second @@ (a locator, never a heading)
    lines: list[DiffLine]

    def view(self, side: str) -> list[DiffLine]:
        drop = ADDED if side == "before" else REMOVED
        return [ln for ln in self.lines if ln.kind != drop]

    def start(self, side: str) -> int:
        return self.old_start if side == "before" else self.new_start

    @property
    def changes(self) -> bool:
        """True when the hunk changes something beyond an end-of-file newline toggle."""
        removed = [ln.text for ln in self.lines if ln.kind == REMOVED]
        added = [ln.text for ln in self.lines if ln.kind == ADDED]
        return removed != added


@dataclass(slots=True)
class FileDiff:
    doc: str  # the document path after the change
    old_doc: str | None = None  # path before, when renamed
    status: str = "modified"  # modified | added | removed | renamed
    hunks: list[Hunk] = field(default_factory=list)
    binary: bool = False
    # Full text of the document on either side, when the source knows it (git walk).
    full_before: str | None = None
    full_after: str | None = None


def parse_hunks(diff_text: str, first_line: int, path: str = "doc.md") -> list[Hunk]:
    """Parse header-less hunks (a report's diff block) whose first line is ``first_line``.

    ``diff_text`` must use ``\\n`` line ends with any ``\\r`` already stripped.
    """
    text = f"--- a/{path}\n+++ b/{path}\n{diff_text}"
    if not text.endswith("\n"):
        text += "\n"
    try:
        patch = unidiff.PatchSet(text)
    except UnidiffParseError as exc:
        raise DiffError(str(exc), first_line) from exc
    offset = first_line - 3
    return [_hunk(h, offset) for pf in patch for h in pf]


def _hunk(h: unidiff.Hunk, offset: int) -> Hunk:
    lines = [
        DiffLine(ln.line_type, ln.value.rstrip("\n").rstrip("\r"), offset + ln.diff_line_no,
                 ln.source_line_no, ln.target_line_no)
        for ln in h
        if ln.line_type in (CONTEXT, ADDED, REMOVED)
    ]
    return Hunk(h.source_start, h.source_length, h.target_start, h.target_length,
                (h.section_header or "").strip(), lines)


def parse_file_diff(doc: str, diff_text: str, first_line: int, status: str = "modified",
                    old_doc: str | None = None) -> FileDiff:
    return FileDiff(doc=doc, old_doc=old_doc, status=status,
                    hunks=parse_hunks(diff_text, first_line, doc))


def hunks_from_patched_file(pf: unidiff.PatchedFile, offset: int) -> list[Hunk]:
    """Hunks of a file from a full unidiff ``PatchSet`` (patch and git sources)."""
    return [_hunk(h, offset) for h in pf]
