"""The DuckDB store: opening with clear errors, migrations from ``schemas/``, bulk writes.

Writes go through Arrow tables registered with DuckDB and ``INSERT … SELECT`` with an
anti-join, never row-by-row, so re-loading the same rows is a no-op. A locked file, a
database written by a newer extractor or a file that is not an extractor database each
raise ``StoreError`` with a message meant for a person.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from extractor.paths import sql_dir

SCHEMA_DIR = sql_dir("schemas")
_MIGRATION = re.compile(r"^(\d{3})_.*\.sql$")
APP = "extractor"


class StoreError(RuntimeError):
    """A database that cannot be used, with a message meant for a person."""


def default_db_path() -> Path:
    """``$EXTRACTOR_DB``, else ``$XDG_DATA_HOME/extractor/facts.duckdb``."""
    env = os.environ.get("EXTRACTOR_DB")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "extractor" / "facts.duckdb"


def migrations() -> list[tuple[int, Path]]:
    found = []
    for p in sorted(SCHEMA_DIR.glob("*.sql")):
        m = _MIGRATION.match(p.name)
        if m:
            found.append((int(m.group(1)), p))
    return found


SCHEMA_VERSION = max((v for v, _ in migrations()), default=0)
_REPEATABLE = re.compile(r"^--\s*repeatable\b", re.MULTILINE)


def _is_repeatable(path: Path) -> bool:
    return bool(_REPEATABLE.search(path.read_text(encoding="utf-8")))


_ONLY_IF = re.compile(r"^--\s*only-if:\s*(.+)$", re.MULTILINE)


def _applies(con: duckdb.DuckDBPyConnection, text: str) -> bool:
    """Whether a migration's body is to run: a ``-- only-if: <query>`` line makes it run only
    when the query's first value is true (a repair that a new database does not need)."""
    m = _ONLY_IF.search(text)
    if m is None:
        return True
    rows = con.execute(m.group(1)).fetchall()
    return bool(rows and rows[0][0])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Store:
    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        self._new = self.path == ":memory:" or not Path(self.path).exists()
        if self.path != ":memory:":
            p = Path(self.path)
            if read_only and not p.exists():
                raise StoreError(f"{self.path}: no such database (run 'extract ingest' first)")
            if not read_only:
                p.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreError(f"{self.path}: the database is in use by another process "
                                 "(one writer at a time); try again when it has finished") from exc
            raise StoreError(f"{self.path}: cannot open the database: {msg.splitlines()[0]}") from exc
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not a DuckDB database, or a damaged one: "
                             f"{str(exc).splitlines()[0]}") from exc
        self.read_only = read_only
        self._columns: dict[str, list[tuple[str, str]]] = {}
        self._views: threading.Thread | None = None
        self._views_error: BaseException | None = None
        self._check_and_migrate()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The connection, once the views are in place (see ``_check_and_migrate``)."""
        self.ready()
        return self._con

    def ready(self) -> None:
        """Wait for the views and macros being created in the background, if they are."""
        if self._views is not None:
            self._views.join()
            self._views = None
            if self._views_error is not None:
                err, self._views_error = self._views_error, None
                raise StoreError(f"{self.path}: cannot create the views: {str(err).splitlines()[0]}") from err

    # --- schema ------------------------------------------------------------------------

    def _tables(self) -> set[str]:
        rows = self._con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
        ).fetchall()
        return {r[0] for r in rows}

    def schema_version(self) -> int:
        """The version of the newest migration applied (0: none, or not our database)."""
        try:
            rows = self._con.execute("SELECT max(version) FROM schema_info").fetchall()
        except duckdb.CatalogException:
            return 0
        return int(rows[0][0] or 0) if rows else 0

    def _check_and_migrate(self) -> None:
        # One cheap query in the usual case; listing the tables (slower) only for a database
        # without schema_info: a new one, or someone else's.
        current = self.schema_version()
        tables = set() if current or self._new else self._tables() - {"schema_info", "schema_scripts"}
        if tables:
            raise StoreError(f"{self.path}: not an extractor database (it has tables "
                             f"{', '.join(sorted(tables)[:5])} but no schema_info)")
        if current > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer extractor (schema {current}; this "
                             f"version knows up to {SCHEMA_VERSION}); upgrade extractor to use it")
        stale = self._stale_repeatables(current)
        if current == SCHEMA_VERSION and not stale:
            return
        if self.read_only:  # migrate through a short writable connection, then read on
            self._con.close()
            Store(self.path).close()
            self._con = duckdb.connect(self.path, read_only=True)
            return
        self._con.execute("BEGIN")
        try:
            self._con.execute("CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL, "
                              "app VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
            for version, path in migrations():
                if version <= current:
                    continue
                if _is_repeatable(path):
                    stale.append(path)  # views and macros: created below
                else:
                    text = path.read_text(encoding="utf-8")
                    if _applies(self._con, text):
                        self._con.execute(text)
                self._con.execute("INSERT INTO schema_info VALUES (?, ?, now())", [version, APP])
            self._con.execute("CREATE TABLE IF NOT EXISTS schema_scripts (name VARCHAR PRIMARY KEY, "
                              "sha256 VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
            self._con.execute("COMMIT")
        except Exception:
            self._con.execute("ROLLBACK")
            raise
        # Views and macros take a while to bind and nothing in an ingest needs them: they are
        # created on a second connection in the background, and ``con`` waits for them. Until
        # their checksums are recorded (same transaction) the next open creates them again.
        # Not a daemon: a program that ends without closing the store waits for it to finish.
        self._views = threading.Thread(target=self._create_views, args=(stale,), name="extractor-views")
        self._views.start()

    def _create_views(self, stale: list[Path]) -> None:
        cur = self._con.cursor()
        try:
            cur.execute("BEGIN")
            try:
                self._apply_repeatables(cur, stale)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        except BaseException as exc:
            self._views_error = exc
        finally:
            cur.close()

    def _stale_repeatables(self, current: int) -> list[Path]:
        """Repeatable migrations (marked ``-- repeatable``: views and macros only, every
        statement ``CREATE OR REPLACE``) already applied whose text has changed since: an
        updated view definition reaches existing databases on their next open."""
        recorded: dict[str, str] = {}
        if current:
            with contextlib.suppress(duckdb.CatalogException):  # none before checksums were recorded
                recorded = dict(self._con.execute("SELECT name, sha256 FROM schema_scripts").fetchall())
        return [path for version, path in migrations()
                if version <= current and _is_repeatable(path) and recorded.get(path.name) != _digest(path)]

    def _apply_repeatables(self, con: duckdb.DuckDBPyConnection, stale: list[Path]) -> None:
        """Re-run the stale repeatable migrations, then record every repeatable's checksum."""
        for path in stale:
            con.execute(path.read_text(encoding="utf-8"))
        for _version, path in migrations():
            if _is_repeatable(path):
                con.execute("DELETE FROM schema_scripts WHERE name = ?", [path.name])
                con.execute("INSERT INTO schema_scripts VALUES (?, ?, now())", [path.name, _digest(path)])

    # --- writing -----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._con.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    def columns(self, table: str) -> list[tuple[str, str]]:
        """``(name, type)`` of a table's columns, cached."""
        cached = self._columns.get(table)
        if cached is None:
            cached = [(r[0], r[1]) for r in self._con.execute(f"DESCRIBE {table}").fetchall()]
            self._columns[table] = cached
        return cached

    def insert_rows(self, table: str, rows: list[dict[str, Any]], key: Sequence[str] | None = None) -> int:
        """Bulk-insert dict rows: of rows sharing a ``key`` (all columns when None) the first
        is kept, and rows whose key is already stored are skipped. Returns the count inserted."""
        if not rows:
            return 0
        names = [n for n, _ in self.columns(table) if n in rows[0]]
        cols = list(key) if key else names
        first: dict[tuple[Any, ...], dict[str, Any]] = {}
        for r in rows:
            first.setdefault(tuple([r.get(c) for c in cols]), r)
        kept = list(first.values()) if len(first) < len(rows) else rows
        return self.insert_new(table, pa.table({n: [r.get(n) for r in kept] for n in names}), key, unique=True)

    def insert_new(self, table: str, data: pa.Table | pd.DataFrame | None,
                   key: Sequence[str] | None = None, *, unique: bool = False, order: str | None = None) -> int:
        """Bulk-insert the rows of ``data`` whose ``key`` is not already in ``table``.

        With no key, rows equal in every column to a stored row are skipped. Values are
        cast to the table's column types; columns whose names start with ``_`` are not
        stored. Of rows of ``data`` that share a key one is kept: the first by the column
        ``order`` when given; ``unique`` says that no two do, which saves the work of
        finding them. Returns the number of rows inserted.
        """
        if data is None or len(data) == 0:
            return 0
        names = list(data.column_names) if isinstance(data, pa.Table) else list(data.columns)
        cols = [c for c in names if not c.startswith("_")]
        if order is not None and isinstance(data, pa.Table):
            data, unique = _first_by(data, list(key) if key else cols, order), True
        types = dict(self.columns(table))
        # natural keys are NOT NULL (plain equality joins fastest); whole rows may hold NULLs
        cmp = "=" if key else "IS NOT DISTINCT FROM"
        key = list(key) if key else cols
        name = f"_staging_{table}"
        self._con.register(name, data)
        try:
            col_list = ", ".join(cols)
            arrow = data.schema if isinstance(data, pa.Table) else None
            casts = ", ".join(c if arrow is not None and _SAME_TYPE.get(types[c]) == arrow.field(c).type
                              else f"CAST({c} AS {types[c]}) AS {c}" for c in cols)
            cond = " AND ".join(f"t.{k} {cmp} s.{k}" for k in key)
            part = ", ".join(key)
            if unique:
                staged, only_first = f"(SELECT {casts} FROM {name})", ""
            else:
                staged = (f"(SELECT *, row_number() OVER (PARTITION BY {part}) AS _rn FROM "
                          f"(SELECT {casts} FROM {name}))")
                only_first = "_rn = 1 AND "
            rows = self._con.execute(
                f"INSERT INTO {table} ({col_list}) SELECT {col_list} FROM {staged} s "
                f"WHERE {only_first}NOT EXISTS (SELECT 1 FROM {table} t WHERE {cond})").fetchall()
            return int(rows[0][0]) if rows else 0
        finally:
            self._con.unregister(name)

    def merge_shared_heads(self) -> int:
        """One change shown by compare ranges that share a head is stored once.

        Ranges with the same head describe the same end state (FACTS.md, settled cases):
        of events equal in document, subject, attribute, change, old and new value, the
        one of the earliest change (then the smallest change id) is kept and the others'
        sources are listed with it. Observations and moves are left as they are. Run in
        the load's transaction; the same whatever order the sources came in. Returns the
        number of events merged away.
        """
        self._con.execute("""
            CREATE OR REPLACE TEMP TABLE _merged AS
            WITH c AS (SELECT change_id, coalesce(repo, '') AS repo, head, observed_at FROM changes
                       WHERE head IS NOT NULL),
            shared AS (SELECT DISTINCT a.change_id FROM c a JOIN c b
                       ON a.head = b.head AND a.repo = b.repo AND a.change_id <> b.change_id),
            ev AS (SELECT e.event_id, c.repo, c.head, e.doc, e.kind, e.subject_json, e.attribute, e.change,
                          e.old_json, e.new_json, c.observed_at, e.change_id
                   FROM events e JOIN c USING (change_id)
                   WHERE e.change_id IN (SELECT change_id FROM shared)
                     AND e.change NOT IN ('unchanged', 'moved')),
            ranked AS (SELECT event_id, first_value(event_id) OVER (
                           PARTITION BY repo, head, doc, kind, subject_json, attribute, change, old_json, new_json
                           ORDER BY observed_at, change_id) AS keep
                       FROM ev)
            SELECT event_id, keep FROM ranked WHERE event_id <> keep""")
        n = int(self._con.execute("SELECT count(*) FROM _merged").fetchone()[0])
        if n:
            self._con.execute("""
                INSERT INTO event_sources
                SELECT DISTINCT m.keep, es.source_id, es.line FROM event_sources es JOIN _merged m USING (event_id)
                WHERE NOT EXISTS (SELECT 1 FROM event_sources k
                                  WHERE k.event_id = m.keep AND k.source_id = es.source_id)""")
            self._con.execute("DELETE FROM event_sources WHERE event_id IN (SELECT event_id FROM _merged)")
            self._con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _merged)")
        self._con.execute("DROP TABLE _merged")
        return n

    def known_source_ids(self) -> set[str]:
        return {r[0] for r in self._con.execute("SELECT source_id FROM sources").fetchall()}

    def df(self, sql: str, params: Sequence[object] | dict[str, object] | None = None) -> pd.DataFrame:
        """Run a query (parameters bound by DuckDB) and return a DataFrame."""
        return self.con.sql(sql, params=params).to_arrow_table().to_pandas()

    def rows(self, sql: str, params: Sequence[object] | dict[str, object] | None = None) -> list[tuple]:
        """Run a query on the tables (it does not wait for the views) and return its rows."""
        return self._con.execute(sql, params).fetchall() if params is not None else self._con.execute(sql).fetchall()

    def close(self) -> None:
        try:
            self.ready()
        finally:
            self._con.close()


# Arrow types that need no CAST into a column of the DuckDB type (binding a cast costs
# about 0.1 ms, and a table has up to 23 columns; most are already strings).
_SAME_TYPE: dict[str, pa.DataType] = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "INTEGER": pa.int32(),
                                      "BOOLEAN": pa.bool_(), "DOUBLE": pa.float64(), "DATE": pa.date32(),
                                      "TIMESTAMP": pa.timestamp("us")}


def _first_by(data: pa.Table, key: list[str], order: str) -> pa.Table:
    """The rows of ``data`` in ``order``, keeping of the rows that share ``key`` the one with
    the lowest ``order`` (the first on a tie). Sorting, and the checks that tell whether any
    rows share a key, run in Arrow; only when some do are the keys compared in Python."""
    import pyarrow.compute as pc

    n = len(data)
    pos = data[order]
    if n > 1 and not pc.all(pc.greater_equal(pos.slice(1), pos.slice(0, n - 1))).as_py():
        data = data.take(pc.sort_indices(pos))  # a stable sort (rows of several workers)
    if n < 2 or pc.count_distinct(data[key[0]], mode="all").as_py() == n:
        return data  # no two rows share a key (a first column that is distinct makes the whole key so)
    if len(key) > 1:  # equal keys join equal; unequal ones may too (a \x1f in a value): the exact pass then runs
        parts = [pc.cast(data[k], pa.string()) for k in key]
        joined = pc.binary_join_element_wise(*parts, "\x1f", null_handling="replace", null_replacement="\x00")
        if pc.count_distinct(joined, mode="all").as_py() == n:
            return data
    cols = [data.column(c).to_pylist() for c in key]
    keys = cols[0] if len(cols) == 1 else list(zip(*cols, strict=True))
    seen: set[Any] = set()
    keep: list[int] = []
    for i, k in enumerate(keys):
        if k not in seen:
            seen.add(k)
            keep.append(i)
    return data if len(keep) == n else data.take(keep)
