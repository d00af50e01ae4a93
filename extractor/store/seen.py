"""What can be told of a database without opening it: the input files it holds, its stats.

When the library's writable connection (``extractor.api.Extractor``) closes, it writes
beside the database, to ``<database>.seen.json``, the files it holds as ingested and
trusted (the ``input_files`` rows the ingest trusts, ``store.ingest.trusted_files``, of
stored sources), the tables ``extract stats`` prints, and the database file's own
status. While the database file is unchanged (same status, no write-ahead log):

* an ingest whose every input is listed with the same size, modification time and inode
  (or, found in a folder, is no diff at all by its first 8 KB) is the run that would skip
  every file: it reports so without loading DuckDB (``extractor.api.ingested_already``);
* ``extract stats`` prints the tables (``extractor.api.stats_already``).

Anything else (a file not listed or changed, a database written since, an unreadable or
missing list) takes the ordinary path. Only a cache: deleting it costs one ordinary run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.common import debug
from extractor.sources.found import STAT_SLACK_NS, Stat, file_stat

if TYPE_CHECKING:
    from extractor.store.db import Store

VERSION = 1


def seen_path(db: str | Path) -> Path:
    return Path(f"{db}.seen.json")


def _db_state(db: str | Path) -> Stat | None:
    """The database file's status, or None when it is missing or has a write-ahead log."""
    if Path(f"{db}.wal").exists():
        return None
    return file_stat(Path(db))


Tables = dict[str, tuple[list[str], list[tuple[Any, ...]]]]  # name -> column names, rows


def gather(store: Store) -> tuple[list[tuple[str, int, int, int]], Tables | None] | None:
    """What to write beside a writable ``store`` before it closes: its trusted input files
    (path, size, mtime_ns, inode) and its ``stats`` tables (None where they cannot be
    counted); None for a read-only or in-memory store, or when the files cannot be listed."""
    if store.read_only or store.path == ":memory:":
        return None
    import duckdb

    from extractor.store.ingest import trusted_files
    from extractor.store.stats import stats_result

    try:
        known = store.known_source_ids()
        files = [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in trusted_files(store, STAT_SLACK_NS)
                 if r[4] in known]
    except duckdb.Error:
        debug("cannot list the files held", exc_info=True)
        return None
    try:
        tables: Tables | None = stats_result(store)
    except duckdb.Error:
        debug("cannot count the stats", exc_info=True)
        tables = None
    return files, tables


def write(db: str | Path, files: Iterable[tuple[str, int, int, int]], stats: Tables | None = None) -> None:
    """After the store at ``db`` closed: record ``files`` (see ``gather``) and
    the ``stats`` tables (dates kept as dates; left out when a value is of another type)."""
    out = seen_path(db)
    try:
        state = _db_state(db)
        if state is None:
            out.unlink(missing_ok=True)
            return
        data: dict[str, Any] = {"version": VERSION, "db": list(state),
                                "files": {p: [s, m, i] for p, s, m, i in files}}
        if stats is not None and (encoded := _encode(stats)) is not None:
            data["stats"] = encoded
        tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, out)
    except OSError:
        debug("cannot write %s", out, exc_info=True)


def _load(db: str | Path) -> dict[str, Any] | None:
    """The list beside ``db``, or None when it is missing, unreadable or older than the database file."""
    try:
        data = json.loads(seen_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    state = _db_state(db)
    if state is None or data.get("db") != list(state):
        return None
    return data


def listed(db: str | Path) -> dict[str, Stat] | None:
    """The files the database at ``db`` holds (path key -> status), or None (see ``_load``)."""
    data = _load(db)
    if data is None:
        return None
    return {k: tuple(v) for k, v in (data.get("files") or {}).items()}


def stats(db: str | Path) -> Tables | None:
    """The ``stats`` tables of the database at ``db`` as its writer left it, or None."""
    data = _load(db)
    if data is None or not isinstance(data.get("stats"), dict):
        return None
    from extractor.store.stats import STATS

    if list(data["stats"]) != list(STATS):  # left by a version whose stats were other tables
        return None
    out: Tables = {}
    for name, t in data["stats"].items():
        dates = set(t["dates"])
        rows = [tuple(date.fromisoformat(v) if i in dates and v is not None else v for i, v in enumerate(r))
                for r in t["rows"]]
        out[name] = (list(t["columns"]), rows)
    return out


def _encode(tables: Tables) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for name, (cols, rows) in tables.items():
        dates: set[int] = set()
        for r in rows:
            for i, v in enumerate(r):
                if type(v) is date:
                    dates.add(i)
                elif v is not None and type(v) not in (int, str):
                    return None
        out[name] = {"columns": cols, "dates": sorted(dates),
                     "rows": [[v.isoformat() if i in dates and v is not None else v for i, v in enumerate(r)]
                              for r in rows]}
    return out
