"""The extract command line: help for every command, version, streams and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from extractor import __version__
from extractor.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def all_commands() -> list[str]:
    return sorted(main.commands)


def test_every_command_has_help(runner: CliRunner) -> None:
    res = runner.invoke(main, ["--help"])
    assert res.exit_code == 0 and "Usage" in res.output
    for name in all_commands():
        res = runner.invoke(main, [name, "--help"])
        assert res.exit_code == 0, name
        assert main.commands[name].help, f"{name} has no help text"


def test_version(runner: CliRunner) -> None:
    res = runner.invoke(main, ["--version"])
    assert res.exit_code == 0 and __version__ in res.output


def test_ingest_sample_then_export_jsonl(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    res = runner.invoke(main, ["--db", str(db), "ingest"])
    assert res.exit_code == 0, res.output
    assert res.stdout == ""  # logs go to stderr only
    assert "2 files: 2 loaded" in res.stderr
    res = runner.invoke(main, ["--db", str(db), "-q", "export"])
    assert res.exit_code == 0
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert lines and set(lines[0]) == {"kind", "observed_at", "doc", "subject", "attribute", "change", "old", "new",
                                       "old_raw", "new_raw", "qualifier", "source"}
    assert [x["observed_at"] for x in lines] == sorted(x["observed_at"] for x in lines)
    moved = [(x["old"], x["new"]) for x in lines if x["kind"] == "retirement" and x["change"] == "changed"]
    assert moved == [("2025-03-31", "2025-05-20"), ("2025-05-20", "2025-06-30")]


def test_db_from_environment(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "env.duckdb"
    res = runner.invoke(main, ["-q", "ingest"], env={"EXTRACTOR_DB": str(db)})
    assert res.exit_code == 0 and db.exists()


def test_db_flag_comes_before_the_environment(runner: CliRunner, tmp_path: Path) -> None:
    env_db, flag_db = tmp_path / "env.duckdb", tmp_path / "flag.duckdb"
    res = runner.invoke(main, ["--db", str(flag_db), "-q", "ingest"], env={"EXTRACTOR_DB": str(env_db)})
    assert res.exit_code == 0
    assert (flag_db.exists(), env_db.exists()) == (True, False)


def test_verbose_ingest_logs_its_phases(runner: CliRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="extractor")
    res = runner.invoke(main, ["--db", str(tmp_path / "x.duckdb"), "-v", "ingest"])
    assert res.exit_code == 0
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("seconds per phase: ")]
    assert len(logged) == 1
    phases = [part.split(" ")[0] for part in logged[0].removeprefix("seconds per phase: ").split(", ")]
    assert phases == ["read", "prepare", "deferred", "extract", "load"]


def test_failed_input_exits_1_and_names_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\ndate: 'not a date'\n---\n", encoding="utf-8")
    res = runner.invoke(main, ["--db", str(tmp_path / "x.duckdb"), "ingest", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}:2" in res.stderr


def test_unknown_file_named_explicitly_fails(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("just some notes\n", encoding="utf-8")
    res = runner.invoke(main, ["--db", str(tmp_path / "x.duckdb"), "ingest", str(other)])
    assert res.exit_code == 1 and "neither a Diff Insight Report nor a unified diff" in res.stderr


def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["--db", str(tmp_path / "x.duckdb"), "export", "--format", "xml"]).exit_code == 2
    assert runner.invoke(main, ["--db", str(tmp_path / "x.duckdb"), "export", "--format", "parquet"]).exit_code == 2
    assert runner.invoke(main, ["nope"]).exit_code == 2


def test_export_csv_and_parquet(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    runner.invoke(main, ["--db", str(db), "-q", "ingest"])
    res = runner.invoke(main, ["--db", str(db), "-q", "export", "--format", "csv"])
    assert res.exit_code == 0 and res.stdout.startswith("kind,observed_at,doc,model")
    out = tmp_path / "e.parquet"
    res = runner.invoke(main, ["--db", str(db), "-q", "export", "--format", "parquet", "-o", str(out)])
    assert res.exit_code == 0
    df = pd.read_parquet(out)
    n_csv = len(res.stdout.splitlines()) if res.stdout else None
    assert n_csv is None and len(df) == len(runner.invoke(main, ["--db", str(db), "-q", "export"]).stdout.splitlines())


def test_stats_on_missing_database_is_a_message(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(main, ["--db", str(tmp_path / "none.duckdb"), "stats"])
    assert res.exit_code == 1 and "no such database" in res.stderr and "Traceback" not in res.output


def test_stats_json(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    runner.invoke(main, ["--db", str(db), "-q", "ingest"])
    res = runner.invoke(main, ["--db", str(db), "stats", "--json"])
    data = json.loads(res.stdout)
    kinds = {r["kind"]: r for r in data["events"]}
    assert set(kinds) == {"batch_quota", "quota", "region_availability", "retirement"}
    assert data["errors"] == [] and data["unresolved"] == []
