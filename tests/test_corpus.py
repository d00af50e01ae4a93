"""Corpus tests: every real report and seed ingests; invariants hold on what comes out.

Skipped when ../shared (beside the project) is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import expected_counts, kind_counts

import extractor
from extractor import kinds

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
SEED_0621 = SEEDS / "000_9c531b2a355f2f12.txt"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir() or not SEEDS.is_dir(), reason="../shared corpus absent")


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> extractor.Extractor:
    db = extractor.connect(tmp_path_factory.mktemp("corpus") / "corpus.duckdb")
    db.result = db.ingest([CORPUS, SEEDS])  # type: ignore[attr-defined]
    yield db
    db.close()


def test_every_file_ingests(corpus_db: extractor.Extractor) -> None:
    res = corpus_db.result  # type: ignore[attr-defined]
    assert res.failed == []
    n_reports = len(list(CORPUS.rglob("report-*.md")))
    assert n_reports == 378
    # 378 reports + 2 seeds, one seed byte-identical to a corpus report; README.md is not a diff
    assert res.loaded == 379 and res.skipped_known == 1
    assert [Path(p).name for p in res.skipped_other] == ["README.md"]
    n = corpus_db.sql("SELECT count(*) AS sources, count(DISTINCT change_id) AS changes FROM sources").iloc[0]
    assert (n["sources"], n["changes"]) == (379, 155)
    assert corpus_db.sql("SELECT count(*) AS n FROM errors")["n"].iloc[0] == 0


def test_every_kind_is_found(corpus_db: extractor.Extractor) -> None:
    want = expected_counts()
    assert set(want["kinds"]) == set(kinds.names())  # every registered kind has its expected counts
    assert kind_counts(corpus_db.records()) == want["kinds"]
    assert all(v["changes"] > 0 for v in want["kinds"].values())
    unresolved = corpus_db.sql("SELECT doc, count(*) AS n FROM unresolved GROUP BY doc")
    assert dict(zip(unresolved["doc"], unresolved["n"].astype(int), strict=True)) == want["unresolved_by_doc"]


def test_values_are_canonical(corpus_db: extractor.Extractor) -> None:
    recs = corpus_db.records()
    for r in recs:
        subj = r["subject"]
        if subj.get("region") is not None:
            assert re.fullmatch(r"[a-z0-9]+", subj["region"]), r
        keys = kinds.get(r["kind"]).subject_keys
        if "model" in keys or "subject" in keys:
            model = subj.get("model") or subj.get("subject")
            assert model and model == model.lower() and " " not in model and "`" not in model, r
        for key in ("name", "api"):  # the canonical names of limits and APIs
            if key in keys:
                assert re.fullmatch(r"[a-z0-9.]+(?:-[a-z0-9.]+)*", subj[key]), r
        if r["attribute"] in ("deprecation_date", "retirement_date"):
            for v in (r["old"], r["new"]):
                assert v is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", v), r
        integers = {a.name for a in kinds.get(r["kind"]).attributes if a.type == "integer"}
        if r["attribute"] in integers:
            for v in (r["old"], r["new"]):
                assert v is None or (isinstance(v, int) and v >= 0), r
        if r["attribute"] in ("upgrade_date",):
            for v in (r["old"], r["new"]):
                assert v is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", v), r
        if r["attribute"] == "training_data":
            for v in (r["old"], r["new"]):
                assert v is None or re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", v), r
        if r["change"] == "changed":
            assert r["old"] != r["new"], r
        if r["change"] == "added":
            assert r["old"] is None and r["new"] is not None
        if r["change"] == "removed":
            assert r["new"] is None and r["old"] is not None


def test_reingest_changes_nothing(corpus_db: extractor.Extractor) -> None:
    before = corpus_db.records()
    again = corpus_db.ingest([CORPUS, SEEDS])
    assert again.loaded == 0 and again.events_new == 0 and again.failed == []
    assert corpus_db.records() == before


def _strip_prose(text: str) -> str:
    """The same report with all prose replaced: summary, <format> block, explanations."""
    text = re.sub(r"(?m)^summary: .*$", "summary: replaced", text, count=1)
    text = re.sub(r"<format>.*?</format>", "<format>\n# Highlights\nOther words.\n</format>", text, flags=re.S)
    return re.sub(r"(?ms)^### Explanation\n.*?(?=^## articles/|\Z)", "### Explanation\nReplaced.\n\n", text)


def _meaning(db: extractor.Extractor) -> list[tuple]:
    return sorted((r["kind"], r["observed_at"], r["doc"], str(r["subject"]), r["attribute"], r["change"],
                   str(r["old"]), str(r["new"]), r["old_raw"], r["new_raw"], r["qualifier"]) for r in db.records())


def test_prose_does_not_change_the_facts(tmp_path: Path) -> None:
    original = SEED_0621.read_text(encoding="utf-8")
    copy = tmp_path / "copy.md"
    copy.write_text(_strip_prose(original), encoding="utf-8")
    assert copy.read_text(encoding="utf-8") != original
    with extractor.connect(tmp_path / "a.duckdb") as a, extractor.connect(tmp_path / "b.duckdb") as b:
        a.ingest([SEED_0621])
        b.ingest([copy])
        assert _meaning(a) == _meaning(b) and _meaning(a)


def test_seed_0621_quota_table_gives_only_real_changes(tmp_path: Path) -> None:
    with extractor.connect(tmp_path / "x.duckdb") as db:
        db.ingest([SEED_0621])
        got = sorted((r["subject"]["model"], r["subject"]["tier"], r["subject"]["deployment_type"], r["attribute"],
                      r["change"], r["new"], r["new_raw"])
                     for r in db.records() if r["kind"] == "quota" and r["change"] != "unchanged")
        unchanged = {r["subject"]["model"] for r in db.records() if r["kind"] == "quota" and r["change"] == "unchanged"}
    assert got == [
        ("codex-mini", "default", "global-standard", "rpm", "added", 1_000, "1 K"),
        ("codex-mini", "default", "global-standard", "tpm", "added", 1_000_000, "1 M"),
        ("codex-mini", "enterprise", "global-standard", "rpm", "added", 10_000, "10 K"),
        ("codex-mini", "enterprise", "global-standard", "tpm", "added", 10_000_000, "10 M"),
        ("o3-pro", "default", "global-standard", "rpm", "added", 160, "160"),
        ("o3-pro", "default", "global-standard", "tpm", "added", 1_600_000, "1.6 M"),
        ("o3-pro", "enterprise", "global-standard", "rpm", "added", 1_600, "1.6 K"),
        ("o3-pro", "enterprise", "global-standard", "tpm", "added", 16_000_000, "16 M"),
    ]
    assert unchanged == {"o4-mini", "o3", "o3-mini", "o1", "o1-preview", "o1-mini"}
