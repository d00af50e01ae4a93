"""Re-running an ingest: files already ingested are skipped, by their status when it can be
trusted (not even read), else by their content hash; a changed file is read again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import O3_QUOTA_ROWS, QUOTAS, changes, hunk, report

import extractor

QUOTA_ROWS = O3_QUOTA_ROWS
LATER_ROWS = hunk("""
     | Model | Tier | Quota Limit in tokens per minute (TPM) | Requests per minute |
     |---|---|---|---|
    -| `o3` | Enterprise agreement | 12 M | 1 K |
    +| `o3` | Enterprise agreement | 15 M | 1 K |
""", old=40)
HOUR = 3600 * 1_000_000_000


def _age(path: Path, ns: int = HOUR) -> None:
    """Make ``path`` look written an hour ago (a file older than the ingest that saw it)."""
    t = time.time_ns() - ns
    os.utime(path, ns=(t, t))


def _folder(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    a = report(folder, "2025-01-10", [(QUOTAS, "modified", QUOTA_ROWS)], name="a.md")
    b = report(folder, "2025-02-10", [(QUOTAS, "modified", LATER_ROWS)], name="b.md")
    return a, b


def test_files_ingested_before_are_skipped_without_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = _folder(tmp_path)
    _age(a)
    _age(b)
    db = extractor.connect(tmp_path / "x.duckdb")
    first = db.ingest([tmp_path / "in"])
    assert (first.loaded, first.skipped_known) == (2, 0)
    before = changes(db)
    assert len(before) == 2

    read: list[str] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        if self.parent == tmp_path / "in":  # the inputs, not the store's own files
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    again = db.ingest([tmp_path / "in"])
    assert (again.files, again.loaded, again.skipped_known, again.failed) == (2, 0, 2, [])
    assert read == []
    assert changes(db) == before


def test_a_file_changed_since_is_read_and_ingested_again(tmp_path: Path) -> None:
    a, b = _folder(tmp_path)
    _age(a)
    _age(b)
    db = extractor.connect(tmp_path / "x.duckdb")
    db.ingest([tmp_path / "in"])
    text = b.read_text(encoding="utf-8").replace("| 15 M |", "| 16 M |")
    b.write_text(text, encoding="utf-8", newline="\n")  # same size, a new modification time
    again = db.ingest([tmp_path / "in"])
    assert (again.loaded, again.skipped_known) == (1, 1)
    # a new source; its compare range is the one stored already, so its events are too
    assert int(db.sql("select count(*) as n from sources")["n"][0]) == 3


def test_a_file_written_as_it_was_ingested_is_hashed_not_trusted(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _folder(tmp_path)  # modified just now: its status cannot prove it unchanged
    db = extractor.connect(tmp_path / "x.duckdb")
    db.ingest([tmp_path / "in"])
    read: list[str] = []
    real = Path.read_bytes
    # the inputs only: the store's background thread may be reading its own SQL files
    monkeypatch.setattr(Path, "read_bytes",
                        lambda self: (self.parent == tmp_path / "in" and read.append(self.name)) or real(self))
    again = db.ingest([tmp_path / "in"])
    assert (again.loaded, again.skipped_known) == (0, 2)  # still skipped, by content hash
    assert sorted(read) == ["a.md", "b.md"]


def test_files_in_a_folder_that_are_no_diffs_are_skipped_unparsed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "README.md").write_text("# Notes\nNothing to see.\n", encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest([folder])
    assert sorted(Path(p).name for p in res.skipped_other) == ["README.md", "logo.png"]
    assert (res.loaded, res.failed) == (0, [])
    assert int(db.sql("select count(*) as n from sources")["n"][0]) == 0


def test_an_ingest_leaves_no_cyclic_garbage_and_gives_the_collector_back(tmp_path: Path) -> None:
    # the collector is paused during a run (see extractor.ingest.run.collector_paused): that is only
    # safe while a run makes no reference cycles, which would then pile up until the end
    import gc

    _folder(tmp_path)
    db = extractor.connect(tmp_path / "x.duckdb")
    gc.collect()
    assert gc.isenabled()
    res = db.ingest([tmp_path / "in"])
    assert res.loaded == 2 and gc.isenabled()
    assert gc.collect() == 0
    gc.disable()
    try:
        db.ingest([tmp_path / "in"])
        assert not gc.isenabled()  # a caller's choice is left as it was
    finally:
        gc.enable()
    db.close()


def test_an_ingest_times_its_phases(tmp_path: Path) -> None:
    _folder(tmp_path)
    db = extractor.connect(tmp_path / "x.duckdb")
    first = db.ingest([tmp_path / "in"])
    assert list(first.seconds) == ["read", "prepare", "deferred", "extract", "load"]
    assert all(v >= 0 for v in first.seconds.values())
    again = db.ingest([tmp_path / "in"])  # nothing new: only the files are looked at
    assert (again.loaded, list(again.seconds)) == (0, ["read"])
