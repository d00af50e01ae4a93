"""Where a table's scope comes from: include placements, one scope per unchanged row, scope
written inside labels, rows never dropped without a word, patches whose hunks disagree with
their counts.

FACTS.md: "An include file takes the scope of the place it is included"; a context line is an
observation (never a change); sovereign regions and data zones; "never dropped silently".
"""

from __future__ import annotations

from pathlib import Path

from helpers import OPENAI, RETIREMENTS, changes, hunk, ingest_changes, report, ret

import extractor

INCLUDE = OPENAI + "includes/retirement/models.md"
INCLUDE_LINE = "[!INCLUDE [Current models](../includes/retirement/models.md)]"
HEADER = """
     | Model | Version | Retirement date | Suggested replacements |
     |---|---|---|---|"""
ROWS = """
     | `gpt-4o` | 2024-05-13 | No earlier than June 30, 2025 | `gpt-4.1` |
     | `o1` | 2024-12-17 | No earlier than July 15, 2025 | `o3` |"""


def _status(db: extractor.Extractor) -> list[tuple[str, str, str]]:
    """(date, model, lifecycle_status) of every lifecycle observation and change."""
    return sorted((r["observed_at"], r["subject"]["model"], r["new"] or r["old"]) for r in db.records()
                  if r["attribute"] == "lifecycle_status")


# --- include placements ------------------------------------------------------------------------

HOST_DAY1 = hunk(f"""
     ## Current models
     .
     {INCLUDE_LINE}
     .
     ## Deprecated models
     .
     Models listed here are deprecated.
""", old=40)
INC_DAY1 = hunk(HEADER + """
    -| `gpt-4o` | 2024-05-13 | No earlier than June 30, 2025 | `gpt-4.1` |
    +| `gpt-4o` | 2024-05-13 | No earlier than July 30, 2025 | `gpt-4.1` |
     | `o1` | 2024-12-17 | No earlier than July 15, 2025 | `o3` |
""", old=1)
HOST_DAY2 = hunk(f"""
     ## Current models
     .
    -{INCLUDE_LINE}
    -.
     ## Deprecated models
     .
    +{INCLUDE_LINE}
    +.
     Models listed here are deprecated.
""", old=40)
INC_DAY3 = hunk(HEADER + """
     | `gpt-4o` | 2024-05-13 | No earlier than July 30, 2025 | `gpt-4.1` |
    -| `o1` | 2024-12-17 | No earlier than July 15, 2025 | `o3` |
    +| `o1` | 2024-12-17 | No earlier than August 15, 2025 | `o3` |
""", old=1)
MOVED_CHANGES = [
    ("retirement", ret("gpt-4o", "2024-05-13"), "retirement_date", "changed", "2025-06-30", "2025-07-30",
     "no-earlier-than"),
    ("retirement", ret("o1", "2024-12-17"), "retirement_date", "changed", "2025-07-15", "2025-08-15",
     "no-earlier-than"),
]
MOVED_STATUS = [("2025-05-01", "gpt-4o", "current"), ("2025-05-01", "o1", "current"),
                ("2025-05-03", "gpt-4o", "deprecated"), ("2025-05-03", "o1", "deprecated")]


def _moved_reports(tmp_path: Path) -> list[Path]:
    return [report(tmp_path, "2025-05-01", [(RETIREMENTS, "modified", HOST_DAY1), (INCLUDE, "modified", INC_DAY1)]),
            report(tmp_path, "2025-05-02", [(RETIREMENTS, "modified", HOST_DAY2)]),
            report(tmp_path, "2025-05-03", [(INCLUDE, "modified", INC_DAY3)])]


def test_an_include_moved_under_a_new_heading_scopes_its_rows_from_then_on(tmp_path: Path) -> None:
    db, ch = ingest_changes(tmp_path, *_moved_reports(tmp_path))
    assert ch == MOVED_CHANGES  # the move itself is no event; the rows keep their own changes
    assert _status(db) == MOVED_STATUS


def test_include_placements_give_the_same_facts_whatever_the_ingest_order(tmp_path: Path) -> None:
    paths = _moved_reports(tmp_path)
    db = extractor.connect(tmp_path / "reverse.duckdb")
    for p in reversed(paths):  # one run per file, latest first
        assert db.ingest([p]).ok
    assert changes(db) == MOVED_CHANGES
    assert _status(db) == MOVED_STATUS


PAGE_TABLE_CUT = hunk("""
     ## Current models
     .
    -| Model | Version | Retirement date | Suggested replacements |
    -|---|---|---|---|
    -| `gpt-4o` | 2024-05-13 | No earlier than June 30, 2025 | `gpt-4.1` |
    -| `o1` | 2024-12-17 | No earlier than July 15, 2025 | `o3` |
    +""" + INCLUDE_LINE + """
     .
     ## Deprecated models
""", old=40)
INCLUDE_NEW = hunk("""
    +| Model | Version | Retirement date | Suggested replacements |
    +|---|---|---|---|
    +| `gpt-4o` | 2024-05-13 | No earlier than June 30, 2025 | `gpt-4.1` |
    +| `o1` | 2024-12-17 | No earlier than July 15, 2025 | `o3` |
""", old=0, new=1)


def test_a_table_moved_from_a_page_into_an_include_gives_no_events(tmp_path: Path) -> None:
    db, ch = ingest_changes(tmp_path, ("2025-05-01", [(RETIREMENTS, "modified", PAGE_TABLE_CUT),
                                                      (INCLUDE, "added", INCLUDE_NEW)]))
    assert ch == []
    moved = db.sql("SELECT doc, moved_to, count(*) AS n FROM events WHERE change = 'moved' GROUP BY ALL")
    assert moved.to_dict("records") == [{"doc": RETIREMENTS, "moved_to": INCLUDE, "n": 6}]


# --- one scope per unchanged row ---------------------------------------------------------------

QH = """
     | Model | Tier | Quota Limit in tokens per minute (TPM) | Requests per minute |
     |---|---|---|---|"""


def _quota_table(heading: str) -> str:
    """The table at lines 100-106 under ``heading``, shown whole with one row changed."""
    return hunk(f"""
     ### {heading}
     .""" + QH + """
     | `o3-mini` | Enterprise agreement | 10 M | 1 K |
    -| `o3-mini` | Default | 1 M | 100 |
    +| `o3-mini` | Default | 2 M | 200 |
""", old=100)


# rows only, the heading and header just outside the hunk; the hunk opens on an added row
ROWS_ONLY = hunk("""
    +| `o4-mini` | Enterprise agreement | 10 M | 1 K |
     | `o3-mini` | Enterprise agreement | 10 M | 1 K |
""", old=104)


def test_unchanged_rows_under_a_heading_outside_the_hunk_get_one_scope(tmp_path: Path) -> None:
    """The document's versions nearest in time to the two views disagree on the heading above
    the table (a day before: data zone; a day after: global). The unchanged row keeps one
    scope on both sides: no removed/added pair, only the added row's facts."""
    from helpers import QUOTAS, q

    db, ch = ingest_changes(tmp_path, ("2025-06-01", [(QUOTAS, "modified", _quota_table("o-series data zone standard"))]),
                            ("2025-06-02", [(QUOTAS, "modified", ROWS_ONLY)]),
                            ("2025-06-03", [(QUOTAS, "modified", _quota_table("o-series global standard"))]))
    day2 = sorted((r["change"], r["subject"]["model"], r["subject"]["deployment_type"], r["attribute"])
                  for r in db.records() if r["observed_at"] == "2025-06-02")
    assert day2 == [("added", "o4-mini", "data-zone-standard", "rpm"), ("added", "o4-mini", "data-zone-standard", "tpm"),
                    ("unchanged", "o3-mini", "data-zone-standard", "rpm"),
                    ("unchanged", "o3-mini", "data-zone-standard", "tpm")]
    assert [c for c in ch if c[1] == q("o3-mini", "global-standard", "enterprise")] == []


# --- scope written inside labels; rows never dropped without a word ------------------------------

GOV = OPENAI + "azure-government.md"
GOV_TABLE = hunk("""
     ## Standard deployment model availability
     .
    +| **Region** | **o3-mini USGov DataZone** | **gpt-4o**, **2024-11-20** |
    +|---|:---:|:---:|
    +| usgovarizona | ✅ | ✅ |
    +| usgovvirginia | ✅ | - |
    +| USGov DataZone | ✅ | - |
""", old=30)


def test_a_data_zone_written_in_a_column_label_is_scope_not_name(tmp_path: Path) -> None:
    from helpers import av

    _db, ch = ingest_changes(tmp_path, ("2025-06-01", [(GOV, "modified", GOV_TABLE)]))
    dz = "data-zone-standard"
    assert ch == sorted([
        ("region_availability", av("o3-mini", "usgovarizona", dz), "available", "added", None, True, None),
        ("region_availability", av("o3-mini", "usgovvirginia", dz), "available", "added", None, True, None),
        ("region_availability", av("gpt-4o", "usgovarizona", "standard", "2024-11-20"), "available", "added",
         None, True, None),
    ], key=repr)


MODELS_DOC = OPENAI + "concepts/models.md"
STATE_ROWS = hunk("""
     | Region | **gpt-4o**, **2024-11-20** |
     |---|:---:|
     | Arizona | ✅ |
    +| Virginia | ✅ |
""", old=120)


def test_a_region_row_no_heading_makes_readable_is_unresolved_with_its_reason(tmp_path: Path) -> None:
    """``Arizona`` names a region only under an Azure Government heading; none is known here:
    the rows are kept as unresolved, with the reason, not dropped."""
    db, ch = ingest_changes(tmp_path, ("2025-06-01", [(MODELS_DOC, "modified", STATE_ROWS)]))
    assert ch == []
    rows = db.sql("SELECT side, text, reason FROM unresolved ORDER BY side, doc_line").to_dict("records")
    why = "a row of a region_availability table gave no fact"
    assert rows == [{"side": "after", "text": "| Arizona | ✅ |", "reason": why},
                    {"side": "after", "text": "| Virginia | ✅ |", "reason": why},
                    {"side": "before", "text": "| Arizona | ✅ |", "reason": why}]


def test_the_same_rows_under_a_government_heading_seen_elsewhere_give_facts(tmp_path: Path) -> None:
    from helpers import av

    heading = hunk("""
     ## Azure Government regions
     .
     The following models are available in Azure Government.
     .
     | Region | **gpt-4o**, **2024-11-20** |
     |---|:---:|
     | Arizona | ✅ |
    -| Texas | ✅ |
""", old=114)
    db, ch = ingest_changes(tmp_path, ("2025-05-01", [(MODELS_DOC, "modified", heading)]),
                            ("2025-06-01", [(MODELS_DOC, "modified", STATE_ROWS)]))
    assert ch == [("region_availability", av("gpt-4o", "usgovtexas", None, "2024-11-20"), "available", "removed",
                   True, None, None),
                  ("region_availability", av("gpt-4o", "usgovvirginia", None, "2024-11-20"), "available", "added",
                   None, True, None)]
    assert db.sql("SELECT count(*) AS n FROM unresolved")["n"][0] == 0


# --- patches whose hunks disagree with their counts -------------------------------------------

PATCH_HEAD = """From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
From: A <a@example.com>
Date: Mon, 3 Mar 2025 10:00:00 +0000
Subject: [PATCH] quotas

---
diff --git a/articles/ai-services/openai/quotas-limits.md b/articles/ai-services/openai/quotas-limits.md
--- a/articles/ai-services/openai/quotas-limits.md
+++ b/articles/ai-services/openai/quotas-limits.md
"""
# line 10: a hunk whose counts (4 lines) stop before its changed row
BAD_HUNK = """@@ -10,4 +10,4 @@ intro
 ### o-series global standard
.
 |Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
 |---|---|:---:|:---:|
-| `o1` | Enterprise agreement | 30 M | 5 K |
+| `o1` | Enterprise agreement | 40 M | 5 K |
""".replace("\n.\n", "\n \n")
# line 17: a good hunk
GOOD_HUNK = """@@ -30,5 +30,5 @@ intro
 ### gpt-4o global standard
.
 |Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
 |---|---|:---:|:---:|
-| `gpt-4o` | Default | 3 M | 500 |
+| `gpt-4o` | Default | 4 M | 500 |
""".replace("\n.\n", "\n \n")


def test_a_hunk_longer_than_its_counts_is_an_error_and_the_rest_of_the_patch_loads(tmp_path: Path) -> None:
    from helpers import QUOTAS, q

    path = tmp_path / "bad.patch"
    path.write_text(PATCH_HEAD + BAD_HUNK + GOOD_HUNK, encoding="utf-8")
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest([path])
    assert [(p, line, msg) for p, line, msg in res.failed] == [
        (str(path), 10, f"{QUOTAS}: unreadable hunk: Hunk is longer than expected")]
    assert changes(db) == [("quota", q("gpt-4o", "global-standard", "default"), "tpm", "changed", 3000000, 4000000,
                            None)]


def test_a_patch_cut_mid_line_is_an_error_and_its_last_hunk_is_left_out(tmp_path: Path) -> None:
    from helpers import QUOTAS, q

    path = tmp_path / "cut.patch"
    whole = BAD_HUNK.replace("-10,4 +10,4", "-10,5 +10,5")  # its counts right, its last line cut
    path.write_text(PATCH_HEAD + GOOD_HUNK + whole.replace("40 M | 5 K |\n", "40"), encoding="utf-8")
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest([path])
    assert sorted((line, msg) for _p, line, msg in res.failed) == [
        (17, f"{QUOTAS}: unreadable hunk: Hunk is shorter than expected"),
        (23, "the patch ends mid-line: its last line is cut, the hunk it belongs to is left out")]
    assert changes(db) == [("quota", q("gpt-4o", "global-standard", "default"), "tpm", "changed", 3000000, 4000000,
                            None)]


# --- the check over an export ------------------------------------------------------------------

def test_the_scope_check_finds_a_removed_added_pair_on_unchanged_lines(tmp_path: Path) -> None:
    from extractor.checks import scope_flips

    src = tmp_path / "r.md"
    src.write_text("x\n | `o1` | Default | 3 M | 500 |\n+| `o3` | Default | 3 M | 500 |\n", encoding="utf-8")

    def rec(change: str, dtype: str, line: int) -> dict[str, object]:
        return {"kind": "quota", "observed_at": "2025-06-02", "doc": "d.md", "attribute": "tpm", "change": change,
                "subject": {"model": "o1", "deployment_type": dtype, "tier": "default"},
                "old": 3000000 if change == "removed" else None, "new": 3000000 if change == "added" else None,
                "source": {"file": "r.md", "line": line}}

    flips = list(scope_flips([rec("removed", "data-zone-standard", 2), rec("added", "global-standard", 2)], [tmp_path]))
    assert [(r["subject"]["deployment_type"], a["subject"]["deployment_type"]) for r, a in flips] == [
        ("data-zone-standard", "global-standard")]
    # an added line is a real change: no flip
    assert list(scope_flips([rec("removed", "data-zone-standard", 2), rec("added", "global-standard", 3)],
                            [tmp_path])) == []


def test_a_data_zone_written_in_a_quota_model_cell_is_scope_not_name(tmp_path: Path) -> None:
    from helpers import QUOTAS, q

    rows = hunk("""
     ### o-series global standard
     .""" + QH + """
     | `o3-mini` | Default | 5 M | 500 |
    +| o3-mini USGov DataZone | Default | 1 M | 100 |
""", old=100)
    _db, ch = ingest_changes(tmp_path, ("2025-06-01", [(QUOTAS, "modified", rows)]))
    assert ch == [("quota", q("o3-mini", "data-zone-standard", "default"), "rpm", "added", None, 100, None),
                  ("quota", q("o3-mini", "data-zone-standard", "default"), "tpm", "added", None, 1000000, None)]


# --- the git walk learns placements from whole documents ------------------------------------------

def test_a_walked_include_takes_the_heading_it_sits_under(tmp_path: Path) -> None:
    from test_git_source import commit, init

    page = ("# Retirements\n\n## Current models\n\n" + INCLUDE_LINE + "\n\n## Retired models\n\n"
            "| Model | Version | Retirement date | Suggested replacements |\n|---|---|---|---|\n"
            "| `ada` | 1 | June 14, 2024 | `gpt-4o` |\n")
    table = ("| Model | Version | Retirement date | Suggested replacements |\n|---|---|---|---|\n"
             "| `gpt-4o` | 2024-05-13 | No earlier than June 30, 2025 | `gpt-4.1` |\n")
    repo = init(tmp_path / "repo")
    commit(repo, "2025-05-01", "retirements", {RETIREMENTS: page, INCLUDE: table})
    commit(repo, "2025-05-02", "a date", {INCLUDE: table.replace("June 30", "July 30")})
    db = extractor.connect(tmp_path / "x.duckdb")
    assert db.ingest(git=repo).ok
    got = sorted((r["observed_at"], r["subject"]["model"], r["attribute"], r["change"], r["new"])
                 for r in db.records() if r["doc"] == INCLUDE)
    assert got == [("2025-05-01", "gpt-4o", "lifecycle_status", "added", "current"),
                   ("2025-05-01", "gpt-4o", "replacement", "added", "gpt-4.1"),
                   ("2025-05-01", "gpt-4o", "retirement_date", "added", "2025-06-30"),
                   ("2025-05-02", "gpt-4o", "lifecycle_status", "unchanged", "current"),
                   ("2025-05-02", "gpt-4o", "replacement", "unchanged", "gpt-4.1"),
                   ("2025-05-02", "gpt-4o", "retirement_date", "changed", "2025-07-30")]


def test_views_that_cannot_agree_on_an_unchanged_rows_scope_leave_it_unresolved(tmp_path: Path) -> None:
    """The before view shows the row alone (its scope from memory: data zone); the after view
    shows a heading and header of its own above it (global). The row is unchanged: it is kept
    as unresolved on both sides with the reason, not reported removed and added."""
    from helpers import QUOTAS

    own = hunk("""
    +### o-series global standard
    +""" + QH.replace("\n     |", "\n    +|") + """
     | `o3-mini` | Enterprise agreement | 10 M | 1 K |
""", old=104)
    db, _ch = ingest_changes(tmp_path, ("2025-06-01", [(QUOTAS, "modified", _quota_table("o-series data zone standard"))]),
                             ("2025-06-02", [(QUOTAS, "modified", own)]))
    assert [r for r in db.records() if r["observed_at"] == "2025-06-02"] == []
    rows = db.sql("SELECT side, text, reason FROM unresolved ORDER BY side").to_dict("records")
    why = "the before and after views give this table different scopes (one from memory)"
    assert rows == [{"side": "after", "text": "| `o3-mini` | Enterprise agreement | 10 M | 1 K |", "reason": why},
                    {"side": "before", "text": "| `o3-mini` | Enterprise agreement | 10 M | 1 K |", "reason": why}]


def test_the_placement_in_effect_is_each_hosts_latest_sighting_at_or_before_the_view() -> None:
    from extractor.layout import LayoutMemory
    from extractor.placements import Placement

    cur, dep = ((2, "Current models"),), ((2, "Deprecated models"),)
    mem = LayoutMemory()
    for p in (Placement(INCLUDE, RETIREMENTS, 40, cur, True, "s1", "2025-05-01", "after"),
              Placement(INCLUDE, RETIREMENTS, 40, cur, True, "s2", "2025-05-02", "before"),
              Placement(INCLUDE, RETIREMENTS, 44, dep, True, "s2", "2025-05-02", "after"),
              Placement(INCLUDE, RETIREMENTS, 40, (), False, "s2", "2025-05-02", "after")):
        mem.add_placement(p)
    assert mem.include_scope(INCLUDE, "2025-04-01", "after") == list(cur)  # before any: the earliest
    assert mem.include_scope(INCLUDE, "2025-05-02", "before") == list(cur)
    assert mem.include_scope(INCLUDE, "2025-05-02", "after") == list(dep)  # moved: presence beats absence
    other = OPENAI + "concepts/legacy-models.md"
    mem.add_placement(Placement(INCLUDE, other, 9, ((2, "Legacy"),), True, "s3", "2025-05-03", "after"))
    assert mem.include_scope(INCLUDE, "2025-05-04", "after") == []  # two hosts disagree: none
    mem.add_placement(Placement(INCLUDE, other, 9, (), False, "s4", "2025-05-05", "after"))
    assert mem.include_scope(INCLUDE, "2025-05-06", "after") == list(dep)  # the other removed its line
