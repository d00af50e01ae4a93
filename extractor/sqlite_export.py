"""``extract export --format sqlite -o facts.db``: the database as one SQLite file that
``datasette facts.db`` (or any SQLite client) opens: the events (as the flat export rows),
the sources, the model level (changes, facts now, subjects, conflicts, coverage) and per
kind its current values and value history, each as a table.

Written with the standard library's ``sqlite3`` in one transaction (``executemany``) into a
temporary file beside the target, then moved over it: a failed export leaves no half file.
Lists and structs are JSON text, dates ISO text, booleans 0 / 1."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from extractor import kinds

MODEL_TABLES = {
    "model_changes": "SELECT * FROM model_changes ORDER BY observed_at, kind, model, attribute",
    "model_facts": "SELECT * FROM model_facts_as_of(NULL) ORDER BY kind, model, attribute",
    "model_subjects": "SELECT * FROM model_subjects ORDER BY model",
    "model_conflicts": "SELECT * FROM model_conflicts",
    "area_coverage": "SELECT * FROM area_coverage ORDER BY area",
    "sources": "SELECT * FROM sources ORDER BY observed_at, path",
}


def tables() -> dict[str, str]:
    """Every table the file holds but the events, by name, with the SQL that fills it."""
    out = dict(MODEL_TABLES)
    for k in kinds.names():
        out[f"{k}_current"] = f"SELECT * FROM {k}_current"
        out[f"{k}_history"] = f"SELECT * FROM {k}_history"
    return out


def _type(duck: str) -> str:
    t = duck.upper()
    if any(t.startswith(x) for x in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                                     "UINTEGER", "UBIGINT", "BOOLEAN")):
        return "INTEGER"
    if any(t.startswith(x) for x in ("DOUBLE", "FLOAT", "REAL", "DECIMAL")):
        return "REAL"
    return "TEXT"


def _value(v: Any) -> Any:
    if v is None or isinstance(v, int | float | str):
        return v
    if isinstance(v, dt.date | dt.datetime | dt.time):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, list | tuple | dict):
        from extractor.render import plain

        return json.dumps(plain(v), ensure_ascii=False)
    return str(v)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _write(con: sqlite3.Connection, name: str, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> int:
    cols = ", ".join(f"{_quote(c)} {t}" for c, t in columns)
    con.execute(f"CREATE TABLE {_quote(name)} ({cols})")
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"INSERT INTO {_quote(name)} VALUES ({marks})", ([_value(v) for v in r] for r in rows))
    return len(rows)


def write_sqlite(store: Any, path: str | Path) -> dict[str, int]:
    """Write the SQLite file at ``path``; returns the rows written per table."""
    from extractor import export

    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    con = sqlite3.connect(tmp)
    try:
        with con:
            flat = export.flat_frame(store)
            types = {"source_line": "INTEGER"}
            cols = [(str(c), types.get(str(c), "TEXT")) for c in flat.columns]
            counts["events"] = _write(con, "events", cols, list(flat.itertuples(index=False, name=None)))
            for name, sql in tables().items():
                described = store.read(f"DESCRIBE {sql}").rows()
                counts[name] = _write(con, name, [(r[0], _type(r[1])) for r in described], store.read(sql).rows())
            con.execute("CREATE INDEX events_model ON events (model, kind, observed_at)")
            con.execute("CREATE INDEX model_changes_model ON model_changes (model, observed_at)")
        con.close()
        os.replace(tmp, path)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    return counts
