"""The typed export contract (extractor.contract): the JSON Schemas in ``schemas/`` are the
ones the pydantic models generate (regenerate: ``python -m extractor.contract schemas/``),
and every export format is valid against them: JSONL lines, CSV rows (plain values, not
JSON-quoted), Parquet rows (dates as dates), the SQLite file (opened with sqlite3), the
digest's and a model page's JSON."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from history_fixtures import LINK, build

import extractor
from extractor import kinds
from extractor.cli import main
from extractor.contract import SCHEMAS, schema_text

jsonschema = pytest.importorskip("jsonschema")
SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("contract"))


def validator(name: str) -> Any:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def valid(name: str, records: list[dict[str, Any]]) -> None:
    v = validator(name)
    for rec in records:
        errors = [e.message for e in v.iter_errors(rec)]
        assert errors == [], (rec, errors)


def cli(db: Path, *args: str) -> Any:
    res = CliRunner().invoke(main, ["--db", str(db), *args])
    assert res.exit_code == 0, res.output
    return res


def test_the_schema_files_are_generated_from_the_models() -> None:
    for name in SCHEMAS:
        path = SCHEMA_DIR / f"{name}.schema.json"
        assert path.read_text(encoding="utf-8") == schema_text(name), \
            f"{path.name} is stale; regenerate: python -m extractor.contract schemas/"


def test_a_schema_rejects_what_breaks_the_contract() -> None:
    v = validator("event")
    good = {"kind": "quota", "observed_at": "2025-01-10", "doc": "d.md", "subject": {"model": "o3", "tier": None},
            "attribute": "tpm", "change": "added", "old": None, "new": 3, "old_raw": None, "new_raw": "3",
            "qualifier": None, "source": {"file": "r.md", "line": 4, "repo": None, "base": None, "head": None}}
    assert v.is_valid(good)
    assert not v.is_valid({**good, "change": "moved"})  # moves are no events
    assert not v.is_valid({**good, "observed_at": "10 Jan 2025"})
    assert not v.is_valid({**good, "extra": 1})


def test_jsonl_export_is_valid(db_path: Path) -> None:
    lines = [json.loads(x) for x in cli(db_path, "export").stdout.splitlines()]
    assert len(lines) == 39
    valid("event", lines)


def test_csv_writes_plain_values(db_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(cli(db_path, "export", "--format", "csv").stdout)))
    typed = [{k: (None if v == "" else int(v) if k == "source_line" else v) for k, v in r.items()} for r in rows]
    valid("flat_event", typed)
    o3 = [r for r in rows if r["model"] == "o3" and r["attribute"] == "tpm" and r["change"] == "changed"]
    assert [(r["old"], r["new"]) for r in o3] == [("1000000", "2000000"), ("2000000", "3000000")]
    moved = [r for r in rows if r["attribute"] == "retirement_date" and r["change"] == "changed"]
    assert [(r["old"], r["new"], r["qualifier"]) for r in moved] == [("2025-04-02", "2025-07-15", "no-earlier-than")]
    text = cli(db_path, "export", "--format", "csv").stdout
    assert '"""' not in text  # no JSON-quoted values inside CSV quotes


def test_parquet_dates_are_dates(db_path: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "e.parquet"
    cli(db_path, "export", "--format", "parquet", "-o", str(out))
    table = pq.read_table(out)
    assert table.schema.field("observed_at").type == pa.date32()
    assert table.schema.field("source_line").type == pa.int64()
    valid("flat_event", [{k: (v.isoformat() if k == "observed_at" else v) for k, v in r.items()} for r in table.to_pylist()])


def test_sqlite_export_opens_with_sqlite3(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "facts.db"
    res = cli(db_path, "export", "--format", "sqlite", "-o", str(out))
    per_kind = {f"{k}_{f}" for k in kinds.names() for f in ("current", "history")}
    assert f"39 events and {6 + len(per_kind)} tables exported" in res.stderr  # the events and 6 + 2 per kind tables
    con = sqlite3.connect(out)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert names == {"events", "sources", "model_changes", "model_facts", "model_subjects", "model_conflicts",
                         "area_coverage", *per_kind}
        con.row_factory = sqlite3.Row
        events = [dict(r) for r in con.execute("SELECT * FROM events")]
        assert len(events) == 39
        valid("flat_event", events)
        rows = [tuple(r) for r in con.execute(
            "SELECT observed_at, model, attribute, change, old, new, docs, link FROM model_changes "
            "WHERE model = 'o3' AND attribute = 'tpm' ORDER BY observed_at")]
        assert rows == [("2025-02-01", "o3", "tpm", "changed", "1000000", "2000000",
                         '["articles/ai-services/openai/quotas-limits.md"]', f"{LINK}2222222...3333333"),
                        ("2025-03-01", "o3", "tpm", "changed", "2000000", "3000000",
                         '["articles/ai-services/openai/quotas-limits.md"]', f"{LINK}3333333...4444444")]
        assert [tuple(r) for r in con.execute("SELECT typeof(value), value FROM quota_current WHERE model = 'o3' "
                                              "AND attribute = 'tpm'")] == [("integer", 3000000)]
        assert tuple(con.execute("SELECT count(*) FROM sources").fetchone()) == (9,)  # as in DuckDB
    finally:
        con.close()
    res = CliRunner().invoke(main, ["--db", str(db_path), "export", "--format", "sqlite"])
    assert res.exit_code == 2 and "needs --output" in res.output
    res = CliRunner().invoke(main, ["--db", str(db_path), "export", "--format", "sqlite", "-o", str(db_path)])
    assert res.exit_code == 2 and "is the database" in res.output  # never written over what the command reads


def test_digest_and_model_page_json_are_valid(db_path: Path) -> None:
    with extractor.connect(db_path, read_only=True) as db:
        for since in ("2025-01-01", "2025-03-01", "2030-01-01"):
            valid("digest", [json.loads(db.report(since, fmt="json"))])
        for model in ("o3", "gpt-4.1", "o1-preview"):
            valid("model_page", [json.loads(db.model_page(model, fmt="json"))])
