"""What a file ingest holds does not grow with its input: sources are loaded a chunk at a
time (each chunk one transaction of whole sources, in date order), and prepared sources
past the memory budget wait in a temporary file until they are extracted. Neither
changes a fact: these tests shrink the chunk and the budget to nothing and compare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import QUOTAS, changes, hunk, q, report
from test_deferred import EXPECTED_O1, EXPECTED_O4, ingest_first_piped, two_reports

import extractor
from extractor.ingest import batch as batch_module
from extractor.ingest import files as files_module
from extractor.ingest import load as load_module
from extractor.ingest import spill as spill_module

HEADED = """\
 ### o-series global standard
.
 | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
 |---|---|:---:|:---:|
"""


def _change(model: str, old: str, new: str) -> str:
    return hunk(HEADED + f"-| `{model}` | Default | {old} | 1 K |\n+| `{model}` | Default | {new} | 1 K |", old=40)


def _three(folder: Path) -> list[Path]:
    """Three reports, one quota change each, named out of date order."""
    folder.mkdir()
    return [report(folder, "2025-03-01", [(QUOTAS, "modified", _change("o3", "1 M", "2 M"))], base="2222222",
                   head="3333333", name="c.md"),
            report(folder, "2025-01-01", [(QUOTAS, "modified", _change("o1", "1 M", "4 M"))], base="0000000",
                   head="1111111", name="b.md"),
            report(folder, "2025-02-01", [(QUOTAS, "modified", _change("o4-mini", "2 M", "3 M"))], base="1111111",
                   head="2222222", name="a.md")]


EXPECTED_THREE = [
    ("quota", q("o1", "global-standard", "default"), "tpm", "changed", 1_000_000, 4_000_000, None),
    ("quota", q("o3", "global-standard", "default"), "tpm", "changed", 1_000_000, 2_000_000, None),
    ("quota", q("o4-mini", "global-standard", "default"), "tpm", "changed", 2_000_000, 3_000_000, None),
]


def _count_loads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The sources of each load (each one transaction), in order, as the run makes them."""
    loads: list[list[str]] = []
    real = load_module.load_batch

    def counted(run: Any, batch: list[Any], cols: Any, headings: list[Any]) -> Any:
        loads.append([Path(sr.path).name for sr in batch])
        return real(run, batch, cols, headings)

    monkeypatch.setattr(load_module, "load_batch", counted)
    return loads


def test_sources_load_a_chunk_at_a_time_in_date_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _three(tmp_path / "in")
    one = extractor.connect(tmp_path / "one.duckdb")
    assert one.ingest(paths).ok
    loads = _count_loads(monkeypatch)
    monkeypatch.setattr(files_module, "CHUNK_EVENTS", 1)  # every source is a chunk of its own
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest(paths)
    assert res.ok, res.failed
    assert (res.loaded, res.events_new) == (3, 6)  # a TPM change and an RPM observation each
    assert loads == [["b.md"], ["a.md"], ["c.md"]]  # 2025-01, -02, -03
    assert changes(db) == EXPECTED_THREE
    assert db.records() == one.records()
    assert db.sql("SELECT count(*) AS n FROM headings")["n"].iloc[0] == \
        one.sql("SELECT count(*) AS n FROM headings")["n"].iloc[0] > 0  # each with its source
    assert db.ingest(paths).skipped_known == 3  # every file was recorded as ingested


def test_prepared_sources_past_the_budget_wait_in_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _three(tmp_path / "in")
    one = extractor.connect(tmp_path / "one.duckdb")
    assert one.ingest(paths).ok
    monkeypatch.setattr(batch_module, "PREPARED_BUDGET", 0)  # nothing is held: every source waits in the file
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest(paths)
    assert res.ok, res.failed
    assert res.spilled == 3
    assert changes(db) == EXPECTED_THREE
    assert db.records() == one.records()


def test_a_spilled_source_still_gets_its_deferred_sections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The header-less rows of the first report (deferred: no fact word) are parsed once the
    second shows the table, although the first waited in the file meanwhile: from its file
    read again, or, for a pipe, from the text it kept."""
    first, later = two_reports(tmp_path)
    monkeypatch.setattr(batch_module, "PREPARED_BUDGET", 0)
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest([first, later])
    assert res.ok, res.failed
    assert res.spilled == 2
    assert [c for c in changes(db) if c[2] == "tpm"] == EXPECTED_O1 + EXPECTED_O4

    piped, res = ingest_first_piped(tmp_path, first, later)
    assert res.ok, res.failed
    assert res.spilled == 2
    assert [c for c in changes(piped) if c[2] == "tpm"] == EXPECTED_O1 + EXPECTED_O4


def test_a_run_that_reads_stored_sources_again_is_one_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stored source read again drops what its change said first, in the transaction that
    loads the run's sources: the run is one chunk, whatever its size."""
    first, later = two_reports(tmp_path)
    db = extractor.connect(tmp_path / "x.duckdb")
    assert db.ingest([first]).ok
    assert [c for c in changes(db) if c[2] == "tpm"] == []  # its rows wait, unresolved
    loads = _count_loads(monkeypatch)
    monkeypatch.setattr(files_module, "CHUNK_EVENTS", 1)
    res = db.ingest([later])
    assert res.ok, res.failed
    assert res.read_again == 1
    assert loads == [["report-20250201-a.md", "report-20250301-b.md"]]
    assert [c for c in changes(db) if c[2] == "tpm"] == EXPECTED_O1 + EXPECTED_O4


def test_a_spill_file_that_cannot_be_written_holds_the_sources_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _three(tmp_path / "in")

    def full(self: spill_module.Spill, prep: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spill_module.Spill, "put", full)
    monkeypatch.setattr(batch_module, "PREPARED_BUDGET", 0)
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest(paths)
    assert res.ok, res.failed
    assert (res.loaded, res.spilled) == (3, 0)
    assert [w[2] for w in res.warnings] == [
        "cannot write a temporary file (No space left on device): prepared sources are held in memory"]
    assert changes(db) == EXPECTED_THREE


def test_an_ingest_stopped_between_chunks_keeps_whole_sources_and_a_rerun_completes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _three(tmp_path / "in")
    one = extractor.connect(tmp_path / "one.duckdb")
    assert one.ingest(paths).ok
    real = load_module.load_batch
    calls: list[int] = []

    def stop_at_the_second(run: Any, batch: list[Any], cols: Any, headings: list[Any]) -> Any:
        calls.append(len(batch))
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C between two loads
        return real(run, batch, cols, headings)

    monkeypatch.setattr(load_module, "load_batch", stop_at_the_second)
    monkeypatch.setattr(files_module, "CHUNK_EVENTS", 1)
    db = extractor.connect(tmp_path / "x.duckdb")
    with pytest.raises(KeyboardInterrupt):
        db.ingest(paths)
    assert changes(db) == EXPECTED_THREE[:1]  # the first chunk (2025-01: o1), whole
    monkeypatch.setattr(load_module, "load_batch", real)
    res = db.ingest(paths)  # every file is read again: the one stored is known by its id and skipped
    assert res.ok, res.failed
    assert (res.loaded, res.skipped_known) == (2, 1)
    assert db.records() == one.records()
