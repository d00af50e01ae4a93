"""Read again the sources whose rows were kept unresolved, once a later run can resolve them.

A hunk that shows table rows without their header, ingested before any source that
shows the header, is kept in ``unresolved``. When a later run remembers a table of the
same document with the rows' column count, the sources of those changes are read again
(when their file is still where it was, byte for byte) and extracted with all that is
now known; their events for those documents replace the old ones, and the rows that now
resolve leave ``unresolved``. So reports ingested run by run give the events they give
when ingested in one run.

This module says which stored changes to read again and how their new rows replace the
old; the ingest (``pipeline.read_again``) reads and extracts them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

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
    changes are read again (``benchmarks/bench_daily.py`` measures what that costs).
    """
    if not memory.new_tables:
        return {}
    docs = sorted({e.doc for e in memory.new_tables})
    out: dict[str, set[str]] = defaultdict(set)
    for change_id, doc in sql.changes_showing(store, docs):
        out[change_id].add(doc)
    return dict(out)


def restrict(tables: dict[str, list[dict[str, Any]]], events: dict[str, list[Any]],
             docs: set[str]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[Any]]]:
    """The rows a source read again adds: its events (given column by column) and
    unresolved rows of ``docs`` only."""
    keep = [i for i, d in enumerate(events.get("doc", ())) if d in docs]
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in tables}
    out["unresolved"] = [r for r in tables.get("unresolved", ()) if r["doc"] in docs]
    return out, {name: [values[i] for i in keep] for name, values in events.items()}
