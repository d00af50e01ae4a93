"""The model level on the real corpus and seeds: invariants of model_changes against the
per-document spans, the classes of known subjects, the aliases used, the conflicts found
and the coverage per area. Skipped when ../shared (beside the project) is absent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import expected_counts

import extractor

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir() or not SEEDS.is_dir(), reason="../shared corpus absent")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[extractor.Extractor]:
    path = tmp_path_factory.mktemp("model") / "corpus.duckdb"
    with extractor.connect(path) as w:
        assert w.ingest([CORPUS, SEEDS]).ok
    with extractor.connect(path, read_only=True) as r:
        yield r


def one(db: extractor.Extractor, sql: str) -> object:
    return db.sql(sql).iloc[0, 0]


def test_no_loss_while_another_document_still_states_it(db: extractor.Extractor) -> None:
    """A (model, deployment type, region) lost at the model level is held by no document's
    span that day, and one gained was held by none the day before."""
    lost_but_held = one(db, """
        SELECT count(*) FROM model_changes c
        WHERE c.kind = 'region_availability' AND c.version IS NULL AND c.change = 'removed' AND EXISTS (
            SELECT 1 FROM model_spans s
            WHERE s.kind = c.kind AND s.model = c.model AND s.region IS NOT DISTINCT FROM c.region
              AND (s.deployment_type IS NOT DISTINCT FROM c.deployment_type OR c.deployment_type IS NULL)
              AND s.valid_from <= c.observed_at AND (s.valid_to IS NULL OR s.valid_to > c.observed_at))""")
    gained_but_held = one(db, """
        SELECT count(*) FROM model_changes c
        WHERE c.kind = 'region_availability' AND c.version IS NULL AND c.change = 'added' AND EXISTS (
            SELECT 1 FROM model_spans s
            WHERE s.kind = c.kind AND s.model = c.model AND s.region IS NOT DISTINCT FROM c.region
              AND s.deployment_type IS NOT DISTINCT FROM c.deployment_type
              AND s.valid_from < c.observed_at AND (s.valid_to IS NULL OR s.valid_to >= c.observed_at))""")
    assert (lost_but_held, gained_but_held) == (0, 0)


def test_model_level_changes_per_kind(db: extractor.Extractor) -> None:
    """The model-level story of the corpus, per kind and change (read and found real; see
    expected_counts.json)."""
    got: dict[str, dict[str, int]] = {}
    for kind, change, n in db.sql("SELECT kind, change, count(*) FROM model_changes GROUP BY ALL").itertuples(index=False):
        got.setdefault(kind, {})[change] = int(n)
    assert got == expected_counts()["model_changes"]


def test_fewer_model_level_changes_than_document_events(db: extractor.Extractor) -> None:
    per_kind = db.sql("""
        SELECT kind, count(*) AS n, (SELECT count(*) FROM fact_changes f WHERE f.kind = m.kind) AS docs
        FROM model_changes m GROUP BY kind ORDER BY kind""")
    assert set(per_kind["kind"]) >= {"quota", "batch_quota", "retirement", "region_availability"}
    ra = per_kind.set_index("kind").loc["region_availability"]
    assert 0 < ra["n"] < ra["docs"]
    assert set(db.sql("SELECT DISTINCT change FROM model_changes")["change"]) == {"added", "removed", "changed"}
    assert one(db, "SELECT count(*) FROM model_changes WHERE old IS NOT DISTINCT FROM new") == 0


def test_subjects_have_their_class_and_service(db: extractor.Extractor) -> None:
    got = dict(db.sql("SELECT model, class || ' / ' || service FROM model_subjects WHERE model IN ('semantic-ranker', "
                      "'availability-zones', 'responses-api', 'all-models', 'gpt-4-series', 'o-series', 'gpt-4o', "
                      "'gpt-4.5-preview', 'mistral-large')").itertuples(index=False))
    assert got == {"semantic-ranker": "feature / Azure AI Search", "availability-zones": "feature / Azure AI Search",
                   "responses-api": "feature / Azure OpenAI", "all-models": "offer / Azure OpenAI",
                   "gpt-4-series": "offer / Azure OpenAI", "o-series": "offer / Azure OpenAI",
                   "gpt-4o": "model / Azure OpenAI", "gpt-4.5-preview": "model / Azure OpenAI",
                   "mistral-large": "model / Azure AI Foundry"}
    # features and offers never appear as models in the model-level answers
    assert one(db, "SELECT count(*) FROM model_changes c JOIN model_subjects s USING (model) "
                   "WHERE s.class <> 'model' AND c.class = 'model'") == 0
    first = db.query("models_first_seen", on_stale=lambda _m: None)
    assert not set(first["model"]) & {"semantic-ranker", "all-models", "gpt-4-series", "responses-api"}


def test_aliases_join_the_names_documents_wrote(db: extractor.Extractor) -> None:
    names = {r.model: list(r.names) for r in db.sql("SELECT model, names FROM model_subjects "
                                                    "WHERE len(names) > 1").itertuples(index=False)}
    assert names["dall-e-2"] == ["dall-e-2", "dalle2"]
    assert names["gpt-35-turbo-instruct"] == ["gpt-3.5-turbo-instruct", "gpt-35-turbo-instruct"]
    # the retirement date of gpt-3.5-turbo-instruct (its retirement table's spelling) moves under the Azure name
    moves = db.query("retirement_moves", model="gpt-3.5-turbo-instruct", on_stale=lambda _m: None)
    assert set(moves["model"]) == {"gpt-35-turbo-instruct"} and len(moves) == 3


def test_conflicts_name_both_values_and_documents(db: extractor.Extractor) -> None:
    c = db.sql("SELECT model, attribute, \"values\", stated FROM model_conflicts")
    assert [tuple(r) for r in c[["model", "attribute"]].itertuples(index=False)] == [("mistral-large", "replacement")]
    assert list(c["values"][0]) == ["mistral-large-2407", "mistral-large-2411"]
    assert "model-lifecycle-and-retirement.md: mistral-large-2407" in c["stated"][0]


def test_coverage_per_area(db: extractor.Extractor) -> None:
    cov = {r.area: (r.first_source, r.last_source) for r in db.coverage().itertuples(index=False)}
    assert cov["ai-services/openai"] == (dt.date(2024, 9, 12), dt.date(2025, 6, 21))
    assert cov["search"] == (dt.date(2024, 9, 14), dt.date(2025, 3, 29))
    said: list[str] = []
    db.query("current_quotas", on_stale=said.append)
    assert said == []  # the openai area's last source is the store's newest
    db.query("region_changes", model="semantic-ranker", on_stale=said.append)
    assert said == ["search documents last seen in a source of 2025-03-29: the answer for 2025-06-21 does not know "
                    "of later changes to them"]
