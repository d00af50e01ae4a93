"""Cold start: what each command loads, and that the light paths print what the frames did.

``--version`` and ``--help`` load none of DuckDB, pandas, pyarrow, rich; an ingest loads
neither pandas nor pyarrow (its rows reach DuckDB as NumPy arrays), nor pydantic; ``stats`` and
``query --list`` print from plain rows (no pandas), and to a pipe, a table that fits is
written without rich, byte for byte as before (the golden
files in ``tests/golden`` are the output of ``extract stats`` on the shipped sample as it
was printed from DataFrames).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import extractor
from extractor.cli import main
from extractor.queries import list_frame, list_rows
from extractor.render import format_frame, frame_records, table_text

GOLDEN = Path(__file__).resolve().parent / "golden"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
HEAVY = ("pandas", "pyarrow", "duckdb", "rich", "numpy", "matplotlib", "pydantic")

# Runs the console script's entry point in a fresh interpreter and, at exit, lists on
# stderr (last line) the heavy modules that were loaded.
_PROBE = f"""
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr))
sys.argv = ["extract", *sys.argv[1:]]
from extractor.entry import run
run()
"""


def loaded(*args: str) -> tuple[int, str, set[str]]:
    """Exit status, stdout and the heavy modules loaded by ``extract ARGS`` as its own process."""
    res = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "100"})
    return res.returncode, res.stdout, set(json.loads(res.stderr.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cold") / "sample.duckdb"
    with extractor.connect(db) as d:
        d.ingest()  # the shipped sample
    return db


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("query", "--help"), ("stats", "--help")])
def test_version_and_help_load_nothing_heavy(args: tuple[str, ...]) -> None:
    code, out, mods = loaded(*args)
    assert code == 0 and out
    assert mods == set()


@pytest.mark.parametrize("told_beside", [True, False])
def test_stats_loads_no_pandas(sample_db: Path, tmp_path: Path, told_beside: bool) -> None:
    """With the tables its last writer left beside the database, not even DuckDB."""
    from extractor.store.seen import seen_path

    db = tmp_path / "s.duckdb"
    db.write_bytes(sample_db.read_bytes())
    if told_beside:
        with extractor.connect(db):  # a writer's close lists them (for this copy's file status)
            pass
    assert seen_path(db).exists() == told_beside
    code, out, mods = loaded("--db", str(db), "stats")
    assert code == 0
    assert out == (GOLDEN / "stats_sample.txt").read_text(encoding="utf-8")
    assert mods == (set() if told_beside else {"duckdb"})  # a table that fits is written without rich
    code, out, mods = loaded("--db", str(db), "stats", "--json")
    assert code == 0
    assert out == (GOLDEN / "stats_sample.json").read_text(encoding="utf-8")
    assert mods == (set() if told_beside else {"duckdb"})


def test_an_ingest_loads_neither_pandas_nor_pyarrow(tmp_path: Path) -> None:
    db = str(tmp_path / "x.duckdb")
    code, _out, mods = loaded("-q", "--db", db, "ingest")  # the shipped sample: new rows in every table
    assert code == 0 and mods == {"duckdb", "numpy"}
    code, out, mods = loaded("--db", db, "stats", "--json")
    assert code == 0 and sum(k["changes"] for k in json.loads(out)["events"]) > 0


def test_query_list_loads_no_duckdb_nor_pandas() -> None:
    code, out, mods = loaded("query", "--list", "--format", "json")
    assert code == 0 and json.loads(out)
    assert mods == set()
    code, _, mods = loaded("query", "--list")
    assert code == 0 and mods == set()  # a table is laid out without rich, folded or not


def test_stats_golden_in_process(sample_db: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["--db", str(sample_db), "stats"], env={"COLUMNS": "100"})
    assert res.exit_code == 0 and res.output == (GOLDEN / "stats_sample.txt").read_text(encoding="utf-8")


def test_stats_rows_render_as_the_frames_do(tmp_path: Path) -> None:
    """On the corpus (moves, unresolved rows, errors): the rows ``stats`` prints render to the
    same text, table and JSON, as the DataFrames of ``Extractor.stats``."""
    if not CORPUS.is_dir():
        pytest.skip("no shared corpus")
    with extractor.connect(tmp_path / "c.duckdb") as d:
        d.ingest([CORPUS])
        d.store.con.execute("INSERT INTO errors (source_id, path, line, severity, message, logged_at) VALUES "
                            "(NULL, 'a.md', NULL, 'error', 'no line', now()), "
                            "(NULL, 'b.md', 3, 'warning', 'a [markup] line', now())")
        frames, rows = d.stats(), d.stats_rows()
    assert list(frames) == list(rows)
    for name in frames:
        assert frame_records(frames[name]) == frame_records(rows[name]), name
        for width in (60, 100, 160):
            texts = [table_text(table, title=name, empty=f"no {name}", width=width) for table in (frames[name], rows[name])]
            assert texts[0] == texts[1], (name, width)


def test_list_rows_are_the_list_frame() -> None:
    for fmt in ("csv", "json", "markdown"):
        assert format_frame(list_rows(), fmt) == format_frame(list_frame(), fmt)
    assert [p["name"] for p in list_rows(structured=True).column("parameters")[0]] == [
        p.strip("[]").split("=")[0] for p in list_rows().column("parameters")[0].split()]
