"""Region-availability facts end to end: fixture reports -> ingest -> exact change events.

Matrices of ✅ / ``-`` (events for available cells only; new or dropped rows and columns),
a column swap inside a rewrite (hard case 4), display names renamed to programmatic ones
with ``-`` for empty cells (hard case 5), deployment types from include file names,
Model | Region tables whose cells list regions with ``(Global Standard)`` suffixes, and
region bullet lists under a heading outside the hunk.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import MATRIX, MODELS, OPENAI, av, hunk, ingest_changes, observations, srt

MH = " | **Region** | **gpt-4o**, **2024-05-13** | **gpt-4o**, **2024-08-06** | **o1**, **2024-12-17** |"
MA = " |:---|:---:|:---:|:---:|"
GS = "global-standard"
DOC = MATRIX + "standard-global.md"


def one(tmp_path: Path, diff: str, doc: str = DOC, status: str = "modified") -> list[tuple]:
    _, ch = ingest_changes(tmp_path, ("2025-02-11", [(doc, status, diff)]))
    return ch


def test_cells_turning_available_and_unavailable(tmp_path: Path) -> None:
    d = hunk(f"""
        {MH}
        {MA}
        -| eastus2 | ✅ | - | - |
        +| eastus2 | ✅ | ✅ | - |
        -| swedencentral | ✅ | ✅ | - |
        +| swedencentral | - | ✅ | - |
         | westus | - | - | - |
    """)
    assert one(tmp_path, d) == srt([
        ("region_availability", av("gpt-4o", "eastus2", GS, "2024-08-06"), "available", "added", None, True, None),
        ("region_availability", av("gpt-4o", "swedencentral", GS, "2024-05-13"), "available", "removed",
         True, None, None),
    ])


def test_dash_cells_give_nothing_and_new_row_gives_its_available_cells(tmp_path: Path) -> None:
    d = hunk(f"""
        {MH}
        {MA}
         | eastus2 | ✅ | - | - |
        +| japaneast | - | ✅ | ✅ |
        +| westus3 | - | - | - |
    """)
    assert one(tmp_path, d) == srt([
        ("region_availability", av("gpt-4o", "japaneast", GS, "2024-08-06"), "available", "added", None, True, None),
        ("region_availability", av("o1", "japaneast", GS, "2024-12-17"), "available", "added", None, True, None),
    ])


def test_dropped_row_gives_removed_for_its_available_cells(tmp_path: Path) -> None:
    d = hunk(f"""
        {MH}
        {MA}
         | eastus2 | ✅ | - | - |
        -| japaneast | - | ✅ | - |
    """)
    assert one(tmp_path, d) == [
        ("region_availability", av("gpt-4o", "japaneast", GS, "2024-08-06"), "available", "removed",
         True, None, None)]


def test_new_and_dropped_columns(tmp_path: Path) -> None:
    d = hunk("""
        -| **Region** | **gpt-4o**, **2024-05-13** | **gpt-4**, **0613** |
        -|:---|:---:|:---:|
        -| eastus2 | ✅ | ✅ |
        -| swedencentral | - | ✅ |
        +| **Region** | **gpt-4o**, **2024-05-13** | **o3-mini**, **2025-01-31** |
        +|:---|:---:|:---:|
        +| eastus2 | ✅ | ✅ |
        +| swedencentral | - | - |
    """)
    assert one(tmp_path, d) == srt([
        ("region_availability", av("gpt-4", "eastus2", GS, "0613"), "available", "removed", True, None, None),
        ("region_availability", av("gpt-4", "swedencentral", GS, "0613"), "available", "removed", True, None, None),
        ("region_availability", av("o3-mini", "eastus2", GS, "2025-01-31"), "available", "added", None, True, None),
    ])


def test_column_swap_inside_a_whole_table_rewrite(tmp_path: Path) -> None:
    """Hard case 4: every row rewritten (re-padded, columns reordered) while one column is
    swapped for another: events for the swapped columns only."""
    before = [
        "| **Region** | **gpt-4o**, **2024-05-13** | **gpt-4o-realtime-preview**, **2024-10-01** | **o1**, **2024-12-17** |",
        "|:---|:---:|:---:|:---:|",
        "| eastus2 | ✅ | ✅ | ✅ |",
        "| swedencentral | ✅ | ✅ | - |",
        "| westus | - | - | ✅ |",
        "| japaneast | ✅ | - | - |",
    ]
    after = [
        "| **Region**    | **o1**, **2024-12-17** | **gpt-4o**, **2024-05-13** | **text-embedding-3-large**, **1** |",
        "|:--------------|:--------:|:--------:|:--------:|",
        "| japaneast     | -        | ✅        | ✅        |",
        "| eastus2       | ✅        | ✅        | -        |",
        "| swedencentral | -        | ✅        | ✅        |",
        "| westus        | ✅        | -        | -        |",
    ]
    d = hunk("\n".join(["-" + r for r in before] + ["+" + r for r in after]))
    te3, rt = "text-embedding-3-large", "gpt-4o-realtime-preview"
    assert one(tmp_path, d) == srt([
        ("region_availability", av(rt, "eastus2", GS, "2024-10-01"), "available", "removed", True, None, None),
        ("region_availability", av(rt, "swedencentral", GS, "2024-10-01"), "available", "removed", True, None, None),
        ("region_availability", av(te3, "japaneast", GS, "1"), "available", "added", None, True, None),
        ("region_availability", av(te3, "swedencentral", GS, "1"), "available", "added", None, True, None),
    ])


def test_one_cell_inside_a_rewrite_of_every_row(tmp_path: Path) -> None:
    """standard-global.md 2025-02-11: 4 rows rewritten for one ✅."""
    rows = [("eastus2", "✅", "✅"), ("japaneast", "-", "✅"), ("westus", "✅", "-"), ("uksouth", "-", "-")]
    before = ["| Region | gpt-4o, 2024-05-13 | o1, 2024-12-17 |", "|---|---|---|"]
    before += [f"| {r} | {a} | {b} |" for r, a, b in rows]
    after = ["| **Region** | **gpt-4o**, **2024-05-13** | **o1**, **2024-12-17** |", "|:---|:---:|:---:|"]
    after += [f"| {r:<10} | {a:<5} | {'✅' if r == 'uksouth' else b:<5} |" for r, a, b in rows]
    d = hunk("\n".join(["-" + r for r in before] + ["+" + r for r in after]))
    assert one(tmp_path, d) == [
        ("region_availability", av("o1", "uksouth", GS, "2024-12-17"), "available", "added", None, True, None)]


def test_display_names_renamed_to_programmatic_and_empty_to_dash(tmp_path: Path) -> None:
    """Hard case 5 (models.md 2025-01-08): region keys, column headers and empty cells all
    rewritten at once; only the real change (a new ✅) is an event."""
    d = hunk("""
         ### Assistants (Preview)
        .
        -| Region | `gpt-35-turbo (0613)` | `gpt-4 (1106)` |
        -|---|---|---|
        -| East US 2 | ✅ | |
        -| Sweden Central | ✅ | ✅ |
        -| West US 3 | | ✅ |
        +| **Region** | **gpt-35-turbo**, **0613** | **gpt-4**, **1106** |
        +|:---|:---:|:---:|
        +| eastus2 | ✅ | - |
        +| swedencentral | ✅ | ✅ |
        +| westus3 | ✅ | ✅ |
    """)
    db, ch = ingest_changes(tmp_path, ("2025-01-08", [(MODELS, "modified", d)]))
    assert ch == [
        ("region_availability", av("gpt-35-turbo", "westus3", version="0613"), "available", "added", None, True, None)]
    assert len(observations(db)) == 4


@pytest.mark.parametrize(("name", "dtype"), [
    ("standard-global.md", "global-standard"),
    ("datazone-standard.md", "data-zone-standard"),
    ("provisioned-global.md", "global-provisioned"),
    ("datazone-provisioned-managed.md", "data-zone-provisioned"),
    ("provisioned-models.md", "provisioned"),
    ("global-batch.md", "global-batch"),
    ("global-batch-datazone.md", "data-zone-batch"),
    ("standard-gpt-4.md", "standard"),
    ("standard-models.md", "standard"),
])
def test_deployment_type_from_include_file_name(tmp_path: Path, name: str, dtype: str) -> None:
    d = hunk(f"""
        {MH}
        {MA}
        +| eastus2 | ✅ | - | - |
    """)
    assert one(tmp_path, d, doc=MATRIX + name) == [
        ("region_availability", av("gpt-4o", "eastus2", dtype, "2024-05-13"), "available", "added", None, True, None)]


def test_heading_names_the_type_in_a_doc_of_several_matrices(tmp_path: Path) -> None:
    d = hunk(f"""
         ## Global batch model availability
        .
        {MH}
        {MA}
        +| eastus2 | ✅ | - | - |
        .
         ## Data zone standard model availability
        .
        {MH}
        {MA}
        +| westus | - | - | ✅ |
    """)
    assert one(tmp_path, d, doc=MODELS) == srt([
        ("region_availability", av("gpt-4o", "eastus2", "global-batch", "2024-05-13"), "available", "added",
         None, True, None),
        ("region_availability", av("o1", "westus", "data-zone-standard", "2024-12-17"), "available", "added",
         None, True, None),
    ])


# --- Model | Region tables -------------------------------------------------------------------------------

def test_region_list_cells_with_deployment_type_suffixes(tmp_path: Path) -> None:
    WEST = "West US3 (Data Zone Standard)"
    d = hunk(f"""
         | Model | Region |
         |---|---|
        -| `o1` & `o1-mini` | East US2 (Global Standard) <br> Sweden Central (Global Standard) |
        +| `o1` & `o1-mini` | East US 2 (Global Standard) <br> Sweden Central (Global Standard) <br> {WEST} |
        +| `gpt-4o-audio-preview` | East US 2 <br> West US 3 <br> |
        +| `dall-e-3` | See [models page](../concepts/models.md#dall-e-models) |
    """)
    assert one(tmp_path, d, doc=OPENAI + "how-to/reasoning.md") == srt([
        ("region_availability", av("gpt-4o-audio-preview", "eastus2"), "available", "added", None, True, None),
        ("region_availability", av("gpt-4o-audio-preview", "westus3"), "available", "added", None, True, None),
        ("region_availability", av("o1", "westus3", "data-zone-standard"), "available", "added", None, True, None),
        ("region_availability", av("o1-mini", "westus3", "data-zone-standard"), "available", "added", None, True,
         None),
    ])


def test_data_zone_region_columns(tmp_path: Path) -> None:
    d = hunk("""
         ### Data zone standard
        .
         |Model|United States Data zone regions|European Union Data zone regions|
         |---|---|---|
        -|`gpt-4o` (2024-08-06) | eastus <br> eastus2 | swedencentral |
        +|`gpt-4o` (2024-08-06) | eastus <br> eastus2 <br> westus3 | swedencentral <br> francecentral |
    """)
    assert one(tmp_path, d, doc=MODELS) == srt([
        ("region_availability", av("gpt-4o", "francecentral", "data-zone-standard", "2024-08-06"), "available",
         "added", None, True, None),
        ("region_availability", av("gpt-4o", "westus3", "data-zone-standard", "2024-08-06"), "available",
         "added", None, True, None),
    ])


# --- region bullet lists ---------------------------------------------------------------------------------

RESPONSES = OPENAI + "how-to/responses.md"


def test_region_bullets_written_as_display_names_are_read(tmp_path: Path) -> None:
    """A feature page's region list written as display names (``- Sweden Central``) in a
    section without a table: the section is parsed, and each new region is one event."""
    d = hunk("""
         ### Regional availability
        .
         - Sweden Central
        +- North Central US
        +- East US2 (Global Standard)
        .
         ## Configure stored completions
    """, old=29)
    _, ch = ingest_changes(tmp_path, ("2025-01-22", [(OPENAI + "how-to/stored-completions.md", "modified", d)]))
    assert ch == srt([
        ("region_availability", av("stored-completions", "eastus2", "global-standard"), "available", "added", None,
         True, None),
        ("region_availability", av("stored-completions", "northcentralus"), "available", "added", None, True, None),
    ])


@pytest.mark.parametrize(("section", "verdict"), [
    ("+- Sweden Central", True), (" - `eastus2`", True), ("+- East US2 & Sweden Central (Global Standard)", True),
    ("+- Python\n+- Azure CLI", False), ("+- The web search tool is available in every region", False),
])
def test_a_section_is_parsed_for_a_bullet_that_names_a_region(section: str, verdict: bool) -> None:
    from extractor.prefilter import wanted

    assert wanted(section) is verdict


def test_region_bullets_under_a_heading_outside_the_hunk(tmp_path: Path) -> None:
    """Seed 2025-06-21: responses.md bullets, ``### Region Availability`` off-hunk."""
    earlier = hunk("""
         ### Region Availability
        .
         The responses API is currently available in the following regions:
        .
         - australiaeast
         - eastus
        +- eastus2
         - swedencentral
    """, old=20, section="## Overview")
    later = hunk("""
         - eastus
         - eastus2
        +- polandcentral
         - swedencentral
        +- switzerlandnorth
        .
         > [!NOTE]
    """, old=25, section="The responses API is currently available in the following regions:")
    _, ch = ingest_changes(tmp_path, ("2025-03-26", [(RESPONSES, "modified", earlier)]),
                           ("2025-06-21", [(RESPONSES, "modified", later)]))
    assert ch == srt([
        ("region_availability", av("responses-api", "eastus2"), "available", "added", None, True, None),
        ("region_availability", av("responses-api", "polandcentral"), "available", "added", None, True, None),
        ("region_availability", av("responses-api", "switzerlandnorth"), "available", "added", None, True, None),
    ])


# --- what readers do not see ------------------------------------------------------------------------------

def test_a_table_inside_an_html_comment_states_nothing(tmp_path: Path) -> None:
    """A commented-out table (``<!-- ## EUAP ... -->``) is not shown to readers: removing it is
    no event; the table after the comment is read as usual, and a one-line comment hides nothing."""
    d = hunk("""
         | Region | AI enrichment | Semantic ranking |
         |--|--|--|
        -| West US | | |
        +| West US | | ✅ |
        .
        -<!-- ## Early Update Access Program (EUAP)
        -
        -| Region | AI enrichment | Semantic ranking |
        -|--|--|--|
        -| Central US EUAP | | ✅ |
        --->
         <!-- a note -->
         | Region | AI enrichment | Semantic ranking |
         |--|--|--|
        +| East US | | ✅ |
    """, old=40)
    assert one(tmp_path, d, doc="articles/search/search-region-support.md") == srt([
        ("region_availability", av("semantic-ranking", "eastus"), "available", "added", None, True, None),
        ("region_availability", av("semantic-ranking", "westus"), "available", "added", None, True, None),
    ])
