"""The read-only sandbox: ``extract sql`` (and the Python API's read-only connection, and the
named queries) read the database and nothing else. Each refused statement is run for real,
through the CLI (one line, exit 1) and, bypassing the statement check, on DuckDB itself,
and the test looks for what it would have written or changed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result
from helpers import sample_db

import extractor
from extractor.cli import main
from extractor.store.db import SANDBOX, SqlRefused, Store, check_read_only


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_db(tmp_path_factory.mktemp("sandbox"))


def sql(db: Path, statement: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), "sql", statement, "--format", "csv", *args])


def refused(res: Result, *phrases: str) -> None:
    assert res.exit_code == 1, res.output
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: refused: "), res.stderr
    for phrase in phrases:
        assert phrase in lines[0], (phrase, lines[0])
    assert "Traceback" not in res.output


def test_copy_to_writes_no_file(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    refused(sql(db_path, f"COPY (SELECT 'x') TO '{out}'"), "COPY is not allowed", "only reads the database")
    refused(sql(db_path, f"COPY events TO '{out}' (FORMAT parquet)"), "COPY is not allowed")
    refused(sql(db_path, f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{out}'"), "COPY is not allowed")
    assert not out.exists()


def test_export_database_writes_no_folder(db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "dump"
    refused(sql(db_path, f"EXPORT DATABASE '{target}'"), "EXPORT DATABASE is not allowed")
    refused(sql(db_path, f"EXPORT DATABASE '{target}' (FORMAT parquet)"), "EXPORT DATABASE is not allowed")
    assert not target.exists()


def test_attach_creates_and_changes_no_database(db_path: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.duckdb"
    refused(sql(db_path, f"ATTACH '{new}'"), "ATTACH is not allowed")
    assert not new.exists()
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t AS SELECT 1 AS a")
    con.close()
    refused(sql(db_path, f"ATTACH '{other}' AS o (READ_WRITE); DELETE FROM o.t"), "ATTACH is not allowed")
    refused(sql(db_path, "DELETE FROM events"), "DELETE is not allowed")
    con = duckdb.connect(str(other), read_only=True)
    assert con.execute("SELECT count(*) FROM t").fetchone() == (1,)
    con.close()
    res = sql(db_path, "SELECT count(*) AS n FROM events")
    assert res.exit_code == 0 and res.stdout.splitlines()[1] != "0"


@pytest.mark.parametrize("reader", ["read_csv('{f}')", "read_csv_auto('{f}')", "read_text('{f}')",
                                    "read_blob('{f}')", "read_json('{f}')", "read_parquet('{f}')", "'{f}'",
                                    "sniff_csv('{f}')"])
def test_reading_a_file_outside_the_database_is_refused(db_path: Path, tmp_path: Path, reader: str) -> None:
    beside = db_path.parent / "beside.csv"  # even in the database's own folder
    beside.write_text("a,b\n1,2\n", encoding="utf-8")
    for f in (beside, Path("/etc/passwd")):
        res = sql(db_path, "SELECT * FROM " + reader.format(f=f))
        if reader == "'{f}'" and res.exit_code == 1 and "refused" not in res.stderr:
            assert "does not exist" in res.stderr  # a path as a table name is then a missing table
            continue
        refused(res, f'Cannot access file "{f}"', "may read the database and nothing else")


def test_glob_is_refused(db_path: Path) -> None:
    refused(sql(db_path, "SELECT * FROM glob('/root/*')"), 'Cannot access file "/root/*"')
    refused(sql(db_path, f"SELECT * FROM glob('{db_path.parent}/*')"), "Cannot access file")


def test_extensions_cannot_be_installed_or_loaded(db_path: Path) -> None:
    refused(sql(db_path, "INSTALL httpfs"), "INSTALL is not allowed")
    refused(sql(db_path, "FORCE INSTALL httpfs"), "FORCE INSTALL is not allowed")
    refused(sql(db_path, "LOAD httpfs"), "LOAD is not allowed")
    refused(sql(db_path, "LOAD json"), "LOAD is not allowed")


def test_settings_are_locked(db_path: Path) -> None:
    refused(sql(db_path, "SET enable_external_access = true"), "SET is not allowed", "settings of this connection are locked")
    refused(sql(db_path, "RESET enable_external_access"), "RESET is not allowed")
    refused(sql(db_path, "SET lock_configuration = false"), "SET is not allowed")
    refused(sql(db_path, "PRAGMA enable_external_access = true"), "PRAGMA is not allowed")
    # a PRAGMA that is a query passes the statement check; DuckDB's locked settings stop it
    refused(sql(db_path, "PRAGMA enable_profiling"), 'Cannot change configuration option "enable_profiling"',
            "settings of this connection are locked")
    res = sql(db_path, "SELECT current_setting('enable_external_access') AS e, current_setting('lock_configuration') AS l")
    assert res.exit_code == 0 and res.stdout.splitlines()[1] == "false,true"


def test_other_statements_are_refused(db_path: Path) -> None:
    for statement, word in [("CREATE TEMP TABLE t AS SELECT 1", "CREATE"), ("DROP TABLE events", "DROP"),
                            ("UPDATE events SET kind = 'x'", "UPDATE"), ("INSERT INTO errors SELECT * FROM errors", "INSERT"),
                            ("BEGIN", "BEGIN"), ("CHECKPOINT", None), ("DETACH facts", "DETACH"), ("USE memory", "USE"),
                            ("SELECT 1; DROP TABLE events", "DROP"), ("/* a comment */ VACUUM", "VACUUM")]:
        res = sql(db_path, statement)
        if word is None:  # CHECKPOINT is a CALL: DuckDB runs it, and a read-only database has nothing to write
            assert res.exit_code == 0, res.output
            continue
        refused(res, f"{word} is not allowed")
    res = sql(db_path, "")
    refused(res, "no SQL statement given")


def test_queries_still_run(db_path: Path) -> None:
    for statement in ("SELECT count(*) AS n FROM events", "WITH x AS (SELECT 1 AS a) SELECT * FROM x", "VALUES (1)",
                      "FROM sources", "DESCRIBE events", "SHOW TABLES", "SUMMARIZE events", "EXPLAIN SELECT 1",
                      "PRAGMA show_tables", "CALL pragma_version()", "SELECT * FROM quota_as_of('2025-03-01')",
                      "SELECT * FROM fact_changes", "SELECT * FROM duckdb_tables()"):
        res = sql(db_path, statement)
        assert res.exit_code == 0, (statement, res.output)


def test_a_syntax_error_is_one_line(db_path: Path) -> None:
    res = sql(db_path, "SELEC 1")
    assert res.exit_code == 1 and res.stderr.strip().splitlines() == ['error: Parser Error: syntax error at or near "SELEC"']


def test_duckdb_itself_refuses_without_the_statement_check(db_path: Path, tmp_path: Path) -> None:
    # the statement check gives the clearer message; the connection's settings are what hold
    store = Store(db_path, read_only=True)
    con = store.con
    try:
        out = tmp_path / "x.csv"
        for statement in (f"COPY (SELECT 1) TO '{out}'", f"EXPORT DATABASE '{tmp_path / 'dump'}'",
                          f"ATTACH '{tmp_path / 'new.duckdb'}'", "SELECT * FROM read_csv('/etc/passwd')",
                          "SELECT * FROM glob('/root/*')", "INSTALL httpfs", "LOAD httpfs",
                          "CREATE PERSISTENT SECRET s (TYPE http)"):
            with pytest.raises(duckdb.Error) as info:
                con.execute(statement)
            assert isinstance(info.value, duckdb.PermissionException | duckdb.InvalidInputException), statement
        for statement in ("SET enable_external_access = true", "SET lock_configuration = false", "RESET threads",
                          "SET allowed_directories = ['/']", "SET threads = 1", "SET temp_directory = '/tmp'"):
            with pytest.raises(duckdb.InvalidInputException, match="locked"):
                con.execute(statement)
        with pytest.raises(duckdb.InvalidInputException, match="read-only"):
            con.execute("DELETE FROM events")
        assert not out.exists() and not (tmp_path / "dump").exists() and not (tmp_path / "new.duckdb").exists()
    finally:
        store.close()
    assert SANDBOX["enable_external_access"] is False and SANDBOX["lock_configuration"] is True


def test_the_python_api_read_only_path_is_the_same_sandbox(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "api.csv"
    with extractor.connect(db_path, read_only=True) as db:
        with pytest.raises(SqlRefused, match="COPY is not allowed"):
            db.sql(f"COPY (SELECT 1) TO '{out}'")
        with pytest.raises(SqlRefused, match="Cannot access file"):
            db.sql("SELECT * FROM read_text('/etc/hostname')")
        assert len(db.sql("SELECT * FROM events")) > 0
        # named queries and the views run on the same connection, under the same settings
        assert db.store.con.sql("SELECT current_setting('enable_external_access')").fetchall() == [(False,)]
        assert len(db.query("current_quotas", as_of="2025-03-01")) > 0
        assert len(db.history("quota")) > 0
    assert not out.exists()


def test_a_writable_connection_is_not_sandboxed(tmp_path: Path) -> None:
    with extractor.connect(tmp_path / "w.duckdb") as db:
        db.sql("CREATE TABLE mine AS SELECT 1 AS a")
        assert db.sql("SELECT a FROM mine")["a"].tolist() == [1]


def test_named_queries_run_in_the_sandbox(db_path: Path) -> None:
    res = CliRunner().invoke(main, ["--db", str(db_path), "query", "current_quotas", "--as-of", "2025-03-01",
                                    "--format", "csv"])
    assert res.exit_code == 0 and res.stdout.startswith("model,")


def test_check_read_only_names_the_statement() -> None:
    check_read_only("SELECT 1; -- fine\nSELECT 2")
    with pytest.raises(SqlRefused, match=r"^UPDATE EXTENSIONS is not allowed"):
        check_read_only("UPDATE EXTENSIONS")
    with pytest.raises(SqlRefused, match=r"^COPY is not allowed"):
        check_read_only("/* copy */ COPY (SELECT 1) TO 'x'")
    with pytest.raises(duckdb.ParserException):
        check_read_only("SELEC 1")
