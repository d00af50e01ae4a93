"""Stored sources to read again, once this run has learnt the layout of their documents: a producer.

A hunk that shows table rows without their header, ingested before any source that
shows the header, is kept in ``unresolved``. When a later run remembers a table of the
same document, every stored change showing a diff of that document is read again (when
its file is still where it was, byte for byte) and extracted with all that is now
known; its events for those documents replace the old ones, and the rows that now
resolve leave ``unresolved``. So reports ingested run by run give the events they give
when ingested in one run.

``stored_again`` yields those sources prepared, each marked with the documents whose
rows it replaces (``Prepared.revisit``) and keeping its stored change id; the run
extracts and loads them with its own (``rows.restrict`` keeps only those documents).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from extractor.ingest.inputs import source_again
from extractor.ingest.prepare import InputFile, Prepared, prepare, prepare_deferred
from extractor.layout import LayoutMemory
from extractor.store import ingest as sql
from extractor.store.db import Store


def stale_docs(store: Store, memory: LayoutMemory) -> dict[str, set[str]]:
    """``change_id -> docs``: every stored change that shows a diff of a document whose
    layout this run has learnt more of (a table header, its headings, another version).

    Header-less rows are read with the version of a table nearest in time, off-hunk
    headings with the version of the document nearest in time, and sections whose rows
    name no fact are parsed only for documents known to hold fact tables: any of these
    may now read otherwise, whenever the stored change lies, so all of the document's
    changes are read again; so are those of an include file whose placement was seen
    (``benchmarks/bench_daily.py`` measures what that costs).
    """
    docs = sorted({e.doc for e in memory.new_tables} | {p.include for p in memory.includes.new})
    if not docs:
        return {}
    out: dict[str, set[str]] = defaultdict(set)
    for change_id, doc in sql.changes_showing(store, docs):
        out[change_id].add(doc)
    return dict(out)


def stored_again(store: Store, memory: LayoutMemory, skip: set[str]) -> Iterator[Prepared]:
    """The stored sources to extract again in this run (see the module docstring). Sources
    in ``skip`` (this run's own), changes a git walk has read whole (complete: never read
    again) and files that are gone or changed are left alone."""
    stale = stale_docs(store, memory)
    if not stale:
        return
    walked: set[str] | None = None
    for sid, path_text, change_id, observed_at in sql.sources_of(store, sorted(stale)):
        if sid in skip:
            continue
        source = source_again(Path(path_text), sid, date=observed_at)
        if source is None:  # a file gone or changed since leaves its rows as they are
            continue
        prep = prepare(InputFile(Path(path_text), sid, False), source, memory)
        prepare_deferred(prep, memory)
        source.problems.clear()  # recorded when the source was first loaded
        prep.change_id = change_id
        prep.revisit = set(stale[change_id])
        if walked is None:
            walked = sql.walked_changes(store)
        if change_id not in walked:  # (prepared all the same: what it teaches the memory stays)
            yield prep
