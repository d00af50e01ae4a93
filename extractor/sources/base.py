"""What every source yields: its metadata and the documents it changes.

Sources (report, patch, git) differ only in how they find these; everything after them
(diff model, blocks, recognisers, semantic diff, store) is shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.diff.model import FileDiff
from extractor.sources.problems import Problem, SourceError

__all__ = ["DocSection", "Problem", "Source", "SourceError", "SourceMeta"]


_KIND = re.compile(r"(report|patch|git)")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(slots=True)
class SourceMeta:
    """One input's identity and date. ``base``/``head`` name the compare range.

    A plain dataclass checked on creation (kind, and the date as YYYY-MM-DD): a pydantic
    model here cost every ingest process about 0.1 s of imports (``-X importtime``)."""

    kind: str
    path: str
    observed_at: str
    repo: str | None = None
    base: str | None = None
    head: str | None = None
    title: str | None = None
    language: str | None = None
    summary: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not _KIND.fullmatch(self.kind):
            raise ValueError(f"source kind must be report, patch or git, got {self.kind!r}")
        if not isinstance(self.observed_at, str) or not _DAY.fullmatch(self.observed_at):
            raise ValueError(f"observed_at must be YYYY-MM-DD, got {self.observed_at!r}")


@dataclass
class DocSection:
    """One document a source changes, before its diff is parsed.

    ``diff_text`` is the raw diff block (``\\n`` line ends, ``\\r`` stripped) whose first
    line is line ``first_line`` of the input file; None when the source shows no diff
    (images, omitted huge diffs, ``0 | 0 | 0`` rows).
    """

    doc: str
    status: str = "modified"  # modified | added | removed | renamed
    diff_text: str | None = None
    first_line: int = 0
    heading_line: int = 0  # line of the section heading in the input
    added: int | None = None  # A / D counts the source claims (report summary table)
    deleted: int | None = None
    old_doc: str | None = None
    parsed: FileDiff | None = None  # set by sources that already parsed the diff (patch, git)
    dropped: bool = False  # diff_text was let go once read (or found of no use): the source had one

    @property
    def has_diff(self) -> bool:
        return bool(self.diff_text) or self.parsed is not None or self.dropped

    def drop_text(self) -> None:
        """Let go of ``diff_text`` (it can be large) once nothing needs it."""
        if self.diff_text:
            self.dropped = True
        self.diff_text = None


@dataclass
class Source:
    meta: SourceMeta
    sections: list[DocSection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
