"""A database that cannot be written (a full disk, a folder it may not write) stops the ingest
with one line naming the database and the cause DuckDB gave first (not "database has been
invalidated"), exit status 1, and no failure recorded against each input."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

import extractor
from extractor.cli import main
from extractor.store import ingest as sql
from extractor.store.db import store_failure

SAMPLE = Path(extractor.__file__).resolve().parent / "sample"
FULL = ('FATAL Error: Failed: database has been invalidated because of a previous fatal error. The database must be '
        'restarted prior to being used again.\nOriginal error: "Failed to create checkpoint because of error: Could '
        'not write file "/data/x.duckdb": No space left on device"')


def test_the_cause_of_a_failed_database_in_words() -> None:
    got = store_failure("x.duckdb", duckdb.FatalException(FULL))
    assert str(got) == 'x.duckdb: cannot write the database: Could not write file "/data/x.duckdb": No space left on device'
    got = store_failure("x.duckdb", duckdb.IOException('IO Error: Cannot open file "x.duckdb.wal": Permission denied'))
    assert str(got) == 'x.duckdb: cannot write the database: Cannot open file "x.duckdb.wal": Permission denied'
    assert store_failure("x.duckdb", duckdb.ConstraintException("Constraint Error: duplicate key")) is None


def test_a_full_disk_stops_the_ingest_with_its_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*a: Any, **k: Any) -> int:
        raise duckdb.FatalException(FULL)

    monkeypatch.setattr(sql, "load", full)
    folder, db = tmp_path / "in", tmp_path / "x.duckdb"
    shutil.copytree(SAMPLE, folder)
    res = CliRunner().invoke(main, ["--db", str(db), "ingest", str(folder)])
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f'error: {db}: cannot write the database: Could not write file "/data/x.duckdb": '
                                       "No space left on device"]
    monkeypatch.undo()
    with extractor.connect(db, read_only=True) as d:
        assert d.store.read("SELECT count(*) FROM errors").first() == 0
