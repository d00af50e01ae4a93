"""Header rows and scope headings outside the hunk; unresolved rows; moved documents.

FACTS.md: "A hunk whose table header lies outside the hunk still yields facts: the header
is known from elsewhere (the same table seen in another source …). If it cannot be known,
the rows are kept as unresolved and counted, never dropped silently." FORMATS.md hard
cases 2 and 3 (headers never in the hunk / never seen), and moved documents.
"""

from __future__ import annotations

from pathlib import Path

from helpers import MATRIX, QUOTAS, av, changes, hunk, ingest_changes, q, report, srt

import extractor

MH = " | **Region** | **gpt-4o**, **2024-05-13** | **o1**, **2024-12-17** |"
MA = " |:---|:---:|:---:|"
DOC = MATRIX + "datazone-standard.md"
DZ = "data-zone-standard"

# the whole include (7 lines): the header is on lines 1-2
WITH_HEADER = hunk(f"""
    {MH}
    {MA}
     | eastus | ✅ | - |
    -| eastus2 | ✅ | - |
    +| eastus2 | ✅ | ✅ |
     | francecentral | - | ✅ |
     | swedencentral | ✅ | ✅ |
     | westus | - | - |
""", old=1)
# rows only: the header lies outside the hunk
WITHOUT_HEADER = hunk("""
     | francecentral | - | ✅ |
    -| swedencentral | ✅ | ✅ |
    +| swedencentral | ✅ | - |
     | westus | - | - |
""", old=5)
EXPECT_WITH = ("region_availability", av("o1", "eastus2", DZ, "2024-12-17"), "available", "added", None, True, None)
EXPECT_WITHOUT = ("region_availability", av("o1", "swedencentral", DZ, "2024-12-17"), "available", "removed",
                  True, None, None)


def _unresolved(db: extractor.Extractor) -> int:
    return int(db.sql("select count(*) as n from unresolved")["n"][0])


def test_header_from_a_later_report_in_the_same_run(tmp_path: Path) -> None:
    db, ch = ingest_changes(tmp_path, ("2024-10-01", [(DOC, "modified", WITHOUT_HEADER)]),
                            ("2024-11-01", [(DOC, "modified", WITH_HEADER)]))
    assert ch == srt([EXPECT_WITH, EXPECT_WITHOUT])
    assert _unresolved(db) == 0


def test_header_from_an_earlier_report_in_the_same_run(tmp_path: Path) -> None:
    db, ch = ingest_changes(tmp_path, ("2024-10-01", [(DOC, "modified", WITH_HEADER)]),
                            ("2024-11-01", [(DOC, "modified", WITHOUT_HEADER)]))
    assert ch == srt([EXPECT_WITH, EXPECT_WITHOUT])
    assert _unresolved(db) == 0


def test_header_from_an_earlier_report_ingested_in_an_earlier_run(tmp_path: Path) -> None:
    db = extractor.connect(tmp_path / "x.duckdb")
    db.ingest([report(tmp_path, "2024-10-01", [(DOC, "modified", WITH_HEADER)])])
    res = db.ingest([report(tmp_path, "2024-11-01", [(DOC, "modified", WITHOUT_HEADER)])])
    assert res.unresolved == 0
    assert changes(db) == srt([EXPECT_WITH, EXPECT_WITHOUT])
    assert _unresolved(db) == 0


def test_header_from_a_later_report_ingested_in_a_later_run(tmp_path: Path) -> None:
    """Rows kept as unresolved by the first run are resolved once a later run learns the header."""
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest([report(tmp_path, "2024-10-01", [(DOC, "modified", WITHOUT_HEADER)])])
    assert res.unresolved == 6  # three rows before, three after: kept, counted
    assert _unresolved(db) == 6
    db.ingest([report(tmp_path, "2024-11-01", [(DOC, "modified", WITH_HEADER)])])
    assert changes(db) == srt([EXPECT_WITH, EXPECT_WITHOUT])
    assert _unresolved(db) == 0


def test_rows_whose_header_is_never_seen_are_kept_as_unresolved(tmp_path: Path) -> None:
    """Hard case 3: standard-gpt-35-turbo.md shows rows but never its header."""
    d = hunk("""
         | eastus | ✅ | - |
        -| japaneast | - | ✅ |
        +| japaneast | ✅ | ✅ |
    """, old=12)
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest([report(tmp_path, "2024-09-12", [(MATRIX + "standard-gpt-35-turbo.md", "modified", d)])])
    assert changes(db) == []
    assert res.unresolved == 4
    rows = db.sql("select doc, side, doc_line, text from unresolved order by side, doc_line")
    assert rows.to_dict("records") == [
        {"doc": MATRIX + "standard-gpt-35-turbo.md", "side": "after", "doc_line": 12, "text": "| eastus | ✅ | - |"},
        {"doc": MATRIX + "standard-gpt-35-turbo.md", "side": "after", "doc_line": 13,
         "text": "| japaneast | ✅ | ✅ |"},
        {"doc": MATRIX + "standard-gpt-35-turbo.md", "side": "before", "doc_line": 12, "text": "| eastus | ✅ | - |"},
        {"doc": MATRIX + "standard-gpt-35-turbo.md", "side": "before", "doc_line": 13,
         "text": "| japaneast | - | ✅ |"},
    ]
    stats = db.stats()["unresolved"]
    assert stats["rows"].tolist() == [4]


def test_rows_of_a_width_no_known_table_has_are_unresolved(tmp_path: Path) -> None:
    """A known document, but no remembered table has the rows' column count."""
    d = hunk("""
         | eastus | ✅ | - | ✅ |
        +| japaneast | ✅ | ✅ | - |
    """, old=30)
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest([report(tmp_path, "2024-10-01", [(DOC, "modified", WITH_HEADER)]),
                     report(tmp_path, "2024-11-01", [(DOC, "modified", d)])])
    assert changes(db) == [EXPECT_WITH]
    assert res.unresolved == 3
    assert set(db.sql("select reason from unresolved")["reason"]) == {
        "no table with 4 columns is known for this document"}


# --- hard case 2: a wide numeric matrix whose header is outside every hunk -------------------------------

QUOTA_MATRIX = MATRIX + "quota.md"
QMH = " | Region | o1-mini | o1 | gpt-4o - GlobalStandard | GPT-4o - Global-Batch |"
QMA = " |:---|:---:|:---:|:---:|:---:|"


def test_numeric_quota_matrix_header_from_another_report(tmp_path: Path) -> None:
    first = hunk(f"""
        {QMH}
        {QMA}
        -| eastus | 1 M | - | 30 M | 5 B |
        +| eastus | 1 M | - | 30 M | 5 B  |
         | westus | - | 1 M | 30 M | - |
    """, old=1)
    later = hunk("""
         | eastus | 1 M | - | 30 M | 5 B |
        -| westus | - | 1 M | 30 M | - |
        +| westus | - | 2 M | 30 M | 10 B |
    """, old=3)
    db, ch = ingest_changes(tmp_path, ("2024-10-05", [(QUOTA_MATRIX, "modified", first)]),
                            ("2024-10-11", [(QUOTA_MATRIX, "modified", later)]))
    assert ch == srt([
        ("quota", q("gpt-4o", "global-batch", None, region="westus"), "tpm", "added", None, 10_000_000_000, None),
        ("quota", q("o1", None, None, region="westus"), "tpm", "changed", 1_000_000, 2_000_000, None),
    ])
    assert _unresolved(db) == 0


# --- the quota table's header outside the hunk, resolved by the locator ----------------------------------

def test_quota_rows_resolved_with_header_and_heading_from_another_report(tmp_path: Path) -> None:
    full = hunk("""
         ### o-series global standard
        .
         | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
         |---|---|:---:|:---:|
        -| `o3` | Default | 1 M | 1 K |
        +| `o3` | Default | 1 M | 1 K  |
        .
         ### GPT-4o global standard
        .
         | Model|Tier| Quota Limit in tokens per minute (TPM) |
         |---|---|:---:|
         | `gpt-4o` | Default | 450 K |
    """, old=40, section="## o-series rate limits")
    rows_only = hunk("""
         | `gpt-4o` | Default | 450 K |
        +| `gpt-4o-mini` | Default | 2 M |
    """, old=51)
    _, ch = ingest_changes(tmp_path, ("2025-01-10", [(QUOTAS, "modified", full)]),
                           ("2025-02-08", [(QUOTAS, "modified", rows_only)]))
    assert ch == [("quota", q("gpt-4o-mini", "global-standard", "default"), "tpm", "added", None, 2_000_000, None)]


# --- moved documents --------------------------------------------------------------------------------------

TABLE = [
    "| **Region** | **gpt-4o**, **2024-05-13** | **o1**, **2024-12-17** |",
    "|:---|:---:|:---:|",
    "| eastus2 | ✅ | - |",
    "| swedencentral | ✅ | ✅ |",
]


def test_document_moved_in_one_change_gives_no_events_and_later_events_name_the_new_path(tmp_path: Path) -> None:
    old_doc, new_doc = MATRIX + "standard-global.md", MATRIX + "global-standard-models.md"
    removed = hunk("\n".join("-" + r for r in TABLE), old=1, new=0)
    added = hunk("\n".join("+" + r for r in TABLE), old=0, new=1)
    later = hunk("""
         | eastus2 | ✅ | - |
        -| swedencentral | ✅ | ✅ |
        +| swedencentral | ✅ | - |
    """, old=3)
    db, ch = ingest_changes(tmp_path, ("2025-03-01", [(old_doc, "removed", removed), (new_doc, "added", added)]),
                            ("2025-03-13", [(new_doc, "modified", later)]))
    assert ch == [("region_availability", av("o1", "swedencentral", "global-standard", "2024-12-17"), "available",
                   "removed", True, None, None)]
    recs = [r for r in db.records() if r["change"] != "unchanged"]
    assert [r["doc"] for r in recs] == [new_doc]
    # the move itself is observed under the new path
    moved = [r for r in db.records() if r["observed_at"] == "2025-03-01"]
    assert {r["doc"] for r in moved} == {new_doc} and len(moved) == 3


def test_document_deleted_without_a_new_home_removes_its_facts(tmp_path: Path) -> None:
    doc = MATRIX + "standard-global.md"
    removed = hunk("\n".join("-" + r for r in TABLE), old=1, new=0)
    _, ch = ingest_changes(tmp_path, ("2025-03-01", [(doc, "removed", removed)]))
    assert len(ch) == 3 and {c[3] for c in ch} == {"removed"}


# --- the version of a rewritten header nearest in time --------------------------------------------------

OLD_H = "| **Region** | **gpt-4**, **0613** | **gpt-4o**, **2024-08-06** | **o1**, **2024-12-17** |"
NEW_H = "| **Region** | **gpt-4o**, **2024-08-06** | **gpt-4**, **0613** | **o1**, **2024-12-17** |"
ALIGN = "|:---|:---:|:---:|:---:|"
PROV = MATRIX + "provisioned-models.md"


def _reorder() -> str:
    """A change that swaps two columns (header and every row), on lines 1-4."""
    return hunk("\n".join([
        "-" + OLD_H, "-" + ALIGN, "-| eastus | ✅ | - | - |", "-| westus | - | - | - |",
        "+" + NEW_H, "+" + ALIGN, "+| eastus | - | ✅ | - |", "+| westus | - | - | - |",
    ]), old=1)


def _rows_only(before: str, after: str) -> str:
    return hunk(f"""
         | eastus | - | - | - |
        -| {before}
        +| {after}
    """, old=4)


def _reorder_cases(tmp_path: Path) -> tuple[list[Path], list[tuple]]:
    earlier = report(tmp_path, "2024-10-01", [(PROV, "modified", _rows_only("japaneast | ✅ | - | - |",
                                                                            "japaneast | ✅ | ✅ | - |"))])
    rewrite = report(tmp_path, "2024-10-26", [(PROV, "modified", _reorder())])
    later = report(tmp_path, "2024-11-02", [(PROV, "modified", _rows_only("uaenorth | ✅ | - | - |",
                                                                          "uaenorth | ✅ | ✅ | - |"))])
    expected = srt([
        # before the rewrite the second column is gpt-4o, after it gpt-4
        ("region_availability", av("gpt-4o", "japaneast", "provisioned", "2024-08-06"), "available", "added",
         None, True, None),
        ("region_availability", av("gpt-4", "uaenorth", "provisioned", "0613"), "available", "added", None, True, None),
    ])
    return [earlier, rewrite, later], expected


def test_header_less_rows_read_with_the_version_of_the_header_nearest_in_time(tmp_path: Path) -> None:
    paths, expected = _reorder_cases(tmp_path)
    db = extractor.connect(tmp_path / "x.duckdb")
    db.ingest(paths)
    assert changes(db) == expected


def test_run_by_run_in_any_order_gives_what_one_run_gives(tmp_path: Path) -> None:
    paths, expected = _reorder_cases(tmp_path)
    for name, order in (("fwd", paths), ("rev", paths[::-1]), ("mid", [paths[1], paths[2], paths[0]])):
        db = extractor.connect(tmp_path / f"{name}.duckdb")
        for p in order:
            db.ingest([p])
        assert changes(db) == expected, name
        assert _unresolved(db) == 0


def test_new_tables_by_source_follow_the_list() -> None:
    from extractor.layout import LayoutEntry, LayoutMemory

    def entry(sid: str, line: int) -> LayoutEntry:
        return LayoutEntry("doc.md", ("Model", "TPM"), line, (), "", sid, "2025-01-01")

    memory = LayoutMemory()
    memory.add_table(entry("a", 1))
    memory.add_table(entry("b", 2))
    assert [e.line_no for e in memory.new_tables_of("a")] == [1]
    memory.add_table(entry("a", 3))  # appended after the index was built
    assert [e.line_no for e in memory.new_tables_of("a")] == [1, 3]
    memory.new_tables.clear()  # a walk's chunk was written
    memory.add_table(entry("b", 4))
    memory.add_table(entry("a", 5))
    memory.add_table(entry("a", 6))
    assert [e.line_no for e in memory.new_tables_of("a")] == [5, 6]
    assert [e.line_no for e in memory.new_tables_of("b")] == [4]
    assert memory.new_tables_of("c") == []
