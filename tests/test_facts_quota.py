"""Quota and batch-quota facts end to end: fixture reports -> ingest -> exact change events.

Every fixture is a small Diff Insight Report written here (FACTS.md rules, FORMATS.md
sections 2, 3, 5 and hard cases 6, 7, 10). Each test asserts the complete list of
change events (observations left out) the library exports.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import BATCH, QUOTAS, bq, hunk, hunks, ingest_changes, observations, q, report

import extractor

QH = " | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |"
QA = " |---|---|:---:|:---:|"
GS = "global-standard"


def one(tmp_path: Path, diff: str, doc: str = QUOTAS, date: str = "2025-02-08") -> list[tuple]:
    _, ch = ingest_changes(tmp_path, (date, [(doc, "modified", diff)]))
    return ch


# --- a value changed; rows added / removed ------------------------------------------------------

def test_value_changed(tmp_path: Path) -> None:
    d = hunk(f"""
         ### o-series global standard
        .
        {QH}
        {QA}
        -| `o3` | Default | 1 M | 1 K |
        +| `o3` | Default | 2 M | 1 K |
         | `o3` | Enterprise agreement | 10 M | 10 K |
    """, section="Some paragraph")
    assert one(tmp_path, d) == [("quota", q("o3", GS, "default"), "tpm", "changed", 1_000_000, 2_000_000, None)]


def test_row_added_gives_one_added_per_attribute_with_a_value(tmp_path: Path) -> None:
    d = hunk(f"""
         ### o-series global standard
        .
        {QH}
        {QA}
         | `o3` | Default | 1 M | 1 K |
        +| `o3-pro` | Default | 1.6 M | 160 |
        +| `o3-pro` | Enterprise agreement | 16 M | N/A |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("o3-pro", GS, "default"), "rpm", "added", None, 160, None),
        ("quota", q("o3-pro", GS, "default"), "tpm", "added", None, 1_600_000, None),
        ("quota", q("o3-pro", GS, "enterprise"), "tpm", "added", None, 16_000_000, None),
    ]


def test_row_removed_carries_old(tmp_path: Path) -> None:
    d = hunk(f"""
         ### o-series global standard
        .
        {QH}
        {QA}
         | `o3` | Default | 1 M | 1 K |
        -| `o1-preview` | Default | 500 K | 50 |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("o1-preview", GS, "default"), "rpm", "removed", 50, None, None),
        ("quota", q("o1-preview", GS, "default"), "tpm", "removed", 500_000, None, None),
    ]


def test_value_becoming_na_is_a_removal_and_na_becoming_value_an_addition(tmp_path: Path) -> None:
    d = hunk(f"""
         ### o-series global standard
        .
        {QH}
        {QA}
        -| `o3` | Default | 1 M | N/A |
        -| `o4-mini` | Default | 2 M | 2 K |
        +| `o3` | Default | 1 M | 100 |
        +| `o4-mini` | Default | - | 2 K |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("o3", GS, "default"), "rpm", "added", None, 100, None),
        ("quota", q("o4-mini", GS, "default"), "tpm", "removed", 2_000_000, None, None),
    ]


# --- meaning, not text -----------------------------------------------------------------------------

def test_repadded_realigned_bolded_and_reordered_rows_give_no_event(tmp_path: Path) -> None:
    d = hunk("""
         ### o-series global standard
        .
        -| Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
        -|---|---|:---:|:---:|
        -| `o3` | Default | 1 M | 1 K |
        -| `o3` | Enterprise agreement | 10 M | 10 K |
        -| `o4-mini` | Default | 1,000,000 | 1,000 |
        +|Model|Tier|Quota Limit in tokens per minute (TPM)|Requests per minute|
        +|:-----|:-----|-----:|-----:|
        +| **`o4-mini`** | Default   | 1 M  | 1 K   |
        +| `o3`          | Enterprise Agreement | 10 M | 10 K |
        +| `o3`          | **Default** | 1M | 1K |
    """)
    db, ch = ingest_changes(tmp_path, ("2025-02-08", [(QUOTAS, "modified", d)]))
    assert ch == []
    assert len(observations(db)) == 6  # every fact is still observed on that date


def test_reordered_columns_give_no_event(tmp_path: Path) -> None:
    d = hunk("""
         ### o-series global standard
        .
        -| Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
        -|---|---|:---:|:---:|
        -| `o3` | Default | 1 M | 1 K |
        +| Tier | Model | Requests per minute | Quota Limit in tokens per minute (TPM) |
        +|---|---|:---:|:---:|
        +| Default | `o3` | 1 K | 1 M |
    """)
    assert one(tmp_path, d) == []


def test_model_renamed_to_its_canonical_form_gives_no_event(tmp_path: Path) -> None:
    d = hunk(f"""
         ### GPT-4.1 series global standard
        .
        {QH}
        {QA}
        -| `gpt-4.1 mini` | Default | 5 M | 5 K |
        -| GPT-4.1 Nano | Default | 5 M | 5 K |
        +| `gpt-4.1-mini` | Default | 5 M | 5 K |
        +| `gpt-4.1-nano` | Default | 5 M | 5 K |
    """)
    assert one(tmp_path, d) == []


def test_two_identical_rows_give_one_fact(tmp_path: Path) -> None:
    d = hunk(f"""
         ### o-series global standard
        .
        {QH}
        {QA}
        +| `o3` | Default | 1 M | 1 K |
        +| `o3` | Default | 1 M | 1 K |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("o3", GS, "default"), "rpm", "added", None, 1000, None),
        ("quota", q("o3", GS, "default"), "tpm", "added", None, 1_000_000, None),
    ]


# --- quantities --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "value"), [
    ("10 M", 10_000_000), ("1.6 K", 1600), ("15B", 15_000_000_000), ("90k", 90_000),
    ("100,000", 100_000), ("0", 0), ("250", 250), ("2.5 K", 2500), ("1.35 M", 1_350_000),
])
def test_quantities(tmp_path: Path, raw: str, value: int) -> None:
    d = hunk(f"""
        {QH}
        {QA}
        +| `o3` | Default | {raw} | {raw} |
    """)
    got = one(tmp_path, d)
    assert got == [("quota", q("o3", None, "default"), "rpm", "added", None, value, None),
                   ("quota", q("o3", None, "default"), "tpm", "added", None, value, None)]


@pytest.mark.parametrize("raw", ["N/A", "-", "", "n/a"])
def test_empty_quantities_give_nothing(tmp_path: Path, raw: str) -> None:
    d = hunk(f"""
        {QH}
        {QA}
        +| `o3` | Default | {raw} | {raw} |
    """)
    assert one(tmp_path, d) == []


def test_quota_of_zero_is_a_value_and_changes_to_and_from_it_are_events(tmp_path: Path) -> None:
    d = hunk(f"""
        {QH}
        {QA}
        -| `o3` | Default | 0 | 0 |
        -| `o1` | Default | 5 M | 0 |
        +| `o3` | Default | 1 M | 0 |
        +| `o1` | Default | 0 | 0 |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("o1", None, "default"), "tpm", "changed", 5_000_000, 0, None),
        ("quota", q("o3", None, "default"), "tpm", "changed", 0, 1_000_000, None),
    ]


# --- tiers --------------------------------------------------------------------------------------------

def test_tier_names(tmp_path: Path) -> None:
    d = hunk(f"""
         ### o-series global standard
        .
        {QH}
        {QA}
        +| `o3` | Enterprise agreement | 1 M | |
        +| `o4` | Enterprise Tier | 2 M | |
        +| `o5` | Default | 3 M | |
        +| `o6` | Tier 3 | 4 M | |
        +| `o7` | Azure for Students, Free Trials | 5 M | |
        +| `o8` | Monthly credit card based subscriptions | 6 M | |
        +| `o9` | MSDN subscriptions | 7 M | |
        +| `o10` | Pay as you go | 8 M | |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("o10", GS, "pay-as-you-go"), "tpm", "added", None, 8_000_000, None),
        ("quota", q("o3", GS, "enterprise"), "tpm", "added", None, 1_000_000, None),
        ("quota", q("o4", GS, "enterprise"), "tpm", "added", None, 2_000_000, None),
        ("quota", q("o5", GS, "default"), "tpm", "added", None, 3_000_000, None),
        ("quota", q("o6", GS, "tier-3"), "tpm", "added", None, 4_000_000, None),
        ("quota", q("o7", GS, "free-trial"), "tpm", "added", None, 5_000_000, None),
        ("quota", q("o8", GS, "credit-card"), "tpm", "added", None, 6_000_000, None),
        ("quota", q("o9", GS, "msdn"), "tpm", "added", None, 7_000_000, None),
    ]


def test_enterprise_agreement_renamed_enterprise_tier_gives_no_event(tmp_path: Path) -> None:
    d = hunk(f"""
         ### o-series global standard
        .
        {QH}
        {QA}
        -| `o3` | Enterprise agreement | 10 M | 10 K |
        +| `o3` | Enterprise Tier | 10 M | 10 K |
    """)
    assert one(tmp_path, d) == []


OFFER_H = " |Tier| Quota Limit in tokens per minute (TPM) |"
OFFER_A = " |---|:---:|"


def test_offer_table_items_are_one_fact_each(tmp_path: Path) -> None:
    d = hunk(f"""
         ### Other offer types
        .
        {OFFER_H}
        {OFFER_A}
        +| MSDN subscriptions | GPT 3.5 Turbo Series: 30 K <br> GPT-4 series: 8 K <br> o-series: 0 |
        +| Azure for Students, Free Trials | 1 K (all models) <br> Exception o-series & GPT-4.5 Preview: 0 |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("all-models", None, "free-trial"), "tpm", "added", None, 1000, None),
        ("quota", q("gpt-3.5-turbo-series", None, "msdn"), "tpm", "added", None, 30_000, None),
        ("quota", q("gpt-4-series", None, "msdn"), "tpm", "added", None, 8000, None),
        ("quota", q("gpt-4.5-preview", None, "free-trial"), "tpm", "added", None, 0, None),
        ("quota", q("o-series", None, "free-trial"), "tpm", "added", None, 0, None),
        ("quota", q("o-series", None, "msdn"), "tpm", "added", None, 0, None),
    ]


def test_offer_item_changed_and_renamed_offer_label(tmp_path: Path) -> None:
    d = hunk(f"""
         ### Other offer types
        .
        {OFFER_H}
        {OFFER_A}
        -| MSDN subscriptions | GPT-4 series: 8 K <br> o-series: 0 |
        -| Cloud Solution Provider subscriptions | GPT-4 series: 1 K |
        +| MSDN subscriptions | GPT-4 series: 10 K <br> o-series: 0 |
        +| CSP subscriptions | GPT-4 series: 1 K |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("gpt-4-series", None, "cloud-solution-provider-subscriptions"), "tpm", "removed", 1000, None, None),
        ("quota", q("gpt-4-series", None, "csp-subscriptions"), "tpm", "added", None, 1000, None),
        ("quota", q("gpt-4-series", None, "msdn"), "tpm", "changed", 8000, 10_000, None),
    ]


def test_offer_label_naming_two_offers_splits_like_two_models(tmp_path: Path) -> None:
    ITEMS = "GPT-4 series: 8 K <br>computer-use-preview: 30 K <br> o-series: 0"
    d = hunk(f"""
        {OFFER_H}
        {OFFER_A}
        -| MSDN subscriptions | GPT-4 series: 8 K <br> o-series: 0 |
        +| MSDN & Cloud Solution Provider (CSP) subscriptions | {ITEMS} |
         | Monthly credit card based subscriptions <sup>1</sup> | GPT-4 series: 8 K |
    """)
    csp = "cloud-solution-provider-csp-subscriptions"
    assert one(tmp_path, d) == [
        ("quota", q("computer-use-preview", None, csp), "tpm", "added", None, 30_000, None),
        ("quota", q("computer-use-preview", None, "msdn"), "tpm", "added", None, 30_000, None),
        ("quota", q("gpt-4-series", None, csp), "tpm", "added", None, 8000, None),
        ("quota", q("o-series", None, csp), "tpm", "added", None, 0, None),
    ]


# --- deployment types from headings ---------------------------------------------------------------------

def test_three_types_in_one_heading_give_facts_for_each(tmp_path: Path) -> None:
    d = hunk(f"""
         #### GPT-4o global standard, data zone standard, & standard
        .
        {QH}
        {QA}
        -| `gpt-4o` | Default | 450 K | 2.7 K |
        +| `gpt-4o` | Default | 900 K | 2.7 K |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("gpt-4o", t, "default"), "tpm", "changed", 450_000, 900_000, None)
        for t in ("data-zone-standard", "global-standard", "standard")
    ]


def test_heading_without_a_type_gives_none(tmp_path: Path) -> None:
    d = hunk(f"""
         ## gpt-4o audio
        .
        {QH}
        {QA}
        -| `gpt-4o-audio-preview` | Default | 100 K | 1 K |
        +| `gpt-4o-audio-preview` | Default | 450 K | 1 K |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("gpt-4o-audio-preview", None, "default"), "tpm", "changed", 100_000, 450_000, None)]


# --- several models in one cell (hard case 7) --------------------------------------------------------------

def test_model_added_to_a_cell_gives_new_facts_for_it_only(tmp_path: Path) -> None:
    d = hunk(f"""
        -### o1-preview & o1-mini global standard
        +### o1 & o1-mini global standard
        .
        {QH}
        {QA}
        -| `o1-preview` | Enterprise agreement | 30 M | 5 K |
        +| `o1` & `o1-preview` | Enterprise agreement | 30 M | 5 K |
         | `o1-mini` | Enterprise agreement | 50 M | 5 K |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("o1", GS, "enterprise"), "rpm", "added", None, 5000, None),
        ("quota", q("o1", GS, "enterprise"), "tpm", "added", None, 30_000_000, None),
    ]


def test_br_separated_models_split_and_one_dropped(tmp_path: Path) -> None:
    d = hunk(f"""
         ### GPT-3.5 standard
        .
        {QH}
        {QA}
        -| `gpt-35-turbo`<br>`gpt-35-turbo-16k` | Default | 240 K | 1.4 K |
        +| `gpt-35-turbo` | Default | 240 K | 1.4 K |
    """)
    assert one(tmp_path, d) == [
        ("quota", q("gpt-35-turbo-16k", "standard", "default"), "rpm", "removed", 1400, None, None),
        ("quota", q("gpt-35-turbo-16k", "standard", "default"), "tpm", "removed", 240_000, None, None),
    ]


def test_footnote_marks_and_links_are_not_part_of_the_model(tmp_path: Path) -> None:
    d = hunk(f"""
         ### GPT-4.5 global standard
        .
        {QH}
        {QA}
        -| `gpt-4.5` | Default | 150 K | 150 |
        +| [`gpt-4.5`](./concepts/models.md#gpt-45)<sup>1</sup> | Default | 150 K | 150 |
    """)
    assert one(tmp_path, d) == []


# --- the scope heading outside the hunk (hard case 6) ------------------------------------------------------

FULL_QUOTAS = f"""
 # Quotas
.
 ## o-series rate limits
.
 ### o-series global standard
.
{QH}
{QA}
 | `o3` | Default | 1 M | 1 K |
 | `o3` | Enterprise agreement | 10 M | 10 K |
.
 ## gpt-4o audio
.
 The rate limits for each gpt-4o audio model deployment are:
.
{QH}
{QA}
 | `gpt-4o-audio-preview` | Default | 100 K | 1 K |
 | `gpt-4o-realtime-preview` | Default | 100 K | 1 K |
"""


def test_scope_heading_outside_the_hunk_is_taken_from_another_report(tmp_path: Path) -> None:
    # the earlier report shows the whole table area (one unchanged-but-touched line so the hunk changes)
    full = hunk(FULL_QUOTAS.replace(" | `o3` | Enterprise agreement | 10 M | 10 K |",
                                    "-| `o3` | Enterprise agreement | 10 M | 10 K |\n"
                                    "+| `o3` | Enterprise agreement | 10 M  | 10 K |"), old=1)
    # the later report shows only rows of the audio table: neither its heading nor its header
    later = hunk("""
         | `gpt-4o-audio-preview` | Default | 100 K | 1 K |
        -| `gpt-4o-realtime-preview` | Default | 100 K | 1 K |
        +| `gpt-4o-realtime-preview` | Default | 450 K | 1 K |
    """, old=18, section="The rate limits for each gpt-4o audio model deployment are:")
    early_o3 = hunk("""
        -| `o3` | Default | 1 M | 1 K |
        +| `o3` | Default | 2 M | 1 K |
    """, old=9, section="## o-series rate limits")
    db, ch = ingest_changes(tmp_path, ("2025-01-01", [(QUOTAS, "modified", full)]),
                            ("2025-02-08", [(QUOTAS, "modified", hunks(early_o3, later))]))
    assert ch == [
        ("quota", q("gpt-4o-realtime-preview", None, "default"), "tpm", "changed", 100_000, 450_000, None),
        ("quota", q("o3", GS, "default"), "tpm", "changed", 1_000_000, 2_000_000, None),
    ]
    assert db.sql("select count(*) as n from unresolved")["n"][0] == 0


# --- batch quotas (hard case 10) ---------------------------------------------------------------------------

BH = (" |Model|Enterprise agreement|Default| Monthly credit card based subscriptions | MSDN subscriptions "
      "| Azure for Students, Free Trials |")
BA = " |---|:---:|:---:|:---:|:---:|:---:|"


def test_batch_row_added_one_fact_per_subscription(tmp_path: Path) -> None:
    d = hunk(f"""
        {BH}
        {BA}
         |`gpt-4o`| 5 B | 200 M | 50 M | 90 K | N/A|
        +|`o3-mini`| 15B | 1B | 50M | 90k | N/A|
    """)
    assert one(tmp_path, d, doc=BATCH) == [
        ("batch_quota", bq("o3-mini", "global-batch", "credit-card"), "enqueued_tokens", "added", None, 50_000_000, None),
        ("batch_quota", bq("o3-mini", "global-batch", "default"), "enqueued_tokens", "added", None, 1_000_000_000, None),
        ("batch_quota", bq("o3-mini", "global-batch", "enterprise"), "enqueued_tokens", "added", None,
         15_000_000_000, None),
        ("batch_quota", bq("o3-mini", "global-batch", "msdn"), "enqueued_tokens", "added", None, 90_000, None),
    ]


BATCH_DOC = f"""
 ---
 ms.date: 01/16/2025
 ---
.
 ### Global batch
.
{BH}
{BA}
 |`gpt-4o`| 5 B | 200 M | 50 M | 90 K | N/A|
 |`gpt-4o-mini`| 15 B | 1 B | 50 M | 90 K | N/A|
.
 ### Data zone batch
.
{BH}
{BA}
 |`gpt-4o`| 500 M | 50 M | 5 M | 1 M | N/A|
 |`gpt-4o-mini`| 1.5 B | 200 M | 50 M | 1 M | N/A|"""


def test_batch_tables_with_identical_headers_under_two_headings(tmp_path: Path) -> None:
    """Hard case 10: ``o3-mini`` added to the data-zone table; the hunk shows neither header
    nor heading and ends on an EOF toggle."""
    lines = BATCH_DOC.strip("\n").split("\n")
    added = hunk("\n".join("+" + ln[1:] if ln.startswith(" ") else "+" for ln in lines), old=0, new=1)
    later = hunk("""
         |`gpt-4o`| 500 M | 50 M | 5 M | 1 M | N/A|
        -|`gpt-4o-mini`| 1.5 B | 200 M | 50 M | 1 M | N/A|
        \\ No newline at end of file
        +|`gpt-4o-mini`| 1.5 B | 200 M | 50 M | 1 M | N/A|
        +|`o3-mini`| 1.5 B | 200 M | 50 M | 1 M | N/A|
        \\ No newline at end of file
    """, old=16, section="ms.date: 02/16/2025")
    _, ch = ingest_changes(tmp_path, ("2025-01-16", [(BATCH, "added", added)]),
                           ("2025-02-16", [(BATCH, "modified", later)]))
    new = [c for c in ch if c[1]["model"] == "o3-mini"]
    assert new == [
        ("batch_quota", bq("o3-mini", "data-zone-batch", s), "enqueued_tokens", "added", None, v, None)
        for s, v in (("credit-card", 50_000_000), ("default", 200_000_000), ("enterprise", 1_500_000_000),
                     ("msdn", 1_000_000))
    ]
    # the first report adds both tables, each under its own type
    first = {(c[1]["model"], c[1]["deployment_type"], c[1]["subscription"]): c[5] for c in ch if c[1]["model"] != "o3-mini"}
    assert first[("gpt-4o", "global-batch", "enterprise")] == 5_000_000_000
    assert first[("gpt-4o", "data-zone-batch", "enterprise")] == 500_000_000
    assert len(first) == 16
    assert len(ch) == 20


def test_batch_tables_resolved_in_separate_runs(tmp_path: Path) -> None:
    lines = BATCH_DOC.strip("\n").split("\n")
    added = hunk("\n".join("+" + ln[1:] if ln.startswith(" ") else "+" for ln in lines), old=0, new=1)
    later = hunk("""
         |`gpt-4o`| 5 B | 200 M | 50 M | 90 K | N/A|
        -|`gpt-4o-mini`| 15 B | 1 B | 50 M | 90 K | N/A|
        +|`gpt-4o-mini`| 15 B | 1 B | 50 M | 100 K | N/A|
    """, old=9, section="ms.date: 01/16/2025")
    db = extractor.connect(tmp_path / "y.duckdb")
    db.ingest([report(tmp_path, "2025-01-16", [(BATCH, "added", added)])])
    db.ingest([report(tmp_path, "2025-02-16", [(BATCH, "modified", later)])])
    ch = [c for c in _changes(db) if c[0] == "2025-02-16"]
    assert ch == [("2025-02-16", bq("gpt-4o-mini", "global-batch", "msdn"), "changed", 90_000, 100_000)]


def _changes(db: extractor.Extractor) -> list[tuple]:
    return sorted(((r["observed_at"], {k: v for k, v in r["subject"].items() if v is not None}, r["change"],
                    r["old"], r["new"]) for r in db.records() if r["change"] != "unchanged"), key=repr)
