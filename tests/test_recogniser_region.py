"""Tests of the region_availability recogniser: matrices, Model | Region tables, region lists.

Each case is a small markdown fixture written here, turned into blocks as a view of one
side of a diff would be, then claimed and extracted; the exact facts are asserted. A last
test runs over the stored corpus (skipped when it is absent).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.blocks.tables import BulletList, Table, find_blocks, lines_from_text
from extractor.kinds import Fact
from extractor.kinds.region_availability import (
    RegionAvailabilityRecogniser,
    feature_subject,
    header_models,
)
from extractor.normalize import is_region

OPENAI = "articles/ai-services/openai/"
R = RegionAvailabilityRecogniser()

Subject = tuple[tuple[str, str | None], ...]


def S(name: str, version: str | None, dtype: str | None, region: str) -> Subject:
    return (("subject", name), ("version", version), ("deployment_type", dtype), ("region", region))


def blocks_of(md: str, doc: str, *, headings: list[tuple[int, str]] | None = None, section: str = "") -> list:
    blocks, _ = find_blocks(lines_from_text(md.strip("\n")), doc=OPENAI + doc, side="after",
                            section=section, headings=headings)
    return blocks


def claimed_facts(md: str, doc: str, *, rec: RegionAvailabilityRecogniser = R,
                  headings: list[tuple[int, str]] | None = None, section: str = "") -> list[Fact]:
    out: list[Fact] = []
    for b in blocks_of(md, doc, headings=headings, section=section):
        if rec.claims(b):
            out.extend(rec.extract(b))
    return out


def triples(facts: list[Fact]) -> list[tuple[Subject, str, object]]:
    return [(f.subject, f.attribute, f.value) for f in facts]


# --- (a) region × model matrices ------------------------------------------------------------

MATRIX = """
| **Region**     | **gpt-4o**, **2024-05-13** | **text-embedding-ada-002** | **gpt-4**, **1106-Preview** |
|:---------------|:----------:|:----------:|:----------:|
| eastus2        | ✅          | -           | ✅           |
| swedencentral  | -           | ✅          | -            |
| westus         | -           | -           | -            |
"""


def test_matrix_from_include_takes_type_from_file_name() -> None:
    facts = claimed_facts(MATRIX, "includes/model-matrix/standard-global.md")
    assert triples(facts) == [
        (S("gpt-4o", "2024-05-13", "global-standard", "eastus2"), "available", True),
        (S("gpt-4", "1106-preview", "global-standard", "eastus2"), "available", True),
        (S("text-embedding-ada-002", None, "global-standard", "swedencentral"), "available", True),
    ]
    assert [f.raw for f in facts] == ["✅", "✅", "✅"]
    assert all(f.qualifier is None and f.kind == "region_availability" for f in facts)
    assert [f.line.new_no for f in facts] == [3, 3, 4]


def test_matrix_heading_beats_file_name() -> None:
    facts = claimed_facts(MATRIX, "includes/model-matrix/standard-global.md",
                          headings=[(3, "Global provisioned managed model availability")])
    assert {dict(f.subject)["deployment_type"] for f in facts} == {"global-provisioned"}


def test_matrix_under_tab_in_models_md() -> None:
    md = ("## Model summary table and region availability\n\n"
          "# [Provisioned Managed](#tab/provisioned)\n\n" + MATRIX)
    facts = claimed_facts(md, "concepts/models.md")
    assert triples(facts)[0] == (S("gpt-4o", "2024-05-13", "provisioned", "eastus2"), "available", True)
    assert len(facts) == 3


def test_heading_naming_several_types_falls_back_to_file() -> None:
    facts = claimed_facts(MATRIX, "includes/model-matrix/datazone-standard.md",
                          headings=[(4, "GPT-4o global standard, data zone standard, & standard")])
    assert {dict(f.subject)["deployment_type"] for f in facts} == {"data-zone-standard"}


def test_assistants_matrix_backticked_headers_display_regions_empty_cells() -> None:
    md = """
## Assistants (Preview)

| Region | `gpt-35-turbo (0613)` | `gpt-4 (1106)`| `fine tuned gpt-3.5-turbo-0125` |
|-----|:---:|:---:|:---:|
| East US 2 | ✅ |  | ✅ |
| Sweden Central | | ✅ | |
"""
    assert triples(claimed_facts(md, "concepts/models.md")) == [
        (S("gpt-35-turbo", "0613", None, "eastus2"), "available", True),
        (S("fine-tuned-gpt-3.5-turbo-0125", None, None, "eastus2"), "available", True),
        (S("gpt-4", "1106", None, "swedencentral"), "available", True),
    ]


def test_government_matrix_plain_headers() -> None:
    md = """
### Standard deployment model availability

| Region | GPT-4-Turbo-V | **gpt-4o**, **2024-05-13** |
|---|---|---|
| usgovarizona  | ✅ | - |
| USGov Virginia | - | ✅ |
"""
    assert triples(claimed_facts(md, "azure-government.md")) == [
        (S("gpt-4-turbo-v", None, "standard", "usgovarizona"), "available", True),
        (S("gpt-4o", "2024-05-13", "standard", "usgovvirginia"), "available", True),
    ]


def test_header_models() -> None:
    assert header_models("**gpt-4o**, **2024-05-13**") == [("gpt-4o", "2024-05-13")]
    assert header_models("**text-embedding-ada-002**") == [("text-embedding-ada-002", None)]
    assert header_models("`gpt-4 (1106)`") == [("gpt-4", "1106")]
    assert header_models("**gpt-4**, **1106-Preview**") == [("gpt-4", "1106-preview")]
    assert header_models("GPT-4-Turbo-V") == [("gpt-4-turbo-v", None)]
    assert header_models("**gpt-4o**, **2024-05-13** & **gpt-4o**, **2024-08-06**") == [
        ("gpt-4o", "2024-05-13"), ("gpt-4o", "2024-08-06")]
    assert header_models("`o1`<br>`o1-preview`") == [("o1", None), ("o1-preview", None)]


QUOTA = """
| Region             | GPT-4   | gpt-4o   | gpt-4o - GlobalStandard   | GPT-4o - Global-Batch   |
|:-------------------|:-------:|:--------:|:-------------------------:|:-----------------------:|
| australiaeast      | 40 K    | -        | 30 M                      | -                       |
| eastus             | -       | 1 M      | 30 M                      | 5 B                     |
"""


@pytest.mark.parametrize("doc", ["includes/model-matrix/quota.md", "concepts/models.md"])
def test_numeric_quota_matrix_is_not_claimed(doc: str) -> None:
    (block,) = blocks_of(QUOTA, doc)
    assert isinstance(block, Table) and block.header is not None
    assert not R.claims(block)


def test_quota_header_alone_is_not_claimed() -> None:
    header_only = "\n".join(QUOTA.strip().split("\n")[:2])
    (block,) = blocks_of(header_only, "concepts/models.md")
    assert block.header is not None and not block.rows
    assert not R.claims(block)


def test_quota_rows_without_header_are_not_claimed() -> None:
    rows = "| brazilsouth        | -       | -        | -      |\n| switzerlandwest | - | - | - |"
    (block,) = blocks_of(rows, "includes/model-matrix/quota.md")
    assert block.header is None and not R.claims(block)


def test_matrix_rows_without_header_are_claimed_but_give_nothing() -> None:
    rows = "| japaneast        | -    | ✅   |\n| northcentralus   | ✅   | -    |"
    (block,) = blocks_of(rows, "includes/model-matrix/standard-embeddings.md")
    assert block.header is None
    assert R.claims(block)
    assert list(R.extract(block)) == []


def test_hunk_ending_on_the_header_row() -> None:
    md = "---\n\n| **Region**     | **gpt-4o**, **2024-08-06**   | **gpt-4o-mini**, **2024-07-18**   |"
    (block,) = blocks_of(md, "includes/model-matrix/provisioned-global.md")
    assert block.header is None
    assert R.claims(block)
    assert list(R.extract(block)) == []
    # with its header resolved from the layout, the same rows give facts
    block.header = ["**Region**", "**gpt-4o**, **2024-08-06**", "**gpt-4o-mini**, **2024-07-18**"]
    block.rows = blocks_of("| uksouth | ✅ | - |", "x.md")[0].rows
    assert triples(list(R.extract(block))) == [
        (S("gpt-4o", "2024-08-06", "global-provisioned", "uksouth"), "available", True)]


def test_rest_parameter_table_is_not_claimed() -> None:
    md = """
| Name | In | Required | Type | Description |
|------|----|----------|------|-------------|
| region | path | True | string | The Azure region, for example East US. |

| Region | Endpoint |
|---|---|
| eastus | https://eastus.api.cognitive.microsoft.com |
"""
    blocks = blocks_of(md, "reference.md")
    assert len(blocks) == 2
    assert not any(R.claims(b) for b in blocks)


def test_region_endpoint_header_alone_is_not_claimed() -> None:
    (block,) = blocks_of("| Region | Endpoint |\n|---|---|", "reference.md")
    assert not R.claims(block)


# --- (b) Model | Region tables --------------------------------------------------------------


def test_model_region_table_suffixes_several_models_and_see_links() -> None:
    md = """
### Region availability

| Model | Region |
|---|---|
|`o3-mini` | East US2 (Global Standard) <br> Sweden Central (Global Standard) |
| `o1` & `o1-preview` | East US 2 (Global Standard) |
| `o1-mini` | See the [models table](#global-standard-model-availability). |
"""
    facts = claimed_facts(md, "concepts/models.md")
    assert triples(facts) == [
        (S("o3-mini", None, "global-standard", "eastus2"), "available", True),
        (S("o3-mini", None, "global-standard", "swedencentral"), "available", True),
        (S("o1", None, "global-standard", "eastus2"), "available", True),
        (S("o1-preview", None, "global-standard", "eastus2"), "available", True),
    ]
    assert facts[0].raw == "East US2 (Global Standard) <br> Sweden Central (Global Standard)"


def test_see_models_page_cell_names_no_region() -> None:
    md = "| Model | Region |\n|---|---|\n| `o1-preview` | See [models page](../concepts/models.md#o1). |"
    (block,) = blocks_of(md, "concepts/models.md")
    assert R.claims(block)
    assert list(R.extract(block)) == []


def test_limited_access_column_is_ignored_and_br_models_split() -> None:
    md = """
#### Select customer access

| Model | Region | Limited access |
|---|:---|---|
| `gpt-4` (0613) <br> `gpt-4-32k` (0613) | East US <br> France Central <br> | Yes |
"""
    assert triples(claimed_facts(md, "concepts/models.md")) == [
        (S("gpt-4", "0613", None, "eastus"), "available", True),
        (S("gpt-4-32k", "0613", None, "eastus"), "available", True),
        (S("gpt-4", "0613", None, "francecentral"), "available", True),
        (S("gpt-4-32k", "0613", None, "francecentral"), "available", True),
    ]


def test_data_zone_table_two_region_columns() -> None:
    md = """
### Data zone standard model availability

|Model|United States Data zone regions|European Union Data zone regions|
|---|---|---|
| `gpt-4o` (2024-08-06, 2024-05-13)| East US 2 <br> West US 3 <br> | Spain Central |
"""
    dz = "data-zone-standard"
    assert triples(claimed_facts(md, "concepts/models.md")) == [
        (S("gpt-4o", "2024-08-06", dz, "eastus2"), "available", True),
        (S("gpt-4o", "2024-05-13", dz, "eastus2"), "available", True),
        (S("gpt-4o", "2024-08-06", dz, "westus3"), "available", True),
        (S("gpt-4o", "2024-05-13", dz, "westus3"), "available", True),
        (S("gpt-4o", "2024-08-06", dz, "spaincentral"), "available", True),
        (S("gpt-4o", "2024-05-13", dz, "spaincentral"), "available", True),
    ]


def test_cell_suffix_beats_heading() -> None:
    md = """
### Standard deployment model availability

| Model | Region |
|---|---|
| `gpt-4o-audio-preview` | East US2 (Global Standard) <br> Sweden Central |
"""
    assert triples(claimed_facts(md, "concepts/models.md")) == [
        (S("gpt-4o-audio-preview", None, "global-standard", "eastus2"), "available", True),
        (S("gpt-4o-audio-preview", None, "standard", "swedencentral"), "available", True),
    ]


def test_fine_tuned_deployment_regions_with_and() -> None:
    md = """
### Global Standard (preview)

| Models | Region |
|--|--|
|GPT-4o-finetune|East US2, North Central US, and Sweden Central|
"""
    assert triples(claimed_facts(md, "how-to/fine-tuning-deploy.md")) == [
        (S("gpt-4o-finetune", None, "global-standard", "eastus2"), "available", True),
        (S("gpt-4o-finetune", None, "global-standard", "northcentralus"), "available", True),
        (S("gpt-4o-finetune", None, "global-standard", "swedencentral"), "available", True),
    ]


def test_model_availability_column_and_comma_lists() -> None:
    md = """
| Model ID | Feature Availability | Max Request (characters) |
|---|---|:---:|
| dall-e-3 | East US, Australia East | 4,000 |
| dall-e-3 | East US, Australia East | 4,000 |
"""
    assert triples(claimed_facts(md, "concepts/models.md")) == [
        (S("dall-e-3", None, None, "eastus"), "available", True),
        (S("dall-e-3", None, None, "australiaeast"), "available", True),
    ]


FINE_TUNE = """
| Model ID | Fine-tuning regions | Max request (tokens) | Training Data (up to) |
|---|---|:---:|:---:|
| `gpt-4o` <sup>**1**</sup> (2024-08-06) | East US2 <br> North Central US | Input: 128,000 | Oct 2023 |
| `gpt-4o-mini` (2024-07-18) | Sweden Central (Global Standard) | Input: 128,000 | Oct 2023 |
"""


def test_fine_tuning_regions_are_not_claimed_by_default() -> None:
    (block,) = blocks_of(FINE_TUNE, "includes/fine-tune-models.md")
    assert not R.claims(block)
    (rows,) = blocks_of("\n".join(FINE_TUNE.strip().split("\n")[2:]), "includes/fine-tune-models.md")
    assert rows.header is None and not R.claims(rows)


def test_fine_tuning_regions_when_asked_for() -> None:
    rec = RegionAvailabilityRecogniser(include_fine_tuning=True)
    assert triples(claimed_facts(FINE_TUNE, "includes/fine-tune-models.md", rec=rec)) == [
        (S("gpt-4o", "2024-08-06", None, "eastus2"), "available", True),
        (S("gpt-4o", "2024-08-06", None, "northcentralus"), "available", True),
        (S("gpt-4o-mini", "2024-07-18", "global-standard", "swedencentral"), "available", True),
    ]


def test_model_region_rows_without_header_are_claimed() -> None:
    rows = "|`o3-mini` | East US2 (Global Standard) <br> Sweden Central (Global Standard) |"
    (block,) = blocks_of(rows, "concepts/models.md")
    assert block.header is None and R.claims(block)
    desc = "| `gpt-4` (0314) | **Older GA model** <br> - [Retirement](./x.md) | 8,192 | Sep 2021 |"
    (block,) = blocks_of(desc, "concepts/models.md")
    assert not R.claims(block)


def test_other_model_tables_are_not_claimed() -> None:
    md = """
| Model | Version | Input format |
|---|---|---|
|`gpt-4o` | 2024-08-06 |text + image |

|  Model ID  | Description | Max Request (tokens) | Training Data (up to)  |
|---|---|---|---|
| `o1-mini` (2024-09-12) | Standard (regional) deployments in East US2. | Input: 128,000 | Oct 2023 |
"""
    assert not any(R.claims(b) for b in blocks_of(md, "concepts/models.md"))


# --- (c) bullet lists of regions ----------------------------------------------------------------

RESPONSES = """
### Region Availability

The responses API is currently available in the following regions:

- australiaeast
- East US 2
- See the models page for more information.

### Model support

- `gpt-4o`
- `computer-use-preview`
"""


def test_responses_region_list() -> None:
    blocks = blocks_of(RESPONSES, "how-to/responses.md")
    assert [type(b) for b in blocks] == [BulletList, BulletList]
    assert [R.claims(b) for b in blocks] == [True, False]
    facts = claimed_facts(RESPONSES, "how-to/responses.md")
    assert triples(facts) == [
        (S("responses-api", None, None, "australiaeast"), "available", True),
        (S("responses-api", None, None, "eastus2"), "available", True),
    ]
    assert [f.raw for f in facts] == ["australiaeast", "East US 2"]


def test_region_list_with_heading_off_hunk_uses_locator() -> None:
    md = "- polandcentral\n- southindia"
    locator = "The responses API is currently available in the following regions:"
    facts = claimed_facts(md, "how-to/responses.md", section=locator)
    assert triples(facts) == [
        (S("responses-api", None, None, "polandcentral"), "available", True),
        (S("responses-api", None, None, "southindia"), "available", True),
    ]
    assert claimed_facts(md, "how-to/responses.md", section="Not every model is supported") == []
    # a stale heading from the layout does not hide a list the locator vouches for
    assert len(claimed_facts(md, "how-to/responses.md", section=locator,
                             headings=[(3, "API support")])) == 2
    # scoped by the locator alone, a mixed list is prose
    mixed = md + "\n- The web search tool"
    assert claimed_facts(mixed, "how-to/responses.md", section=locator) == []


def test_model_list_below_region_locator_is_not_claimed() -> None:
    md = "\n### Model support\n\n- `gpt-4o` (Versions: `2024-11-20`)\n- `computer-use-preview`"
    (block,) = blocks_of(md, "how-to/responses.md",
                         section="The responses API is currently available in the following regions:")
    assert not R.claims(block)


def test_region_list_seeded_heading() -> None:
    md = "- uaenorth\n- uksouth"
    facts = claimed_facts(md, "how-to/responses.md", headings=[(3, "Region Availability")])
    assert [dict(f.subject)["region"] for f in facts] == ["uaenorth", "uksouth"]


def test_computer_use_list_with_code_spans() -> None:
    md = """
## Regional support

Computer Use is available in the following regions:
* `eastus2`
* `swedencentral`
"""
    assert triples(claimed_facts(md, "how-to/computer-use.md")) == [
        (S("computer-use", None, None, "eastus2"), "available", True),
        (S("computer-use", None, None, "swedencentral"), "available", True),
    ]


def test_prose_bullets_under_region_heading_give_nothing() -> None:
    md = "### Region availability\n\n- Not every model is available in every region.\n- Deploy in East US"
    (block,) = blocks_of(md, "how-to/responses.md")
    assert not R.claims(block)
    assert list(R.extract(block)) == []


def test_region_list_in_models_catalogue_is_not_claimed() -> None:
    md = "### Region and model support\n\nGlobal batch is supported in:\n\n- East US\n- West US"
    (block,) = blocks_of(md, "concepts/models.md")
    assert not R.claims(block)


def test_feature_subject() -> None:
    assert feature_subject(OPENAI + "how-to/responses.md") == "responses-api"
    assert feature_subject(OPENAI + "how-to/computer-use.md") == "computer-use"


@pytest.mark.parametrize(("text", "expected"), [
    ("eastus2", True), ("East US 2", True), ("East US2", True), ("`westus3`", True),
    ("USGovArizona", True), ("Chile Central", True), ("taiwannorth", True),
    ("The web search tool", False), ("Deploy in East US", False), ("`gpt-4o`", False),
    ("Structured outputs", False), ("", False),
])
def test_is_region(text: str, expected: bool) -> None:
    assert is_region(text) is expected


# --- corpus ------------------------------------------------------------------------------------

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
_MATRIX_DOCS = re.compile(r"includes/model-matrix/[^/]+\.md$|concepts/models\.md$")


def _sections(path: Path) -> Iterator[tuple[str, list[str]]]:
    """``(doc, diff lines)`` of each section of a Diff Insight Report that has a diff."""
    lines = path.read_text(encoding="utf-8").split("\n")
    doc, i = None, 0
    while i < len(lines):
        m = re.match(r"^## (articles/\S+?)\{#", lines[i])
        if m:
            doc = m.group(1)
        elif lines[i].startswith("````diff") and doc:
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i].rstrip("\r") != "````":
                body.append(lines[i].rstrip("\r"))
                i += 1
            yield doc, body
        i += 1


def _after_views(body: list[str]) -> Iterator[tuple[str, list[str]]]:
    """``(@@ locator, context + added lines with the first char stripped)`` per hunk."""
    current: tuple[str, list[str]] | None = None
    for ln in body:
        if ln.startswith("@@"):
            if current is not None:
                yield current
            parts = ln.split("@@")
            current = (parts[2].strip() if len(parts) > 2 else "", [])
        elif current is not None and ln[:1] in (" ", "+"):
            current[1].append(ln[1:])
    if current is not None:
        yield current


def test_corpus_matrices_give_programmatic_regions() -> None:
    if not CORPUS.is_dir():
        pytest.skip("no corpus")
    tables = facts = quota_claimed = 0
    for report in sorted(CORPUS.glob("diff-insight-ja/*/*openai*.md")):
        for doc, body in _sections(report):
            if not _MATRIX_DOCS.search(doc):
                continue
            for section, view in _after_views(body):
                blocks, _ = find_blocks(lines_from_text("\n".join(view)), doc=doc, side="after",
                                        section=section)
                for b in blocks:
                    if not isinstance(b, Table) or b.header is None or not R.claims(b):
                        continue
                    if doc.endswith("model-matrix/quota.md"):
                        quota_claimed += 1
                    tables += 1
                    for f in R.extract(b):
                        facts += 1
                        region = dict(f.subject)["region"]
                        assert region and re.fullmatch(r"[a-z0-9]+", region), (report.name, doc, f)
                        assert f.value is True and f.attribute == "available"
    print(f"corpus: {tables} claimed tables with a header, {facts} facts")
    assert quota_claimed == 0
    assert tables > 50 and facts > 1000
