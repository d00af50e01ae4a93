"""The CLI at its edges: options before or after the command, outputs that cannot be written
(a missing folder, a full disk, a closed pipe), errors nobody expected, and inputs that are
missing, unreadable or empty, and environment variables that make no sense. Each case checks
its message and its exit status, and that no traceback is printed."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner, Result
from helpers import unreadable

import extractor
from extractor import api
from extractor.api import Extractor
from extractor.cli import main
from extractor.store.db import Store

SAMPLE = Path(extractor.__file__).resolve().parent / "sample"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def extract(*args: str, env: dict[str, str] | None = None) -> Result:
    res = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in res.output, res.output
    return res


def command(*args: str) -> list[str]:
    """The console script, as a process (``python -m extractor.entry`` is what it runs)."""
    return [sys.executable, "-m", "extractor.entry", *args]


def error_lines(res: Result | subprocess.CompletedProcess[str]) -> list[str]:
    return res.stderr.splitlines()


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edges") / "facts.duckdb"
    assert extract("--db", str(path), "-q", "ingest").exit_code == 0
    return path


# --- options where people put them ---------------------------------------------------------------


def test_db_after_the_command(db_path: Path, tmp_path: Path) -> None:
    before = extract("--db", str(db_path), "stats", "--json")
    after = extract("stats", "--db", str(db_path), "--json")
    assert before.exit_code == after.exit_code == 0
    assert json.loads(after.stdout) == json.loads(before.stdout)
    for args in (["export"], ["sql", "SELECT count(*) AS n FROM events", "--format", "csv"],
                 ["query", "current_quotas", "--format", "csv"], ["report", "--since", "2025-01-01"]):
        assert extract(*args, "--db", str(db_path)).stdout == extract("--db", str(db_path), *args).stdout, args
    # after the command it wins over $EXTRACTOR_DB, as before the command
    res = extract("stats", "--db", str(db_path), "--json", env={"EXTRACTOR_DB": str(tmp_path / "none.duckdb")})
    assert res.exit_code == 0
    # given twice, the one after the command is used
    res = extract("--db", str(tmp_path / "none.duckdb"), "stats", "--db", str(db_path))
    assert res.exit_code == 0


def test_ingest_with_db_after_the_command(tmp_path: Path) -> None:
    db = tmp_path / "after.duckdb"
    res = extract("ingest", "--db", str(db))
    assert res.exit_code == 0 and db.exists() and "2 files: 2 loaded" in res.stderr


def test_quiet_and_verbose_after_the_command(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "x.duckdb"
    res = extract("--db", str(db), "ingest", "-q")
    assert res.exit_code == 0 and res.stderr == ""
    caplog.set_level("DEBUG", logger="extractor")
    (tmp_path / "more").mkdir()
    res = extract("--db", str(tmp_path / "y.duckdb"), "ingest", "-v")
    assert res.exit_code == 0
    assert any(r.getMessage().startswith("seconds per phase: ") for r in caplog.records)
    logging.getLogger().setLevel(logging.WARNING)


def test_every_command_takes_the_group_options() -> None:
    for name, cmd in main.commands.items():
        opts = {o for p in cmd.params for o in p.opts}
        assert {"--db", "--wait", "-q", "-v"} <= opts, name


# --- outputs that cannot be written ---------------------------------------------------------------


@pytest.mark.parametrize("args", [["export"], ["export", "--format", "csv"], ["export", "--format", "parquet"],
                                  ["report", "--since", "2025-01-01"], ["report", "--since", "2025-01-01",
                                                                        "--format", "html"]])
def test_output_into_a_missing_folder(db_path: Path, tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "no" / "such" / "folder" / "out.file"
    res = extract("--db", str(db_path), *args, "-o", str(out))
    assert res.exit_code == 1
    assert error_lines(res) == [f"error: cannot write {out}: No such file or directory"]
    assert not out.parent.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", [["export"], ["export", "--format", "csv"], ["sql", "SELECT 1 AS n", "--format", "json"],
                                  ["sql", "SELECT 1 AS n"], ["report", "--since", "2025-01-01"], ["stats"],
                                  ["query", "--list"]])
def test_a_full_disk(db_path: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        run = subprocess.run(command("--db", str(db_path), *args), stdout=full, stderr=subprocess.PIPE, text=True,
                             timeout=120)
    assert run.returncode == 1
    assert error_lines(run) == ["error: cannot write to stdout: No space left on device"], run.stderr


def _first_line_then_close(args: list[str]) -> tuple[str, subprocess.CompletedProcess[str]]:
    """Run the command, read one line of its output and close the pipe (``| head -1``)."""
    proc = subprocess.Popen(command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=120)
    return first, subprocess.CompletedProcess(args, proc.returncode, "", stderr)


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "table"])
def test_a_closed_pipe_is_not_an_error(db_path: Path, fmt: str) -> None:
    rows = 200_000 if fmt != "table" else 3000  # well over a pipe's buffer
    first, run = _first_line_then_close(["--db", str(db_path), "sql",
                                         f"SELECT range AS n, repeat('x', 50) AS pad FROM range({rows})", "--format", fmt])
    assert first.strip()
    assert (run.returncode, run.stderr) == (0, "")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_a_closed_pipe_on_export(tmp_path: Path) -> None:
    db = tmp_path / "corpus.duckdb"
    with extractor.connect(db) as d:
        d.ingest([CORPUS])
    for fmt in ("jsonl", "csv"):
        first, run = _first_line_then_close(["--db", str(db), "export", "--format", fmt])
        assert first.strip() and (run.returncode, run.stderr) == (0, "")


# --- errors nobody expected, and interrupts inside the process ---------------------------------------


def test_an_unexpected_error_is_one_line(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         caplog: pytest.LogCaptureFixture) -> None:
    def boom(*a: Any, **k: Any) -> None:
        raise ValueError("boom\nsecond line")

    monkeypatch.setattr(Extractor, "stats_rows", boom)  # what the command calls
    monkeypatch.setattr(api, "stats_already", lambda db: None)  # (not told from beside the database)
    res = extract("--db", str(db_path), "stats")
    assert res.exit_code == 1
    assert error_lines(res) == ["error: unexpected ValueError: boom (run with -v to see where)"]
    caplog.set_level("DEBUG", logger="extractor")
    res = extract("--db", str(db_path), "-v", "stats")
    assert res.exit_code == 1 and any(r.exc_info for r in caplog.records)
    logging.getLogger().setLevel(logging.WARNING)


def test_keyboard_interrupt_anywhere_is_exit_130(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*a: Any, **k: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Extractor, "sql", interrupt)
    res = extract("--db", str(db_path), "sql", "SELECT 1")
    assert res.exit_code == 130 and error_lines(res) == ["interrupted"]
    monkeypatch.setattr(Extractor, "__init__", interrupt)
    monkeypatch.setattr(api, "stats_already", lambda db: None)  # (not told from beside the database)
    res = extract("--db", str(db_path), "stats")
    assert res.exit_code == 130 and error_lines(res) == ["interrupted"]
    monkeypatch.setattr(api, "stats_already", interrupt)
    res = extract("--db", str(db_path), "stats")
    assert res.exit_code == 130 and error_lines(res) == ["interrupted"]


def test_a_query_interrupted_inside_duckdb_is_exit_130(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted_query(*a: Any, **k: Any) -> None:
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")

    monkeypatch.setattr(Extractor, "sql", interrupted_query)
    res = extract("--db", str(db_path), "sql", "SELECT 1")
    assert res.exit_code == 130 and error_lines(res) == ["interrupted"]

    def runtime_interrupted(*a: Any, **k: Any) -> None:
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr(Extractor, "query", runtime_interrupted)
    res = extract("--db", str(db_path), "query", "current_quotas")
    assert res.exit_code == 130 and error_lines(res) == ["interrupted"]


def test_a_transaction_ended_by_an_interrupted_statement_rolls_back_quietly(tmp_path: Path) -> None:
    # DuckDB ends the transaction of a statement that was interrupted; the ROLLBACK that
    # follows must not replace the interrupt with "cannot rollback - no transaction is active"
    store = Store(tmp_path / "x.duckdb")
    try:
        with pytest.raises(KeyboardInterrupt), store.transaction():
            store.read("SELECT 1").rows()
            store._con.execute("ROLLBACK")  # what an interrupted statement leaves
            raise KeyboardInterrupt
        with store.transaction():
            store.read("SELECT 1").rows()
    finally:
        store.close()


# --- inputs ---------------------------------------------------------------------------------------


def _errors(db: Path) -> list[tuple[str, str]]:
    with extractor.connect(db, read_only=True) as d:
        return [(Path(p).name, m) for p, m in d.sql("SELECT path, message FROM errors ORDER BY path")
                .itertuples(index=False)]


def test_a_missing_path_fails_while_the_others_load(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    missing = tmp_path / "missing.md"
    res = extract("--db", str(db), "ingest", str(SAMPLE), str(missing))
    assert res.exit_code == 1
    assert f"error: {missing}: cannot read: No such file or directory" in error_lines(res)
    assert "3 files: 2 loaded, 0 already ingested, 0 not diffs, 1 failed" in res.stderr
    assert _errors(db) == [("missing.md", "cannot read: No such file or directory")]


def test_an_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    top = tmp_path / "reports"
    shutil.copytree(SAMPLE, top / "good")
    (top / "locked").mkdir()
    (top / "locked" / "inside.md").write_text("x", encoding="utf-8")
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == top / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    db = tmp_path / "x.duckdb"
    res = extract("--db", str(db), "ingest", str(top))
    assert res.exit_code == 1
    assert f"error: {top / 'locked'}: cannot read folder: Permission denied" in error_lines(res)
    assert "2 loaded" in res.stderr and "1 failed" in res.stderr
    assert _errors(db) == [("locked", "cannot read folder: Permission denied")]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not stop root")
def test_an_unreadable_folder_and_file_for_real(tmp_path: Path) -> None:
    import shutil

    top = tmp_path / "reports"
    shutil.copytree(SAMPLE, top / "good")
    locked, secret = top / "locked", top / "secret.md"
    locked.mkdir()
    secret.write_text("x", encoding="utf-8")
    locked.chmod(0)
    secret.chmod(0)
    try:
        res = extract("--db", str(tmp_path / "x.duckdb"), "ingest", str(top))
    finally:
        locked.chmod(0o755)
        secret.chmod(0o644)
    assert res.exit_code == 1
    assert f"error: {locked}: cannot read folder: Permission denied" in error_lines(res)
    assert f"error: {secret}: cannot read: Permission denied" in error_lines(res)


def test_an_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    top = tmp_path / "reports"
    shutil.copytree(SAMPLE, top)
    secret = top / "secret.md"
    secret.write_text("x", encoding="utf-8")
    unreadable(monkeypatch, secret)
    res = extract("--db", str(tmp_path / "x.duckdb"), "ingest", str(top))
    assert res.exit_code == 1 and f"error: {secret}: cannot read: Permission denied" in error_lines(res)
    assert "2 loaded" in res.stderr


def test_an_empty_folder_says_nothing_was_found(tmp_path: Path) -> None:
    empty, hidden = tmp_path / "empty", tmp_path / "hidden"
    empty.mkdir()
    (hidden / ".git").mkdir(parents=True)
    (hidden / ".git" / "HEAD").write_text("x", encoding="utf-8")
    res = extract("--db", str(tmp_path / "x.duckdb"), "ingest", str(empty), str(hidden))
    assert res.exit_code == 0
    assert error_lines(res)[:2] == [f"warning: {empty}: nothing found here: no files to ingest",
                                    f"warning: {hidden}: nothing found here: no files to ingest "
                                    "(hidden files and folders are skipped)"]
    assert "0 files" in res.stderr


def test_an_invalid_wait_is_a_usage_error(db_path: Path) -> None:
    res = extract("--db", str(db_path), "stats", env={"EXTRACTOR_WAIT": "soon"})
    assert res.exit_code == 2 and "Invalid value for '--wait' (env var: 'EXTRACTOR_WAIT')" in res.stderr
    res = extract("--db", str(db_path), "--wait", "-1", "stats")
    assert res.exit_code == 2


def test_a_database_folder_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    db = blocker / "sub" / "x.duckdb"
    res = extract("--db", str(db), "ingest")
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"error: {db}: cannot create its folder {db.parent}: Not a directory"]
