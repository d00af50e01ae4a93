"""Every change is a real change: the hard cases of real reports, each on a small fixture.

A header re-formatted or re-ordered, a scoping heading outside the hunk, tables that are
no fact tables, offer cells listing several offers, facts moved between documents.
Each test asserts the exact change events its fixture gives.
"""

from __future__ import annotations

from pathlib import Path

from helpers import MATRIX, OPENAI, QUOTAS, RETIREMENTS, av, hunk, ingest_changes, q, ret, srt

GS = MATRIX + "standard-global.md"
RA = "region_availability"


def test_a_header_reformatted_gives_only_the_new_columns_events(tmp_path: Path) -> None:
    d = hunk("""
    -| **Region** | **o3**, **2025-04-16** | **gpt-4o**, **2024-05-13** |
    -|:---|:---:|:---:|
    -| eastus | ✅ | - |
    -| westus | ✅ | ✅ |
    +| **Region** | **o3**<br>2025-04-16 | **gpt-4o**<br>2024-05-13 | **o4-mini**<br>2025-04-16 |
    +|:---|:---:|:---:|:---:|
    +| eastus | ✅ | - | ✅ |
    +| westus | ✅ | ✅ | - |
    """, old=1)
    _db, ch = ingest_changes(tmp_path, ("2025-05-01", [(GS, "modified", d)]))
    assert ch == [(RA, av("o4-mini", "eastus", "global-standard", "2025-04-16"), "available", "added", None, True,
                   None)]


def test_every_markup_of_model_and_version_is_one_column_key(tmp_path: Path) -> None:
    d = hunk("""
    -| Region | `o3` (2025-04-16) | o1 (2024-12-17) | **gpt-4o**, **2024-05-13** |
    -|:---|:---:|:---:|:---:|
    -| eastus | ✅ | - | ✅ |
    +| Region | o1, 2024-12-17 | **gpt-4o**<br>(2024-05-13) | **o3**, **2025-04-16** |
    +|:---|:---:|:---:|:---:|
    +| eastus | - | ✅ | ✅ |
    """, old=1)
    _db, ch = ingest_changes(tmp_path, ("2025-05-01", [(GS, "modified", d)]))
    assert ch == []


def test_swapped_columns_change_nothing(tmp_path: Path) -> None:
    d = hunk("""
    -| **Region** | **o3**, **2025-04-16** | **gpt-4o**, **2024-05-13** |
    -|:---|:---:|:---:|
    -| eastus | ✅ | - |
    -| westus | - | ✅ |
    +| **Region** | **gpt-4o**, **2024-05-13** | **o3**, **2025-04-16** |
    +|:---|:---:|:---:|
    +| westus | ✅ | - |
    +| eastus | - | ✅ |
    """, old=1)
    _db, ch = ingest_changes(tmp_path, ("2025-05-01", [(GS, "modified", d)]))
    assert ch == []


EVAL = "articles/ai-studio/concepts/evaluation-metrics-built-in.md"


def test_a_score_rubric_and_a_region_capacity_table_give_nothing(tmp_path: Path) -> None:
    # a two-column Region | TPM table (no model), then header-less rubric rows in a later hunk
    d = hunk("""
     Available regions have the following capacity:
     .
    -| Region  | TPM |
    -| ---| ---|
    -| Sweden Central | 450k |
    -| East US 2 | 80k |
    +Metrics are available in Sweden Central and East US 2.
    """, old=10) + "\n" + hunk("""
     | Score range | 1-5 where 1 is ungrounded and 5 is grounded |
    -| What is this metric? | Measures groundedness. |
    +| What is this metric? | Measures how grounded answers are. |
    """, old=60)
    db, ch = ingest_changes(tmp_path, ("2024-09-25", [(EVAL, "modified", d)]))
    assert ch == []
    assert db.records() == []
    reasons = db.sql("SELECT DISTINCT reason FROM unresolved ORDER BY 1")["reason"].tolist()
    assert reasons == ["model 'tpm' is a header word"]


def test_a_header_row_read_as_a_retirement_row_is_unresolved(tmp_path: Path) -> None:
    # a hunk that shows a second header row of the same layout as a data row
    d = hunk("""
     ## Retired models
     .
     | Model | Deprecation date | Retirement date | Suggested replacement |
     | --- | --- | --- | --- |
    +| Model | Deprecation date | Retirement date | Suggested replacement |
    +| `ada` | July 6, 2023 | June 14, 2024 | `text-embedding-3-small` |
    """, old=100)
    db, ch = ingest_changes(tmp_path, ("2025-05-01", [(RETIREMENTS, "modified", d)]))
    assert [c[1] for c in ch] == [ret("ada")] * 4
    assert db.sql("SELECT reason FROM unresolved")["reason"].tolist() == ["model 'model' is a header word"]


def test_an_offer_cell_with_four_offers_gives_one_tier_each(tmp_path: Path) -> None:
    d = hunk("""
     |Tier| Quota Limit in tokens per minute (TPM) |
     |---|:---:|
    +| `Azure_MS-AZR-0111P` <br> `Azure_MS-AZR-0035P` <br> `Azure_MS-AZR-0025P` <br> `Azure_MS-AZR-0052P` | 1 K (all models) |
    +|Azure for Students, Free Trials | 2 K (all models) |
    +|Azure-MS-AZR-0044P, Azure-MS-AZR-0059P | GPT-4 series: 8 K <br> o-series: 0 |
    """, old=1, section="## Other offer types")
    _db, ch = ingest_changes(tmp_path, ("2025-05-01", [(QUOTAS, "modified", d)]))
    offers = ["azure-ms-azr-0111p", "azure-ms-azr-0035p", "azure-ms-azr-0025p", "azure-ms-azr-0052p"]
    assert ch == srt([("quota", q("all-models", None, t), "tpm", "added", None, 1000, None) for t in offers]
                     + [("quota", q("all-models", None, "free-trial"), "tpm", "added", None, 2000, None)]
                     + [("quota", q(m, None, t), "tpm", "added", None, v, None)
                        for t in ("azure-ms-azr-0044p", "azure-ms-azr-0059p")
                        for m, v in (("gpt-4-series", 8000), ("o-series", 0))])


def test_students_and_free_trials_split_are_two_offers(tmp_path: Path) -> None:
    d = hunk("""
     |Tier| Quota Limit in tokens per minute (TPM) |
     |---|:---:|
    -|Azure for Students, Free Trials | 1 K (all models) |
    +|Free Trials | 1 K (all models) |
    +|Azure for Students | 1 K (all models) |
    """, old=1, section="## Other offer types")
    _db, ch = ingest_changes(tmp_path, ("2025-05-01", [(QUOTAS, "modified", d)]))
    assert ch == [("quota", q("all-models", None, "azure-for-students"), "tpm", "added", None, 1000, None)]


LEGACY = OPENAI + "concepts/legacy-models.md"


def test_a_move_between_documents_gives_only_the_changed_value(tmp_path: Path) -> None:
    gone = hunk("""
     ## Retired models
     .
     | Model | Deprecation date | Retirement date | Suggested replacement |
     | --- | --- | --- | --- |
    -| `ada` | July 6, 2023 | June 14, 2024 | `text-embedding-3-small` |
    -| `babbage` | July 6, 2023 | June 14, 2024 | `babbage-002` |
    """, old=100)
    came = hunk("""
    +## Retired models
    +
    +| Model | Deprecation date | Retirement date | Suggested replacement |
    +| --- | --- | --- | --- |
    +| `ada` | July 6, 2023 | June 14, 2024 | `text-embedding-3-small` |
    +| `babbage` | July 6, 2023 | June 15, 2024 | `babbage-002` |
    """, old=0, new=1)
    db, ch = ingest_changes(tmp_path, ("2025-05-01", [(RETIREMENTS, "modified", gone), (LEGACY, "added", came)]))
    assert ch == [("retirement", ret("babbage"), "retirement_date", "changed", "2024-06-14", "2024-06-15", None)]
    moves = db.stats()["moves"]
    assert moves[["observed_at", "from_doc", "to_doc", "facts"]].values.tolist() == [
        ["2025-05-01", RETIREMENTS, LEGACY, 8]]
    # the new document states every fact from the move on; the old one states none
    cur = db.sql("SELECT doc, model, value FROM retirement_current WHERE attribute = 'retirement_date' ORDER BY 2")
    assert cur.values.tolist() == [[LEGACY, "ada", "2024-06-14"], [LEGACY, "babbage", "2024-06-15"]]
    digest = db.report("2025-05-01", "2025-05-31")
    assert "8 facts moved from openai/concepts/model-retirements.md to openai/concepts/legacy-models.md" in digest


def test_a_move_closes_the_old_documents_span(tmp_path: Path) -> None:
    first = hunk("""
     ## Retired models
     .
     | Model | Deprecation date | Retirement date | Suggested replacement |
     | --- | --- | --- | --- |
    +| `ada` | July 6, 2023 | June 14, 2024 | `text-embedding-3-small` |
    """, old=100)
    gone = hunk("""
     ## Retired models
     .
     | Model | Deprecation date | Retirement date | Suggested replacement |
     | --- | --- | --- | --- |
    -| `ada` | July 6, 2023 | June 14, 2024 | `text-embedding-3-small` |
    """, old=100)
    came = hunk("""
    +## Retired models
    +
    +| Model | Deprecation date | Retirement date | Suggested replacement |
    +| --- | --- | --- | --- |
    +| `ada` | July 6, 2023 | June 14, 2024 | `text-embedding-3-small` |
    """, old=0, new=1)
    db, ch = ingest_changes(tmp_path, ("2025-04-01", [(RETIREMENTS, "modified", first)]),
                            ("2025-05-01", [(RETIREMENTS, "modified", gone), (LEGACY, "added", came)]))
    assert {c[3] for c in ch} == {"added"} and len(ch) == 4  # the first day's row; the move gives nothing
    h = db.sql("SELECT doc, CAST(valid_from AS VARCHAR) AS f, CAST(valid_to AS VARCHAR) AS t FROM retirement_history "
               "WHERE attribute = 'retirement_date' ORDER BY f")
    assert h.fillna("open").values.tolist() == [[RETIREMENTS, "2025-04-01", "2025-05-01"],
                                                [LEGACY, "2025-05-01", "open"]]


FIRST_QUOTAS = hunk("""
 ### o-series global standard
 .
 | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
 |---|---|:---:|:---:|
 | o1 | Enterprise agreement | 30 M | 5 K |
 | o1 | Default | 3 M | 500 |
+| o3-mini | Default | 5 M | 500 |
""", old=50)
# a new section of 46 lines above the table: the table's rows move by 46 lines
NEW_SECTION = hunk("""
 ## Quotas
 .
+### GPT-4.1 data zone standard
+
+| Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
+|---|---|:---:|:---:|
+| gpt-4.1 | Default | 1 M | 1 K |
+
""" + "".join(f"+Prose line {i}.\n" for i in range(40)), old=20)


def test_an_off_hunk_heading_scopes_both_sides_of_the_rows_alike(tmp_path: Path) -> None:
    rows = hunk("""
    -| o1 | Default | 3 M | 500 |
    +| o1 | Default | 6 M | 1 K |
    +| o4-mini | Default | 5 M | 500 |
    """, old=55, new=101)
    _db, ch = ingest_changes(tmp_path, ("2025-04-01", [(QUOTAS, "modified", FIRST_QUOTAS)]),
                             ("2025-05-01", [(QUOTAS, "modified", NEW_SECTION + "\n" + rows)]))
    gs, dz = "global-standard", "data-zone-standard"
    assert ch == srt([
        ("quota", q("gpt-4.1", dz, "default"), "rpm", "added", None, 1000, None),
        ("quota", q("gpt-4.1", dz, "default"), "tpm", "added", None, 1000000, None),
        ("quota", q("o1", gs, "default"), "rpm", "changed", 500, 1000, None),
        ("quota", q("o1", gs, "default"), "tpm", "changed", 3000000, 6000000, None),
        ("quota", q("o3-mini", gs, "default"), "rpm", "added", None, 500, None),
        ("quota", q("o3-mini", gs, "default"), "tpm", "added", None, 5000000, None),
        ("quota", q("o4-mini", gs, "default"), "rpm", "added", None, 500, None),
        ("quota", q("o4-mini", gs, "default"), "tpm", "added", None, 5000000, None),
    ])


# --- recall: rows, columns and region lists that were missed ---------------------------------

GOV = OPENAI + "azure-government.md"
GOV_FIRST = hunk("""
 ## Azure OpenAI models
 .
 | **Region** | **gpt-4o**, **2024-05-13** | **gpt-4.1**, **2025-04-14** |
 |:---|:---:|:---:|
-| usgovarizona | ✅ | - |
+| usgovarizona | ✅ | ✅ |
 | usgovvirginia | ✅ | - |
""", old=30)


def test_government_rows_by_display_name_state_and_data_zone(tmp_path: Path) -> None:
    d = hunk("""
     ## Azure OpenAI models
     .
     | **Region** | **gpt-4o**, **2024-05-13** | **gpt-4.1**, **2025-04-14** |
     |:---|:---:|:---:|
     | usgovarizona | ✅ | - |
    +| US Gov Virginia | ✅ | - |
    +| Texas | - | ✅ |
    +| USGov DataZone | - | ✅ |
    """, old=30)
    _db, ch = ingest_changes(tmp_path, ("2025-05-01", [(GOV, "modified", d)]))
    dz = "data-zone-standard"
    assert ch == srt([
        (RA, av("gpt-4o", "usgovvirginia", None, "2024-05-13"), "available", "added", None, True, None),
        (RA, av("gpt-4.1", "usgovtexas", None, "2025-04-14"), "available", "added", None, True, None),
        (RA, av("gpt-4.1", "usgovarizona", dz, "2025-04-14"), "available", "added", None, True, None),
        (RA, av("gpt-4.1", "usgovvirginia", dz, "2025-04-14"), "available", "added", None, True, None),
    ])


def test_a_row_added_under_a_new_name_to_a_known_table(tmp_path: Path) -> None:
    later = hunk("""
     | usgovarizona | ✅ | ✅ |
     | usgovvirginia | ✅ | - |
    +| USGov DataZone | - | ✅ |
    """, old=35)
    db, ch = ingest_changes(tmp_path, ("2025-04-01", [(GOV, "modified", GOV_FIRST)]),
                            ("2025-05-01", [(GOV, "modified", later)]))
    dz = "data-zone-standard"
    assert ch == srt([
        (RA, av("gpt-4.1", "usgovarizona", None, "2025-04-14"), "available", "added", None, True, None),
        (RA, av("gpt-4.1", "usgovarizona", dz, "2025-04-14"), "available", "added", None, True, None),
        (RA, av("gpt-4.1", "usgovvirginia", dz, "2025-04-14"), "available", "added", None, True, None),
    ])
    assert db.sql("SELECT count(*) AS n FROM unresolved")["n"][0] == 0


def test_region_lists_joined_by_and_with_the_deployment_type_after_them(tmp_path: Path) -> None:
    d = hunk("""
     | Model | Region |
     |---|---|
    +| `gpt-4.1` | East US2 & Sweden Central (Global Standard) |
    +| `o3` and `o4-mini` | East US2 and Sweden Central (Global Standard) <br> West US (Data Zone Standard) |
    """, old=30, section="## Region availability")
    _db, ch = ingest_changes(tmp_path, ("2025-05-01", [(OPENAI + "how-to/reasoning.md", "modified", d)]))
    gs, dz = "global-standard", "data-zone-standard"
    assert ch == srt(
        [(RA, av("gpt-4.1", r, gs), "available", "added", None, True, None) for r in ("eastus2", "swedencentral")]
        + [(RA, av(m, r, t), "available", "added", None, True, None) for m in ("o3", "o4-mini")
           for r, t in (("eastus2", gs), ("swedencentral", gs), ("westus", dz))])


# --- history that holds together -------------------------------------------------------------

QUOTA_TABLE = """
 ### o-series global standard
 .
 | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
 |---|---|:---:|:---:|
"""


def _quota_hunk(rows: str) -> str:
    return hunk(QUOTA_TABLE + rows, old=50)


def test_ranges_sharing_a_head_give_one_change_dated_by_the_earlier(tmp_path: Path) -> None:
    from helpers import report

    shared = "-| o1 | Default | 3 M | 500 |\n+| o1 | Default | 6 M | 500 |\n"
    wider = shared + "+| o3-mini | Default | 5 M | 500 |\n"
    a = report(tmp_path, "2025-05-01", [(QUOTAS, "modified", _quota_hunk(shared))],
               base="b07793e", head="1cff62f", lang="en", name="a-en.md")
    b = report(tmp_path, "2025-05-02", [(QUOTAS, "modified", _quota_hunk(wider))],
               base="f2b9798", head="1cff62f", lang="ja", name="b-ja.md")
    gs = "global-standard"
    expect = srt([("quota", q("o1", gs, "default"), "tpm", "changed", 3000000, 6000000, None),
                  ("quota", q("o3-mini", gs, "default"), "rpm", "added", None, 500, None),
                  ("quota", q("o3-mini", gs, "default"), "tpm", "added", None, 5000000, None)])
    exports = []
    for name, order in (("ab.duckdb", [a, b]), ("ba.duckdb", [b, a])):
        db, ch = ingest_changes(tmp_path, *order, db_name=name)
        assert ch == expect
        got = db.sql("SELECT CAST(e.observed_at AS VARCHAR) AS d, e.attribute, e.model, count(es.source_id) AS n "
                     "FROM events e JOIN event_sources es USING (event_id) WHERE e.change <> 'unchanged' "
                     "GROUP BY ALL ORDER BY ALL")
        assert got.values.tolist() == [["2025-05-01", "tpm", "o1", 2], ["2025-05-02", "rpm", "o3-mini", 1],
                                       ["2025-05-02", "tpm", "o3-mini", 1]]
        exports.append([r for r in db.records() if r["change"] != "unchanged"])
    assert exports[0] == exports[1]


def test_a_before_side_that_contradicts_the_history_gives_an_inferred_span(tmp_path: Path) -> None:
    from helpers import report

    # 1 April: o1 is 3 M. 1 June (range c...d): the before side says 4 M, the after side 6 M:
    # a change to 4 M that no ingested source showed happened in between. The source whose
    # head is c was observed on 10 May, so 4 M held from 10 May (inferred) to 1 June.
    first = report(tmp_path, "2025-04-01", [(QUOTAS, "modified", _quota_hunk("+| o1 | Default | 3 M | 500 |\n"))],
                   base="aaaaaaa", head="bbbbbbb")
    other = report(tmp_path, "2025-05-10", [(RETIREMENTS, "modified", hunk(" unrelated prose\n-a\n+b\n", old=5))],
                   base="bbbbbbb", head="ccccccc")
    later = report(tmp_path, "2025-06-01",
                   [(QUOTAS, "modified", _quota_hunk("-| o1 | Default | 4 M | 500 |\n+| o1 | Default | 6 M | 500 |\n"))],
                   base="ccccccc", head="ddddddd")
    db, _ = ingest_changes(tmp_path, first, other, later)
    h = db.sql("SELECT value, CAST(valid_from AS VARCHAR) AS f, CAST(valid_to AS VARCHAR) AS t, opened_by, inferred "
               "FROM quota_history WHERE model = 'o1' AND attribute = 'tpm' ORDER BY valid_from")
    assert h.fillna("open").values.tolist() == [
        [3000000, "2025-04-01", "2025-04-02", "added", False],  # ends at its last sighting
        [4000000, "2025-05-10", "2025-06-01", "inferred", True],
        [6000000, "2025-06-01", "open", "changed", False],
    ]
    as_of = db.sql("SELECT value, inferred FROM quota_as_of('2025-05-20') WHERE model = 'o1' AND attribute = 'tpm'")
    assert as_of.values.tolist() == [[4000000, True]]
    assert db.sql("SELECT count(*) AS n FROM quota_as_of('2025-04-20') WHERE model = 'o1' AND attribute = 'tpm'")["n"][0] == 0
    # the export lists only what the sources showed
    assert [(r["change"], r["old"], r["new"]) for r in db.records()
            if r["subject"]["model"] == "o1" and r["attribute"] == "tpm"] == [
        ("added", None, 3000000), ("changed", 4000000, 6000000)]


def test_a_text_column_added_to_a_check_matrix_changes_nothing(tmp_path: Path) -> None:
    doc = "articles/search/search-region-support.md"
    d = hunk("""
     ### Americas
     .
    -| Region | AI integration | Semantic ranker |
    -|--|--|--|
    -| Brazil South | ✅ | ✅ |
    -| East US 2 | ✅ | |
    +| Region | AI integration | Semantic ranker | Capacity constrained |
    +|--|--|--|--|
    +| Brazil South | ✅ | ✅ | |
    +| East US 2 | ✅ | ✅ | Basic, S1 |
    """, old=35)
    _db, ch = ingest_changes(tmp_path, ("2024-10-25", [(doc, "modified", d)]))
    assert ch == [(RA, av("semantic-ranker", "eastus2"), "available", "added", None, True, None)]


def test_a_catalogues_region_lists_moved_into_an_include_are_a_move(tmp_path: Path) -> None:
    models = OPENAI + "concepts/models.md"
    gone = hunk("""
     ### Global standard model availability
     .
    -`gpt-4o` **Version:** `2024-08-06`
    -
    -**Supported regions:**
    -- eastus
    -- swedencentral
    -
    +[!INCLUDE [Standard Global](../includes/model-matrix/standard-global.md)]
    """, old=200)
    came = hunk("""
    +| **Region** | **gpt-4o**, **2024-08-06** | **o1**, **2024-12-17** |
    +|:---|:---:|:---:|
    +| eastus | ✅ | ✅ |
    +| swedencentral | ✅ | - |
    """, old=0, new=1)
    db, ch = ingest_changes(tmp_path, ("2024-10-05", [(models, "modified", gone), (GS, "added", came)]))
    assert ch == [(RA, av("o1", "eastus", "global-standard", "2024-12-17"), "available", "added", None, True, None)]
    assert db.stats()["moves"][["from_doc", "to_doc", "facts"]].values.tolist() == [[models, GS, 2]]


def test_an_off_hunk_heading_is_taken_from_the_version_nearest_in_time(tmp_path: Path) -> None:
    models = OPENAI + "concepts/models.md"
    # September: the lists sit under "Global standard"; in February the document was
    # restructured and "Global provisioned" sits at these lines
    sept = hunk("""
     ### Global standard model availability
     .
     `gpt-4o` **Version:** `2024-05-13`
     .
    -- eastus
    +- eastus2
    """, old=218)
    feb = hunk("""
    +### Global provisioned managed model availability
    +
     Text.
    """, old=229, new=229)
    later = hunk("""
    +`gpt-4` **Version:** `turbo-2024-04-09`
    +
    +- eastus
    """, old=235)
    _db, ch = ingest_changes(tmp_path, ("2024-09-20", [(models, "modified", sept)]),
                             ("2025-02-19", [(models, "modified", feb)]),
                             ("2024-09-24", [(models, "modified", later)]))
    assert (RA, av("gpt-4", "eastus", "global-standard", "turbo-2024-04-09"), "available", "added", None, True,
            None) in ch
