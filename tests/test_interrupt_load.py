"""Ctrl-C in the load phase of an ingest: SIGINT sent while chunks of sources are being loaded
(a range of moments, inside and between DuckDB's statements) ends the process within a second
with exit status 130, a summary that tells what the database holds (sources loaded, new
events), the line ``interrupted``, no error rows, and a database that the same ingest run
again completes to what an uninterrupted run gives."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import extractor

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
pytestmark = [pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent"),
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a shared monotonic clock")]

# Loads each source in a transaction of its own; at the AT-th load, a timer sends SIGINT
# DELAY seconds later and writes when it did to MARK.
_PROBE = """
import os, signal, sys, threading, time
import extractor.ingest.files as files
import extractor.store.ingest as sql
files.CHUNK_EVENTS = 1
real, calls = sql.load, [0]
AT, DELAY, MARK = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
def fire():
    with open(MARK, "w") as fh:
        fh.write(repr(time.monotonic()))
    os.kill(os.getpid(), signal.SIGINT)
def load(*a, **k):
    calls[0] += 1
    if calls[0] == AT:
        threading.Timer(DELAY, fire).start()
    return real(*a, **k)
sql.load = load
sys.argv = ["extract", *sys.argv[4:]]
from extractor.entry import run
run()
"""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    for path in sorted(CORPUS.rglob("*.md"))[:30]:
        (folder / path.name).symlink_to(path)
    return folder


@pytest.fixture(scope="module")
def reference(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    with extractor.connect(tmp_path_factory.mktemp("ref") / "ref.duckdb") as d:
        assert d.ingest([inputs]).ok
        return d.records()


def _held(db: Path) -> tuple[int, int, int]:
    with extractor.connect(db, read_only=True) as d:
        got = d.sql("SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM events), "
                    "(SELECT count(*) FROM errors)").iloc[0]
        return int(got.iloc[0]), int(got.iloc[1]), int(got.iloc[2])


@pytest.mark.parametrize("at", [1, 3, 5])
def test_ctrl_c_in_the_load_phase(tmp_path: Path, inputs: Path, reference: list[dict], at: int) -> None:
    stopped = 0
    for i, delay in enumerate((0.0, 0.002, 0.01)):
        db, mark = tmp_path / f"x{i}.duckdb", tmp_path / f"mark{i}"
        run = subprocess.run([sys.executable, "-c", _PROBE, str(at), str(delay), str(mark), "--db", str(db),
                              "ingest", str(inputs)], capture_output=True, text=True, timeout=120)
        ended = time.monotonic()
        assert "Traceback" not in run.stderr and "error" not in run.stderr, run.stderr
        if run.returncode == 0:  # the run ended before the signal
            continue
        stopped += 1
        assert ended - float(mark.read_text()) < 1.0, (ended - float(mark.read_text()), run.stderr)
        lines = run.stderr.splitlines()
        assert run.returncode == 130 and lines[-1] == "interrupted", run.stderr
        # (a signal that came once the run had loaded everything finds the usual summary printed)
        m = re.fullmatch(r"(?:interrupted; stored before: )?\d+ files: (\d+) loaded, 0 already ingested, \d+ not diffs, "
                         r"0 failed; (\d+) new events \(extracted: .*\); \d+ unresolved rows -> .*", lines[-2])
        assert m, lines[-2]
        assert (int(m.group(1)), int(m.group(2)), 0) == _held(db)  # the summary is what the database holds
        with extractor.connect(db) as d:
            assert d.ingest([inputs]).ok
            assert d.records() == reference
    assert stopped
