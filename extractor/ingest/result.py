"""What an ingest run did: files looked at, loaded, skipped and failed, events, seconds per phase.

Light (no DuckDB): a run that finds every input already ingested reports through it
without opening the database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class IngestResult:
    files: int = 0
    loaded: int = 0
    skipped_known: int = 0
    skipped_other: list[str] = field(default_factory=list)
    failed: list[tuple[str, int | None, str]] = field(default_factory=list)
    warnings: list[tuple[str, int | None, str]] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)
    events_new: int = 0
    unresolved: int = 0
    commits: int = 0  # git commits walked (loaded or already known)
    read_again: int = 0  # stored sources read again because this run taught their documents' layout
    spilled: int = 0  # prepared sources that waited in a temporary file (past the memory budget)
    # wall seconds per phase of the run: walk, read, prepare, deferred, extract, load
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def lap(self, phase: str, since: float) -> float:
        """Add the time since ``since`` (``time.perf_counter()``) to ``phase``; returns now."""
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - since
        return now


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during an ingest. ``result`` counts what was stored before it: whole sources,
    as each load of a chunk of sources is one transaction (the one interrupted is rolled back)."""

    def __init__(self, result: IngestResult) -> None:
        super().__init__()
        self.result = result
