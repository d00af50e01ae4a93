"""What is told without opening the database (``extractor.store.seen``): a re-run with nothing new, and stats.

When a writable store closes it lists beside itself the input files it holds; an ingest
whose every input is listed unchanged (and the database file is unchanged) reports the
skip without loading DuckDB, with the summary the ordinary path prints. Anything else
takes the ordinary path.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
from helpers import O3_QUOTA_ROWS, QUOTAS, report

import extractor
import extractor.api
from extractor.api import ingested_already
from extractor.store.seen import seen_path

ROWS = O3_QUOTA_ROWS
HOUR = 3600 * 1_000_000_000

# The console script in a fresh interpreter; at exit, whether DuckDB was loaded (last stderr line).
_PROBE = """
import atexit, sys
atexit.register(lambda: print("duckdb" in sys.modules, file=sys.stderr))
sys.argv = ["extract", *sys.argv[1:]]
from extractor.entry import run
run()
"""


def _age(path: Path) -> None:
    t = time.time_ns() - HOUR
    os.utime(path, ns=(t, t))


def _extract(*args: str) -> tuple[int, str, bool]:
    """Exit status, the summary line and whether DuckDB was loaded by ``extract ARGS``."""
    res = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "400"})
    lines = res.stderr.strip().splitlines()
    return res.returncode, lines[-2] if len(lines) > 1 else "", lines[-1] == "True"


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    _age(report(folder, "2025-01-10", [(QUOTAS, "modified", ROWS)], name="a.md"))
    _age(report(folder, "2025-01-11", [(QUOTAS, "modified", ROWS)], name="b.md", base="bbbbbbb"))
    notes = folder / "notes.txt"
    notes.write_text("not a diff\n", encoding="utf-8")
    _age(notes)
    return folder


def test_a_rerun_with_nothing_new_loads_no_duckdb_and_says_what_the_ordinary_run_says(tmp_path: Path) -> None:
    folder, db = _inputs(tmp_path), str(tmp_path / "x.duckdb")
    code, first, used_db = _extract("--db", db, "ingest", str(folder))
    assert code == 0 and used_db and first.startswith("3 files: 2 loaded, 0 already ingested, 1 not diffs")
    listed = json.loads(seen_path(db).read_text(encoding="utf-8"))
    assert sorted(Path(p).name for p in listed["files"]) == ["a.md", "b.md"]

    code, quick, used_db = _extract("--db", db, "ingest", str(folder))
    assert code == 0 and not used_db
    assert quick == (f"3 files: 0 loaded, 2 already ingested, 1 not diffs, 0 failed; 0 new events "
                     f"(extracted: none); 0 unresolved rows -> {db}")
    seen_path(db).unlink()  # the ordinary path says the same
    code, ordinary, used_db = _extract("--db", db, "ingest", str(folder))
    assert code == 0 and used_db and ordinary == quick


def test_anything_new_or_changed_takes_the_ordinary_path(tmp_path: Path) -> None:
    folder, db = _inputs(tmp_path), tmp_path / "x.duckdb"
    with extractor.connect(db) as x:
        x.ingest([folder])
    quick = ingested_already(db, [folder])
    assert quick is not None and (quick.files, quick.skipped_known, quick.skipped_other) == (
        3, 2, [str(folder / "notes.txt")])

    a = folder / "a.md"
    assert ingested_already(db, [a]) is not None  # a file named, listed
    assert ingested_already(db, [folder / "notes.txt"]) is None  # named and not listed: the ingest tells
    assert ingested_already(db, [folder / "missing.md"]) is None
    assert ingested_already(db, [tmp_path / "empty"]) is None  # (a missing path is a failure to report)

    new = report(folder, "2025-01-12", [(QUOTAS, "modified", ROWS)], name="c.md", base="ccccccc")
    assert ingested_already(db, [folder]) is None  # a new report
    new.unlink()
    os.utime(a, ns=(time.time_ns(), time.time_ns()))
    assert ingested_already(db, [folder]) is None  # a file touched since
    _age(a)
    assert ingested_already(db, [folder]) is None  # status differs from the one recorded
    with extractor.connect(db) as x:  # the ordinary run records it again (content hash known)
        assert x.ingest([folder]).skipped_known == 2
    assert ingested_already(db, [folder]) is not None


def test_a_database_written_since_the_list_is_not_trusted(tmp_path: Path) -> None:
    folder, db = _inputs(tmp_path), tmp_path / "x.duckdb"
    with extractor.connect(db) as x:
        x.ingest([folder])
    assert ingested_already(db, [folder]) is not None
    con = duckdb.connect(str(db))  # written behind the store's back: the list is older than the file
    con.execute("DELETE FROM input_files")
    con.execute("DELETE FROM sources")
    con.close()
    assert ingested_already(db, [folder]) is None
    with extractor.connect(db) as x:
        assert x.ingest([folder]).loaded == 2  # the ordinary path finds them gone


def test_files_recorded_in_the_instant_they_changed_are_not_listed(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "x.duckdb"
    folder.mkdir()
    report(folder, "2025-01-10", [(QUOTAS, "modified", ROWS)], name="a.md")  # written just now
    with extractor.connect(db) as x:
        x.ingest([folder])
    assert json.loads(seen_path(db).read_text(encoding="utf-8"))["files"] == {}
    assert ingested_already(db, [folder]) is None


def test_stats_as_the_writer_left_them_are_the_stats_of_the_database(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    with extractor.connect(db) as x:
        x.ingest()  # the shipped sample
        x.store.con.execute("INSERT INTO errors (source_id, path, line, severity, message, logged_at) VALUES "
                            "(NULL, 'a.md', NULL, 'error', 'no line', now()), "
                            "(NULL, 'b.md', 3, 'warning', 'a [markup] line', now())")
    quick = extractor.api.stats_already(db)
    with extractor.connect(db, read_only=True) as x:
        ordinary = x.stats_rows()
    assert quick is not None and list(quick) == list(ordinary)
    for name in ordinary:
        assert (quick[name].columns, quick[name].rows) == (ordinary[name].columns, ordinary[name].rows), name
    assert quick["sources"].rows[0][3:] == (dt.date(2025, 1, 10), dt.date(2025, 2, 5))  # dates stay dates
    assert len(quick["errors"].rows) == 2

    with extractor.connect(db) as x:  # a writer that changes nothing leaves the same tables
        pass
    assert _same(extractor.api.stats_already(db), quick)
    con = duckdb.connect(str(db))  # a write behind the store's back: no longer told from beside it
    con.execute("DELETE FROM errors")
    con.close()
    assert extractor.api.stats_already(db) is None


def _same(a: dict[str, Any] | None, b: dict[str, Any]) -> bool:
    return a is not None and {k: (v.columns, v.rows) for k, v in a.items()} == {k: (v.columns, v.rows)
                                                                                for k, v in b.items()}
