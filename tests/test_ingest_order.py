"""The same facts whatever the order: the real corpus ingested four ways.

One run; one file at a time in date order (the daily user); one month at a time; one file
at a time in reverse date order. Each must end with the same sorted export and the same
history views (FACTS.md: ingest order changes nothing).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import expected_counts, kind_counts

import extractor
from extractor import kinds

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
# every registered kind's history, and the moves
HISTORIES = (*(f"{k}_history" for k in kinds.names()), "fact_moves")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


def _files_by_date() -> list[Path]:
    def key(p: Path) -> tuple[str, str]:
        m = re.search(r"^date:\s*'?(\d{4}-\d{2}-\d{2})", p.read_text(encoding="utf-8")[:500], re.M)
        return (m.group(1) if m else "", p.name)

    files = [p for p in CORPUS.rglob("*.md") if p.name.startswith("report-")]
    files += [p for p in SEEDS.iterdir() if p.is_file()] if SEEDS.is_dir() else []
    return sorted(files, key=key)


def _state(db: extractor.Extractor) -> tuple[list[str], dict[str, list[str]]]:
    export = sorted(json.dumps(r, sort_keys=True, default=str) for r in db.records())
    views = {v: sorted(json.dumps(row, sort_keys=True, default=str)
                       for row in db.sql(f"SELECT * FROM {v}").to_dict("records")) for v in HISTORIES}
    return export, views


@pytest.fixture(scope="module")
def one_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, list[str]]]:
    with extractor.connect(tmp_path_factory.mktemp("one") / "x.duckdb") as db:
        res = db.ingest([CORPUS, *([SEEDS] if SEEDS.is_dir() else [])])
        assert res.ok
        return _state(db)


def _ingest_in_parts(tmp_path: Path, parts: list[list[Path]]) -> tuple[list[str], dict[str, list[str]]]:
    with extractor.connect(tmp_path / "x.duckdb") as db:
        for part in parts:
            assert db.ingest(part).ok
        return _state(db)


def _check(got: tuple[list[str], dict[str, list[str]]], want: tuple[list[str], dict[str, list[str]]]) -> None:
    assert len(got[0]) == len(want[0])
    assert got[0] == want[0]
    for v in HISTORIES:
        assert got[1][v] == want[1][v], v


def test_one_file_at_a_time_in_date_order(tmp_path: Path, one_run: tuple[list[str], dict[str, list[str]]]) -> None:
    _check(_ingest_in_parts(tmp_path, [[f] for f in _files_by_date()]), one_run)


def test_one_month_at_a_time(tmp_path: Path, one_run: tuple[list[str], dict[str, list[str]]]) -> None:
    months = sorted(p for p in (CORPUS / "diff-insight-ja").iterdir() if p.is_dir())
    _check(_ingest_in_parts(tmp_path, [[m] for m in months] + ([[SEEDS]] if SEEDS.is_dir() else [])), one_run)


def test_one_file_at_a_time_in_reverse_date_order(tmp_path: Path,
                                                  one_run: tuple[list[str], dict[str, list[str]]]) -> None:
    _check(_ingest_in_parts(tmp_path, [[f] for f in reversed(_files_by_date())]), one_run)


def test_the_corpus_export_has_the_counts_it_had(one_run: tuple[list[str], dict[str, list[str]]]) -> None:
    export, views = one_run
    want = expected_counts()
    assert kind_counts(json.loads(r) for r in export) == want["kinds"]
    assert len(views["fact_moves"]) == want["moves"]


def test_every_registered_kind_is_covered() -> None:
    assert {v.removesuffix("_history") for v in HISTORIES if v != "fact_moves"} == set(kinds.names())
    assert set(expected_counts()["kinds"]) == set(kinds.names())
