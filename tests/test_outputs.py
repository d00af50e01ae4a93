"""Outputs never clobber what a command reads: ``-o`` aimed at the database (by any name, a
symbolic or a hard link), a symbolic link, an existing file; a write that fails leaves no
half file; and stdout closed (``>&-``), full (``/dev/full``) or cut short (``| head -1``)
gives the exit status the README states. Each case checks its message and exit status."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner
from helpers import sample_db

from extractor.api import Extractor
from extractor.cli import main

OUTPUTS = [["export"], ["export", "--format", "csv"], ["export", "--format", "parquet"],
           ["report", "--since", "2024-01-01"], ["report", "--since", "2024-01-01", "--format", "html"]]


def extract(*args: str) -> Any:
    res = CliRunner().invoke(main, list(args))
    assert "Traceback" not in res.output
    return res


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "extractor.entry", *args]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_db(tmp_path_factory.mktemp("outputs"))


@pytest.mark.parametrize("args", OUTPUTS)
def test_output_onto_the_database_is_refused(db: Path, tmp_path: Path, args: list[str]) -> None:
    before = digest(db)
    link, hard = tmp_path / "link.duckdb", tmp_path / "hard.duckdb"
    link.symlink_to(db)
    os.link(db, hard)
    for target in (db, Path(f"{db.parent}/./{db.name}"), link, hard):
        extra = ["--follow-symlinks", "--force"] if target == link else ["--force"]
        res = extract("--db", str(db), *args, "-o", str(target), *extra)
        assert res.exit_code == 2, res.output
        assert res.stderr.splitlines()[-1] == (f"Error: Invalid value for '-o' / '--output': {target} is the "
                                               f"database ({db}); choose another file"), (target, res.stderr)
    assert digest(db) == before
    res = extract("--db", str(db), *args, "-o", f"{db}.seen.json", "--force")
    assert res.exit_code == 2 and "is a file the command reads" in res.stderr


def test_a_symbolic_link_is_followed_only_when_asked(db: Path, tmp_path: Path) -> None:
    real, link, dangling = tmp_path / "real.jsonl", tmp_path / "link.jsonl", tmp_path / "dangling.jsonl"
    link.symlink_to(real)
    dangling.symlink_to(tmp_path / "nowhere.jsonl")
    for target in (link, dangling):
        res = extract("--db", str(db), "export", "-o", str(target))
        assert res.exit_code == 2
        assert res.stderr.splitlines()[-1] == (f"Error: Invalid value for '-o' / '--output': {target} is a symbolic "
                                               f"link (to {os.readlink(target)}); give --follow-symlinks to write "
                                               "to the file it names, or choose another file")
    assert not real.exists() and not (tmp_path / "nowhere.jsonl").exists()
    res = extract("--db", str(db), "export", "-o", str(link), "--follow-symlinks")
    assert res.exit_code == 0 and link.is_symlink() and real.read_text(encoding="utf-8").count("\n") > 10


def test_an_existing_file_is_overwritten_only_with_force(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "digest.md"
    out.write_text("keep me\n", encoding="utf-8")
    res = extract("--db", str(db), "report", "--since", "2024-01-01", "-o", str(out))
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == (f"Error: Invalid value for '-o' / '--output': {out} exists; give --force "
                                           "to overwrite it")
    assert out.read_text(encoding="utf-8") == "keep me\n"
    res = extract("--db", str(db), "report", "--since", "2024-01-01", "-o", str(out), "--force")
    assert res.exit_code == 0 and out.read_text(encoding="utf-8").startswith("#")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.md"]  # no temporary file left


def test_a_failed_write_leaves_no_half_file(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half(self: Extractor, out: IO[str]) -> int:
        out.write('{"kind": "quota"')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Extractor, "write_jsonl", half)
    out = tmp_path / "events.jsonl"
    res = extract("--db", str(db), "export", "-o", str(out))
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"error: cannot write {out}: No space left on device"]
    assert list(tmp_path.iterdir()) == []
    out.write_text("old\n", encoding="utf-8")
    res = extract("--db", str(db), "export", "-o", str(out), "--force")
    assert res.exit_code == 1 and out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]


# --- stdout closed, full, cut short ---------------------------------------------------------------

STDOUT = [["stats"], ["stats", "--json"], ["sql", "SELECT * FROM events"], ["sql", "SELECT 1 AS n", "--format", "csv"],
          ["export"], ["export", "--format", "csv"], ["query", "--list"], ["query", "current_quotas"],
          ["report", "--since", "2024-01-01"]]


@pytest.mark.parametrize("args", STDOUT)
def test_stdout_whose_reader_has_gone_is_exit_0(db: Path, args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line: every write is a broken pipe
    try:
        run = subprocess.run(command("--db", str(db), *args), stdout=write, stderr=subprocess.PIPE, text=True,
                             timeout=120)
    finally:
        os.close(write)
    assert (run.returncode, run.stderr) == (0, "")


def test_head_1_is_exit_0(db: Path) -> None:
    for args in (["stats"], ["sql", "SELECT * FROM range(100000)"], ["-q", "export"]):
        shell = " ".join(f"'{a}'" for a in command("--db", str(db), *args)) + " | head -1 >/dev/null; " \
                "echo ${PIPESTATUS[0]}"
        run = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
        assert (run.stdout, run.stderr) == ("0\n", ""), args


@pytest.mark.parametrize("args", [*STDOUT, ["--help"], ["--version"], ["sql", "--help"]])
def test_stdout_closed_or_full_is_exit_1(db: Path, args: list[str]) -> None:
    closed = subprocess.run(command("--db", str(db), *args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, timeout=120, pass_fds=(), preexec_fn=lambda: os.close(1))
    assert (closed.returncode, closed.stderr) == (1, "error: cannot write to stdout: it is closed\n")
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            run = subprocess.run(command("--db", str(db), *args), stdout=full, stderr=subprocess.PIPE, text=True,
                                 timeout=120)
        assert (run.returncode, run.stderr) == (1, "error: cannot write to stdout: No space left on device\n")


def test_an_ingest_with_stdout_closed_is_fine(tmp_path: Path) -> None:
    run = subprocess.run(command("-q", "--db", str(tmp_path / "x.duckdb"), "ingest"), stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, timeout=120, preexec_fn=lambda: os.close(1))
    assert (run.returncode, run.stderr) == (0, "")
