"""The kind registry: a kind is one module (a test-only kind registered through the registry
alone is extracted, exported and gets its three views), and every registered kind has its
views with their columns, its title and labels, and its row in the README table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from helpers import OPENAI, hunk, ingest_changes

import extractor
from extractor import digest, kinds
from extractor.blocks import Block, Table
from extractor.kinds import Attribute, Fact, Kind, recognisers, subject
from extractor.kinds.cells import cell, find_col, norm_header
from extractor.store.db import Store

README = Path(__file__).resolve().parent.parent / "README.md"
WIDGETS = OPENAI + "widgets.md"

# The columns of each kind's views by the type of its values (queries/*.sql, the notebook and
# tests use them); the subject keys come first, as the kind declares them.
_SPAN = ["valid_from", "valid_to", "last_seen", "opened_by", "closed_by", "inferred"]
_PROV = ["doc", "source_file", "source_line", "n_sources", "change_id", "link", "is_current"]
VALUE_COLUMNS = {
    "integer": ["attribute", "value", *_SPAN, "previous", "value_raw", *_PROV],
    "date": ["attribute", "value", "value_date", "qualifier", *_SPAN, "previous", "value_raw", *_PROV],
    "text": ["attribute", "value", *_SPAN, "previous", "value_raw", *_PROV],
    "mixed": ["attribute", "value", "value_num", *_SPAN, "previous", "value_raw", *_PROV],
    "boolean": ["{attribute}", *_SPAN, *_PROV, "closed_link"],
}
# The core kinds' views as they were written by hand (the generated ones must not drift).
CORE_COLUMNS = {
    "quota": ["model", "deployment_type", "tier", "region", "attribute", "value", *_SPAN, "previous",
              "value_raw", *_PROV],
    "retirement": ["model", "version", "attribute", "value", "value_date", "qualifier", *_SPAN, "previous",
                   "value_raw", *_PROV],
    "region_availability": ["subject", "version", "deployment_type", "region", "available", *_SPAN, *_PROV,
                            "closed_link"],
}


def view_columns(kind: Kind) -> list[str]:
    values = [c.format(attribute=kind.attributes[0].name) for c in VALUE_COLUMNS[kind.value_type]]
    return [*kind.subject_keys, *values]


class WidgetSizeRecogniser:
    """A two-column table ``| Widget | Size |``: each widget's integer size."""

    kind: ClassVar[str] = "widget_size"

    def claims(self, block: Block) -> bool:
        return (isinstance(block, Table) and block.header is not None
                and [norm_header(h) for h in block.header] == ["widget", "size"])

    def extract(self, block: Block) -> Iterator[Fact]:
        assert isinstance(block, Table) and block.header is not None
        w, s = find_col(block.header, r"^widget$"), find_col(block.header, r"^size$")
        for row in block.rows:
            raw = cell(row.cells, s).strip()
            if raw.isdigit():
                yield Fact(self.kind, subject(self.kind, widget=cell(row.cells, w).strip()), "size", int(raw),
                           raw, None, row.line)


WIDGET = Kind(name="widget_size", subject_keys=("widget",), attributes=(Attribute("size", "integer", "Size"),),
              title="Widget sizes", recogniser=WidgetSizeRecogniser(), words=("widget",))


@pytest.fixture
def widget_kind() -> Iterator[Kind]:
    kinds.register(WIDGET)
    try:
        yield WIDGET
    finally:
        kinds.unregister(WIDGET.name)


def _columns(store: Store, relation: str) -> list[str]:
    return [r[0] for r in store.con.execute(f"DESCRIBE {relation}").fetchall()]


def test_a_kind_registered_alone_is_extracted_and_has_its_views(tmp_path: Path, widget_kind: Kind) -> None:
    first = hunk("""
         | Widget | Size |
         |---|---|
        +| gear | 10 |
        +| cog | 5 |
        """)
    second = hunk("""
         | Widget | Size |
         |---|---|
        -| gear | 10 |
        +| gear | 12 |
         | cog | 5 |
        +| bolt | 7 |
        """)
    db, ch = ingest_changes(tmp_path, ("2025-01-10", [(WIDGETS, "modified", first)]),
                            ("2025-02-10", [(WIDGETS, "modified", second)]))
    assert ch == sorted([
        ("widget_size", {"widget": "bolt"}, "size", "added", None, 7, None),
        ("widget_size", {"widget": "cog"}, "size", "added", None, 5, None),
        ("widget_size", {"widget": "gear"}, "size", "added", None, 10, None),
        ("widget_size", {"widget": "gear"}, "size", "changed", 10, 12, None),
    ], key=repr)
    unchanged = [(r["observed_at"], r["subject"], r["new"]) for r in db.records() if r["change"] == "unchanged"]
    assert unchanged == [("2025-02-10", {"widget": "cog"}, 5)]

    history = db.sql("SELECT widget, attribute, value, CAST(valid_from AS VARCHAR) AS valid_from, "
                     "CAST(valid_to AS VARCHAR) AS valid_to, previous, is_current "
                     "FROM widget_size_history ORDER BY widget, valid_from")
    assert [tuple(r) for r in history.astype(object).where(history.notna(), None).itertuples(index=False)] == [
        ("bolt", "size", 7, "2025-02-10", None, None, True),
        ("cog", "size", 5, "2025-01-10", None, None, True),
        ("gear", "size", 10, "2025-01-10", "2025-02-10", None, False),
        ("gear", "size", 12, "2025-02-10", None, 10, True),
    ]
    current = db.sql("SELECT widget, value FROM widget_size_current ORDER BY widget")
    assert [tuple(r) for r in current.itertuples(index=False)] == [("bolt", 7), ("cog", 5), ("gear", 12)]
    as_of = db.sql("SELECT widget, value FROM widget_size_as_of('2025-01-15') ORDER BY widget")
    assert [tuple(r) for r in as_of.itertuples(index=False)] == [("cog", 5), ("gear", 10)]
    described = db.sql("SELECT change, description FROM fact_changes ORDER BY description")
    assert [tuple(r) for r in described.itertuples(index=False)] == [
        ("added", "bolt Size: 7 (new)"), ("added", "cog Size: 5 (new)"), ("added", "gear Size: 10 (new)"),
        ("changed", "gear Size: 10 → 12"),
    ]
    assert db.history("widget_size")["widget"].tolist()  # the API knows the kind
    assert digest.KIND_TITLES["widget_size"] == "Widget sizes"
    assert recognisers()[-1] is WIDGET.recogniser


def test_an_existing_database_gets_the_views_of_a_kind_registered_later(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    Store(path).close()
    kinds.register(WIDGET)
    try:
        store = Store(path)
        try:
            assert _columns(store, "widget_size_history")[:3] == ["widget", "attribute", "value"]
        finally:
            store.close()
    finally:
        kinds.unregister(WIDGET.name)
    assert "widget_size" not in kinds.names()
    assert all(r.kind != "widget_size" for r in recognisers())


def test_every_kind_has_its_views_title_labels_and_readme_row() -> None:
    assert kinds.names() == tuple(k.name for k in kinds._BUILTIN)  # the built-in kinds, in display order
    ranks = [kinds.get(r.kind).claim_rank for r in recognisers()]
    assert sorted(r.kind for r in recognisers()) == sorted(kinds.names()) and ranks == sorted(ranks)
    assert recognisers()[:2] == [kinds.get("batch_quota").get_recogniser(), kinds.get("quota").get_recogniser()]
    for name, cols in CORE_COLUMNS.items():
        assert view_columns(kinds.get(name)) == cols, name
    readme = README.read_text(encoding="utf-8")
    table = [ln for ln in readme.splitlines() if re.match(r"^\| `[a-z_]+` \|", ln)]
    titles = [kinds.get(n).title for n in kinds.names()]
    assert len(set(titles)) == len(titles) and all(titles)
    store = Store(":memory:")
    try:
        for name in kinds.names():
            kind = kinds.get(name)
            cols = view_columns(kind)
            assert _columns(store, f"{name}_history") == cols, name
            assert _columns(store, f"{name}_current") == cols, name
            assert _columns(store, f"SELECT * FROM {name}_as_of('2025-01-01')") == cols, name
            assert kind.title == digest.KIND_TITLES[name]
            for a in kind.attributes:
                got = store.con.execute("SELECT fact_attribute_label(?)", [a.name]).fetchone()
                assert got == (a.title,)
            assert kind.readme_row() in table, f"README has no row for {name}: {kind.readme_row()}"
            assert kind.get_recogniser().kind == name
        assert len(table) == len(kinds.names())
    finally:
        store.close()


def test_the_readme_table_of_kinds_is_generated_and_fresh(tmp_path: Path) -> None:
    from extractor.kinds.__main__ import main

    text = README.read_text(encoding="utf-8")
    assert kinds.readme_with_table(text) == text, "stale: run python -m extractor.kinds README.md"
    stale = tmp_path / "README.md"
    stale.write_text(text.replace(kinds.get("ptu").readme_row() + "\n", ""), encoding="utf-8")
    assert main(["--check", str(stale)]) == 1
    assert main([str(stale)]) == 0 and stale.read_text(encoding="utf-8") == text
    kinds.register(WIDGET)
    try:
        assert "| `widget_size` | widget | `size` |" in kinds.readme_with_table(text)
    finally:
        kinds.unregister(WIDGET.name)


def test_a_kind_module_holds_its_recogniser_and_kinds_mix_integers_and_text() -> None:
    """Every built-in kind is one module: its declaration and its recogniser."""
    import importlib

    for name in kinds.names():
        kind = kinds.get(name)
        assert type(kind.get_recogniser()).__module__ == f"extractor.kinds.{name}"
        assert importlib.import_module(f"extractor.kinds.{name}").KIND is kind
    assert kinds.get("model_spec").value_type == "mixed" and kinds.get("service_limit").value_type == "mixed"
    with pytest.raises(ValueError, match="do not mix with dates"):
        Kind(name="bad", subject_keys=("x",), attributes=(Attribute("n", "integer"), Attribute("d", "date")),
             title="Bad", recogniser=WidgetSizeRecogniser)


def test_api_and_help_name_the_kinds() -> None:
    from click.testing import CliRunner

    from extractor import api
    from extractor.cli import main

    assert kinds.names() == api.KINDS
    listed = ", ".join(kinds.names())
    with pytest.raises(ValueError, match=f"one of {listed}"):
        extractor.connect(":memory:").history("nope")
    out = CliRunner().invoke(main, ["sql", "--help"]).output
    assert listed in " ".join(out.split())
