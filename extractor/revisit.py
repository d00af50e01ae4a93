"""Read again the sources whose rows were kept unresolved, once a later run can resolve them.

A hunk that shows table rows without their header, ingested before any source that
shows the header, is kept in ``unresolved``. When a later run remembers a table of the
same document with the rows' column count, the sources of those changes are read again
(when their file is still where it was, byte for byte) and extracted with all that is
now known; their events for those documents replace the old ones, and the rows that now
resolve leave ``unresolved``. So reports ingested run by run give the events they give
when ingested in one run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.layout import LayoutMemory
from extractor.store.db import Store

if TYPE_CHECKING:
    from extractor.pipeline import Prepared

log = logging.getLogger("extractor")


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


def revisit(store: Store, memory: LayoutMemory, skip: set[str]) -> list[Prepared]:
    """The stored sources to extract again in this run, each marked with the documents
    whose events it replaces (``Prepared.revisit``) and keeping its stored change id.
    Sources in ``skip`` (this run's own) and files that are gone or changed are left alone."""
    from extractor import pipeline

    stale = stale_docs(store, memory)
    if not stale:
        return []
    ids = sorted(stale)
    marks = ", ".join("?" for _ in ids)
    rows = store.rows(f"SELECT source_id, path, change_id, CAST(observed_at AS VARCHAR) FROM sources "
                      f"WHERE kind <> 'git' AND change_id IN ({marks}) ORDER BY path, source_id", ids)
    out: list[Prepared] = []
    for sid, path_text, change_id, observed_at in rows:
        if sid in skip:
            continue
        path = Path(path_text)
        try:
            data = path.read_bytes()
            parsed = pipeline.read_source(path, pipeline._decode(data, path), date=observed_at)
        except Exception:  # it was read once; whatever fails now leaves its rows as they are
            log.debug("cannot read %s again", path, exc_info=True)
            continue
        sources = parsed if isinstance(parsed, list) else [parsed] if parsed is not None else []
        file_id = pipeline.sha256(data)
        source_ids = getattr(pipeline, "source_ids", lambda d, f, s: [f] * len(s))
        for source, one_sid in zip(sources, source_ids(data, file_id, sources), strict=True):
            if one_sid != sid:
                continue  # another commit of the file, or the file changed since
            prep = pipeline.prepare(pipeline.InputFile(path, data, sid, False), source, memory)
            pipeline.prepare_deferred(prep, memory)
            source.problems.clear()  # recorded when the source was first loaded
            prep.change_id = change_id
            prep.revisit = set(stale[change_id])
            out.append(prep)
    return out


def forget(store: Store, change_id: str, doc: str) -> None:
    """Drop what a change said about a document, before its sources' new rows are loaded."""
    store.con.execute("DELETE FROM event_sources WHERE event_id IN "
                      "(SELECT event_id FROM events WHERE change_id = ? AND doc = ?)", [change_id, doc])
    store.con.execute("DELETE FROM events WHERE change_id = ? AND doc = ?", [change_id, doc])
    store.con.execute("DELETE FROM unresolved WHERE change_id = ? AND doc = ?", [change_id, doc])
