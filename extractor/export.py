"""Exports: every event as the JSONL of the fact contract, or as CSV / Parquet.

Rows are sorted by ``observed_at``, ``doc``, ``kind`` (then subject, attribute, change, and
for events of one fact on one day, such as two commits of a walk, the changes' order in time,
then the event id) so the same database always exports the same bytes. An event seen through several
sources names the one with the smallest file name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd

from extractor.kinds import SUBJECT_KEYS
from extractor.store.db import Store

EVENTS_SQL = """
WITH prov AS (
    SELECT es.event_id,
           arg_min(s.path, s.path || lpad(CAST(coalesce(es.line, 0) AS VARCHAR), 9, '0')) AS file,
           arg_min(es.line, s.path || lpad(CAST(coalesce(es.line, 0) AS VARCHAR), 9, '0')) AS line,
           arg_min(s.repo, s.path) AS repo, arg_min(s.base, s.path) AS base,
           arg_min(s.head, s.path) AS head
    FROM event_sources es JOIN sources s USING (source_id)
    GROUP BY es.event_id
)
SELECT e.kind, CAST(e.observed_at AS VARCHAR) AS observed_at, e.doc, e.subject_json,
       e.attribute, e.change, e.old_json, e.new_json, e.old_raw, e.new_raw, e.qualifier,
       p.file, p.line, p.repo, p.base, p.head
FROM events e JOIN prov p USING (event_id)
LEFT JOIN change_sequence cs USING (change_id)
{where}
ORDER BY e.observed_at, e.doc, e.kind, e.subject_json, e.attribute, e.change, cs.seq, e.event_id
"""


def events_frame(store: Store, *, include_unchanged: bool = True) -> pd.DataFrame:
    # facts moved to another document (``semdiff.MOVED``) are no events: never exported
    where = "WHERE e.change <> 'moved'" if include_unchanged else "WHERE e.change NOT IN ('unchanged', 'moved')"
    return store.read(EVENTS_SQL.format(where=where)).frame()


def records(df: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows of ``events_frame`` as contract records (subject keys complete, typed values)."""
    for r in df.itertuples(index=False):
        subj = json.loads(r.subject_json)
        keys = SUBJECT_KEYS.get(r.kind, tuple(subj))
        yield {
            "kind": r.kind,
            "observed_at": r.observed_at,
            "doc": r.doc,
            "subject": {k: subj.get(k) for k in keys},
            "attribute": r.attribute,
            "change": r.change,
            "old": _load(r.old_json),
            "new": _load(r.new_json),
            "old_raw": _none(r.old_raw),
            "new_raw": _none(r.new_raw),
            "qualifier": _none(r.qualifier),
            "source": {"file": Path(r.file).name if r.file else None,
                       "line": None if pd.isna(r.line) else int(r.line),
                       "repo": _none(r.repo), "base": _none(r.base), "head": _none(r.head)},
        }


def _load(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else json.loads(v)


def _none(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


def write_jsonl(store: Store, out: IO[str]) -> int:
    n = 0
    for rec in records(events_frame(store)):
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def value_text(v: Any) -> str | None:
    """A typed value as a flat export writes it: as it is (``3000000``, ``2025-04-02``, ``true``,
    text without quotes), a list or object as JSON."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def write_parquet(df: pd.DataFrame, out: IO[bytes]) -> None:
    """The flat rows as Parquet, ``observed_at`` a date (the rest as in CSV)."""
    df = df.copy()
    df["observed_at"] = pd.to_datetime(df["observed_at"]).dt.date
    df.to_parquet(out, index=False)


def flat_frame(store: Store) -> pd.DataFrame:
    """One flat row per event (subject keys as columns) for CSV, Parquet and SQLite: ``old`` and
    ``new`` as ``value_text`` writes them."""
    recs = list(records(events_frame(store)))
    cols = ["kind", "observed_at", "doc", "model", "subject", "version", "deployment_type", "tier",
            "subscription", "region", "attribute", "change", "old", "new", "old_raw", "new_raw",
            "qualifier", "source_file", "source_line", "repo", "base", "head"]
    rows = []
    for rec in recs:
        row = {k: rec[k] for k in ("kind", "observed_at", "doc", "attribute", "change",
                                   "old_raw", "new_raw", "qualifier")}
        row.update(rec["subject"])
        row["old"] = value_text(rec["old"])
        row["new"] = value_text(rec["new"])
        row["source_file"] = rec["source"]["file"]
        row["source_line"] = rec["source"]["line"]
        row.update({k: rec["source"][k] for k in ("repo", "base", "head")})
        rows.append(row)
    df = pd.DataFrame(rows, columns=cols)
    df["source_line"] = df["source_line"].astype("Int64")
    return df
