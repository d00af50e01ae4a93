"""The DuckDB store: opening with clear errors, migrations from ``schemas/``, bulk writes,
and the sandbox that read-only connections run in.

Writes go through columns registered with DuckDB and ``INSERT … SELECT`` with an
anti-join, never row-by-row, so re-loading the same rows is a no-op. A locked file, a
database written by a newer extractor or a file that is not an extractor database each
raise ``StoreError`` with a message meant for a person; opening can wait for another
process's lock (``wait`` seconds, else ``$EXTRACTOR_WAIT``).

A read-only store is a sandbox: its connection is opened with external access disabled
(no reading or writing files, no ATTACH, COPY, EXPORT, INSTALL or LOAD of extensions) and
its configuration locked, so no statement can undo that; ``Store.read`` (the one way to
read) also refuses
statements other than queries (``SqlRefused``) before DuckDB sees them.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from extractor.common import WAIT_ENV, QueryLimit, SqlRefused, StoreError, default_db_path, escaped
from extractor.paths import sql_dir
from extractor.store.connect import connect, default_wait, store_failure
from extractor.store.result import Result, relation_frame
from extractor.store.sandbox import READ_STATEMENTS, SANDBOX, check_read_only, refusal

__all__ = ["READ_STATEMENTS", "SANDBOX", "SCHEMA_VERSION", "WAIT_ENV", "Result", "SqlRefused", "Store", "StoreError",
           "check_read_only", "default_db_path", "default_wait", "relation_frame", "store_failure"]

SCHEMA_DIR = sql_dir("schemas")
_MIGRATION = re.compile(r"^(\d{3})_.*\.sql$")
APP = "extractor"
LOAD_CHECKPOINT = "4MB"  # log gathered before an ingest's load checkpoints (see Store.bulk_load)
# Columns holding names from the file system, which may not be UTF-8: stored escaped
# (``extractor.common.escaped``), as DuckDB takes UTF-8 text only.
FILE_NAMES = frozenset({"path"})




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


_GENERATED = re.compile(r"^--\s*generated:\s*kind views\b", re.MULTILINE)
_GENERATED_MODEL = re.compile(r"^--\s*generated:\s*model views\b", re.MULTILINE)


def script_text(path: Path) -> str:
    """A migration's SQL: its file, followed, for the one marked ``-- generated: kind views``,
    by the views and macros generated from the kind registry (``extractor.kinds.views_sql``);
    for the one marked ``-- generated: model views``, preceded by the model level's generated
    macros and data views (``extractor.store.model_sql.views_sql``)."""
    text = path.read_text(encoding="utf-8")
    if _GENERATED.search(text):
        from extractor import kinds

        text += "\n\n" + kinds.views_sql()
    if _GENERATED_MODEL.search(text):
        from extractor.store import model_sql

        text = model_sql.views_sql() + "\n\n" + text
    return text


def _digest(path: Path) -> str:
    """The checksum of a migration's SQL as run (generated views included)."""
    return hashlib.sha256(script_text(path).encode("utf-8")).hexdigest()


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction; none being open (DuckDB ends a transaction whose
    statement was interrupted), or a database that can no longer be used (the error that
    made it so is the one to tell), is not an error here."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


class Store:
    def __init__(self, path: str | Path, *, read_only: bool = False, wait: float | None = None,
                 memory_limit: str | None = None, time_limit: float | None = None) -> None:
        """Open ``path`` (``:memory:`` for none), creating and migrating it unless
        ``read_only``; a read-only store is sandboxed (see the module docstring). ``wait``:
        seconds to wait for another process's lock (None: ``$EXTRACTOR_WAIT``, else 0).
        ``memory_limit`` (DuckDB's, such as ``2GB``; None: DuckDB's default) and
        ``time_limit`` (seconds; None: none) bound each read (``QueryLimit``)."""
        self.path = str(path)
        self.wait = default_wait() if wait is None else wait
        self.memory_limit = memory_limit
        self.time_limit = time_limit
        self._new = self.path == ":memory:" or not Path(self.path).exists()
        if self.path != ":memory:":
            p = Path(self.path)
            if read_only and not p.exists():
                raise StoreError(f"{self.path}: no such database (run 'extract ingest' first)")
            if not read_only:
                try:
                    p.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"{self.path}: cannot create its folder {p.parent}: "
                                     f"{exc.strerror or exc}") from exc
        self._con = connect(self.path, read_only, self.wait, memory_limit)
        self.read_only = read_only
        self._columns: dict[str, list[tuple[str, str]]] = {}
        self._views: threading.Thread | None = None
        self._views_cursor: duckdb.DuckDBPyConnection | None = None
        self._views_done = threading.Event()
        self._views_error: BaseException | None = None
        try:
            self._check_and_migrate()
        except BaseException:
            self._con.close()
            raise

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The connection, once the views are in place (see ``_check_and_migrate``)."""
        self.ready()
        return self._con

    def ready(self) -> None:
        """Wait for the views and macros being created in the background, if they are."""
        if self._views is not None:
            self._views_done.wait()  # (an interrupted Thread.join can leave is_alive() False too early)
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
            Store(self.path, wait=self.wait).close()
            self._con = connect(self.path, True, self.wait, self.memory_limit)
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
        except BaseException:
            _rollback(self._con)
            raise
        # Views and macros take a while to bind and nothing in an ingest needs them: they are
        # created on a second connection in the background, and ``con`` waits for them. Until
        # their checksums are recorded (same transaction) the next open creates them again.
        # Not a daemon: a program that ends without closing the store waits for it to finish.
        # The cursor is made here: the connection refuses calls while this thread uses it.
        self._views_cursor = self._con.cursor()
        self._views_done.clear()
        self._views = threading.Thread(target=self._create_views, args=(self._views_cursor, stale),
                                       name="extractor-views")
        self._views.start()

    def _create_views(self, cur: duckdb.DuckDBPyConnection, stale: list[Path]) -> None:
        try:
            cur.execute("BEGIN")
            try:
                self._apply_repeatables(cur, stale)
                cur.execute("COMMIT")
            except BaseException:
                _rollback(cur)
                raise
        except BaseException as exc:
            self._views_error = exc
        finally:
            try:
                cur.close()
            finally:
                self._views_done.set()

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
            con.execute(script_text(path))
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
            _rollback(self._con)
            raise
        self._con.execute("COMMIT")

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """DuckDB set for an ingest's loads while the block runs: one thread (then as many as
        before), and a checkpoint once ``LOAD_CHECKPOINT`` of log has gathered (then DuckDB's
        default: the setting reads back rounded, so it is reset, not restored).

        The loads are small inserts, which a second thread does not make faster
        (bench_ingest), and a second thread's buffers raised the peak memory of an ingest (151
        -> 162 MB for the corpus, 255 -> 286-323 MB for four times it). A load's commit peaks
        when it checkpoints; checkpoints of less log peak lower (4x the corpus: 165 -> 160 MB,
        8x: 206 -> 188 MB). Only around the loads: for a whole run the peak was no lower
        (DuckDB's and Python's allocations then share one heap)."""
        before = self._con.execute("SELECT current_setting('threads')").fetchone()
        self._con.execute("SET threads = 1")
        self._con.execute(f"SET checkpoint_threshold = '{LOAD_CHECKPOINT}'")
        try:
            yield
        finally:
            with contextlib.suppress(duckdb.Error):  # (a failed database: its own error is the one told)
                self._con.execute("RESET checkpoint_threshold")
                if before is not None:
                    self._con.execute(f"SET threads = {int(before[0])}")

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
        return self.insert_new(table, {n: [r.get(n) for r in kept] for n in names}, key, unique=True)

    def insert_new(self, table: str, data: Mapping[str, list[Any]] | None,
                   key: Sequence[str] | None = None, *, unique: bool = False, order: str | None = None) -> int:
        """Bulk-insert the rows of ``data`` (columns: name -> values) whose ``key`` is not already in ``table``.

        With no key, rows equal in every column to a stored row are skipped. Values are
        cast to the table's column types; columns whose names start with ``_`` are not
        stored. Of rows of ``data`` that share a key one is kept: the first by the column
        ``order`` when given; ``unique`` says that no two do, which saves the work of
        finding them. Returns the number of rows inserted.

        The columns reach DuckDB as NumPy object arrays (its NumPy scan): that loads neither
        pyarrow nor pandas, about 0.5 s of an ingest process's start-up.
        """
        if not data or not len(next(iter(data.values()))):
            return 0
        import numpy as np

        if any(c in data for c in FILE_NAMES):
            data = {c: [escaped(v) if isinstance(v, str) else v for v in values] if c in FILE_NAMES else values
                    for c, values in data.items()}

        cols = [c for c in data if not c.startswith("_")]
        if order is not None:
            data, unique = _first_by(data, list(key) if key else cols, order), True
        types = dict(self.columns(table))
        # natural keys are NOT NULL (plain equality joins fastest); whole rows may hold NULLs
        cmp = "=" if key else "IS NOT DISTINCT FROM"
        key = list(key) if key else cols
        name = f"_staging_{table}"
        height = len(data[cols[0]])
        # every value is looked at to type an object column (by default only a sample is)
        self._con.execute(f"SET pandas_analyze_sample = {max(height, 1000)}")
        self._con.register(name, {c: np.fromiter(data[c], dtype=object, count=height) for c in cols})
        try:
            col_list = ", ".join(cols)
            casts = ", ".join(f"CAST({c} AS {types[c]}) AS {c}" for c in cols)
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
            self._con.execute("RESET pandas_analyze_sample")

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

    def read(self, sql: str, params: Sequence[object] | dict[str, object] | None = None, *,
             tables_only: bool = False) -> Result:
        """The one way to read: run ``sql`` (``?`` or ``$name`` parameters bound by DuckDB from
        ``params``) and return its ``Result``, whose ``rows()`` are Python values and whose
        ``frame()`` is a DataFrame true to the types. On a read-only store only queries run,
        on the database only: anything else raises ``SqlRefused``. ``tables_only``: the SQL
        reads tables alone, so it does not wait for the views being created (an ingest's reads)."""
        if self.read_only:
            check_read_only(sql)
        con = self._con if tables_only else self.con
        run = self._run if self.read_only else self._refusing  # (a writer's reads are an ingest's: short)
        rel = run(lambda: con.sql(sql, params=params))
        return Result(rel, run)

    def _run(self, work: Callable[[], Any]) -> Any:
        """``work()`` (a query on a read-only connection: ``sql``, the named queries, exports,
        the digest) in a thread of its own, so that Ctrl-C and the time limit stop it at once:
        DuckDB's query is interrupted and ``KeyboardInterrupt`` or ``QueryLimit`` raised. What
        the sandbox stopped is ``SqlRefused``; past the memory limit, ``QueryLimit``."""
        if threading.current_thread() is not threading.main_thread():
            return self._refusing(work)
        done = threading.Event()
        got: list[Any] = []
        failed: list[BaseException] = []

        def target() -> None:
            try:
                got.append(self._refusing(work))
            except BaseException as exc:
                failed.append(exc)
            finally:
                done.set()

        worker = threading.Thread(target=target, name="extractor-query", daemon=True)
        start = time.monotonic()
        worker.start()
        try:
            while not done.wait(0.05):
                if self.time_limit is not None and time.monotonic() - start > self.time_limit:
                    self._stop(done)
                    raise QueryLimit(f"the query was stopped after its time limit of {self.time_limit:g} s "
                                     "(--time-limit SECONDS)")
        except KeyboardInterrupt:
            self._stop(done)
            raise
        if failed:
            raise failed[0]
        return got[0]

    def _stop(self, done: threading.Event) -> None:
        """Interrupt the query running on the connection and wait (briefly) for it to end."""
        with contextlib.suppress(Exception):
            self._con.interrupt()
        for _ in range(100):  # DuckDB ends an interrupted query within milliseconds
            try:
                if done.wait(0.01):
                    return
            except KeyboardInterrupt:
                continue
            with contextlib.suppress(Exception):
                self._con.interrupt()

    def _refusing(self, work: Callable[[], Any]) -> Any:
        """``work()``; on a read-only store what the sandbox stopped as ``SqlRefused``, and
        past the memory limit ``QueryLimit``."""
        try:
            return work()
        except duckdb.OutOfMemoryException as exc:
            limit = f" of {self.memory_limit}" if self.memory_limit else ""
            raise QueryLimit(f"the query needs more memory than its limit{limit} (--memory-limit SIZE): "
                             f"{str(exc).splitlines()[0]}") from exc
        except duckdb.Error as exc:
            reason = refusal(exc) if self.read_only else None
            if reason is None:
                raise
            raise SqlRefused(reason) from exc

    def close(self) -> None:
        try:
            self.ready()
        finally:
            self._stop_views()
            self._con.close()

    def _stop_views(self) -> None:
        """When waiting for the views was interrupted (Ctrl-C): stop their transaction (rolled
        back; the next open creates them) and let the thread end, so that the connection is
        never closed under it (DuckDB aborts the process then)."""
        thread, self._views = self._views, None
        if thread is None:
            return
        if self._views_cursor is not None:
            with contextlib.suppress(Exception):
                self._views_cursor.interrupt()
        while not self._views_done.is_set():
            try:
                self._views_done.wait()
            except KeyboardInterrupt:  # already stopping
                continue
        with contextlib.suppress(KeyboardInterrupt):
            thread.join()


def _first_by(data: Mapping[str, list[Any]], key: list[str], order: str) -> Mapping[str, list[Any]]:
    """The rows of ``data`` in ``order``, keeping of the rows that share ``key`` the one with
    the lowest ``order`` (the first on a tie)."""
    pos = data[order]
    n = len(pos)
    idx = list(range(n))
    if any(pos[i] > pos[i + 1] for i in range(n - 1)):
        idx.sort(key=pos.__getitem__)  # a stable sort (rows extracted in input order)
    keys = data[key[0]] if len(key) == 1 else list(zip(*[data[k] for k in key], strict=True))
    seen: set[Any] = set()
    keep: list[int] = []
    for i in idx:
        if keys[i] not in seen:
            seen.add(keys[i])
            keep.append(i)
    if keep == list(range(n)):
        return data
    return {c: [values[i] for i in keep] for c, values in data.items()}
