"""The model level (FACTS.md, "The model level"): availability across documents, versions as a
detail, type-less facts covered, aliases, conflicts, subject classes — exact rows of
``model_changes``, ``model_facts_as_of`` and ``model_subjects`` from small reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import MATRIX, MODELS, OPENAI, QUOTAS, RETIREMENTS, hunk, ingest_changes

from extractor.model.aliases import AliasError

STD_GLOBAL = MATRIX + "standard-global.md"
REASONING = OPENAI + "how-to/reasoning.md"
LEGACY = OPENAI + "concepts/legacy-models.md"
SEARCH = "articles/search/search-region-support.md"

CHANGE_COLS = "observed_at, kind, class, model, version, deployment_type, region, attribute, change, old, new"


def rows(db: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(None if _na(v) else (str(v) if hasattr(v, "isoformat") else v) for v in r)
            for r in db.sql(sql).itertuples(index=False)]


def _na(v: Any) -> bool:
    import pandas as pd

    return v is None or (not isinstance(v, (list, tuple)) and not hasattr(v, "__len__") and bool(pd.isna(v)))


def changes(db: Any, where: str = "TRUE") -> list[tuple[Any, ...]]:
    return rows(db, f"SELECT {CHANGE_COLS} FROM model_changes WHERE {where} "
                    "ORDER BY observed_at, kind, model, version NULLS FIRST, deployment_type NULLS FIRST, region, attribute")


def matrix(model: str, version: str, cells: str) -> str:
    """A standard-global matrix hunk with one model column; ``cells`` are its rows."""
    return hunk(f"""
         | **Region** | **{model}**, **{version}** |
         |:---|:---:|
{cells}""", old=10)


# --- availability ---------------------------------------------------------------------------------------

REASONING_HEAD = """
         | Model | Region |
         |---|---|"""


def test_a_page_dropping_its_copy_of_a_list_the_matrix_keeps_is_no_loss(tmp_path: Path) -> None:
    """The page lists o4-mini (no version) in eastus2 (global standard), as the matrix does
    (version 2025-04-16); the page drops its row: no change. The matrix drops it a month later:
    one loss, that day."""
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(STD_GLOBAL, "modified", matrix("o4-mini", "2025-04-16", "        +| eastus2 | ✅ |")),
                        (REASONING, "modified", hunk(REASONING_HEAD + """
        +| `o4-mini` | East US2 (Global Standard) |"""))]),
        ("2025-02-01", [(REASONING, "modified", hunk(REASONING_HEAD + """
        -| `o4-mini` | East US2 (Global Standard) |"""))]),
        ("2025-03-01", [(STD_GLOBAL, "modified", matrix("o4-mini", "2025-04-16", """\
        -| eastus2 | ✅ |
        +| eastus2 | - |"""))]),
    )
    assert changes(db) == [
        ("2025-01-10", "region_availability", "model", "o4-mini", None, "global-standard", "eastus2", "available",
         "added", None, "true"),
        ("2025-03-01", "region_availability", "model", "o4-mini", None, "global-standard", "eastus2", "available",
         "removed", "true", None),
    ]
    docs = rows(db, "SELECT docs, description FROM model_changes ORDER BY observed_at")
    assert [(list(d), text) for d, text in docs] == [
        ([REASONING, STD_GLOBAL], "o4-mini (global-standard): now available in eastus2"),
        ([STD_GLOBAL], "o4-mini (global-standard): no longer listed in eastus2")]
    # on 2025-02-15 the matrix alone states it, the version a detail of the row
    assert rows(db, "SELECT model, version, versions, deployment_type, region, value, docs "
                    "FROM model_facts_as_of(DATE '2025-02-15')") == [
        ("o4-mini", None, ["2025-04-16"], "global-standard", "eastus2", "true", [STD_GLOBAL])]
    assert rows(db, "SELECT count(*) FROM model_facts_as_of(DATE '2025-03-02')") == [(0,)]


STORED = OPENAI + "how-to/stored-completions.md"


def test_a_feature_page_replacing_its_region_list_by_a_model_table_keeps_the_features_regions(
        tmp_path: Path) -> None:
    """The feature page lists its regions; a later version states them as a table of models
    by region (one region more): the feature loses nothing and gains that region."""
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(STORED, "modified", hunk("""
         ### Regional availability
        .
        +- Sweden Central
        +- East US2""", old=20))]),
        ("2025-01-31", [(STORED, "modified", hunk("""
        -### Regional availability
        +### Model & region availability
        .
        -- Sweden Central
        -- East US2
        +| **Region** | **gpt-4o**, **2024-08-06** | **o1-mini**, **2024-09-12** |
        +|:---|:---:|:---:|
        +| Sweden Central | ✅ | ✅ |
        +| East US 2 | ✅ | - |
        +| West US | - | ✅ |""", old=20))]),
    )
    assert changes(db, "class = 'feature'") == [
        ("2025-01-10", "region_availability", "feature", "stored-completions", None, None, "eastus2", "available",
         "added", None, "true"),
        ("2025-01-10", "region_availability", "feature", "stored-completions", None, None, "swedencentral",
         "available", "added", None, "true"),
        ("2025-01-31", "region_availability", "feature", "stored-completions", None, None, "westus", "available",
         "added", None, "true"),
    ]
    assert rows(db, "SELECT region FROM model_facts_as_of(DATE '2025-02-01') WHERE model = 'stored-completions' "
                    "ORDER BY region") == [("eastus2",), ("swedencentral",), ("westus",)]
    # a feature has a page of its own, as a model does
    page = db.model_page("Stored-Completions", fmt="md")
    assert page.startswith("# stored-completions (feature)\n") and "| westus | – | ✓ |" in page
    assert "<title>Feature stored-completions</title>" in db.model_page("stored-completions", fmt="html")
    # the export keeps what the page did: its list items removed, the table's rows added
    assert sorted((r["subject"]["subject"], r["subject"]["region"], r["change"]) for r in db.records()
                  if r["observed_at"] == "2025-01-31" and r["subject"]["subject"] == "stored-completions") == [
        ("stored-completions", "eastus2", "removed"), ("stored-completions", "swedencentral", "removed")]


def test_a_fact_naming_no_deployment_type_is_covered_by_a_typed_one(tmp_path: Path) -> None:
    """models.md lists gpt-4o in eastus2 with no type and no version; the matrix states it
    typed and versioned: one row, no null-typed one; the page dropping it changes nothing."""
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(MODELS, "modified", hunk(REASONING_HEAD + """
        +| `gpt-4o` | East US 2 |""")),
                        (STD_GLOBAL, "modified", matrix("gpt-4o", "2024-11-20", "        +| eastus2 | ✅ |"))]),
        ("2025-02-01", [(MODELS, "modified", hunk(REASONING_HEAD + """
        -| `gpt-4o` | East US 2 |"""))]),
    )
    assert changes(db) == [
        ("2025-01-10", "region_availability", "model", "gpt-4o", None, "global-standard", "eastus2", "available",
         "added", None, "true"),
    ]
    expected = [("gpt-4o", None, ["2024-11-20"], "global-standard", "eastus2")]
    for d in ("2025-01-15", "2025-02-15"):
        assert rows(db, "SELECT model, version, versions, deployment_type, region "
                        f"FROM model_facts_as_of(DATE '{d}')") == expected


def test_a_version_gained_while_the_model_stays_is_its_own_row(tmp_path: Path) -> None:
    head = """
         | **Region** | **gpt-4o**, **2024-08-06** | **gpt-4o**, **2024-11-20** |
         |:---|:---:|:---:|"""
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(STD_GLOBAL, "modified", hunk(head + """
        +| eastus2 | ✅ | - |"""))]),
        ("2025-02-01", [(STD_GLOBAL, "modified", hunk(head + """
        -| eastus2 | ✅ | - |
        +| eastus2 | ✅ | ✅ |"""))]),
        ("2025-03-01", [(STD_GLOBAL, "modified", hunk(head + """
        -| eastus2 | ✅ | ✅ |
        +| eastus2 | - | ✅ |"""))]),
    )
    assert changes(db) == [
        ("2025-01-10", "region_availability", "model", "gpt-4o", None, "global-standard", "eastus2", "available",
         "added", None, "true"),
        ("2025-02-01", "region_availability", "model", "gpt-4o", "2024-11-20", "global-standard", "eastus2",
         "available", "added", None, "true"),
        ("2025-03-01", "region_availability", "model", "gpt-4o", "2024-08-06", "global-standard", "eastus2",
         "available", "removed", "true", None),
    ]
    assert rows(db, "SELECT versions FROM model_facts_as_of(DATE '2025-02-15')") == [(["2024-08-06", "2024-11-20"],)]


# --- values: aliases and conflicts ----------------------------------------------------------------------

RET_HEAD = """
         | Model | Version | Retirement date |
         | ---- | ---- | ---- |"""


def test_an_alias_carries_a_retirement_date_across_documents(tmp_path: Path) -> None:
    """``dalle-3`` 2025-06-30 in model-retirements.md; one change moves the row to
    legacy-models.md as ``dall-e-3`` with 2025-09-15: one ``changed`` at the model level."""
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        +| `dalle-3` | 3 | June 30, 2025 |"""))]),
        ("2025-02-01", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        -| `dalle-3` | 3 | June 30, 2025 |""")),
                        (LEGACY, "modified", hunk(RET_HEAD + """
        +| `dall-e-3` | 3 | September 15, 2025 |"""))]),
    )
    assert changes(db) == [
        ("2025-01-10", "retirement", "model", "dall-e-3", "3", None, None, "retirement_date", "added", None,
         "2025-06-30"),
        ("2025-02-01", "retirement", "model", "dall-e-3", "3", None, None, "retirement_date", "changed", "2025-06-30",
         "2025-09-15"),
    ]
    assert rows(db, "SELECT names, description FROM model_changes WHERE observed_at = DATE '2025-02-01'") == [
        (["dall-e-3", "dalle-3"], "dall-e-3 3 retirement date moved 2025-06-30 → 2025-09-15 (+77 days)")]
    assert rows(db, "SELECT alias, model, origin FROM model_aliases WHERE alias = 'dalle-3'") == [
        ("dalle-3", "dall-e-3", "builtin")]


def test_an_unchanged_value_moved_to_an_alias_is_no_change(tmp_path: Path) -> None:
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        +| `dalle-3` | 3 | June 30, 2025 |"""))]),
        ("2025-02-01", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        -| `dalle-3` | 3 | June 30, 2025 |""")),
                        (LEGACY, "modified", hunk(RET_HEAD + """
        +| `dall-e-3` | 3 | June 30, 2025 |"""))]),
    )
    assert changes(db) == [
        ("2025-01-10", "retirement", "model", "dall-e-3", "3", None, None, "retirement_date", "added", None,
         "2025-06-30"),
    ]


def test_a_value_moved_between_a_versioned_and_a_version_less_row_is_no_change(tmp_path: Path) -> None:
    """The page drops the version cell of dall-e-2 (date unchanged) and of dall-e-3 (date
    moved): the first is no change, the second one `changed` as the row now reads."""
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        +| `dall-e-2` | 2 | January 27, 2025 |
        +| `dall-e-3` | 3 | June 30, 2025 |"""))]),
        ("2025-02-13", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        -| `dall-e-2` | 2 | January 27, 2025 |
        -| `dall-e-3` | 3 | June 30, 2025 |
        +| `dall-e-2` |  | January 27, 2025 |
        +| `dall-e-3` |  | July 31, 2025 |"""))]),
    )
    assert changes(db, "observed_at = '2025-02-13'") == [
        ("2025-02-13", "retirement", "model", "dall-e-3", None, None, None, "retirement_date", "changed",
         "2025-06-30", "2025-07-31"),
    ]
    assert rows(db, "SELECT description FROM model_changes WHERE observed_at = '2025-02-13'") == [
        ("dall-e-3 retirement date moved 2025-06-30 → 2025-07-31 (+31 days)",)]
    assert rows(db, "SELECT model, version, value FROM model_facts_as_of(DATE '2025-02-14') ORDER BY model") == [
        ("dall-e-2", None, "2025-01-27"), ("dall-e-3", None, "2025-07-31")]


REPL_HEAD = """
         | Model | Version | Retirement date | Replacement |
         | ---- | ---- | ---- | ---- |"""


def test_models_named_in_a_value_are_read_through_the_aliases(tmp_path: Path) -> None:
    """Two documents name dall-e-2's replacement `dalle-3` and `dall-e-3`: one value, the
    canonical name, no conflict; the export keeps what each wrote."""
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(RETIREMENTS, "modified", hunk(REPL_HEAD + """
        +| `dall-e-2` | 2 | January 27, 2025 | `dalle-3` or `gpt-image-1` |""")),
                        (LEGACY, "modified", hunk(REPL_HEAD + """
        +| `dall-e-2` | 2 | January 27, 2025 | `gpt-image-1` or `dall-e-3` |"""))]),
    )
    assert changes(db, "attribute = 'replacement'") == [
        ("2025-01-10", "retirement", "model", "dall-e-2", "2", None, None, "replacement", "added", None,
         "dall-e-3 or gpt-image-1")]
    assert rows(db, "SELECT value, conflict FROM model_facts_as_of(DATE '2025-01-11') WHERE attribute = 'replacement'") == [
        ("dall-e-3 or gpt-image-1", False)]
    assert sorted(r["new"] for r in db.records() if r["attribute"] == "replacement") == [
        "dall-e-3 or gpt-image-1", "dalle-3 or gpt-image-1"]


def test_two_documents_disagreeing_give_a_conflict(tmp_path: Path) -> None:
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        +| `gpt-4o` | 2024-05-13 | June 30, 2025 |"""))]),
        ("2025-02-01", [(LEGACY, "modified", hunk(RET_HEAD + """
        +| `gpt-4o` | 2024-05-13 | September 15, 2025 |"""))]),
        ("2025-03-01", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        -| `gpt-4o` | 2024-05-13 | June 30, 2025 |
        +| `gpt-4o` | 2024-05-13 | September 15, 2025 |"""))]),
    )
    assert rows(db, "SELECT observed_at, model, version, change, old, new, conflict, stated FROM model_changes "
                    "ORDER BY observed_at") == [
        ("2025-01-10", "gpt-4o", "2024-05-13", "added", None, "2025-06-30", False, None),
        ("2025-02-01", "gpt-4o", "2024-05-13", "changed", "2025-06-30", "2025-06-30 | 2025-09-15", True,
         "openai/concepts/model-retirements.md: 2025-06-30; openai/concepts/legacy-models.md: 2025-09-15"),
        ("2025-03-01", "gpt-4o", "2024-05-13", "changed", "2025-06-30 | 2025-09-15", "2025-09-15", False, None),
    ]
    assert rows(db, "SELECT value, conflict, docs FROM model_facts_as_of(DATE '2025-02-15') ORDER BY value") == [
        ("2025-06-30", True, [RETIREMENTS]), ("2025-09-15", True, [LEGACY])]
    assert rows(db, "SELECT value, conflict, docs FROM model_facts_as_of(NULL)") == [
        ("2025-09-15", False, [LEGACY, RETIREMENTS])]
    assert rows(db, "SELECT count(*) FROM model_conflicts") == [(0,)]


# --- classes and services -------------------------------------------------------------------------------

def test_a_feature_column_and_an_offer_row_are_classed_as_such(tmp_path: Path) -> None:
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [
            (SEARCH, "modified", hunk("""
                 | Region | AI enrichment | Semantic ranker |
                 |---|---|---|
                +| East US | ✅ | ✅ |""")),
            (QUOTAS, "modified", hunk("""
                 ### Other offer types
                .
                 |Tier| Quota Limit in tokens per minute (TPM) |
                 |---|:---:|
                +| MSDN subscriptions | GPT-4 series: 8 K <br> GPT-4.5 Preview: 0 |""")),
            (STD_GLOBAL, "modified", matrix("gpt-4.5-preview", "2025-02-27", "        +| eastus2 | ✅ |")),
        ]),
    )
    assert rows(db, "SELECT model, class, service FROM model_subjects ORDER BY model") == [
        ("ai-enrichment", "feature", "Azure AI Search"),
        ("gpt-4-series", "offer", "Azure OpenAI"),
        ("gpt-4.5-preview", "model", "Azure OpenAI"),
        ("semantic-ranker", "feature", "Azure AI Search"),
    ]
    assert rows(db, "SELECT DISTINCT class, model, service FROM model_facts_as_of(NULL) ORDER BY class, model") == [
        ("feature", "ai-enrichment", "Azure AI Search"),
        ("feature", "semantic-ranker", "Azure AI Search"),
        ("model", "gpt-4.5-preview", "Azure OpenAI"),
        ("offer", "gpt-4-series", "Azure OpenAI"),
    ]


# --- kinds added to the registry flow in ----------------------------------------------------------------

class _TwoColumns:
    """``| <key> | <attribute> |`` tables of a test kind: one integer fact per row."""

    def __init__(self, kind: str, key: str, attribute: str) -> None:
        self.kind, self.key, self.attribute = kind, key, attribute

    def claims(self, block: Any) -> bool:
        from extractor.blocks import Table
        from extractor.kinds.cells import norm_header

        return (isinstance(block, Table) and block.header is not None
                and [norm_header(h) for h in block.header] == [self.key, self.attribute.replace("_", " ")])

    def extract(self, block: Any) -> Iterator[Any]:
        from extractor.kinds import Fact, subject
        from extractor.normalize import canonical_model

        for row in block.rows:
            raw = row.cells[1].strip()
            if raw.isdigit():
                name = canonical_model(row.cells[0]) if self.key == "model" else row.cells[0].strip()
                yield Fact(self.kind, subject(self.kind, **{self.key: name}), self.attribute, int(raw), raw, None,
                           row.line)


def _kind(name: str, key: str, attribute: str) -> Any:
    from extractor.kinds import Attribute, Kind

    return Kind(name=name, subject_keys=(key,), attributes=(Attribute(attribute, "integer"),), title=name,
                recogniser=_TwoColumns(name, key, attribute), words=(attribute.replace("_", " "),))


@pytest.fixture
def two_kinds() -> Iterator[None]:
    from extractor import kinds

    added = [_kind("test_context", "model", "context_tokens"), _kind("test_limit", "limit", "limit_value")]
    for k in added:
        kinds.register(k)
    try:
        yield
    finally:
        for k in added:
            kinds.unregister(k.name)


def test_kinds_registered_later_flow_into_the_model_level(tmp_path: Path, two_kinds: None) -> None:
    """A kind keyed by model takes aliases and moves like the built-in ones; a kind whose subject
    names no model (a service limit) is at the model level too, class ``service``."""
    ctx = """
         | Model | Context tokens |
         |---|---|"""
    lim = """
         | Limit | Limit value |
         |---|---|"""
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(MODELS, "modified", hunk(ctx + """
        +| `dalle-3` | 100 |""")), (QUOTAS, "modified", hunk(lim + """
        +| max-files | 100 |"""))]),
        ("2025-02-01", [(MODELS, "modified", hunk(ctx + """
        -| `dalle-3` | 100 |""")), (LEGACY, "modified", hunk(ctx + """
        +| `dall-e-3` | 200 |""")), (QUOTAS, "modified", hunk(lim + """
        -| max-files | 100 |
        +| max-files | 500 |"""))]),
    )
    assert rows(db, "SELECT observed_at, kind, class, model, subject, attribute, change, old, new FROM model_changes "
                    "ORDER BY observed_at, kind") == [
        ("2025-01-10", "test_context", "model", "dall-e-3", '{"model":"dall-e-3"}', "context_tokens", "added", None,
         "100"),
        ("2025-01-10", "test_limit", "service", None, '{"limit":"max-files"}', "limit_value", "added", None, "100"),
        ("2025-02-01", "test_context", "model", "dall-e-3", '{"model":"dall-e-3"}', "context_tokens", "changed", "100",
         "200"),
        ("2025-02-01", "test_limit", "service", None, '{"limit":"max-files"}', "limit_value", "changed", "100", "500"),
    ]
    assert rows(db, "SELECT kind, model, value_num FROM model_facts_as_of(NULL) ORDER BY kind") == [
        ("test_context", "dall-e-3", 200), ("test_limit", None, 500)]


# --- coverage and stale answers -------------------------------------------------------------------------

def test_an_answer_past_an_areas_last_source_is_warned_about(tmp_path: Path) -> None:
    """The openai area's last source is of 2025-01-10, Azure AI Search's of 2025-03-01: a
    current answer (the store's newest source is 2025-03-01) or one for a later date says the
    openai documents were last seen on 2025-01-10; an earlier date or another model's answer
    does not."""
    from click.testing import CliRunner

    from extractor.cli import main

    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(QUOTAS, "modified", hunk("""
             ### o-series global standard
            .
             | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
             |---|---|:---:|:---:|
            +| `o3` | Default | 1 M | 1 K |"""))]),
        ("2025-03-01", [(SEARCH, "modified", hunk("""
             | Region | Semantic ranker |
             |---|---|
            +| East US | ✅ |"""))]),
    )
    assert rows(db, "SELECT area, service, first_source, last_source, source_dates, events FROM area_coverage "
                    "ORDER BY area") == [
        ("ai-services/openai", "Azure OpenAI", "2025-01-10", "2025-01-10", 1, 1 * 2),
        ("search", "Azure AI Search", "2025-03-01", "2025-03-01", 1, 1)]
    said: list[str] = []
    assert db.query("current_quotas", on_stale=said.append)["tpm"].tolist() == [1_000_000]
    stale = ("ai-services/openai documents last seen in a source of 2025-01-10: the answer for {} does not know of "
             "later changes to them")
    assert said == [stale.format("2025-03-01")]
    said.clear()
    db.query("current_quotas", as_of="2025-01-10", on_stale=said.append)
    db.query("model_regions", model="semantic-ranker", on_stale=said.append)
    assert said == []
    db.query("model_facts", model="o3", as_of="2025-06-01", on_stale=said.append)
    assert said == [stale.format("2025-06-01")]
    with pytest.warns(UserWarning, match="ai-services/openai documents last seen in a source of 2025-01-10"):
        db.model_facts()
    text = db.report("2025-01-01", on_stale=lambda _m: None)
    assert "- Coverage: ai-services/openai documents last seen in a source of 2025-01-10" in text
    path = str(db.path)
    db.close()
    res = CliRunner().invoke(main, ["--db", path, "query", "current_quotas", "--format", "csv"], env={"NO_COLOR": "1"})
    assert res.exit_code == 0 and res.stdout.startswith("model,")
    assert res.stderr == "warning: " + stale.format("2025-03-01") + "\n"
    res = CliRunner().invoke(main, ["--db", path, "stats"], env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert res.exit_code == 0 and "coverage" in res.stdout and "Azure AI Search" in res.stdout


# --- users' aliases -------------------------------------------------------------------------------------

def test_users_add_and_remove_aliases(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from extractor.cli import main

    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        +| `GPT4o` | 2024-05-13 | June 30, 2025 |"""))]),
    )
    path = str(db.path)
    db.close()
    run = CliRunner().invoke
    import extractor

    with extractor.connect(path, read_only=True) as db:
        assert rows(db, "SELECT model, names FROM model_changes") == [("gpt4o", ["gpt4o"])]
    res = run(main, ["--db", path, "aliases", "add", "GPT4o", "GPT-4o"])
    assert res.exit_code == 0 and "1 alias stored" in res.stderr
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,model\ngpt-4o-2024,gpt-4o\ngpt-4o-2024,gpt-4\n", encoding="utf-8")
    res = run(main, ["--db", path, "aliases", "load", str(aliases)])
    assert res.exit_code == 1
    assert f"{aliases}: line 3: 'gpt-4o-2024' is already an alias of 'gpt-4o' (line 2)" in res.stderr
    res = run(main, ["--db", path, "aliases", "--format", "csv"])
    assert "gpt4o,gpt-4o,user,,1" in res.stdout and "dalle-3,dall-e-3,builtin," in res.stdout
    with extractor.connect(path, read_only=True) as db:
        assert rows(db, "SELECT model, names FROM model_changes") == [("gpt-4o", ["gpt4o"])]
        assert db.records()[0]["subject"]["model"] == "gpt4o"  # the export keeps what the document wrote
    res = run(main, ["--db", path, "aliases", "add", "gpt-4o-may", "gpt-4o"])
    assert res.exit_code == 0
    res = run(main, ["--db", path, "aliases", "remove", "gpt-4o-may"])
    assert res.exit_code == 0 and "1 alias removed" in res.stderr
    res = run(main, ["--db", path, "aliases", "add", "x"])
    assert res.exit_code == 2
    res = run(main, ["--db", path, "aliases", "add", "dalle-3-hd", "dalle-3"])  # dalle-3 is an alias (shipped)
    assert res.exit_code == 1 and "'dalle-3' is itself an alias of 'dall-e-3'" in res.stderr
    res = run(main, ["--db", path, "aliases", "add", "gpt-4o", "gpt-4o-2024"])  # gpt-4o is the model of gpt4o
    assert res.exit_code == 1 and "'gpt-4o' is the model of the alias 'gpt4o'" in res.stderr



def test_alias_pairs_with_quotes_and_commas_are_stored_as_given(tmp_path: Path) -> None:
    # pairs are not written into a CSV text and read back: a quote or a comma is just a character
    db, _ = ingest_changes(tmp_path, ("2025-01-10", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        +| `GPT4o` | 2024-05-13 | June 30, 2025 |"""))]))
    assert db.add_aliases([('gpt "4o"', "gpt-4o"), ("gpt4o,mini", "gpt-4o-mini")]) == 2
    assert rows(db, "SELECT alias, model FROM user_model_aliases ORDER BY alias") == [
        ('gpt-"4o"', "gpt-4o"), ("gpt4o,mini", "gpt-4o-mini")]
    with pytest.raises(AliasError, match=r"^aliases: pair 2: 'gpt-4o' is an alias of itself$"):
        db.add_aliases([("a", "b"), ("GPT 4o", "gpt-4o")])
    db.close()


def test_what_a_first_seen_change_replaced_held_just_before_it(tmp_path: Path) -> None:
    """The first source showing a document shows a value changed and a region removed: the
    model level says `changed` from the old value and one loss, not `added` and nothing."""
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(RETIREMENTS, "modified", hunk(RET_HEAD + """
        -| `gpt-4o` | 2024-05-13 | June 30, 2025 |
        +| `gpt-4o` | 2024-05-13 | September 15, 2025 |""")),
                        (STD_GLOBAL, "modified", matrix("o3", "2025-04-16", """\
        -| eastus2 | ✅ |
        +| eastus2 | - |"""))]),
    )
    assert changes(db) == [
        ("2025-01-10", "region_availability", "model", "o3", None, "global-standard", "eastus2", "available",
         "removed", "true", None),
        ("2025-01-10", "retirement", "model", "gpt-4o", "2024-05-13", None, None, "retirement_date", "changed",
         "2025-06-30", "2025-09-15"),
    ]
    assert rows(db, "SELECT count(*) FROM model_facts_as_of(DATE '2025-01-10') WHERE kind = 'region_availability'") == [
        (0,)]


def test_coverage_tells_the_gaps_of_an_area(tmp_path: Path) -> None:
    """openai documents shown on 2025-01-10 and 2025-03-15, search's on 2025-02-01 and 2025-02-20:
    the openai area has a gap from 2025-01-11 to 2025-03-14 (other areas had sources then);
    search's 19 days between two sources are no gap."""
    quota = hunk("""
         ### o-series global standard
        .
         | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
         |---|---|:---:|:---:|
        +| `o3` | Default | 1 M | 1 K |""")
    search = hunk("""
         | Region | Semantic ranker |
         |---|---|
        +| East US | ✅ |""")
    db, _ = ingest_changes(
        tmp_path,
        ("2025-01-10", [(QUOTAS, "modified", quota)]),
        ("2025-02-01", [(SEARCH, "modified", search)]),
        ("2025-02-20", [(SEARCH, "modified", search.replace("East US", "West US"))]),
        ("2025-03-15", [(QUOTAS, "modified", quota.replace("`o3`", "`o4-mini`"))]),
    )
    assert rows(db, "SELECT area, first_source, last_source, source_dates, gaps, gap_days FROM area_coverage "
                    "ORDER BY area") == [
        ("ai-services/openai", "2025-01-10", "2025-03-15", 2, ["2025-01-11..2025-03-14"], 64),
        ("search", "2025-02-01", "2025-02-20", 2, None, None)]


def test_a_documents_area_and_service(tmp_path: Path) -> None:
    """The longest area services.csv lists (Azure OpenAI's documents under ai-foundry/), else the
    folder under articles/, two levels under ai-services/."""
    import extractor

    with extractor.connect(tmp_path / "x.duckdb") as db:
        got = rows(db, "SELECT d, model_doc_area(d), s.service FROM (VALUES "
                       "('articles/ai-foundry/openai/concepts/models.md'), ('articles/ai-foundry/concepts/x.md'), "
                       "('articles/ai-services/openai/quotas-limits.md'), ('articles/ai-services/speech-service/a.md'), "
                       "('articles/search/search-region-support.md')) t(d) "
                       "LEFT JOIN document_services s ON s.area = model_doc_area(d) ORDER BY d")
    assert got == [
        ("articles/ai-foundry/concepts/x.md", "ai-foundry", "Azure AI Foundry"),
        ("articles/ai-foundry/openai/concepts/models.md", "ai-foundry/openai", "Azure OpenAI"),
        ("articles/ai-services/openai/quotas-limits.md", "ai-services/openai", "Azure OpenAI"),
        ("articles/ai-services/speech-service/a.md", "ai-services/speech-service", None),
        ("articles/search/search-region-support.md", "search", "Azure AI Search"),
    ]
