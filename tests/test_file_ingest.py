"""The file ingest (extractor.ingest.files): inputs prepared and merged in input order.

Every source teaches the batch's layout memory what it shows (what one whose preparing
failed half-way had taught is forgotten), so a header seen in one report resolves rows read
in another; failures are named and recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import MATRIX, av, changes, hunk, make_report, report, srt, write_report

import extractor
from extractor.layout import HeadingEntry, LayoutEntry, LayoutMemory

DOC = MATRIX + "datazone-standard.md"
DZ = "data-zone-standard"
HEADER = hunk("""
     | **Region** | **gpt-4o**, **2024-05-13** | **o1**, **2024-12-17** |
     |:---|:---:|:---:|
     | eastus | ✅ | - |
    -| eastus2 | ✅ | - |
    +| eastus2 | ✅ | ✅ |
     | francecentral | - | ✅ |
""", old=1)
ROWS_ONLY = hunk("""
     | francecentral | - | ✅ |
    -| swedencentral | ✅ | ✅ |
    +| swedencentral | ✅ | - |
     | westus | - | - |
""", old=5)
ROWS_LATER = hunk("""
     | eastus | ✅ | ✅ |
    -| westus | - | - |
    +| westus | ✅ | - |
""", old=3)


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    report(folder, "2024-10-01", [(DOC, "modified", ROWS_ONLY)], name="a-rows-only.md")
    header = make_report("2024-11-01", [(DOC, "modified", HEADER)])
    write_report(folder, header, name="b-header.md")
    write_report(folder, header, name="c-same-bytes.md")  # a copy: already ingested in this run
    report(folder, "2024-12-01", [(DOC, "modified", ROWS_LATER)], name="d-rows-later.md")
    (folder / "e-notes.txt").write_text("just notes\n", encoding="utf-8")
    (folder / "f-bad.md").write_text("---\ndate: someday\n---\n# Modified Contents\n", encoding="utf-8")
    return folder


EXPECTED = srt([
    ("region_availability", av("o1", "swedencentral", DZ, "2024-12-17"), "available", "removed", True, None, None),
    ("region_availability", av("o1", "eastus2", DZ, "2024-12-17"), "available", "added", None, True, None),
    ("region_availability", av("gpt-4o", "westus", DZ, "2024-05-13"), "available", "added", None, True, None),
])


def test_rows_read_before_their_header_take_it_and_failures_are_recorded(tmp_path: Path) -> None:
    _inputs(tmp_path / "in")
    db = extractor.connect(tmp_path / "one.duckdb")
    res = db.ingest([tmp_path / "in"])
    # rows of the first and last reports take the header the second report shows
    assert changes(db) == EXPECTED
    assert int(db.sql("select count(*) as n from unresolved")["n"][0]) == 0
    assert (res.files, res.loaded, res.skipped_known) == (6, 3, 1)
    assert [Path(p).name for p in res.skipped_other] == ["e-notes.txt"]
    assert [(Path(p).name, line) for p, line, _ in res.failed] == [("f-bad.md", 2)]
    assert int(db.sql("select count(*) as n from errors")["n"][0]) == 1


def test_a_memory_forgets_what_a_source_taught_since_loading_and_keeps_what_was_loaded() -> None:
    loaded = LayoutEntry("old.md", ("Region", "o1"), 3, ((2, "Data zone"),), "", "s1", "2025-01-01")
    mem = LayoutMemory()
    mem.add_table(loaded, new=False)  # as loaded from the store
    copy = mem.copy()
    copy.add_heading(HeadingEntry("old.md", 1, 2, "Data zone", "s1"))
    copy.add_table(LayoutEntry("old.md", ("Region", "o1", "o3"), 9, (), "", "s1", "2025-02-01"))
    copy.add_table(LayoutEntry("old.md", ("Region", "gpt-4o"), 20, (), "", "s2", "2025-02-01"))
    copy.forget({"s1"})
    assert dict(copy.tables) == {"old.md": [loaded, LayoutEntry("old.md", ("Region", "gpt-4o"), 20, (), "", "s2",
                                                                "2025-02-01")]}
    assert [e.source_id for e in copy.new_tables] == ["s2"] and copy.new_headings == []
    assert copy.headings_above("old.md", 5) == []
    assert copy.headings_for_header("old.md", ["Region", "o1"], 3) == [(2, "Data zone")]  # the loaded one
    assert not mem.has_doc("new.md") and len(mem.tables["old.md"]) == 1  # copies are independent


def test_columns_keep_every_key_and_the_load_order() -> None:
    from extractor.ingest.rows import SourceRows, columnar

    def rows(sid: str, layouts: list[dict[str, Any]], events: list[str]) -> SourceRows:
        cols = {"event_id": events, "source_id": [sid] * len(events), "line": list(range(len(events)))}
        return SourceRows(f"{sid}.md", sid, {"layouts": layouts}, cols, len(events), 0, {})

    cols = columnar([(1, rows("a", [{"doc": "x.md"}, {"doc": "y.md", "lead": "above"}], ["e1", "e2"])),
                     (0, rows("b", [{"doc": "z.md"}], ["e1"]))])
    assert cols["layouts"] == {  # a key only a later row has is kept
        "doc": ["x.md", "y.md", "z.md"], "lead": [None, "above", None], "_pos": [1, 1, 0], "_src": ["a", "a", "b"]}
    assert cols["event_sources"] == {
        "event_id": ["e1", "e2", "e1"], "source_id": ["a", "a", "b"], "line": [0, 1, 0],
        "_pos": [1, 1, 0], "_src": ["a", "a", "b"]}
