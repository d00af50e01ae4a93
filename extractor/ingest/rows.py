"""Rows stage: one source's events and records as store rows, then several sources' rows as columns.

``source_rows`` builds everything a source adds (events column by column: there are
many; the other tables as row dicts), ``columnar`` turns a batch of them into columns
(plain lists) per store table, which the store writes in bulk. Every row carries its source's
place in the load order.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from extractor.ingest.caches import STRINGS_MAX, RunCache
from extractor.ingest.extract import Extracted, extract
from extractor.ingest.prepare import Prepared
from extractor.kinds.base import EVENT_KEYS
from extractor.layout import LayoutMemory
from extractor.semdiff import Event
from extractor.sources.base import Problem

log = logging.getLogger("extractor")

# Natural keys: a row whose key is already stored is not stored again.
KEYS: dict[str, list[str] | None] = {
    "changes": ["change_id"],
    "doc_changes": ["change_id", "doc"],
    "events": ["event_id"],
    "event_sources": ["event_id", "source_id"],
    "unresolved": ["change_id", "doc", "side", "doc_line"],
    "layouts": None,
    "include_placements": None,
    "headings": None,
    "errors": None,
    "sources": ["source_id"],
    "git_commits": ["repo_path", "scope", "commit_sha"],
}

Table = dict[str, list[Any]]  # column name -> its values, every column as long
Columns = dict[str, Table]  # table name -> its new rows, each with _pos and _src (see columnar)


@dataclass
class SourceRows:
    """Everything one source adds to the store, table by table, ready for a bulk load."""

    path: str
    source_id: str
    tables: dict[str, list[dict[str, Any]]]  # every table but events (and event_sources, derived)
    event_cols: dict[str, list[Any]]  # the events, column by column
    events: int
    unresolved: int
    kinds: dict[str, int]
    replace: list[tuple[str, str]] = field(default_factory=list)  # (change_id, doc) re-stated


@dataclass
class Extraction:
    key: tuple[int, int]
    rows: SourceRows | None
    problems: list[Problem]
    crash: str | None = None


def extract_one(key: tuple[int, int], prep: Prepared, memory: LayoutMemory, cache: RunCache) -> Extraction:
    """One source's rows for the store, or the unexpected failure that stopped them."""
    try:
        return Extraction(key, source_rows(prep, extract(prep, memory, cache), memory, cache), prep.source.problems)
    except Exception as exc:
        log.debug("unexpected failure on %s", prep.file.path, exc_info=True)
        return Extraction(key, None, [], f"unexpected {type(exc).__name__}: {exc}")


def source_rows(prep: Prepared, ex: Extracted, memory: LayoutMemory, cache: RunCache) -> SourceRows:
    meta = prep.source.meta
    sid = prep.file.source_id
    now = datetime.now(UTC).replace(tzinfo=None)
    ev = event_columns(prep, ex.events, cache)
    kinds: dict[str, int] = {}
    for e in ex.events:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    tables: dict[str, list[dict[str, Any]]] = {
        "changes": [{"change_id": prep.change_id, "repo": meta.repo, "base": meta.base,
                     "head": meta.head, "observed_at": meta.observed_at}],
        "doc_changes": [{"change_id": prep.change_id, "doc": s.doc, "old_doc": s.old_doc,
                         "status": s.status, "added": s.added, "deleted": s.deleted,
                         "has_diff": s.has_diff,
                         "source_id": sid, "line": s.heading_line or None}
                        for s in prep.source.sections],
        "unresolved": ex.unresolved,
        "layouts": [LayoutMemory.table_row(e) for e in memory.new_tables_of(sid)],
        "include_placements": [p.row() for p in memory.includes.new_of(sid)],
        "errors": [{"source_id": sid, "path": p.file, "line": p.line, "severity": p.severity,
                    "message": p.message, "logged_at": now} for p in prep.source.problems],
        "sources": [{"source_id": sid, "path": str(prep.file.path), "kind": meta.kind,
                     "observed_at": meta.observed_at, "repo": meta.repo, "base": meta.base,
                     "head": meta.head, "title": meta.title, "language": meta.language,
                     "change_id": prep.change_id, "ingested_at": now,
                     "n_docs": len(prep.source.sections), "n_events": len(ex.events),
                     "n_unresolved": len(ex.unresolved), "n_problems": len(prep.source.problems)}],
    }
    if prep.revisit:  # read again (see extractor.ingest.again): only what it says of those documents
        tables, ev = restrict(tables, ev, prep.revisit)
    return SourceRows(str(prep.file.path), sid, tables, ev, len(ex.events), len(ex.unresolved), kinds,
                      [(prep.change_id, d) for d in sorted(prep.revisit)])


def restrict(tables: dict[str, list[dict[str, Any]]], events: dict[str, list[Any]],
             docs: set[str]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[Any]]]:
    """The rows a source read again adds: its events (given column by column) and
    unresolved rows of ``docs`` only."""
    keep = [i for i, d in enumerate(events.get("doc", ())) if d in docs]
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in tables}
    out["unresolved"] = [r for r in tables.get("unresolved", ()) if r["doc"] in docs]
    return out, {name: [values[i] for i in keep] for name, values in events.items()}


def _json(v: Any, cache: RunCache) -> str | None:
    """``json.dumps(v, ensure_ascii=False)``, quick for the scalars facts hold."""
    if v is None:
        return None
    t = type(v)
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return str(v)
    if t is str:
        known = cache.json_str
        out = known.get(v)
        if out is None:
            out = json.dumps(v, ensure_ascii=False)
            if len(known) < STRINGS_MAX:
                known[v] = out
        return out
    return json.dumps(v, ensure_ascii=False)


def _subject_columns(subject: tuple[tuple[str, str | None], ...],
                     cache: RunCache) -> tuple[str, tuple[str | None, ...]]:
    """A subject's JSON and its key columns (in ``EVENT_KEYS`` order; ``subject`` stored as
    ``model``), computed once per subject."""
    got = cache.subjects.get(subject)
    if got is None:
        subj = dict(subject)
        got = (json.dumps(subj, ensure_ascii=False),
               (subj.get("model", subj.get("subject")), subj.get("version"), subj.get("deployment_type"),
                subj.get("tier"), subj.get("subscription"), subj.get("region")))
        if len(cache.subjects) < STRINGS_MAX:
            cache.subjects[subject] = got
    return got


def event_columns(prep: Prepared, events: list[Event], cache: RunCache) -> dict[str, list[Any]]:
    """The ``events`` rows of one source, column by column (no dict per row: there are many)."""
    if not events:
        return {}  # (most commits of a walk: no column of empty lists to build and join)
    meta = prep.source.meta
    change_id, observed_at, sid = prep.change_id, meta.observed_at, prep.file.source_id
    n = len(events)
    subjects = [_subject_columns(e.subject, cache) for e in events]
    sha1 = hashlib.sha1
    ids = [sha1("\x1f".join([change_id, e.doc, e.kind, sj, e.attribute]).encode()).hexdigest()
           for e, (sj, _key) in zip(events, subjects, strict=True)]
    keys = list(zip(*[key for _sj, key in subjects], strict=True))
    olds = [e.old for e in events]
    news = [e.new for e in events]
    return {"event_id": ids, "change_id": [change_id] * n, "observed_at": [observed_at] * n,
            "doc": [e.doc for e in events], "kind": [e.kind for e in events],
            **{k: list(v) for k, v in zip(EVENT_KEYS, keys, strict=True)},
            "subject_json": [sj for sj, _key in subjects], "attribute": [e.attribute for e in events],
            "change": [e.change for e in events],
            "old_json": [_json(v, cache) for v in olds], "new_json": [_json(v, cache) for v in news],
            "old_num": [v if type(v) is int else None for v in olds],
            "new_num": [v if type(v) is int else None for v in news],
            "old_raw": [e.old_raw for e in events], "new_raw": [e.new_raw for e in events],
            "qualifier": [e.qualifier for e in events], "moved_to": [e.moved_to for e in events],
            "source_id": [sid] * n, "line": [e.line for e in events]}


def columnar(batch: Iterable[tuple[int, SourceRows]]) -> Columns:
    """The rows of several sources as columns, one set per store table.

    Each row carries ``_pos``, its source's place in the load order (of rows sharing a
    natural key the one of the earliest source is kept), and ``_src``, its source id (to
    load source by source when a batch fails). The row dicts are released.
    """
    gathered: dict[str, tuple[list[dict[str, Any]], list[int], list[str]]] = {}
    events: Table = {}
    for pos, sr in batch:
        for table, rows in sr.tables.items():
            if rows:
                got = gathered.setdefault(table, ([], [], []))
                got[0].extend(rows)
                got[1].extend([pos] * len(rows))
                got[2].extend([sr.source_id] * len(rows))
        n = len(sr.event_cols.get("event_id", ()))
        if n:
            for name, values in sr.event_cols.items():
                events.setdefault(name, []).extend(values)
            events.setdefault("_pos", []).extend([pos] * n)
            events.setdefault("_src", []).extend([sr.source_id] * n)
        sr.tables, sr.event_cols = {}, {}
    out: Columns = {}
    for table, (rows, pos_list, src) in gathered.items():
        names = dict.fromkeys(k for r in rows for k in r)
        out[table] = {**{n: [r.get(n) for r in rows] for n in names}, "_pos": pos_list, "_src": src}
    if events:
        out["events"] = events
        out["event_sources"] = {n: events[n] for n in ("event_id", "source_id", "line", "_pos", "_src")}
    return out


def only_source(cols: Columns, source_id: str) -> Columns:
    """The rows of one source."""
    out: Columns = {}
    for table, data in cols.items():
        keep = [i for i, s in enumerate(data["_src"]) if s == source_id]
        if keep:
            out[table] = {n: [values[i] for i in keep] for n, values in data.items()}
    return out
