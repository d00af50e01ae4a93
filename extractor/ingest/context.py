"""One ingest run's state: the store, what the run has learnt, its result and where its messages go.

Every stage takes the ``Run`` and calls down from it: the store's methods for SQL, the
layout memory and change matcher (loaded from the store when first needed), the caches of
this run, and ``fail`` / ``fail_msg`` / ``warn`` / ``report_problems``, which count a
message in the result, record failures in the store and show it through ``say``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from extractor.ingest.caches import RunCache
from extractor.ingest.result import IngestResult
from extractor.interrupts import reraise_interrupt
from extractor.sources.problems import Problem
from extractor.store import ingest as sql
from extractor.store.db import Store

if TYPE_CHECKING:  # loaded with the first new input: a run of known files needs neither
    from extractor.layout import LayoutMemory
    from extractor.sources.identity import ChangeMatcher

log = logging.getLogger("extractor")

# Input limits (``extract ingest --max-file-size / --max-line-length``): the largest report of
# the corpus is 1.1 MB and its longest line 17 kB; a file or a line past these is refused
# (a recorded failure) rather than read without end (``/dev/zero``) or parsed for minutes.
MAX_FILE_SIZE = 8_000_000
MAX_LINE_LENGTH = 1_000_000

Say = Callable[[str, int | None, str, str], None]  # path, line, severity, message
Tick = Callable[[int, str], Any]  # progress: how many more, and of which phase


def _silent(*_args: Any) -> None:
    return None


class Run:
    """The state of one ingest into ``store``; see the module docstring."""

    def __init__(self, store: Store, *, say: Say | None = None, tick: Tick | None = None,
                 date: str | None = None, repo: str | None = None, max_file_size: int | None = None,
                 max_line_length: int | None = None) -> None:
        self.store = store
        self.max_file_size = MAX_FILE_SIZE if max_file_size is None else max_file_size  # bytes of an input file
        self.max_line_length = MAX_LINE_LENGTH if max_line_length is None else max_line_length  # bytes of a line
        self.result = IngestResult()
        self.say: Say = say or _silent
        self.tick: Tick = tick or _silent
        self.date = date  # the date of sources that tell none
        self.repo = repo  # OWNER/NAME of patches that name none
        self.known: set[str] = store.known_source_ids()  # source ids stored or read in this run
        self.cache = RunCache()
        self._memory: LayoutMemory | None = None
        self._matcher: ChangeMatcher | None = None

    @property
    def memory(self) -> LayoutMemory:
        """The layouts (tables and headings) of every document, as stored and as learnt in this run."""
        if self._memory is None:
            self._memory = load_memory(self.store)
        return self._memory

    @property
    def has_memory(self) -> bool:
        return self._memory is not None

    @property
    def matcher(self) -> ChangeMatcher:
        """Known changes and first parents, to give a change seen again its stored identity."""
        if self._matcher is None:
            self._matcher = load_matcher(self.store)
        return self._matcher

    def fail(self, path: str, source_id: str | None, exc: Exception) -> None:
        """An input that failed unexpectedly (the traceback goes to the debug log); Ctrl-C is
        no failure of the input (``KeyboardInterrupt``)."""
        reraise_interrupt(exc)
        log.debug("unexpected failure on %s", path, exc_info=True)
        self.fail_msg(path, source_id, f"unexpected {type(exc).__name__}: {exc}")

    def fail_msg(self, path: str, source_id: str | None, msg: str, line: int | None = None) -> None:
        """A failed input: counted, recorded in ``errors`` and shown, with its line when known."""
        self.result.failed.append((path, line, msg))
        sql.record_error(self.store, path, source_id, line, msg)
        self.say(path, line, "error", msg)

    def warn(self, path: str, msg: str) -> None:
        """A warning of the run (not recorded in the store)."""
        self.result.warnings.append((path, None, msg))
        self.say(path, None, "warning", msg)

    def report_problems(self, problems: list[Problem]) -> None:
        """Count and show a loaded source's problems (errors fail the run, warnings do not)."""
        for p in problems:
            (self.result.failed if p.severity == "error" else self.result.warnings).append((p.file, p.line, p.message))
            self.say(p.file, p.line, p.severity, p.message)


def load_memory(store: Store) -> LayoutMemory:
    from extractor.layout import HeadingEntry, LayoutMemory

    memory = LayoutMemory()
    cols = ("doc", "header_json", "ncols", "line_no", "headings_json", "lead", "source_id", "observed_at", "side")
    for values in sql.layout_rows(store):
        memory.add_table(LayoutMemory.from_table_row(dict(zip(cols, values, strict=True))), new=False)
    for doc, line_no, level, text, sid, side, seen in sql.heading_rows(store):
        memory.add_heading(HeadingEntry(doc, int(line_no), int(level), text, sid, side, seen), new=False)
    return memory


def load_matcher(store: Store) -> ChangeMatcher:
    from extractor.sources.identity import ChangeMatcher

    return ChangeMatcher.from_rows(sql.change_rows(store), sql.parent_rows(store))
