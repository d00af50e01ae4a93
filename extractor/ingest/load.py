"""Load stage: a batch of sources' columns into the store in one transaction, source by source if that fails.

The statements are the store's (``extractor.store.ingest.load``); this stage decides what
goes together (``ChunkedLoad``: the sources of a file ingest, a chunk at a time), falls
back so that a source that cannot be stored does not lose the others, and counts what was
loaded in the run's result.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from extractor.ingest.context import Run
from extractor.ingest.rows import KEYS, Columns, SourceRows, columnar, only_source
from extractor.interrupts import reraise_interrupt
from extractor.layout import LayoutMemory
from extractor.store import ingest as sql
from extractor.store.db import store_failure

log = logging.getLogger("extractor")


def heading_rows(memory: LayoutMemory) -> list[dict[str, Any]]:
    """The headings learnt since the memory was loaded, as rows of ``headings``."""
    return [{"doc": h.doc, "line_no": h.line_no, "level": h.level, "text": h.text,
             "source_id": h.source_id, "side": h.side} for h in memory.new_headings]


def load_batch(run: Run, batch: list[SourceRows], cols: Columns, headings: list[dict[str, Any]]) -> list[SourceRows]:
    """Load whole sources (``batch``, in load order; their rows are ``cols``) and ``headings``
    in one transaction, falling back to one source at a time; returns the sources loaded."""
    if not batch and not headings:
        return []
    result = run.result
    try:
        result.events_new += sql.load(run.store, [r for sr in batch for r in sr.replace], cols, KEYS, headings)
        done = batch
    except Exception as exc:
        reraise_interrupt(exc)  # Ctrl-C: the transaction was rolled back; nothing more is loaded
        _stop_if_the_store_failed(run, exc)
        log.debug("batch load failed; loading source by source", exc_info=True)
        done = []
        for i, sr in enumerate(batch):
            try:
                result.events_new += sql.load(run.store, sr.replace, only_source(cols, sr.source_id), KEYS,
                                              headings if i == 0 else [])
                done.append(sr)
            except Exception as exc:
                reraise_interrupt(exc)
                _stop_if_the_store_failed(run, exc)
                run.fail(sr.path, sr.source_id, exc)
    for sr in done:
        if sr.replace:
            continue  # a source read again, not loaded by this run
        result.loaded += 1
        result.unresolved += sr.unresolved
        for k, v in sr.kinds.items():
            result.events[k] = result.events.get(k, 0) + v
    return done


def _stop_if_the_store_failed(run: Run, exc: Exception) -> None:
    """A database that cannot be written (a full disk) fails every source alike: the run
    stops with that cause (``StoreError``) rather than record it against each file."""
    failed = store_failure(run.store.path, exc)
    if failed is not None:
        raise failed from exc


class ChunkedLoad:
    """Whole sources, given in load order, loaded a chunk at a time: once the sources added
    hold ``limit`` events (None: no limit, one chunk) they are loaded in one transaction
    (``load_batch``), each chunk with the headings its sources showed, the last with the
    rest; then their rows are let go. ``loaded``: the source ids loaded; ``seconds``: the
    time spent loading."""

    def __init__(self, run: Run, headings: list[dict[str, Any]], limit: int | None) -> None:
        self.run = run
        self.limit = limit
        self.headings: dict[str, list[dict[str, Any]]] = {}
        for row in headings:
            self.headings.setdefault(row["source_id"], []).append(row)
        self.pending: list[tuple[int, SourceRows]] = []
        self.held = 0
        self.loaded: set[str] = set()
        self.flushed = False
        self.seconds = 0.0

    def add(self, pos: int, rows: SourceRows) -> None:
        self.pending.append((pos, rows))
        self.held += rows.events
        if self.limit is not None and self.held >= self.limit:
            self._flush(last=False)

    def finish(self) -> None:
        if self.pending or (self.flushed and self.headings):
            self._flush(last=True)

    def _flush(self, *, last: bool) -> None:
        t = time.perf_counter()
        batch = [sr for _pos, sr in self.pending]
        if last:
            heads = [h for rows in self.headings.values() for h in rows]
            self.headings = {}
        else:
            heads = [h for sr in batch for h in self.headings.pop(sr.source_id, [])]
        self.loaded.update(sr.source_id for sr in load_batch(self.run, batch, columnar(self.pending), heads))
        self.pending, self.held, self.flushed = [], 0, True
        self.seconds += time.perf_counter() - t
