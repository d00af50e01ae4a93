"""Tests of the named queries (queries/*.sql, extractor.queries) and the CLI over them:
header parsing, parameter binding by DuckDB, the exact rows of every query on the
hand-written history, the ``query`` / ``sql`` commands and their formats, and every query
on the real corpus (skipped when ../shared/corpus is absent)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from history_fixtures import LINK, build

import extractor
from extractor.cli import main
from extractor.queries import QUERY_DIR, Param, QueryError, get_query, load_queries, parse_date, parse_query
from extractor.render import plain

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
REQUIRED = {"quota_history", "current_quotas", "changes_between", "retirement_moves", "retirements_due",
            "region_changes", "models_first_seen", "model_facts", "model_specs", "ptu_sizing", "default_versions",
            "service_limits", "api_versions"}
QL = "openai/quotas-limits.md"
MR = "openai/concepts/model-retirements.md"
SG = "openai/includes/model-matrix/standard-global.md"
MM = "openai/concepts/models.md"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("queries"))


@pytest.fixture
def db(db_path: Path) -> Any:
    with extractor.connect(db_path, read_only=True) as d:
        yield d


def rows(df: pd.DataFrame, cols: list[str] | None = None) -> list[tuple]:
    return [tuple(plain(v) for v in r) for r in df[cols or list(df.columns)].itertuples(index=False)]


# --- the query files ----------------------------------------------------------------------


def test_query_files_have_headers_and_the_required_queries_exist() -> None:
    queries = load_queries()
    assert set(queries) >= REQUIRED
    assert sorted(p.stem for p in QUERY_DIR.glob("*.sql")) == sorted(queries)
    for q in queries.values():
        assert q.description and q.path.stem == q.name
        assert q.sql.lstrip().startswith("-- name: " + q.name)
        for p in q.params:
            assert p.type in ("text", "date", "integer") and p.description, (q.name, p)
            assert f"${p.name}" in q.sql


def test_parse_query_rejects_malformed_files(tmp_path: Path) -> None:
    def parse(text: str, name: str = "q") -> Any:
        return parse_query(text, tmp_path / f"{name}.sql")

    ok = "-- name: q\n-- description: d\n-- param: a text = null  the a\nSELECT $a"
    assert [p.name for p in parse(ok).params] == ["a"]
    with pytest.raises(QueryError, match="name"):
        parse("-- description: d\nSELECT 1")
    with pytest.raises(QueryError, match="differs from the file name"):
        parse("-- name: other\n-- description: d\nSELECT 1")
    with pytest.raises(QueryError, match="used but not declared: b"):
        parse("-- name: q\n-- description: d\nSELECT $b")
    with pytest.raises(QueryError, match="declared but not used: a"):
        parse("-- name: q\n-- description: d\n-- param: a text = null  x\nSELECT 1")
    with pytest.raises(QueryError, match="unknown type"):
        parse("-- name: q\n-- description: d\n-- param: a float = 1  x\nSELECT $a")
    with pytest.raises(QueryError, match="not a date"):
        parse("-- name: q\n-- description: d\n-- param: a date = soon  x\nSELECT $a")
    # a $name inside a comment is neither a use nor an error
    assert parse("-- name: q\n-- description: d\nSELECT 1 -- $x\n").params == ()


def test_params_convert_and_default() -> None:
    today = dt.date.today()
    d = Param("d", "date", None, "")
    assert d.convert("2025-05-01") == dt.date(2025, 5, 1)
    assert d.convert("May 1, 2025") == dt.date(2025, 5, 1)
    assert d.convert("today") == today
    assert d.convert("-7d") == today - dt.timedelta(days=7)
    assert d.convert("-2w") == today - dt.timedelta(days=14)
    assert d.convert(dt.datetime(2025, 5, 1, 12)) == dt.date(2025, 5, 1)
    assert d.convert("null") is None and d.convert("") is None and d.convert(None) is None
    with pytest.raises(QueryError, match="not a date"):
        d.convert("someday")
    n = Param("n", "integer", "90", "")
    assert n.convert("30") == 30 and n.default_value() == 90
    with pytest.raises(QueryError, match="expected an integer"):
        n.convert("thirty")
    assert parse_date("2025-02-03") == dt.date(2025, 2, 3)
    q = get_query("retirements_due")
    assert q.bind({}) == {"as_of": today, "days": 90, "model": None}
    assert get_query("retirements-due") is q
    with pytest.raises(QueryError, match="has no parameter colour"):
        q.bind({"colour": "red"})
    with pytest.raises(QueryError, match="no query named"):
        get_query("nope")


# --- exact rows on the hand-written history ---------------------------------------------------


def test_quota_history(db: Any) -> None:
    df = db.query("quota_history", model="o3", attribute="tpm")
    assert rows(df, ["model", "deployment_type", "tier", "value", "previous", "valid_from", "valid_to",
                     "last_seen", "opened_by", "closed_by", "doc", "source_file", "link"]) == [
        ("o3", "global-standard", "default", 1000000, None, "2025-01-10", "2025-02-01", "2025-01-10", "observed",
         "changed", QL, "report-20250110-openai.ja.md", LINK + "1111111...2222222"),
        ("o3", "global-standard", "default", 2000000, 1000000, "2025-02-01", "2025-03-01", "2025-02-01", "changed",
         "changed", QL, "report-20250201-openai.md", LINK + "2222222...3333333"),
        ("o3", "global-standard", "default", 3000000, 2000000, "2025-03-01", None, "2025-04-01", "changed", None,
         QL, "report-20250301-openai.md", LINK + "3333333...4444444"),
    ]
    assert len(db.query("quota_history")) == 13
    assert rows(db.query("quota_history", model="o4*", attribute="rpm"), ["value", "valid_from", "valid_to"]) == [
        (5000, "2025-01-10", "2025-03-15"), (5000, "2025-04-01", None)]


def test_current_quotas_and_as_of(db: Any) -> None:
    cols = ["model", "deployment_type", "tier", "tpm", "rpm", "since", "docs"]
    assert rows(db.query("current_quotas"), cols) == [
        ("o1", "global-standard", "default", 6000000, 500, "2025-04-20", QL),
        ("o3", "global-standard", "default", 3000000, 2000, "2025-03-01", QL),
        ("o4-mini", "global-standard", "default", 5000000, 5000, "2025-04-01", QL),
    ]
    # "what was o3's default global-standard TPM on 1 May?" — and on other days
    for date, tpm in (("2025-05-01", 3000000), ("2025-02-15", 2000000), ("2025-01-10", 1000000)):
        df = db.query("current_quotas", model="o3", deployment_type="global-standard", tier="default", as_of=date)
        assert df["tpm"].tolist() == [tpm], date
    assert db.query("current_quotas", model="o3", as_of="2025-01-09").empty
    assert rows(db.query("current_quotas", model="o*", as_of="2025-03-20"), ["model", "tpm", "rpm", "since"]) == [
        ("o1", 3000000, 500, "2025-01-10"), ("o3", 3000000, 2000, "2025-03-01")]  # o4-mini removed then


def test_changes_between(db: Any) -> None:
    df = db.query("changes_between", since="2025-03-01", until="2025-03-15")
    assert rows(df, ["observed_at", "kind", "model", "change", "description", "doc"]) == [
        ("2025-03-01", "quota", "o3", "changed", "o3 (global-standard, default) TPM: 2,000,000 → 3,000,000", QL),
        ("2025-03-01", "retirement", "o1-preview", "changed",
         "o1-preview 2024-09-12 retirement date moved 2025-04-02 → no earlier than 2025-07-15 (+104 days)", MR),
        ("2025-03-05", "region_availability", "gpt-4.1", "added",
         "gpt-4.1 2025-04-14 (global-standard): now available in eastus2", MM),
        ("2025-03-05", "region_availability", "gpt-4.1", "added",
         "gpt-4.1 2025-04-14 (global-standard): now available in swedencentral", MM),
        ("2025-03-05", "region_availability", "gpt-4.1", "added",
         "gpt-4.1 2025-04-14 (global-standard): now available in eastus2", SG),
        ("2025-03-05", "region_availability", "gpt-4.1", "removed",
         "gpt-4.1 2025-04-14 (global-standard): no longer listed in westus", SG),
        ("2025-03-15", "quota", "o4-mini", "removed", "o4-mini (global-standard, default) RPM: 5,000 removed", QL),
        ("2025-03-15", "quota", "o4-mini", "removed", "o4-mini (global-standard, default) TPM: 5,000,000 removed", QL),
    ]
    assert len(db.query("changes_between")) == 24
    assert db.query("changes_between", kind="retirement")["model"].tolist() == ["o1-preview"] * 3
    assert db.query("changes_between", since="2025-04-21").empty


def test_retirement_moves(db: Any) -> None:
    df = db.query("retirement_moves")
    assert rows(df, ["observed_at", "model", "version", "attribute", "moved_from", "moved_to", "days", "qualifier",
                     "docs", "link"]) == [
        ("2025-03-01", "o1-preview", "2024-09-12", "retirement_date", "2025-04-02", "2025-07-15", 104,
         "no-earlier-than", MR, LINK + "3333333...4444444"),
    ]
    assert db.query("retirement_moves", since="2025-03-02").empty
    assert db.query("retirement_moves", until="2025-02-28").empty


def test_retirements_due(db: Any) -> None:
    cols = ["model", "version", "retirement_date", "days_left", "qualifier", "replacement", "known_since", "docs"]
    # on 15 February the date known was 2 April: due within 60 days
    assert rows(db.query("retirements_due", as_of="2025-02-15", days=60), cols) == [
        ("o1-preview", "2024-09-12", "2025-04-02", 46, None, "o1", "2025-01-10", MR)]
    # from 1 March the date is 15 July: no longer due within 60 days, due within 180
    assert db.query("retirements_due", as_of="2025-03-10", days=60).empty
    assert rows(db.query("retirements_due", as_of="2025-03-10", days=180), cols) == [
        ("o1-preview", "2024-09-12", "2025-07-15", 127, "no-earlier-than", "o1", "2025-03-01", MR)]
    assert db.query("retirements_due", as_of="2025-07-16", days=365).empty  # already past
    assert db.query("retirements_due", as_of="2025-01-01", days=365).empty  # nothing known yet


def test_region_changes(db: Any) -> None:
    # "which regions gained gpt-4.1 since March?": eastus2; swedencentral was listed before
    # (by the include) so models.md listing it too is no gain; at the model level the
    # version is a detail (versions)
    df = db.query("region_changes", model="gpt-4.1", since="2025-03-01")
    assert rows(df) == [
        ("2025-03-05", "gpt-4.1", None, "global-standard", "eastus2", "gained", "2025-04-14", "model", f"{MM}, {SG}",
         LINK + "4444444...5555555"),
        ("2025-03-05", "gpt-4.1", None, "global-standard", "westus", "lost", "2025-04-14", "model", SG,
         LINK + "4444444...5555555"),
    ]
    assert rows(db.query("region_changes", until="2025-02-28"), ["observed_at", "model", "region", "change"]) == [
        ("2025-02-01", "gpt-4.1", "swedencentral", "gained"), ("2025-02-01", "gpt-4.1", "westus", "gained"),
        ("2025-02-01", "o3", "eastus2", "gained"), ("2025-02-01", "o3", "swedencentral", "gained")]
    assert db.query("region_changes", model="gpt-4.1", deployment_type="standard").empty


def test_models_first_seen(db: Any) -> None:
    assert rows(db.query("models_first_seen"), ["first_seen", "model", "first_kind", "first_change", "kinds",
                                                "events", "first_doc"]) == [
        ("2025-01-10", "o1", "quota", "added", "quota", 6, QL),
        ("2025-01-10", "o1-preview", "retirement", "added", "retirement", 4, MR),
        ("2025-01-10", "o3", "quota", "unchanged", "quota, region_availability", 14, QL),
        ("2025-01-10", "o4-mini", "quota", "unchanged", "quota", 6, QL),
        ("2025-02-01", "gpt-4.1", "batch_quota", "added", "batch_quota, region_availability", 9,
         "openai/includes/global-batch-limits.md"),
    ]
    assert db.query("models_first_seen", since="2025-01-11")["model"].tolist() == ["gpt-4.1"]


def test_model_facts(db: Any) -> None:
    cols = ["kind", "model", "version", "deployment_type", "tier", "region", "attribute", "value", "since", "docs"]
    assert rows(db.query("model_facts", model="o3", as_of="2025-03-01"), cols) == [
        ("quota", "o3", None, "global-standard", "default", None, "rpm", "2,000", "2025-02-01", QL),
        ("quota", "o3", None, "global-standard", "default", None, "tpm", "3,000,000", "2025-03-01", QL),
        ("region_availability", "o3", "2025-04-16", "global-standard", None, "2 regions", "available",
         "eastus2, swedencentral", "2025-02-01", SG),
    ]
    assert rows(db.query("model_facts", model="o1-preview"), cols) == [
        ("retirement", "o1-preview", "2024-09-12", None, None, None, "replacement", "o1", "2025-01-10", MR),
        ("retirement", "o1-preview", "2024-09-12", None, None, None, "retirement_date",
         "no earlier than 2025-07-15", "2025-03-01", MR),
    ]
    gpt41 = db.query("model_facts", model="gpt-4.1")
    assert rows(gpt41, ["kind", "tier", "region", "value", "docs"]) == [  # one model-level row, both documents
        ("batch_quota", "default", None, "200,000,000", "openai/includes/global-batch-limits.md"),
        ("batch_quota", "enterprise", None, "5,000,000,000", "openai/includes/global-batch-limits.md"),
        ("region_availability", None, "2 regions", "eastus2, swedencentral", f"{MM}, {SG}"),
    ]


def test_model_regions(db: Any) -> None:
    cols = ["model", "region", "deployment_types", "versions", "since", "docs"]
    assert rows(db.query("model_regions", model="gpt-4.1"), cols) == [
        ("gpt-4.1", "eastus2", "global-standard", "2025-04-14", "2025-03-05", f"{MM}, {SG}"),
        ("gpt-4.1", "swedencentral", "global-standard", "2025-04-14", "2025-02-01", f"{MM}, {SG}"),
    ]
    assert db.query("model_regions", model="gpt-4.1", as_of="2025-02-15")["region"].tolist() == [
        "swedencentral", "westus"]


def test_parameters_are_bound_not_pasted(db: Any) -> None:
    evil = "o3' OR '1'='1"
    with pytest.raises(QueryError, match="no model or feature"):  # a name, never SQL
        db.query("quota_history", model=evil)
    with pytest.raises(QueryError, match="no model or feature"):
        db.query("changes_between", model="x'); DROP TABLE events; --")
    with pytest.raises(QueryError, match="no model or feature"):  # a glob that matches nothing
        db.query("quota_history", model="o3' OR '1'='1*")
    assert len(db.sql("SELECT * FROM events")) > 0


# --- the command line -----------------------------------------------------------------------


def cli(db_path: Path, *args: str, width: int = 100) -> Any:
    return CliRunner().invoke(main, ["--db", str(db_path), *args], env={"COLUMNS": str(width), "NO_COLOR": "1"})


def test_cli_query_list(db_path: Path) -> None:
    res = cli(db_path, "query", "--list", "--format", "json")
    assert res.exit_code == 0, res.output
    listed = {q["name"]: q for q in json.loads(res.output)}
    assert set(listed) >= REQUIRED
    assert [(p["name"], p["type"], p["default"]) for p in listed["retirements_due"]["parameters"]] == [
        ("as_of", "date", "today"), ("days", "integer", "90"), ("model", "text", None)]
    res = cli(db_path, "query", "--list", width=200)
    assert res.exit_code == 0 and "quota_history" in res.output and "retirement_moves" in res.output
    assert "[as_of=today] [days=90] [model=null]" in res.output  # cells are text, not console markup


def test_cli_query_formats(db_path: Path) -> None:
    args = ["query", "current_quotas", "--param", "model=o3", "--as-of", "2025-05-01"]
    res = cli(db_path, *args, "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [(r["model"], r["tpm"], r["rpm"], r["since"]) for r in out] == [("o3", 3000000, 2000, "2025-03-01")]
    assert out[0]["region"] is None
    # the last source is of 2025-04-20: an answer for 2025-05-01 says so on stderr
    assert res.stderr == ("warning: ai-services/openai documents last seen in a source of 2025-04-20: the answer "
                          "for 2025-05-01 does not know of later changes to them\n")
    res = cli(db_path, *args, "--format", "csv")
    lines = res.stdout.splitlines()
    assert lines[0] == "model,deployment_type,tier,region,tpm,rpm,since,last_seen,class,docs,link,conflict"
    assert lines[1].startswith("o3,global-standard,default,,3000000,2000,2025-03-01,")
    res = cli(db_path, *args, "--format", "markdown")
    head = "| model | deployment_type | tier | region | tpm | rpm | since | last_seen | class | docs | link | conflict |"
    assert res.stdout.splitlines()[0] == head
    assert "| o3 | global-standard | default |  | 3000000 | 2000 | 2025-03-01 |" in res.output
    res = cli(db_path, *args)
    assert res.exit_code == 0 and "3,000,000" in res.output and "o3" in res.output


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_cli_tables_fit_the_terminal(db_path: Path, width: int) -> None:
    for args in (["query", "quota_history"], ["query", "changes_between"], ["query", "--list"],
                 ["query", "models_first_seen"]):
        res = cli(db_path, *args, width=width)
        assert res.exit_code == 0, res.output
        lines = res.stdout.splitlines()
        assert set(lines[1]) == {"\u2500"}  # one table at every width (header, rule, rows), never cards
        # a link is never folded: it runs past the edge, last on its line
        widest = max(len(re.sub(r" *https?://\S+$", "", line)) for line in lines)
        if width >= 200 or args == ["query", "--list"]:
            assert widest <= width, (args, width)
    res = cli(db_path, "query", "current_quotas", width=200)
    assert "region" not in res.stdout.splitlines()[0]  # a column empty in every row is left out of tables
    assert "empty in every row, not shown: region" in res.stderr


def test_cli_empty_results_say_so(db_path: Path) -> None:
    res = cli(db_path, "query", "changes_between", "--param", "since=2030-01-01")
    assert res.exit_code == 0 and res.output.strip().splitlines()[-1] == "no rows"
    assert res.stdout.strip() == "no rows" and res.stderr.startswith("warning: ai-services/openai documents last seen")
    res = cli(db_path, "query", "changes_between", "--param", "since=2030-01-01", "--format", "markdown")
    assert res.stdout.strip() == "_no rows_"
    res = CliRunner().invoke(main, ["--db", str(db_path), "query", "changes_between", "--param",
                                    "since=2030-01-01", "--format", "json"])
    assert res.stdout.strip() == "[]" and "no rows" in res.stderr


def test_cli_query_usage_errors(db_path: Path) -> None:
    res = cli(db_path, "query", "nope")
    assert res.exit_code == 2 and "no query named 'nope'" in res.output
    res = cli(db_path, "query", "quota_history", "--as-of", "2025-01-01")
    assert res.exit_code == 2 and "takes no as_of parameter" in res.output
    res = cli(db_path, "query", "quota_history", "--param", "colour=red")
    assert res.exit_code == 2 and "has no parameter colour" in res.output
    res = cli(db_path, "query", "current_quotas", "--as-of", "someday")
    assert res.exit_code == 2 and "not a date" in res.output
    res = cli(db_path, "query", "quota_history", "--param", "model")
    assert res.exit_code == 2 and "KEY=VALUE" in res.output


def test_cli_sql(db_path: Path) -> None:
    res = cli(db_path, "sql", "SELECT model, value FROM quota_as_of($as_of) WHERE attribute = 'tpm' ORDER BY model",
              "--as-of", "2025-04-20", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == ["model,value", "o1,6000000", "o3,3000000", "o4-mini,5000000"]
    res = cli(db_path, "sql", "SELECT count(*) AS n FROM fact_changes WHERE model = $m", "--param", "m=o3",
              "--format", "json")
    assert json.loads(res.output) == [{"n": 5}]
    res = cli(db_path, "sql", "SELECT * FROM no_such_table")
    assert res.exit_code == 1 and "no_such_table" in res.output
    res = cli(db_path, "sql", "DELETE FROM events")  # read-only
    assert res.exit_code == 1
    with extractor.connect(db_path, read_only=True) as d:
        assert len(d.sql("SELECT * FROM events")) == 39


def test_every_command_has_help() -> None:
    for cmd in ("query", "sql", "report"):
        res = CliRunner().invoke(main, [cmd, "--help"])
        assert res.exit_code == 0 and len(res.output) > 200, cmd


# --- the real corpus ----------------------------------------------------------------------------

CORPUS_PARAMS: dict[str, dict[str, Any]] = {
    "quota_history": {"model": "gpt-4o"},
    "current_quotas": {"model": "gpt-4o*", "as_of": "2025-03-01"},
    "changes_between": {"since": "2025-03-01", "until": "2025-03-31"},
    "retirement_moves": {"since": "2025-01-01", "until": "2025-03-31"},
    "retirements_due": {"as_of": "2025-03-01", "days": 90},
    "region_changes": {"model": "gpt-4o*", "since": "2025-01-01"},
    "models_first_seen": {"since": "2025-01-01"},
    "model_facts": {"model": "gpt-4o"},
    "model_regions": {"model": "gpt-4o"},
    "model_specs": {"model": "gpt-4o*"},
    "ptu_sizing": {"deployment_type": "global-provisioned"},
    "default_versions": {"as_of": "2025-02-01"},
    "service_limits": {"limit": "max-*"},
    "api_versions": {"api": "data-plane*", "as_of": "2025-01-01"},
}


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    path = tmp_path_factory.mktemp("corpus") / "corpus.duckdb"
    with extractor.connect(path) as db:
        db.ingest([CORPUS])
    return path


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_every_named_query_returns_rows_on_the_corpus(corpus_db: Path, name: str) -> None:
    with extractor.connect(corpus_db, read_only=True) as db:
        df = db.query(name, **CORPUS_PARAMS.get(name, {}))
        assert len(df) > 0, name
        assert len(db.query(name)) >= 0  # defaults run too
    res = cli(corpus_db, "query", name, *[f"--param={k}={v}" for k, v in CORPUS_PARAMS.get(name, {}).items()],
              "--format", "json")
    assert res.exit_code == 0 and len(json.loads(res.stdout)) == len(df)


def test_corpus_answers(corpus_db: Path) -> None:
    with extractor.connect(corpus_db, read_only=True) as db:
        moves = db.query("retirement_moves", since="2025-01-01", until="2025-03-31")
        assert (moves["moved_from"] != moves["moved_to"]).all()
        assert (moves["days"] == [(b - a).days for a, b in zip(moves["moved_from"], moves["moved_to"], strict=True)]).all()
        gained = db.query("region_changes", since="2025-03-01", until="2025-03-31")
        assert set(gained["change"]) <= {"gained", "lost"} and gained["link"].notna().all()
