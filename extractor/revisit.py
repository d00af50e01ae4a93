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
from extractor.store.db import Store


def stale_docs(store: Store, memory: LayoutMemory) -> dict[str, set[str]]:
    """``change_id -> docs`` that a table learnt in this run may let a stored change say
    more about, or say otherwise:

    - its unresolved rows have the column count of a table learnt for their document;
    - it lies in time between the versions of the document known before this run that
      surround a version learnt now (all its changes, when none was known): header-less
      rows are read with the version nearest in time, and sections whose rows name no
      fact are parsed only for documents known to hold fact tables.
    """
    if not memory.new_tables:
        return {}
    learnt = {(e.doc, e.ncols) for e in memory.new_tables}
    docs = sorted({d for d, _ in learnt})
    marks = ", ".join("?" for _ in docs)
    out: dict[str, set[str]] = defaultdict(set)
    for change_id, doc, ncols in store.rows(
            f"SELECT DISTINCT change_id, doc, ncols FROM unresolved WHERE doc IN ({marks})", docs):
        if (doc, int(ncols)) in learnt:
            out[change_id].add(doc)
    rows = store.rows(f"SELECT DISTINCT change_id, doc FROM doc_changes "
                      f"WHERE has_diff AND doc IN ({marks})", docs)
    for change_id, doc in rows:
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


def forget(store: Store, change_id: str, doc: str) -> None:
    """Drop what a change said about a document, before its sources' new rows are loaded."""
    store.con.execute("DELETE FROM event_sources WHERE event_id IN "
                      "(SELECT event_id FROM events WHERE change_id = ? AND doc = ?)", [change_id, doc])
    store.con.execute("DELETE FROM events WHERE change_id = ? AND doc = ?", [change_id, doc])
    store.con.execute("DELETE FROM unresolved WHERE change_id = ? AND doc = ?", [change_id, doc])
