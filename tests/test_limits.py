"""Queries run with a time limit and a memory limit (``--time-limit``, ``--memory-limit``, with
defaults), Ctrl-C stops any query within a second, and the sandbox reads the database and
nothing else: no temporary folder (``<db>.tmp/``), no folder of the host in its settings."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import sample_db

import extractor
from extractor.cli import main
from extractor.cli.context import MEMORY_LIMIT, TIME_LIMIT
from extractor.common import QueryLimit, SqlRefused

ENDLESS = "SELECT count(*) AS n FROM range(1000000000000)"
HUNGRY = "SELECT count(*) AS n FROM (SELECT * FROM range(30000000) ORDER BY random())"


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "extractor.entry", *args]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_db(tmp_path_factory.mktemp("limits"))


def test_a_query_is_stopped_by_its_time_limit(db: Path) -> None:
    start = time.monotonic()
    res = CliRunner().invoke(main, ["--db", str(db), "sql", ENDLESS, "--time-limit", "1"])
    assert time.monotonic() - start < 3
    assert (res.exit_code, res.stdout) == (1, "")
    assert res.stderr == "error: the query was stopped after its time limit of 1 s (--time-limit SECONDS)\n"
    with extractor.connect(db, read_only=True, time_limit=0.5) as d, pytest.raises(QueryLimit):
        d.sql(ENDLESS)


def test_a_query_past_its_memory_limit_fails(db: Path) -> None:
    res = CliRunner().invoke(main, ["--db", str(db), "sql", HUNGRY, "--memory-limit", "100MB"])
    assert (res.exit_code, res.stdout) == (1, "")
    assert res.stderr.startswith("error: the query needs more memory than its limit of 100MB (--memory-limit SIZE): "
                                 "Out of Memory Error: ")
    res = CliRunner().invoke(main, ["--db", str(db), "query", "current_quotas", "--memory-limit", "1KB"])
    assert res.exit_code == 1
    assert res.stderr.startswith(f"error: {db}: cannot open the database within the memory limit of 1KB "
                                 "(--memory-limit SIZE): Out of Memory Error")


def test_the_limits_are_options_with_defaults(db: Path) -> None:
    assert (MEMORY_LIMIT, TIME_LIMIT) == ("2GB", 60.0)
    for name in ("sql", "query"):
        opts = {p.name: p for p in main.commands[name].params}
        assert (opts["memory_limit"].default, opts["time_limit"].default) == (MEMORY_LIMIT, TIME_LIMIT)
    got = CliRunner().invoke(main, ["--db", str(db), "sql", "SELECT current_setting('memory_limit') AS m",
                                    "--format", "csv"])
    assert got.stdout == "m\n1.8 GiB\n"  # 2GB as DuckDB shows it
    got = CliRunner().invoke(main, ["--db", str(db), "sql", "SELECT current_setting('memory_limit') AS m",
                                    "--format", "csv", "--memory-limit", "300MB"])
    assert got.stdout == "m\n286.1 MiB\n"
    got = CliRunner().invoke(main, ["--db", str(db), "sql", "SELECT current_setting('memory_limit') AS m",
                                    "--format", "csv", "--memory-limit", "300000000"])  # bytes, as --max-file-size
    assert got.stdout == "m\n286.1 MiB\n"
    bad = CliRunner().invoke(main, ["--db", str(db), "sql", "SELECT 1", "--memory-limit", "lots"])
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[-1] == ("Error: Invalid value for '--memory-limit': expected a size such as 500MB "
                                           "or 2GB, got 'lots'")
    bad = CliRunner().invoke(main, ["--db", str(db), "query", "current_quotas", "--time-limit", "0"])
    assert bad.exit_code == 2 and "Invalid value for '--time-limit'" in bad.stderr


@pytest.mark.parametrize("args", [["sql", ENDLESS], ["sql", HUNGRY]])
def test_ctrl_c_stops_a_query_within_a_second(db: Path, args: list[str]) -> None:
    proc = subprocess.Popen(command("--db", str(db), *args, "--time-limit", "100"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # the query is running
    assert proc.poll() is None
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 1.0
    assert (proc.returncode, out, err) == (130, "", "interrupted\n")


def test_the_sandbox_reads_the_database_and_nothing_else(db: Path) -> None:
    tmp = Path(f"{db}.tmp")
    tmp.mkdir(exist_ok=True)
    (tmp / "secret.txt").write_text("x", encoding="utf-8")
    with extractor.connect(db, read_only=True) as d:
        settings = dict(d.sql("SELECT name, value FROM duckdb_settings()").itertuples(index=False))
        for sql in (f"SELECT * FROM glob('{tmp}/*')", f"SELECT * FROM read_text('{tmp}/secret.txt')"):
            with pytest.raises(SqlRefused, match="file system operations are disabled"):
                d.sql(sql)
    assert (settings["allowed_directories"], settings["temp_directory"]) == ("[]", "")
    own = {str(db), f"{db}.wal", f"{db}.wal.checkpoint", f"{db}.wal.recovery"}
    assert settings["allowed_paths"].strip("[]").split(", ") and set(settings["allowed_paths"].strip("[]").split(", ")) <= own
    with_paths = {k for k, v in settings.items() if "/" in str(v)} - {"allowed_paths", "duckdb_api", "TimeZone"}
    assert with_paths == set(), {k: settings[k] for k in with_paths}
