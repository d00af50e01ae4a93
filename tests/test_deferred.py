"""Deferred sections: table rows with no fact word, in a document not yet known to hold fact
tables, are parsed only once a later input of the run shows that document's table. Their
text is not held meanwhile: the file is read again for the few that are parsed."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import QUOTAS, changes, fifo_of, hunk, q, report

import extractor
from extractor.api import Extractor
from extractor.ingest import batch as batch_module
from extractor.ingest.result import IngestResult

# rows of the o-series table without its header (no fact word in them: the section is deferred)
HEADERLESS = hunk("""\
 | `o3` | Default | 1 M | 1 K |
-| `o1` | Default | 1 M | 1 K |
+| `o1` | Default | 2 M | 1 K |""", old=60)

# the same table with its header, in a later report: the document now holds a fact table
WITH_HEADER = hunk("""\
 ### o-series global standard
.
 | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
 |---|---|:---:|:---:|
 | `o3` | Default | 1 M | 1 K |
-| `o4-mini` | Default | 1 M | 1 K |
+| `o4-mini` | Default | 3 M | 1 K |""", old=40)

EXPECTED_O1 = [
    ("quota", q("o1", "global-standard", "default"), "tpm", "changed", 1_000_000, 2_000_000, None),
]
EXPECTED_O4 = [
    ("quota", q("o4-mini", "global-standard", "default"), "tpm", "changed", 1_000_000, 3_000_000, None),
]


def two_reports(tmp_path: Path) -> list[Path]:
    (tmp_path / "in").mkdir()
    first = report(tmp_path / "in", "2025-02-01", [(QUOTAS, "modified", HEADERLESS)], base="1111111",
                   head="2222222", name="report-20250201-a.md")
    later = report(tmp_path / "in", "2025-03-01", [(QUOTAS, "modified", WITH_HEADER)], base="2222222",
                   head="3333333", name="report-20250301-b.md")
    return [first, later]


def test_a_deferred_section_is_read_again_from_its_file(tmp_path: Path) -> None:
    paths = two_reports(tmp_path)
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest(paths)
    assert res.ok, res.failed
    assert [c for c in changes(db) if c[2] == "tpm"] == EXPECTED_O1 + EXPECTED_O4


def test_a_file_changed_before_its_deferred_sections_are_read_leaves_them_unread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = two_reports(tmp_path)
    prepare_one = batch_module.Batch._prepare_one

    def prepare_then_edit(self: batch_module.Batch, inp: batch_module.Input) -> batch_module.FileOutcome:
        out = prepare_one(self, inp)
        if inp.path == paths[0]:  # someone edits the first report while the run goes on
            inp.path.write_text(inp.path.read_text(encoding="utf-8") + "\nedited\n", encoding="utf-8")
        return out

    monkeypatch.setattr(batch_module.Batch, "_prepare_one", prepare_then_edit)
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest(paths)
    assert res.failed == [(str(paths[0]), None, "changed while being ingested: 1 sections left unread; "
                                                "ingest it again")]
    assert res.loaded == 2  # the rest of both reports loads
    assert [c for c in changes(db) if c[2] == "tpm"] == EXPECTED_O4


def ingest_first_piped(tmp_path: Path, first: Path, later: Path) -> tuple[Extractor, IngestResult]:
    """Ingest ``first`` through a named pipe, then ``later``, into a new database: (db, result)."""
    writer = fifo_of(first, tmp_path / "first.md")
    db = extractor.connect(tmp_path / "pipe.duckdb")
    res = db.ingest([tmp_path / "first.md", later])
    writer.join(timeout=10)
    return db, res


def test_a_deferred_section_of_a_pipe_is_held(tmp_path: Path) -> None:
    """A named pipe cannot be read twice: its deferred sections keep their text."""
    first, later = two_reports(tmp_path)
    db, res = ingest_first_piped(tmp_path, first, later)
    assert res.ok, res.failed
    assert [c for c in changes(db) if c[2] == "tpm"] == EXPECTED_O1 + EXPECTED_O4
