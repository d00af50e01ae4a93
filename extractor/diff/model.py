"""The diff model every source feeds: one ``FileDiff`` per document, made of ``Hunk``s.

A hunk gives a *before* view (context + removed lines) and an *after* view (context +
added lines). Each line keeps a source line number (for provenance) and its line number
in the old / new document (for locating tables). Hunks are read by ``extractor.diff.hunks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unidiff.constants import LINE_TYPE_ADDED as ADDED
from unidiff.constants import LINE_TYPE_CONTEXT as CONTEXT
from unidiff.constants import LINE_TYPE_REMOVED as REMOVED

__all__ = ["ADDED", "CONTEXT", "REMOVED", "DiffLine", "FileDiff", "Hunk"]


@dataclass(slots=True)
class DiffLine:
    kind: str  # " ", "+" or "-"
    text: str
    src_line: int  # line in the input file (report / patch), or in the document (git walk)
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
