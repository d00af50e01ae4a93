"""Tests of the retirement recogniser on small hand-written tables and on the corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.blocks import Table
from extractor.blocks.tables import find_blocks, lines_from_text
from extractor.kinds import Fact, subject
from extractor.kinds.retirement import RetirementRecogniser, models_in, replacement_value

DOC = "articles/ai-services/openai/concepts/model-retirements.md"
REC = RetirementRecogniser()
HEAD4 = "| Model | Version | Retirement date | Suggested replacements |\n| ---- | ---- | ---- | --- |\n"
RETIRED_HEAD = (
    "| Model | Deprecation date | Retirement date | Suggested replacement |\n"
    "| --------- | --------------------- | ------------------- | -------------------- |\n"
)
NEL = "no-earlier-than"


def tables(md: str, doc: str = DOC) -> list[Table]:
    blocks, _ = find_blocks(lines_from_text(md), doc=doc, side="after", section="")
    return [b for b in blocks if isinstance(b, Table)]


def facts(md: str, doc: str = DOC) -> list[Fact]:
    out: list[Fact] = []
    for t in tables(md, doc):
        assert REC.claims(t), t.header
        out.extend(REC.extract(t))
    return out


def tuples(md: str, doc: str = DOC) -> list[tuple]:
    return [(f.subject, f.attribute, f.value, f.qualifier) for f in facts(md, doc)]


def S(model: str, version: str | None = None) -> tuple:
    return subject("retirement", model=model, version=version)


# --- dates -------------------------------------------------------------------------------


def test_plain_row_and_br_pair_of_models() -> None:
    md = HEAD4 + "| `gpt-35-turbo`<br>`gpt-35-turbo-16k` | 0613 | June 6, 2025 | `gpt-4o` |\n"
    assert tuples(md) == [
        (S("gpt-35-turbo", "0613"), "retirement_date", "2025-06-06", None),
        (S("gpt-35-turbo", "0613"), "replacement", "gpt-4o", None),
        (S("gpt-35-turbo-16k", "0613"), "retirement_date", "2025-06-06", None),
        (S("gpt-35-turbo-16k", "0613"), "replacement", "gpt-4o", None),
    ]


def test_auto_update_tail_is_not_a_retirement_date() -> None:
    md = HEAD4 + (
        "| `gpt-35-turbo` | 0301 | No earlier than Nov 17, 2024 <br><br> Deployments set to "
        "[**Auto-update to default**](/azure/x#auto-update) will be automatically upgraded to version: "
        "`0125`, starting on November 13, 2024. | |\n"
    )
    assert tuples(md) == [(S("gpt-35-turbo", "0301"), "retirement_date", "2024-11-17", NEL)]


def test_labelled_retirement_date_wins_over_upgrade_date() -> None:
    md = HEAD4 + (
        "| `gpt-4` | 1106-preview | To be upgraded to **`gpt-4o` version: `2024-11-20`**, starting no sooner "
        "than April 17, 2025 **<sup>1</sup>** <br>Retirement date: May 1, 2025  | `gpt-4o`|\n"
    )
    assert tuples(md) == [
        (S("gpt-4", "1106-preview"), "retirement_date", "2025-05-01", None),
        (S("gpt-4", "1106-preview"), "replacement", "gpt-4o", None),
    ]


def test_upgrade_only_cell_gives_no_date_and_version_is_not_a_date() -> None:
    md = HEAD4 + (
        "| `gpt-4` | vision-preview | To be upgraded to `gpt-4` version: `turbo-2024-04-09`, starting on "
        "November 15, 2024, or later  **<sup>1</sup>** | `gpt-4o`|\n"
        "| `gpt-4` | turbo-2024-04-09 | No earlier than June 6, 2025 | `gpt-4o`|\n"
    )
    assert tuples(md) == [
        (S("gpt-4", "vision-preview"), "replacement", "gpt-4o", None),
        (S("gpt-4", "turbo-2024-04-09"), "retirement_date", "2025-06-06", NEL),
        (S("gpt-4", "turbo-2024-04-09"), "replacement", "gpt-4o", None),
    ]


def test_deprecated_and_retirement_labels_in_one_cell() -> None:
    md = HEAD4 + (
        "| `gpt-4o-realtime-preview` | 2024-10-01 | **Deprecated:** February 25, 2025<br>**Retirement:** "
        "No earlier than March 26, 2025 | `gpt-4o-realtime-preview` (version 2024-12-17) or "
        "`gpt-4o-mini-realtime-preview` (version 2024-12-17) |\n"
        "| `babbage-002` | 1 | Deprecation Date: November 15, 2024 <br>Retirement Date: January 27, 2025"
        " | |\n"
    )
    s, b = S("gpt-4o-realtime-preview", "2024-10-01"), S("babbage-002", "1")
    assert tuples(md) == [
        (s, "deprecation_date", "2025-02-25", None),
        (s, "retirement_date", "2025-03-26", NEL),
        (s, "replacement",
         "gpt-4o-mini-realtime-preview (2024-12-17) or gpt-4o-realtime-preview (2024-12-17)", None),
        (b, "deprecation_date", "2024-11-15", None),
        (b, "retirement_date", "2025-01-27", None),
    ]


def test_odd_date_spellings_and_qualifiers() -> None:
    md = HEAD4 + (
        "| `gpt-35-turbo-16k`| 0613 | April, 30, 2025 | |\n"
        "| `gpt-35-turbo` | 0125 | No earlier than Feb 22, 2025 | |\n"
        "| `gpt-4` | 0125-preview | Retirement date: April 02, 2025 | |\n"
        "| `o1-preview` | 2024-09-12 | starting no sooner than July 28, 2025 | |\n"
        "| `o1-mini` | 2024-09-12 | September 26, 2025, or later | |\n"
        "| `dall-e-3` | 3 | 06/30/2025 | |\n"
    )
    assert tuples(md) == [
        (S("gpt-35-turbo-16k", "0613"), "retirement_date", "2025-04-30", None),
        (S("gpt-35-turbo", "0125"), "retirement_date", "2025-02-22", NEL),
        (S("gpt-4", "0125-preview"), "retirement_date", "2025-04-02", None),
        (S("o1-preview", "2024-09-12"), "retirement_date", "2025-07-28", NEL),
        (S("o1-mini", "2024-09-12"), "retirement_date", "2025-09-26", NEL),
        (S("dall-e-3", "3"), "retirement_date", "2025-06-30", None),
    ]


def test_no_auto_upgrades_line_then_date() -> None:
    md = HEAD4 + "| `gpt-4.5-preview` | 2025-02-27 | No Auto-upgrades <br>July 14, 2025 | |\n"
    assert tuples(md) == [(S("gpt-4.5-preview", "2025-02-27"), "retirement_date", "2025-07-14", None)]


def test_empty_na_and_dash_cells_give_no_fact() -> None:
    md = HEAD4 + (
        "| `gpt-4o-mini` | 2024-07-18 | N/A | - |\n"
        "| `o1` | 2024-12-17 | - | N/A |\n"
        "| `o3` | 2025-04-16 |  |  |\n"
        "| | 1 | June 6, 2025 | `gpt-4o` |\n"
    )
    assert tuples(md) == []


# --- models and versions -----------------------------------------------------------------------


def test_empty_version_cell_is_none_and_sup_is_dropped() -> None:
    md = HEAD4 + (
        "| `text-embedding-3-small` | | No earlier than October 3, 2025 | |\n"
        "| `gpt-4o` <sup>**1**</sup> | 2024-05-13 | No earlier than May 20, 2025 <sup>2</sup> | |\n"
    )
    assert tuples(md) == [
        (S("text-embedding-3-small"), "retirement_date", "2025-10-03", NEL),
        (S("gpt-4o", "2024-05-13"), "retirement_date", "2025-05-20", NEL),
    ]


def test_retired_table_versions_in_model_cell() -> None:
    md = RETIRED_HEAD + (
        "| `gpt-35-turbo` - 0301 | | February 13, 2025   | `gpt-35-turbo` (0125) <br><br> `gpt-4o-mini`  |\n"
        "| `gpt-4`<br>`gpt-4-32k` - 0314 |         | June 6, 2025 | `gpt-4o` version: `2024-11-20` |\n"
        "| `gpt-4o-realtime-preview` - `2024-10-01` | February 25, 2025 | March 26, 2025 | |\n"
        "| `gpt-4` (0613) | | June 6, 2025 | |\n"
    )
    assert tuples(md) == [
        (S("gpt-35-turbo", "0301"), "retirement_date", "2025-02-13", None),
        (S("gpt-35-turbo", "0301"), "replacement", "gpt-35-turbo (0125) or gpt-4o-mini", None),
        (S("gpt-4", "0314"), "retirement_date", "2025-06-06", None),
        (S("gpt-4", "0314"), "replacement", "gpt-4o (2024-11-20)", None),
        (S("gpt-4-32k", "0314"), "retirement_date", "2025-06-06", None),
        (S("gpt-4-32k", "0314"), "replacement", "gpt-4o (2024-11-20)", None),
        (S("gpt-4o-realtime-preview", "2024-10-01"), "deprecation_date", "2025-02-25", None),
        (S("gpt-4o-realtime-preview", "2024-10-01"), "retirement_date", "2025-03-26", None),
        (S("gpt-4", "0613"), "retirement_date", "2025-06-06", None),
    ]


def test_retired_plain_row_without_replacement() -> None:
    md = RETIRED_HEAD + (
        "| ada | July 6, 2023 | June 14, 2024 |  |\n"
        "| dall-e-2|  | January 27, 2025 | dalle-3 |\n"
    )
    assert tuples(md) == [
        (S("ada"), "deprecation_date", "2023-07-06", None),
        (S("ada"), "retirement_date", "2024-06-14", None),
        (S("dall-e-2"), "retirement_date", "2025-01-27", None),
        (S("dall-e-2"), "replacement", "dalle-3", None),
    ]


def test_ampersand_pair_of_models() -> None:
    md = HEAD4 + "| `o1` & `o1-preview` | 2024-12-17 | No earlier than December 17, 2025 | |\n"
    assert tuples(md) == [
        (S("o1", "2024-12-17"), "retirement_date", "2025-12-17", NEL),
        (S("o1-preview", "2024-12-17"), "retirement_date", "2025-12-17", NEL),
    ]


def test_identical_rows_give_the_same_facts_twice() -> None:
    row = "| `gpt-4o-audio-preview` | 2024-12-17 | No earlier than July 2, 2025 | |\n"
    got = tuples(HEAD4 + row + row)
    assert got == [(S("gpt-4o-audio-preview", "2024-12-17"), "retirement_date", "2025-07-02", NEL)] * 2


def test_raw_and_line() -> None:
    md = "# Title\n\n" + HEAD4 + "| `dall-e-3` | 3 |  No earlier than April 30, 2025  | `gpt-image-1` |\n"
    got = facts(md)
    assert [(f.attribute, f.raw, f.line.new_no) for f in got] == [
        ("retirement_date", "No earlier than April 30, 2025", 5),
        ("replacement", "`gpt-image-1`", 5),
    ]


def test_models_in_and_replacement_value_helpers() -> None:
    assert models_in("[Command R+](https://x)") == [("command-r+", None)]
    assert models_in("`gpt-35-turbo-16k`     - 0613") == [("gpt-35-turbo-16k", "0613")]
    assert replacement_value("`text-embedding-3-small` or `text-embedding-3-large`") == (
        "text-embedding-3-large or text-embedding-3-small"
    )
    assert replacement_value("[AI21-Jamba-1.5-Large](https://a) or [AI21-Jamba-1.5-Mini](https://b)") == (
        "ai21-jamba-1.5-large or ai21-jamba-1.5-mini"
    )
    assert replacement_value("  ") is None
    assert replacement_value("N/A") is None


# --- lifecycle status -------------------------------------------------------------------------


def test_lifecycle_status_from_headings() -> None:
    md = (
        "# Azure OpenAI model deprecations and retirements\n\n## Current models\n\n"
        + HEAD4 + "| `o1` | 2024-12-17 | No earlier than December 17, 2025 | |\n\n"
        "## Default model versions\n\n"
        "| Model | Current default version | New default version | Default upgrade date |\n"
        "|---|---|---|---|\n"
        "| `gpt-4o` | 2024-05-13 | 2024-08-06 | starting on March 26, 2025 |\n\n"
        "## Deprecated models\n\n" + RETIRED_HEAD + "| ada | July 6, 2023 | June 14, 2024 |  |\n\n"
        "## Retired models\n\n" + RETIRED_HEAD + "| `o1-preview`  | |  July 28, 2025 | `o1` |\n"
    )
    got = []
    for t in tables(md):
        if REC.claims(t):
            got += [(f.subject, f.attribute, f.value, f.raw) for f in REC.extract(t)]
    assert got == [
        (S("o1", "2024-12-17"), "lifecycle_status", "current", "Current models"),
        (S("o1", "2024-12-17"), "retirement_date", "2025-12-17", "No earlier than December 17, 2025"),
        (S("ada"), "lifecycle_status", "deprecated", "Deprecated models"),
        (S("ada"), "deprecation_date", "2023-07-06", "July 6, 2023"),
        (S("ada"), "retirement_date", "2024-06-14", "June 14, 2024"),
        (S("o1-preview"), "lifecycle_status", "retired", "Retired models"),
        (S("o1-preview"), "retirement_date", "2025-07-28", "July 28, 2025"),
        (S("o1-preview"), "replacement", "o1", "`o1`"),
    ]


def test_status_column_wins_over_heading() -> None:
    md = "## Current models\n\n| Model | Status | Retirement date |\n|---|---|---|\n| `tts` | Legacy | |\n"
    assert tuples(md) == [(S("tts"), "lifecycle_status", "legacy", None)]


def test_foundry_lifecycle_table() -> None:
    md = (
        "| Model provider | Model | Legacy date (UTC) | Deprecation date (UTC) | Retirement date (UTC) | "
        "Suggested replacement model |\n| ---- | ---- | ---- | --- | ---- | --- |\n"
        "| Cohere | [Command R+](https://aka.ms/x) | February 24, 2025 | March 25, 2025 | June 30, 2025 | "
        "[Cohere Command R+ 08-2024](https://aka.ms/y) |\n"
    )
    doc = "articles/ai-studio/concepts/model-lifecycle-retirement.md"
    assert tuples(md, doc) == [
        (S("command-r+"), "deprecation_date", "2025-03-25", None),
        (S("command-r+"), "retirement_date", "2025-06-30", None),
        (S("command-r+"), "replacement", "cohere-command-r+-08-2024", None),
    ]


# --- what is claimed ------------------------------------------------------------------------------


def test_generic_date_column_claimed_by_heading_or_doc_path() -> None:
    table = "| Model | Date |\n|---|---|\n| `gpt-4` | June 6, 2025 |\n"
    other_doc = "articles/ai-services/openai/whats-new.md"
    by_heading = tables("## Upcoming retirements\n\n" + table, other_doc)[0]
    by_path = tables("## Schedule\n\n" + table, DOC)[0]
    neither = tables("## Schedule\n\n" + table, other_doc)[0]
    assert REC.claims(by_heading) and REC.claims(by_path) and not REC.claims(neither)
    assert [(f.attribute, f.value) for f in REC.extract(by_heading)] == [("retirement_date", "2025-06-06")]
    dep = tables("## Deprecation schedule\n\n" + table, other_doc)[0]
    assert [(f.attribute, f.value) for f in REC.extract(dep)] == [("deprecation_date", "2025-06-06")]


def test_rest_parameter_table_is_not_claimed() -> None:
    md = (
        "## API version deprecation\n\n| Parameter | Type | Required | Description |\n|---|---|---|---|\n"
        "| `model` | string | Yes | Deprecated on June 6, 2025 |\n"
    )
    [t] = tables(md, "articles/ai-services/openai/api-version-deprecation.md")
    assert not REC.claims(t)
    assert list(REC.extract(t)) == []


def test_default_version_table_gives_no_retirement_facts() -> None:
    md = (
        "## Default model versions\n\n"
        "| Model | Current default version | New default version | Default upgrade date |\n"
        "|---|---|---|---|\n"
        "| `gpt-35-turbo` | 0301 | 0125 | Deployments of versions `0301` set to Auto-update to default "
        "will be automatically upgraded to version: `0125`, starting on January 21, 2025.|\n"
    )
    [t] = tables(md)
    assert not REC.claims(t)
    assert list(REC.extract(t)) == []


def test_fine_tuned_phase_table_is_not_claimed() -> None:
    md = (
        "## Fine-tuned models\n\n"
        "| Model | Version | Training retirement date | Deployment retirement date |\n|---|---|---|---|\n"
        "| `gpt-4o` | 2024-08-06 | At base model retirement | One year after training retirement |\n"
    )
    [t] = tables(md)
    assert not REC.claims(t)


def test_headerless_rows_are_not_claimed() -> None:
    md = "| `gpt-4` | 0613 | June 6, 2025 | `gpt-4o` |\n"
    [t] = tables(md)
    assert t.header is None and not REC.claims(t)


# --- corpus ---------------------------------------------------------------------------------------

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
_SECTION = re.compile(
    r"^## (articles/\S*(?:model-retirements\.md|/includes/retirement/[^{\s]*))", re.MULTILINE
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _retirement_sections(text: str) -> list[tuple[str, list[str]]]:
    """``(doc, diff lines)`` of every model-retirements / includes/retirement section of a report."""
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(lines):
        m = _SECTION.match(lines[i])
        i += 1
        if not m:
            continue
        doc = m.group(1).split("{", 1)[0]
        while i < len(lines) and not lines[i].startswith("````diff") and not lines[i].startswith("## "):
            i += 1
        if i >= len(lines) or not lines[i].startswith("````diff"):
            continue
        i += 1
        body: list[str] = []
        while i < len(lines) and lines[i] != "````":
            body.append(lines[i])
            i += 1
        out.append((doc, body))
    return out


def _view(body: list[str], drop: str) -> str:
    kept = []
    for ln in body:
        if ln.startswith("@@"):
            kept.append("")  # hunks apart: a table never runs across them
        elif ln[:1] in (" ", "+", "-") and ln[:1] != drop:
            kept.append(ln[1:])
    return "\n".join(kept)


def test_corpus_retirement_tables() -> None:
    if not CORPUS.is_dir():
        pytest.skip("no shared corpus")
    seen_tables = claimed = n_facts = 0
    for report in sorted(CORPUS.glob("*/*/*openai*.md")):
        for doc, body in _retirement_sections(report.read_text(encoding="utf-8")):
            for side, drop in (("after", "-"), ("before", "+")):
                blocks, _ = find_blocks(lines_from_text(_view(body, drop)), doc=doc, side=side, section="")
                for t in blocks:
                    if not isinstance(t, Table) or t.header is None:
                        continue
                    seen_tables += 1
                    if not REC.claims(t):
                        continue
                    claimed += 1
                    got = list(REC.extract(t))
                    if t.rows:
                        assert got, (report.name, side, t.header)
                    for f in got:
                        if f.attribute.endswith("_date"):
                            assert _ISO.match(f.value), (report.name, f)
                        assert f.value, (report.name, f)
                        assert f.subject[0][1], (report.name, f)
                    n_facts += len(got)
    print(f"corpus: {seen_tables} tables with a header, {claimed} claimed, {n_facts} facts")
    assert claimed > 0 and n_facts > 0


def test_the_claim_follows_headings_replaced_by_others_of_the_same_length() -> None:
    from extractor.kinds import Claims

    claims = Claims()
    (t,) = tables("## Overview\n\n| Model | Date |\n| --- | --- |\n| gpt-4 | 2025-06-06 |\n", doc="how-to/notes.md")
    assert t.headings == [(2, "Overview")] and claims.of(t) is None
    t.headings = [(2, "Retired models")]  # scope completed from the layout: same length, other text
    assert isinstance(claims.of(t), RetirementRecogniser)


def test_a_remembered_claim_is_used_until_the_scope_changes() -> None:
    from extractor.kinds import Claims, claimant

    claims = Claims()
    (t,) = tables("## Overview\n\n| Model | Date |\n| --- | --- |\n| gpt-4 | 2025-06-06 |\n", doc="how-to/notes.md")
    claims.set(t, REC)  # what an earlier version of the same table was claimed by
    assert claims.of(t) is REC  # not asked again (on its own it would say None)
    assert claimant(t) is None and Claims().of(t) is None  # the memo is its own: nothing left on the block
    t.headings = [(2, "Older notes")]
    assert claims.of(t) is None
