"""Inputs of any kind: file names that are not UTF-8, named pipes, devices, broken and looping
links, files and lines over the limits, UTF-16 reports. Each is loaded or refused as a
recorded failure naming the file (and line) and the cause; the other inputs still load."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import QUOTAS, hunk, make_report, unreadable

import extractor
from extractor.cli import main

SAMPLE = Path(extractor.__file__).resolve().parent / "sample"
LATIN1 = os.fsdecode(b"latin1-\xe9.md")


def extract(*args: str) -> object:
    res = CliRunner().invoke(main, list(args))
    assert "Traceback" not in res.output
    return res


def errors(db: Path) -> list[tuple[str, int | None, str]]:
    with extractor.connect(db, read_only=True) as d:
        rows = d.store.read("SELECT path, line, message FROM errors ORDER BY path").rows()
    return [(Path(p).name, line, m) for p, line, m in rows]


def a_report(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(make_report("2025-03-01", [(QUOTAS, "modified", hunk("-| o1 | 10 |\n+| o1 | 20 |"))]),
                    encoding="utf-8")
    return path


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_a_file_name_that_is_not_utf8_loads_with_the_others(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "x.duckdb"
    shutil.copytree(SAMPLE, folder)
    a_report(folder, LATIN1)
    (folder / os.fsdecode(b"notes-\xff.md")).write_bytes(b"neither report nor patch\n")
    res = extract("--db", str(db), "ingest", str(folder))
    assert res.exit_code == 0, res.stderr
    assert res.stderr.startswith("4 files: 3 loaded, 0 already ingested, 1 not diffs, 0 failed;")
    with extractor.connect(db, read_only=True) as d:
        assert sorted(Path(p).name for p in d.sql("SELECT path FROM sources")["path"]) == [
            "latin1-\\xe9.md", "report-20250110-sample.md", "report-20250205-sample.md"]
    again = extract("--db", str(db), "ingest", str(folder))
    assert again.exit_code == 0 and again.stderr.startswith("4 files: 0 loaded, 3 already ingested, 1 not diffs")
    bad = folder / os.fsdecode(b"bad-\xff.md")
    bad.write_bytes(b"neither report nor patch\n")
    res = extract("--db", str(db), "ingest", str(bad))
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == f"error: {folder}/bad-\\xff.md:1: neither a Diff Insight Report nor a unified diff"
    assert errors(db) == [("bad-\\xff.md", 1, "neither a Diff Insight Report nor a unified diff")]


@pytest.mark.skipif(not Path("/dev/zero").exists() or os.name != "posix", reason="no devices")
def test_pipes_devices_and_links_in_a_folder_are_refused(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "x.duckdb"
    shutil.copytree(SAMPLE, folder)
    os.mkfifo(folder / "pipe.md")  # no writer: never opened
    (folder / "dangling.md").symlink_to("nowhere.md")
    (folder / "loop.md").symlink_to("loop.md")
    res = extract("--db", str(db), "ingest", str(folder), "/dev/zero")
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        "error: /dev/zero: a character device, not a file: refused",
        f"error: {folder}/dangling.md: a broken symbolic link (to nowhere.md): refused",
        f"error: {folder}/loop.md: a symbolic link loop: refused",
        f"error: {folder}/pipe.md: a named pipe, not a file: refused",
        "6 files: 2 loaded, 0 already ingested, 0 not diffs, 4 failed; 48 new events (extracted: batch_quota 8, "
        f"quota 22, region_availability 6, retirement 12); 0 unresolved rows -> {db}"]
    assert errors(db) == [("zero", None, "a character device, not a file: refused"),  # (/dev/ sorts first)
                          ("dangling.md", None, "a broken symbolic link (to nowhere.md): refused"),
                          ("loop.md", None, "a symbolic link loop: refused"),
                          ("pipe.md", None, "a named pipe, not a file: refused")]


@pytest.mark.skipif(os.name != "posix", reason="no named pipes")
def test_a_named_pipe_that_nothing_writes_to_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.ingest import inputs

    monkeypatch.setattr(inputs, "PIPE_WAIT", 0.3)
    db, pipe = tmp_path / "x.duckdb", tmp_path / "silent.md"
    os.mkfifo(pipe)  # named on the command line, and no writer ever opens it
    report = a_report(tmp_path, "r.md")
    res = extract("--db", str(db), "ingest", str(pipe), str(report))
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == f"error: {pipe}: cannot read: a named pipe with nothing written to it in 0.3 s: refused"
    assert errors(db) == [("silent.md", None, "cannot read: a named pipe with nothing written to it in 0.3 s: refused")]
    with extractor.connect(db, read_only=True) as d:  # the other input loaded
        assert d.store.read("SELECT count(*) FROM sources").rows() == [(1,)]


def test_files_and_lines_over_the_limits_are_refused(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "x.duckdb"
    folder.mkdir()
    small = a_report(folder, "small.md")
    size = small.stat().st_size
    long_line = folder / "long.md"
    long_line.write_text("x\ny\n" + "z" * 600 + "\n", encoding="utf-8")
    res = extract("--db", str(db), "ingest", str(small), str(long_line), "--max-file-size", str(size - 1),
                  "--max-line-length", "500")
    assert res.exit_code == 1
    assert res.stderr.splitlines()[:2] == [
        f"error: {small}: {size:,} bytes, over the input limit of {size - 1:,} bytes (--max-file-size): refused",
        f"error: {long_line}:3: a line of 600 bytes, over the line limit of 500 bytes (--max-line-length): refused"]
    assert errors(db) == [("long.md", 3, "a line of 600 bytes, over the line limit of 500 bytes (--max-line-length): "
                                         "refused"),
                          ("small.md", None, f"{size:,} bytes, over the input limit of {size - 1:,} bytes "
                                             "(--max-file-size): refused")]
    res = extract("--db", str(db), "ingest", str(small), "--max-file-size", "0.1kB", "--max-line-length", "1MiB")
    assert res.exit_code == 1 and "over the input limit of 100 bytes" in res.stderr
    res = extract("--db", str(db), "ingest", str(small))  # the defaults: 8 MB, 1 MB
    assert res.exit_code == 0 and "1 loaded" in res.stderr
    bad = extract("--db", str(db), "ingest", str(small), "--max-file-size", "big")
    assert bad.exit_code == 2 and bad.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--max-file-size': expected a size such as 8MB, 500kB, 2MiB or a number of bytes, "
        "got 'big'")


def test_a_utf16_report_is_named_not_skipped(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "x.duckdb"
    folder.mkdir()
    text = (SAMPLE / "report-20250110-sample.md").read_text(encoding="utf-8")
    (folder / "r16.md").write_bytes(text.encode("utf-16"))
    (folder / "notes.txt").write_bytes("just notes".encode("utf-16"))
    res = extract("--db", str(db), "ingest", str(folder))
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == f"error: {folder}/r16.md: UTF-16 text, not UTF-8: convert it to UTF-8 to ingest it"
    assert "2 files: 0 loaded, 0 already ingested, 1 not diffs, 1 failed" in res.stderr


def test_an_unreadable_file_named_is_a_recorded_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, db = tmp_path / "in", tmp_path / "x.duckdb"
    shutil.copytree(SAMPLE, folder)
    secret = a_report(folder, "secret.md")
    unreadable(monkeypatch, secret)
    res = extract("--db", str(db), "ingest", str(secret), str(folder / "report-20250110-sample.md"))
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == f"error: {secret}: cannot read: Permission denied"
    assert "2 files: 1 loaded" in res.stderr
    assert errors(db) == [("secret.md", None, "cannot read: Permission denied")]
