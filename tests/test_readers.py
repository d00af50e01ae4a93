"""Readers during an ingest: a reader refused while an ingest writes is told so (and how to
wait); ``--wait SECONDS`` (or ``$EXTRACTOR_WAIT``) waits for the ingest and answers; an
ingest refused while others read or write says which; a wait that runs out says so.

The ingest is held in the middle of its run by one of its inputs, a named pipe that the
test writes the second sample report into only when it is ready."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import extractor
from extractor.api import SAMPLE_DIR
from extractor.store.db import Store, StoreError

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")

FIRST, SECOND = sorted(SAMPLE_DIR.glob("*.md"))
COUNT = "SELECT count(*) AS n FROM sources"


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "extractor.entry", *args]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def wait_until_writing(db: Path, proc: subprocess.Popen[str]) -> None:
    """Until the ingest holds the database (a read-only open is refused for it)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            Store(db, read_only=True, wait=0).close()
        except StoreError as exc:
            if "an ingest is writing" in str(exc):
                return
        time.sleep(0.05)
    raise AssertionError("the ingest never took the database")


@pytest.fixture
def held_ingest(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str], Path]]:
    """An ``extract ingest`` of the first sample report and a named pipe, waiting on the pipe."""
    db, fifo = tmp_path / "facts.duckdb", tmp_path / "second.md"
    os.mkfifo(fifo)
    proc = subprocess.Popen(command("--db", str(db), "ingest", str(FIRST), str(fifo)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_until_writing(db, proc)
        yield db, proc, fifo
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def release(fifo: Path, proc: subprocess.Popen[str]) -> None:
    fifo.write_bytes(SECOND.read_bytes())
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "2 files: 2 loaded" in err


def test_a_reader_waits_for_the_ingest_and_gets_the_answer(held_ingest: tuple[Path, subprocess.Popen[str], Path]) -> None:
    db, proc, fifo = held_ingest
    refused = run("--db", str(db), "sql", COUNT)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        f"error: {db}: an ingest is writing to the database (process {proc.pid}); retry when it has finished, "
        "or wait for it with --wait SECONDS (or $EXTRACTOR_WAIT)"]
    reader = subprocess.Popen(command("--db", str(db), "--wait", "30", "sql", COUNT, "--format", "csv"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    assert reader.poll() is None  # waiting, not failed
    release(fifo, proc)
    out, err = reader.communicate(timeout=60)
    assert (reader.returncode, out, err) == (0, "n\n2\n", "")


def test_wait_after_the_command_and_from_the_environment(held_ingest: tuple[Path, subprocess.Popen[str], Path]) -> None:
    db, proc, fifo = held_ingest
    after = subprocess.Popen(command("--db", str(db), "query", "current_quotas", "--format", "csv", "--wait", "30"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    from_env = subprocess.Popen(command("--db", str(db), "stats", "--json"), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**os.environ, "EXTRACTOR_WAIT": "30"})
    time.sleep(0.5)
    assert after.poll() is None and from_env.poll() is None
    release(fifo, proc)
    out, err = after.communicate(timeout=60)
    assert after.returncode == 0 and out.startswith("model,"), err
    out, err = from_env.communicate(timeout=60)
    assert from_env.returncode == 0 and '"sources": 2' in out, err


def test_a_second_ingest_is_refused_clearly(held_ingest: tuple[Path, subprocess.Popen[str], Path]) -> None:
    db, proc, fifo = held_ingest
    second = run("--db", str(db), "ingest")
    assert second.returncode == 1
    assert second.stderr.splitlines() == [
        f"error: {db}: the database is in use by another process (process {proc.pid} is writing to it; one "
        "writer at a time); retry when it has finished, or wait for it with --wait SECONDS (or $EXTRACTOR_WAIT)"]
    release(fifo, proc)


def test_a_wait_that_runs_out_says_so(held_ingest: tuple[Path, subprocess.Popen[str], Path]) -> None:
    db, proc, fifo = held_ingest
    start = time.monotonic()
    late = run("--db", str(db), "--wait", "1.5", "export")
    assert time.monotonic() - start >= 1.5
    assert late.returncode == 1
    assert late.stderr.splitlines() == [
        f"error: {db}: an ingest is writing to the database (process {proc.pid}); it was still held after "
        "waiting 1.5 s; retry later, or wait longer with --wait SECONDS"]
    release(fifo, proc)


def test_an_ingest_while_others_read(tmp_path: Path) -> None:
    db = tmp_path / "facts.duckdb"
    with extractor.connect(db) as d:
        d.ingest([FIRST])
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], "
                               "read_only=True); print('ready', flush=True); time.sleep(float(sys.argv[2]))",
                               str(db), "3"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        refused = run("--db", str(db), "ingest", str(SECOND))
        assert refused.returncode == 1
        assert refused.stderr.splitlines() == [
            f"error: {db}: the database is in use by another process (process {holder.pid} is reading it, and an "
            "ingest needs it to itself); retry when it has finished, or wait for it with --wait SECONDS "
            "(or $EXTRACTOR_WAIT)"]
        assert run("--db", str(db), "sql", COUNT).returncode == 0  # readers share it
        waited = run("--db", str(db), "--wait", "60", "ingest", str(SECOND))
        assert waited.returncode == 0 and "1 loaded" in waited.stderr
    finally:
        holder.kill()
        holder.wait()
