"""Retirement facts end to end: fixture reports -> ingest -> exact change events.

Dates in every spelling FORMATS.md lists, qualifiers (settled cases: the qualifier goes
with the value it sits with; a qualifier-only change is no event), labelled dates,
upgrade dates, several models in a cell, the fine-tuned retirement table, and hard cases
1 (a hunk opening on the alignment row of one of two same-width tables), 8 and 9.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RETIREMENTS, hunk, ingest_changes, ret

RH = " | Model | Version | Retirement date | Suggested replacements |"
RA = " | ---- | ---- | ---- | --- |"
DH = " | Model | Deprecation date | Retirement date | Suggested replacement |"
NEL = "no-earlier-than"


def one(tmp_path: Path, diff: str, doc: str = RETIREMENTS) -> list[tuple]:
    _, ch = ingest_changes(tmp_path, ("2025-02-13", [(doc, "modified", diff)]))
    return ch


def added_row(tmp_path: Path, date_cell: str) -> list[tuple]:
    d = hunk(f"""
        {RH}
        {RA}
        +| `gpt-4o` | 2024-05-13 | {date_cell} | |
    """)
    return one(tmp_path, d)


@pytest.mark.parametrize(("cell", "iso", "qualifier"), [
    ("June 6, 2025", "2025-06-06", None),
    ("Jun 6, 2025", "2025-06-06", None),
    ("April 02, 2025", "2025-04-02", None),
    ("April, 30, 2025", "2025-04-30", None),
    ("06/06/2025", "2025-06-06", None),
    ("2025-06-06", "2025-06-06", None),
    ("No earlier than June 6, 2025", "2025-06-06", NEL),
    ("starting no sooner than June 6, 2025", "2025-06-06", NEL),
    ("June 6, 2025, or later", "2025-06-06", NEL),
    ("**No earlier than** Feb 22, 2025 <sup>1</sup>", "2025-02-22", NEL),
])
def test_date_spellings_and_qualifiers(tmp_path: Path, cell: str, iso: str, qualifier: str | None) -> None:
    assert added_row(tmp_path, cell) == [
        ("retirement", ret("gpt-4o", "2024-05-13"), "retirement_date", "added", None, iso, qualifier)]


@pytest.mark.parametrize("cell", ["", "N/A", "-", "TBD"])
def test_cells_without_a_date_give_nothing(tmp_path: Path, cell: str) -> None:
    assert added_row(tmp_path, cell) == []


def test_date_changed_and_qualifier_describes_the_new_value(tmp_path: Path) -> None:
    d = hunk(f"""
        {RH}
        {RA}
        -| `gpt-35-turbo` | 0301 | February 13, 2025 | `gpt-4o-mini` |
        -| `gpt-35-turbo` | 0613 | February 13, 2025 | `gpt-4o-mini` |
        +| `gpt-35-turbo` | 0301 | No earlier than April 30, 2025 | `gpt-4o-mini` |
        +| `gpt-35-turbo` | 0613 | April 30, 2025 | `gpt-4o-mini` |
    """)
    assert one(tmp_path, d) == [
        ("retirement", ret("gpt-35-turbo", "0301"), "retirement_date", "changed", "2025-02-13", "2025-04-30", NEL),
        ("retirement", ret("gpt-35-turbo", "0613"), "retirement_date", "changed", "2025-02-13", "2025-04-30", None),
    ]


def test_qualifier_only_change_is_no_event(tmp_path: Path) -> None:
    d = hunk(f"""
        {RH}
        {RA}
        -| `gpt-4o` | 2024-05-13 | No earlier than March 26, 2025 | |
        -| `gpt-4o` | 2024-08-06 | March 26, 2025 | |
        +| `gpt-4o` | 2024-05-13 | March 26, 2025 | |
        +| `gpt-4o` | 2024-08-06 | starting no sooner than March 26, 2025 | |
    """)
    assert one(tmp_path, d) == []


def test_removed_row_carries_old_values_and_the_old_qualifier(tmp_path: Path) -> None:
    d = hunk(f"""
        {RH}
        {RA}
         | `gpt-4o` | 2024-05-13 | June 6, 2025 | |
        -| `gpt-4` | 0613 | No earlier than June 6, 2025 | `gpt-4o` |
    """)
    assert one(tmp_path, d) == [
        ("retirement", ret("gpt-4", "0613"), "replacement", "removed", "gpt-4o", None, None),
        ("retirement", ret("gpt-4", "0613"), "retirement_date", "removed", "2025-06-06", None, NEL),
    ]


def test_row_added_gives_every_attribute_with_a_value(tmp_path: Path) -> None:
    d = hunk(f"""
         ## Current models
        .
        {RH}
        {RA}
        +| `gpt-4o-mini` | 2024-07-18 | No earlier than July 18, 2025 | `gpt-4.1-mini` <br><br> `gpt-4o-mini` (2025-01-01) |
    """)
    s = ret("gpt-4o-mini", "2024-07-18")
    assert one(tmp_path, d) == [
        ("retirement", s, "lifecycle_status", "added", None, "current", None),
        ("retirement", s, "replacement", "added", None, "gpt-4.1-mini or gpt-4o-mini (2025-01-01)", None),
        ("retirement", s, "retirement_date", "added", None, "2025-07-18", NEL),
    ]


def test_deprecated_and_retirement_labels_in_one_cell(tmp_path: Path) -> None:
    """Hard case 9: ``**Deprecated:** X<br>**Retirement:** No earlier than Y``."""
    m, r = "`gpt-4o-realtime-preview` | 2024-10-01", "`gpt-4o-realtime-preview` (2024-12-17)"
    d = hunk(f"""
        {RH}
        {RA}
        -| {m} | No earlier than February 25, 2025 | {r} |
        +| {m} | **Deprecated:** February 25, 2025<br>**Retirement:** No earlier than March 26, 2025 | {r} |
    """)
    s = ret("gpt-4o-realtime-preview", "2024-10-01")
    assert one(tmp_path, d) == [
        ("retirement", s, "deprecation_date", "added", None, "2025-02-25", None),
        ("retirement", s, "retirement_date", "changed", "2025-02-25", "2025-03-26", NEL),
    ]


def test_upgrade_dates_are_not_retirement_dates(tmp_path: Path) -> None:
    up = "To be upgraded to `gpt-4o` version: `2024-11-20`, starting no sooner than"
    auto = ("Deployments set to [**Auto-update to default**](/azure/x) will be automatically upgraded to "
            "version: `0125`, starting on November 13, 2024.")
    d = hunk(f"""
        {RH}
        {RA}
        -| `gpt-4` | 1106-Preview | {up} March 17, 2025 | `gpt-4o`|
        +| `gpt-4` | 1106-Preview | {up} April 17, 2025 <br>Retirement date: May 1, 2025 | `gpt-4o`|
        +| `gpt-35-turbo` | 0301 | No earlier than Nov 17, 2024 <br><br> {auto} | |
    """)
    assert one(tmp_path, d) == [
        ("retirement", ret("gpt-35-turbo", "0301"), "retirement_date", "added", None, "2024-11-17", NEL),
        ("retirement", ret("gpt-4", "1106-preview"), "retirement_date", "added", None, "2025-05-01", None),
    ]


def test_versions_that_look_like_dates_are_not_dates(tmp_path: Path) -> None:
    d = hunk(f"""
        {RH}
        {RA}
        +| `gpt-4` | vision-preview | To be upgraded to `gpt-4` version: turbo-2024-04-09, starting on November 15, 2024 | |
        +| `gpt-4` | turbo-2024-04-09 | No earlier than June 6, 2025 | |
    """)
    assert one(tmp_path, d) == [
        ("retirement", ret("gpt-4", "turbo-2024-04-09"), "retirement_date", "added", None, "2025-06-06", NEL)]


def test_model_cells_with_a_trailing_version(tmp_path: Path) -> None:
    d = hunk("""
         | Model | Retirement date |
         |---|---|
        +| `gpt-4`<br>`gpt-4-32k` - 0314 | June 6, 2025 |
        +| `gpt-4o-realtime-preview` - 2024-10-01 | July 1, 2025 |
        +| `gpt-35-turbo` - 0301 | July 2, 2025 |
    """)
    assert one(tmp_path, d) == [
        ("retirement", ret("gpt-35-turbo", "0301"), "retirement_date", "added", None, "2025-07-02", None),
        ("retirement", ret("gpt-4", "0314"), "retirement_date", "added", None, "2025-06-06", None),
        ("retirement", ret("gpt-4-32k", "0314"), "retirement_date", "added", None, "2025-06-06", None),
        ("retirement", ret("gpt-4o-realtime-preview", "2024-10-01"), "retirement_date", "added", None,
         "2025-07-01", None),
    ]


def test_model_cell_naming_two_models(tmp_path: Path) -> None:
    d = hunk(f"""
        {DH}
        {RA}
        -| `o1-preview` | | July 28, 2025 | `o1` |
        +| `o1-preview` & `o1-mini` | | July 28, 2025 | `o1` |
    """)
    assert one(tmp_path, d) == [
        ("retirement", ret("o1-mini"), "replacement", "added", None, "o1", None),
        ("retirement", ret("o1-mini"), "retirement_date", "added", None, "2025-07-28", None),
    ]


def test_br_pair_split_into_rows_is_no_event(tmp_path: Path) -> None:
    """Hard case 8: a ``<br>`` pair split into two rows says the same."""
    d = hunk(f"""
        {RH}
        {RA}
        -| `gpt-35-turbo`<br>`gpt-35-turbo-16k` | 0613 | February 13, 2025 | `gpt-4o-mini` |
        +| `gpt-35-turbo` | 0613 | February 13, 2025 | `gpt-4o-mini` |
        +| `gpt-35-turbo-16k` | 0613 | February 13, 2025 | `gpt-4o-mini` |
    """)
    assert one(tmp_path, d) == []


def test_rows_moved_to_the_retired_table(tmp_path: Path) -> None:
    """Hard case 8: rows move from the deprecated table to the retired one."""
    d = hunk(f"""
         ## Deprecated models
        .
        {DH}
        {RA}
        -| `babbage-002` | November 15, 2024 | January 27, 2025 | |
         | `gpt-4-32k` | November 15, 2024 | June 6, 2025 | `gpt-4o` |
        .
         ## Retired models
        .
        {DH}
        {RA}
        +| `babbage-002` | November 15, 2024 | January 27, 2025 | |
         | `ada` | July 6, 2023 | June 14, 2024 |  |
    """, old=40)
    assert one(tmp_path, d) == [
        ("retirement", ret("babbage-002"), "lifecycle_status", "changed", "deprecated", "retired", None)]


def test_fine_tuned_training_and_deployment_retirement_table_gives_no_core_events(tmp_path: Path) -> None:
    d = hunk("""
         ## Fine-tuned models
        .
         | Model | Version | Training retirement date | Deployment retirement date |
         |---|---|---|---|
        -| `gpt-35-turbo` | 0613 | October 14, 2024 | January 14, 2025 |
        +| `gpt-35-turbo` | 0613 | October 14, 2024 | February 14, 2025 |
        +| `babbage-002` | 1 | October 25, 2024 | January 27, 2025 |
    """)
    assert one(tmp_path, d) == []


def test_default_version_table_gives_no_retirement_events(tmp_path: Path) -> None:
    d = hunk("""
         | Model | Current default version | New default version | Default upgrade date |
         |---|---|---|---|
        +| `gpt-35-turbo` | 0301 | 0613 | Starting on November 30, 2023 |
    """)
    assert [c for c in one(tmp_path, d) if c[0] == "retirement"] == []  # the default_version kind's table


# --- hard case 1: a hunk opening on |---| where two tables share that width ------------------------------

DOC = """
 # Azure OpenAI model deprecations and retirements
.
 ## Current models
.
 These models are currently available for use in Azure OpenAI Service.
.
 | Model | Version | Retirement date | Suggested replacements |
 | ---- | ---- | ---- | --- |
 | `gpt-4o` | 2024-05-13 | No earlier than June 6, 2025 | |
 | `gpt-4` | 0613 | June 6, 2025 | `gpt-4o` |
.
 ## Deprecated models
.
 These models were deprecated on the given deprecation date.
.
 | Model | Deprecation date | Retirement date | Suggested replacement |
 | ---- | ---- | ---- | --- |
 | `babbage-002` | November 15, 2024 | January 27, 2025 | |
 | `dall-e-2` | November 15, 2024 | January 27, 2025 | `dall-e-3` |"""


def test_hunk_opening_on_the_alignment_row_is_resolved_by_the_locator_text(tmp_path: Path) -> None:
    first = hunk(DOC.replace(" | `gpt-4` | 0613 | June 6, 2025 | `gpt-4o` |",
                             "-| `gpt-4` | 0613 | June 6, 2025 | `gpt-4o` |\n"
                             "+| `gpt-4` | 0613 | June 6, 2025 | `gpt-4o`|"), old=1)
    # later the current table has grown (line numbers moved); this hunk lies nearer to the
    # line where the deprecated table once was, but its @@ text names the current table's paragraph
    later = hunk("""
         | ---- | ---- | ---- | --- |
         | `o1` | 2024-12-17 | No earlier than December 17, 2025 | |
         | `o1-mini` | 2024-09-12 | No earlier than September 12, 2025 | |
        -| `gpt-4` | 0613 | June 6, 2025 | `gpt-4o` |
        +| `gpt-4` | 0613 | June 13, 2025 | `gpt-4o` |
    """, old=19, section="These models are currently available for use in Azure OpenAI Service.")
    db, ch = ingest_changes(tmp_path, ("2024-09-20", [(RETIREMENTS, "modified", first)]),
                            ("2024-09-27", [(RETIREMENTS, "modified", later)]))
    assert ch == [
        ("retirement", ret("gpt-4", "0613"), "retirement_date", "changed", "2025-06-06", "2025-06-13", None)]
    assert db.sql("select count(*) as n from unresolved")["n"][0] == 0
