"""What one ingest run remembers to avoid doing the same work twice: bounded, and gone with the run.

A ``RunCache`` belongs to one run. Nothing here changes a result: a run without these
caches stores the same rows, only slower.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROW_FACTS_MAX = 20_000  # rows; a bound on memory (a row and its facts: a few KB at most)
STRINGS_MAX = 100_000  # JSON texts of strings, and subjects' columns


@dataclass
class RunCache:
    # facts of table rows and list items already read: (context number, cells) -> facts
    row_facts: dict[tuple[Any, ...], list[tuple[Any, ...]]] = field(default_factory=dict)
    # a number per block context (recogniser, block type, doc, header, headings, leads)
    row_contexts: dict[tuple[Any, ...], int] = field(default_factory=dict)
    # ``json.dumps`` of string values
    json_str: dict[str, str] = field(default_factory=dict)
    # a subject's JSON and its key columns
    subjects: dict[tuple[tuple[str, str | None], ...], tuple[str, tuple[str | None, ...]]] = \
        field(default_factory=dict)

    def context_id(self, ctx: tuple[Any, ...]) -> int:
        """A number for a block context, so that a row's key hashes only its cells."""
        if len(self.row_facts) >= ROW_FACTS_MAX:
            self.row_facts.clear()
            self.row_contexts.clear()
        cid = self.row_contexts.get(ctx)
        if cid is None:
            cid = self.row_contexts[ctx] = len(self.row_contexts)
        return cid
