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
from typing import TYPE_CHECKING

from extractor.layout import LayoutMemory
from extractor.store.db import Store

if TYPE_CHECKING:
    from extractor.pipeline import Prepared

log = logging.getLogger("extractor")


def stale_docs(store: Store, memory: LayoutMemory) -> dict[str, set[str]]:
    """``change_id -> docs`` whose unresolved rows a table learnt in this run may resolve."""
    learnt = {(e.doc, e.ncols) for e in memory.new_tables}
    if not learnt:
        return {}
    docs = sorted({d for d, _ in learnt})
    marks = ", ".join("?" for _ in docs)
    rows = store.rows(f"SELECT DISTINCT change_id, doc, ncols FROM unresolved WHERE doc IN ({marks})", docs)
    out: dict[str, set[str]] = defaultdict(set)
    for change_id, doc, ncols in rows:
        if (doc, int(ncols)) in learnt:
            out[change_id].add(doc)
    return dict(out)


def revisit(store: Store, memory: LayoutMemory, skip: set[str]) -> list[Prepared]:
    """The stored sources to extract again in this run, each marked with the documents
    whose events it replaces (``Prepared.revisit``). Sources in ``skip`` (this run's own)
    and files that are gone or changed are left alone."""
    from extractor.pipeline import InputFile, _decode, change_id_of, prepare, prepare_deferred, read_source, sha256

    stale = stale_docs(store, memory)
    if not stale:
        return []
    ids = sorted(stale)
    marks = ", ".join("?" for _ in ids)
    rows = store.rows(f"SELECT source_id, path, change_id, CAST(observed_at AS VARCHAR) FROM sources "
                      f"WHERE change_id IN ({marks}) ORDER BY path", ids)
    out: list[Prepared] = []
    for sid, path_text, change_id, observed_at in rows:
        if sid in skip:
            continue
        path = Path(path_text)
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if sha256(data) != sid:
            continue
        try:
            parsed = read_source(path, _decode(data, path), date=observed_at)
        except Exception:  # it was read once; whatever fails now leaves the rows as they are
            log.debug("cannot read %s again", path, exc_info=True)
            continue
        sources = parsed if isinstance(parsed, list) else [parsed] if parsed is not None else []
        for source in sources:
            if change_id_of(source, sid) != change_id:
                continue
            prep = prepare(InputFile(path, data, sid, False), source, memory)
            prepare_deferred(prep, memory)
            prep.revisit = set(stale[change_id])
            out.append(prep)
    return out


def forget(store: Store, change_id: str, doc: str) -> None:
    """Drop what a change said about a document, before its sources' new rows are loaded."""
    store.con.execute("DELETE FROM event_sources WHERE event_id IN "
                      "(SELECT event_id FROM events WHERE change_id = ? AND doc = ?)", [change_id, doc])
    store.con.execute("DELETE FROM events WHERE change_id = ? AND doc = ?", [change_id, doc])
    store.con.execute("DELETE FROM unresolved WHERE change_id = ? AND doc = ?", [change_id, doc])
