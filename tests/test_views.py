"""Tests of the time views (schemas/002_views.sql): value spans per kind, current rows, `as of`
answers and the described change list, on the hand-written history of ``history_fixtures``
(a value that changes twice, a retirement date that moves, a value removed then re-added,
two changes on one day, one change through two sources, observations before the first change).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import expected_counts, kind_counts
from history_fixtures import LINK, QUOTA_HEAD, body, build, write_reports

import extractor
from extractor import kinds
from extractor.render import plain

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
D = dt.date.fromisoformat
QUOTAS = "articles/ai-services/openai/quotas-limits.md"
STD_GLOBAL = "articles/ai-services/openai/includes/model-matrix/standard-global.md"
MODELS = "articles/ai-services/openai/concepts/models.md"
EN1 = "report-20250110-openai.ja.md"  # the smaller name of the two sources of the first change


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("views"))


@pytest.fixture
def db(db_path: Path) -> Any:
    with extractor.connect(db_path, read_only=True) as d:
        yield d


def rows(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [tuple(plain(v) for v in r) for r in df[cols].itertuples(index=False)]


QCOLS = ["model", "attribute", "value", "valid_from", "valid_to", "last_seen", "opened_by", "closed_by",
         "previous", "source_file", "n_sources"]


def test_quota_history_rows(db: Any) -> None:
    h = db.history("quota")
    assert set(h["deployment_type"]) == {"global-standard"} and set(h["tier"]) == {"default"}
    assert h["region"].isna().all() and set(h["doc"]) == {QUOTAS}
    assert rows(h, QCOLS) == [
        # same day, two chained changes: 3 M held until 04-20, 4 M for a moment, 6 M from then on
        ("o1", "rpm", 500, "2025-01-10", None, "2025-04-20", "added", None, None, EN1, 2),
        ("o1", "tpm", 3000000, "2025-01-10", "2025-04-20", "2025-01-10", "added", "changed", None, EN1, 2),
        ("o1", "tpm", 4000000, "2025-04-20", "2025-04-20", "2025-04-20", "changed", "changed", 3000000,
         "report-20250420-zz.md", 1),
        ("o1", "tpm", 6000000, "2025-04-20", None, "2025-04-20", "changed", None, 4000000,
         "report-20250420-aa.md", 1),
        # observed before its first change: the span starts at the observation, no change row
        ("o3", "rpm", 1000, "2025-01-10", "2025-02-01", "2025-01-10", "observed", "changed", None, EN1, 2),
        ("o3", "rpm", 2000, "2025-02-01", None, "2025-04-01", "changed", None, 1000,
         "report-20250201-openai.md", 1),
        # a value that changes twice
        ("o3", "tpm", 1000000, "2025-01-10", "2025-02-01", "2025-01-10", "observed", "changed", None, EN1, 2),
        ("o3", "tpm", 2000000, "2025-02-01", "2025-03-01", "2025-02-01", "changed", "changed", 1000000,
         "report-20250201-openai.md", 1),
        ("o3", "tpm", 3000000, "2025-03-01", None, "2025-04-01", "changed", None, 2000000,
         "report-20250301-openai.md", 1),
        # removed, then re-added: two spans with a gap
        ("o4-mini", "rpm", 5000, "2025-01-10", "2025-03-15", "2025-01-10", "observed", "removed", None, EN1, 2),
        ("o4-mini", "rpm", 5000, "2025-04-01", None, "2025-04-01", "added", None, None,
         "report-20250401-openai.md", 1),
        ("o4-mini", "tpm", 5000000, "2025-01-10", "2025-03-15", "2025-01-10", "observed", "removed", None, EN1, 2),
        ("o4-mini", "tpm", 5000000, "2025-04-01", None, "2025-04-01", "added", None, None,
         "report-20250401-openai.md", 1),
    ]
    assert list(h["is_current"]) == [v is None for v in h["valid_to"]]
    assert h.loc[h["value"] == 6000000, "link"].tolist() == [LINK + "e000000...d000000"]
    assert h.loc[h["value"] == 6000000, "value_raw"].tolist() == ["6 M"]


def test_retirement_history_rows(db: Any) -> None:
    h = db.history("retirement")
    cols = ["model", "version", "attribute", "value", "value_date", "qualifier", "valid_from", "valid_to",
            "last_seen", "opened_by", "closed_by", "previous"]
    assert rows(h, cols) == [
        ("o1-preview", "2024-09-12", "replacement", "o1", None, None, "2025-01-10", None, "2025-03-01",
         "added", None, None),
        ("o1-preview", "2024-09-12", "retirement_date", "2025-04-02", "2025-04-02", None, "2025-01-10",
         "2025-03-01", "2025-01-10", "added", "changed", None),
        ("o1-preview", "2024-09-12", "retirement_date", "2025-07-15", "2025-07-15", "no-earlier-than",
         "2025-03-01", None, "2025-03-01", "changed", None, "2025-04-02"),
    ]


def test_region_availability_history_rows_per_document(db: Any) -> None:
    h = db.history("region_availability")
    cols = ["subject", "version", "deployment_type", "region", "available", "valid_from", "valid_to",
            "last_seen", "opened_by", "closed_by", "doc"]
    assert rows(h, cols) == [
        # the same subject stated by two documents: one span per document
        ("gpt-4.1", "2025-04-14", "global-standard", "eastus2", True, "2025-03-05", None, "2025-03-05",
         "added", None, MODELS),
        ("gpt-4.1", "2025-04-14", "global-standard", "eastus2", True, "2025-03-05", None, "2025-03-05",
         "added", None, STD_GLOBAL),
        ("gpt-4.1", "2025-04-14", "global-standard", "swedencentral", True, "2025-02-01", None, "2025-03-05",
         "added", None, STD_GLOBAL),
        ("gpt-4.1", "2025-04-14", "global-standard", "swedencentral", True, "2025-03-05", None, "2025-03-05",
         "added", None, MODELS),
        ("gpt-4.1", "2025-04-14", "global-standard", "westus", True, "2025-02-01", "2025-03-05", "2025-02-01",
         "added", "removed", STD_GLOBAL),
        ("o3", "2025-04-16", "global-standard", "eastus2", True, "2025-02-01", None, "2025-03-05",
         "added", None, STD_GLOBAL),
        ("o3", "2025-04-16", "global-standard", "swedencentral", True, "2025-02-01", None, "2025-03-05",
         "added", None, STD_GLOBAL),
    ]


def test_batch_quota_history_rows(db: Any) -> None:
    h = db.history("batch_quota")
    cols = ["model", "deployment_type", "subscription", "attribute", "value", "value_raw", "valid_from", "valid_to"]
    assert rows(h, cols) == [
        ("gpt-4.1", "global-batch", "default", "enqueued_tokens", 200000000, "200 M", "2025-02-01", None),
        ("gpt-4.1", "global-batch", "enterprise", "enqueued_tokens", 5000000000, "5 B", "2025-02-01", None),
    ]


def test_fact_history_covers_every_kind_and_current_is_the_open_spans(db: Any) -> None:
    h = db.history()
    assert h.groupby("kind").size().to_dict() == {"batch_quota": 2, "quota": 13, "region_availability": 7,
                                                  "retirement": 3}
    cur = db.current()
    assert len(cur) == int(h["valid_to"].isna().sum()) == 16
    key = ["kind", "doc", "subject_json", "attribute"]
    assert not cur.duplicated(key).any()
    assert len(db.current("quota")) == 6 and db.current("quota")["valid_to"].isna().all()


def test_one_current_row_per_key_in_sql(db: Any) -> None:
    dup = db.sql("SELECT kind, doc, subject_json, attribute, count(*) AS n FROM fact_current "
                 "GROUP BY ALL HAVING n > 1")
    assert dup.empty


ASOF_COLS = ["model", "attribute", "value"]


@pytest.mark.parametrize(("date", "expected"), [
    ("2025-01-09", []),  # before anything was seen
    ("2025-01-10", [("o1", "rpm", 500), ("o1", "tpm", 3000000), ("o3", "rpm", 1000), ("o3", "tpm", 1000000),
                    ("o4-mini", "rpm", 5000), ("o4-mini", "tpm", 5000000)]),
    ("2025-02-15", [("o1", "rpm", 500), ("o1", "tpm", 3000000), ("o3", "rpm", 2000), ("o3", "tpm", 2000000),
                    ("o4-mini", "rpm", 5000), ("o4-mini", "tpm", 5000000)]),
    ("2025-03-20", [("o1", "rpm", 500), ("o1", "tpm", 3000000), ("o3", "rpm", 2000), ("o3", "tpm", 3000000)]),
    ("2025-04-19", [("o1", "rpm", 500), ("o1", "tpm", 3000000), ("o3", "rpm", 2000), ("o3", "tpm", 3000000),
                    ("o4-mini", "rpm", 5000), ("o4-mini", "tpm", 5000000)]),
    ("2025-04-20", [("o1", "rpm", 500), ("o1", "tpm", 6000000), ("o3", "rpm", 2000), ("o3", "tpm", 3000000),
                    ("o4-mini", "rpm", 5000), ("o4-mini", "tpm", 5000000)]),  # the end of the day wins
])
def test_quota_as_of(db: Any, date: str, expected: list[tuple]) -> None:
    assert rows(db.as_of(date, kind="quota"), ASOF_COLS) == expected
    sql = db.sql("SELECT model, attribute, value FROM quota_as_of($d) ORDER BY ALL", {"d": D(date)})
    assert rows(sql, ASOF_COLS) == expected


def test_as_of_other_kinds(db: Any) -> None:
    ret = db.as_of("2025-02-28", kind="retirement")
    assert rows(ret, ["attribute", "value"]) == [("replacement", "o1"), ("retirement_date", "2025-04-02")]
    ret = db.as_of("2025-03-01", kind="retirement")
    assert rows(ret, ["attribute", "value", "qualifier"]) == [("replacement", "o1", None),
                                                              ("retirement_date", "2025-07-15", "no-earlier-than")]
    reg = db.as_of("2025-03-04", kind="region_availability")
    assert rows(reg, ["subject", "region"]) == [("gpt-4.1", "swedencentral"), ("gpt-4.1", "westus"),
                                                ("o3", "eastus2"), ("o3", "swedencentral")]
    allk = db.as_of(D("2025-02-01"))
    assert allk.groupby("kind").size().to_dict() == {"batch_quota": 2, "quota": 6, "region_availability": 4,
                                                     "retirement": 2}
    with pytest.raises(ValueError, match="unknown kind"):
        db.as_of("2025-02-01", kind="quotas")


def test_fact_changes_descriptions(db: Any) -> None:
    ch = db.changes()
    assert len(ch) == 24  # every event but the observations
    assert rows(ch, ["observed_at", "description", "source_file"]) == [
        ("2025-01-10", "o1 (global-standard, default) RPM: 500 (new)", EN1),
        ("2025-01-10", "o1 (global-standard, default) TPM: 3,000,000 (new)", EN1),
        ("2025-01-10", "o1-preview 2024-09-12 replacement: o1 (new)", EN1),
        ("2025-01-10", "o1-preview 2024-09-12 retirement date: 2025-04-02 (new)", EN1),
        ("2025-02-01", "gpt-4.1 (global-batch, default) enqueued tokens: 200,000,000 (new)",
         "report-20250201-openai.md"),
        ("2025-02-01", "gpt-4.1 (global-batch, enterprise) enqueued tokens: 5,000,000,000 (new)",
         "report-20250201-openai.md"),
        ("2025-02-01", "o3 (global-standard, default) RPM: 1,000 → 2,000", "report-20250201-openai.md"),
        ("2025-02-01", "o3 (global-standard, default) TPM: 1,000,000 → 2,000,000", "report-20250201-openai.md"),
        ("2025-02-01", "gpt-4.1 2025-04-14 (global-standard): now available in swedencentral",
         "report-20250201-openai.md"),
        ("2025-02-01", "gpt-4.1 2025-04-14 (global-standard): now available in westus", "report-20250201-openai.md"),
        ("2025-02-01", "o3 2025-04-16 (global-standard): now available in eastus2", "report-20250201-openai.md"),
        ("2025-02-01", "o3 2025-04-16 (global-standard): now available in swedencentral",
         "report-20250201-openai.md"),
        ("2025-03-01", "o3 (global-standard, default) TPM: 2,000,000 → 3,000,000", "report-20250301-openai.md"),
        ("2025-03-01", "o1-preview 2024-09-12 retirement date moved 2025-04-02 → no earlier than 2025-07-15 "
                       "(+104 days)", "report-20250301-openai.md"),
        ("2025-03-05", "gpt-4.1 2025-04-14 (global-standard): now available in eastus2", "report-20250305-openai.md"),
        ("2025-03-05", "gpt-4.1 2025-04-14 (global-standard): now available in swedencentral",
         "report-20250305-openai.md"),
        ("2025-03-05", "gpt-4.1 2025-04-14 (global-standard): now available in eastus2", "report-20250305-openai.md"),
        ("2025-03-05", "gpt-4.1 2025-04-14 (global-standard): no longer listed in westus",
         "report-20250305-openai.md"),
        ("2025-03-15", "o4-mini (global-standard, default) RPM: 5,000 removed", "report-20250315-openai.md"),
        ("2025-03-15", "o4-mini (global-standard, default) TPM: 5,000,000 removed", "report-20250315-openai.md"),
        ("2025-04-01", "o4-mini (global-standard, default) RPM: 5,000 (new)", "report-20250401-openai.md"),
        ("2025-04-01", "o4-mini (global-standard, default) TPM: 5,000,000 (new)", "report-20250401-openai.md"),
        ("2025-04-20", "o1 (global-standard, default) TPM: 3,000,000 → 4,000,000", "report-20250420-zz.md"),
        ("2025-04-20", "o1 (global-standard, default) TPM: 4,000,000 → 6,000,000", "report-20250420-aa.md"),
    ]
    assert set(ch["change"]) == {"added", "changed", "removed"}
    assert db.changes("2025-04-20", "2025-04-20")["new_value"].tolist() == ["4,000,000", "6,000,000"]
    assert db.changes(since="2025-03-02", until="2025-03-31", kind="quota")["change"].tolist() == ["removed"] * 2


def test_change_sequence_orders_same_day_changes_by_the_compare_chain(db: Any) -> None:
    seq = db.sql("SELECT change_id, depth, seq FROM change_sequence WHERE observed_at = DATE '2025-04-20' "
                 "ORDER BY seq")
    assert [c.split("@")[1] for c in seq["change_id"]] == ["f000000...e000000", "e000000...d000000"]
    assert seq["depth"].tolist() == [0, 1]


def test_history_does_not_depend_on_ingest_order_or_repeats(db: Any, tmp_path: Path) -> None:
    paths = write_reports(tmp_path / "reports")
    with extractor.connect(tmp_path / "rev.duckdb") as other:
        other.ingest(list(reversed(paths)))
        other.ingest(paths)  # again: nothing new
        cols = [c for c in db.history().columns if c != "change_id"]
        pd.testing.assert_frame_equal(other.history()[cols], db.history()[cols])


def test_renamed_document_keeps_its_spans(tmp_path: Path) -> None:
    """A document renamed (doc_changes.old_doc, as a git walk records it) continues its spans
    under the new path; a report cannot say so, so the rename is recorded by hand here."""
    from helpers import hunk, report

    old_doc = "articles/ai-services/openai/quota-old.md"
    p1 = report(tmp_path, "2025-01-10", [(old_doc, "modified", hunk(body(QUOTA_HEAD, """\
        +| `o3` | Default | 1 M | 1 K |""")))], base="1111111", head="2222222")
    p2 = report(tmp_path, "2025-02-01", [(QUOTAS, "renamed", hunk(body(QUOTA_HEAD, """\
        -| `o3` | Default | 1 M | 1 K |
        +| `o3` | Default | 2 M | 1 K |""")))], base="2222222", head="3333333")
    with extractor.connect(tmp_path / "r.duckdb") as db:
        assert db.ingest([p1, p2]).ok
        before = db.history("quota")
        assert sorted(set(before["doc"])) == [old_doc, QUOTAS]
        db.store.con.execute("UPDATE doc_changes SET old_doc = ? WHERE doc = ?", [old_doc, QUOTAS])
        after = db.history("quota")
        tpm = after[after["attribute"] == "tpm"]
        assert rows(tpm, ["doc", "value", "valid_from", "valid_to", "opened_by"]) == [
            (QUOTAS, 1000000, "2025-01-10", "2025-02-01", "added"),
            (QUOTAS, 2000000, "2025-02-01", None, "changed"),
        ]
        assert db.changes()["doc"].tolist().count(old_doc) == 2  # changes name the path they were made in


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_corpus_views(tmp_path: Path) -> None:
    with extractor.connect(tmp_path / "corpus.duckdb") as db:
        db.ingest([CORPUS])
        h = db.history()
        assert set(h["kind"]) == {k for k, v in expected_counts("corpus")["kinds"].items() if v["changes"] + v["observations"]}
        assert kind_counts(db.records()) == expected_counts("corpus")["kinds"]
        assert (h["valid_to"].isna() | (h["valid_to"] >= h["valid_from"])).all()
        assert (h["last_seen"] >= h["valid_from"]).all()
        dup = db.sql("SELECT kind, doc, subject_json, attribute, count(*) AS n FROM fact_current "
                     "GROUP BY ALL HAVING n > 1")
        assert dup.empty
        n_changes = int(db.sql("SELECT count(*) AS n FROM events WHERE change NOT IN ('unchanged', 'moved')")["n"][0])
        assert len(db.changes()) == n_changes
        assert db.changes()["description"].notna().all()
        last = max(h["valid_from"])
        assert len(db.as_of(last)) == len(db.current())


def test_views_survive_reopening_and_schema_version(db_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db_path, copy)
    with extractor.connect(copy) as db:
        assert db.store.schema_version() >= 2
        assert len(db.history()) == 25


def test_changed_view_definitions_reach_existing_databases(db_path: Path, tmp_path: Path) -> None:
    """002_views.sql is repeatable: a database whose recorded checksum differs (it was built
    with an older definition) gets the views re-applied on its next open, read-only too."""
    copy = tmp_path / "old.duckdb"
    shutil.copy(db_path, copy)
    with extractor.connect(copy) as db:
        con = db.store.con
        assert con.execute("SELECT name FROM schema_scripts ORDER BY name").fetchall() == [
            ("002_views.sql",), ("010_model_level.sql",)]
        con.execute("CREATE OR REPLACE VIEW fact_changes AS SELECT 1 AS stale")
        con.execute("UPDATE schema_scripts SET sha256 = 'older'")
    with extractor.connect(copy, read_only=True) as db:
        assert "description" in db.changes().columns
        assert db.sql("SELECT sha256 FROM schema_scripts")["sha256"][0] != "older"
    with extractor.connect(copy) as db:  # nothing stale: opens without rewriting
        before = db.sql("SELECT applied_at FROM schema_scripts")["applied_at"][0]
    with extractor.connect(copy) as db:
        assert db.sql("SELECT applied_at FROM schema_scripts")["applied_at"][0] == before


def test_every_view_and_table_macro_binds_with_the_columns_it_promises(tmp_path: Path) -> None:
    """Views are created WITH (DEFER_BINDING): a broken definition would only show when a
    query first uses it, so every view and every ``*_as_of`` macro is queried here, on a new
    empty database and on one with facts."""
    expected = {
        "quota_history": ["model", "deployment_type", "tier", "region", "attribute", "value", "inferred"],
        "batch_quota_history": ["model", "deployment_type", "subscription", "attribute", "value"],
        "retirement_history": ["model", "version", "attribute", "value", "value_date"],
        "region_availability_history": ["subject", "version", "deployment_type", "region", "available"],
        "fact_changes": ["description"],
        "fact_moves": ["observed_at", "from_doc", "to_doc", "facts", "link"],
        "fact_states": ["event_id", "change", "observed_at", "pos", "state_json", "inferred"],
        "model_changes": ["observed_at", "kind", "class", "service", "model", "version", "deployment_type", "tier",
                          "region", "attribute", "change", "old", "new", "versions", "docs", "link", "conflict"],
        "model_facts_as_of('2025-02-01')": ["kind", "class", "service", "model", "version", "versions",
                                            "deployment_type", "tier", "region", "attribute", "value", "docs",
                                            "conflict"],
        "model_subjects": ["model", "class", "service", "areas", "names"],
        "area_coverage": ["area", "service", "first_source", "last_source", "gaps"],
    }
    for path in (tmp_path / "empty.duckdb", build(tmp_path / "full")):
        with extractor.connect(path) as db:
            con = db.store.con
            views = sorted(r[0] for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'").fetchall())
            macros = sorted(r[0] for r in con.execute(
                "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'table_macro' "
                "AND schema_name = 'main' AND NOT internal").fetchall())
            # 9 views of all kinds, 10 of the model level, and each registered kind's history and current
            assert len(views) == 19 + 2 * len(kinds.names())
            assert macros == sorted(f"{k}_as_of" for k in ("fact", "model_facts", *kinds.names()))
            cols = {name: [d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description]
                    for name in [*views, *(f"{m}('2025-02-01')" for m in macros)]}
            assert all(cols.values())
            for name, promised in expected.items():
                assert set(promised) <= set(cols[name]), name
            for kind in ("fact", *kinds.names()):
                assert cols[f"{kind}_current"] == cols[f"{kind}_history"]
                assert cols[f"{kind}_as_of('2025-02-01')"] == cols[f"{kind}_history"]
