"""Tests of ``ingest.extract.block_facts``: rows read once, then taken from the cache with their own line.

Each fixture is a small table or list written here; the facts through the cache must be the
recogniser's own, line for line, also when the same row comes back at another line, under
other headings or in another document.
"""

from __future__ import annotations

from extractor.blocks.tables import find_blocks, lines_from_text
from extractor.ingest.caches import RunCache
from extractor.ingest.extract import block_facts
from extractor.kinds import Fact, claimant
from extractor.semdiff import diff_facts

QUOTAS = "articles/ai-services/openai/quotas-limits.md"
MATRIX = "articles/ai-services/openai/includes/model-matrix/standard-global.md"

QUOTA_TABLE = """\
## Global Standard

| Model | Tier | Tokens per minute |
|---|---|---|
| `gpt-4o` | Default | 450 K |
| `o3` | Default | 1 M |
"""

REGION_MATRIX = """\
| **Region** | **gpt-4o**, **2024-08-06** | **o3**, **2025-04-16** |
|:---|:---:|:---:|
| eastus | ✅ | ✅ |
| westus | ✅ | - |
| eastus | ✅ | ✅ |
"""


def blocks(md: str, doc: str, first_no: int = 1, headings: list[tuple[int, str]] | None = None) -> list:
    found, _ = find_blocks(lines_from_text(md, first_no=first_no), doc=doc, side="after", section="",
                           headings=headings)
    return found


def facts(blk: object) -> list[tuple[object, ...]]:
    return [(f.kind, f.subject, f.attribute, f.value, f.raw, f.qualifier, f.line.src_line) for f in blk]  # type: ignore[attr-defined]


def direct(blk: object) -> list[Fact]:
    rec = claimant(blk)  # type: ignore[arg-type]
    assert rec is not None
    return list(rec.extract(blk))  # type: ignore[arg-type]


CACHE = RunCache()


def cached(blk: object) -> list[Fact]:
    rec = claimant(blk)  # type: ignore[arg-type]
    assert rec is not None
    return block_facts(rec, blk, CACHE)  # type: ignore[arg-type]


def test_a_row_read_again_gives_the_same_facts_at_its_new_line() -> None:
    CACHE.row_facts.clear()
    (first,) = blocks(QUOTA_TABLE, QUOTAS)
    assert facts(cached(first)) == facts(direct(first)) == [
        ("quota", (("model", "gpt-4o"), ("deployment_type", "global-standard"), ("tier", "default"),
                   ("region", None)), "tpm", 450_000, "450 K", None, 5),
        ("quota", (("model", "o3"), ("deployment_type", "global-standard"), ("tier", "default"),
                   ("region", None)), "tpm", 1_000_000, "1 M", None, 6),
    ]
    cached_rows = len(CACHE.row_facts)
    assert cached_rows == 2
    (moved,) = blocks(QUOTA_TABLE, QUOTAS, first_no=41)  # the same table further down
    assert [f[6] for f in facts(cached(moved))] == [45, 46]
    assert len(CACHE.row_facts) == cached_rows  # taken from the cache
    assert facts(cached(moved)) == facts(direct(moved))


def test_the_cache_tells_apart_headings_and_documents() -> None:
    CACHE.row_facts.clear()
    (standard,) = blocks(QUOTA_TABLE.replace("## Global Standard", "## Standard"), QUOTAS)
    (global_,) = blocks(QUOTA_TABLE, QUOTAS)
    assert [f.subject[1][1] for f in cached(standard)] == ["standard", "standard"]
    assert [f.subject[1][1] for f in cached(global_)] == ["global-standard", "global-standard"]
    no_repeat = REGION_MATRIX.rsplit("| eastus", 1)[0]
    (in_matrix,) = blocks(no_repeat, MATRIX)
    (elsewhere,) = blocks(no_repeat, MATRIX.replace("standard-global", "provisioned"))
    assert {f.subject[2][1] for f in cached(in_matrix)} == {"global-standard"}
    assert {f.subject[2][1] for f in cached(elsewhere)} == {"provisioned"}
    assert facts(cached(elsewhere)) == facts(direct(elsewhere))


def test_a_repeated_row_still_states_its_facts_once() -> None:
    CACHE.row_facts.clear()
    (matrix,) = blocks(REGION_MATRIX, MATRIX)
    through_cache = cached(matrix)
    assert len(through_cache) == 5 and len(direct(matrix)) == 3  # the recogniser drops the repeat itself
    events = diff_facts(MATRIX, [], through_cache)
    assert [(e.subject[0][1], e.subject[3][1], e.line) for e in events] == [
        ("gpt-4o", "eastus", 3), ("o3", "eastus", 3), ("gpt-4o", "westus", 4)]
    assert sorted((e.subject, e.line) for e in events) == sorted(
        (e.subject, e.line) for e in diff_facts(MATRIX, [], direct(matrix)))


def test_a_table_without_its_header_is_read_whole() -> None:
    CACHE.row_facts.clear()
    rows_only = "| eastus | ✅ | ✅ |\n| westus | ✅ | - |\n"
    (blk,) = blocks(rows_only, MATRIX)
    assert blk.header is None
    rec = claimant(blk)
    assert rec is not None and rec.kind == "region_availability"
    assert block_facts(rec, blk, CACHE) == list(rec.extract(blk)) == []
    assert CACHE.row_facts == {}


def test_table_rows_split_into_cells_and_each_caller_gets_its_own() -> None:
    from extractor.blocks import tables

    row = r"| `gpt-4o` \| mini | `a|b` | 450 K |"
    first = tables.split_row(row)
    assert first == ["`gpt-4o` | mini", "`a|b`", "450 K"]
    assert not [n for n in vars(tables) if n.isupper() and isinstance(getattr(tables, n), dict)]  # no memo
    first.append("changed by a caller")
    again = tables.split_row(row)
    assert again == ["`gpt-4o` | mini", "`a|b`", "450 K"] and again is not first
    assert tables.split_row("|:---|---:|") == [":---", "---:"]


def test_alignment_rows_are_told_from_data_rows() -> None:
    from extractor.blocks.tables import is_alignment_row

    assert is_alignment_row(["---", ":---:", "--:"]) and is_alignment_row(["", ":-", ""])
    assert is_alignment_row([" --- ", "- - -"])  # cells as written, spaces and all
    assert not is_alignment_row(["`gpt-4o`", "---"]) and not is_alignment_row(["-", "450 K"])
    assert not is_alignment_row(["", ""]) and not is_alignment_row([])


def test_a_document_holds_facts_only_with_a_claimed_table_or_a_feature_docs_region_list() -> None:
    from extractor.sources.snapshot import holds_facts

    table = QUOTA_TABLE.splitlines()
    assert holds_facts(QUOTAS, table)
    assert holds_facts(QUOTAS, [ln.replace("| ", "|").replace(" |", "|") for ln in table])  # tight pipes
    prose = ["# Regions", "", "Batch deployments use the region of the resource; tokens per minute vary."]
    assert not holds_facts(QUOTAS, prose)
    not_ours = ["## Regions", "", "| Name | Notes |", "|---|---|", "| eastus | busy |"]
    assert not holds_facts(QUOTAS, not_ours)  # a table, but no recogniser claims it
    regions = ["## Region availability", "", "- East US", "- Sweden Central"]
    assert holds_facts("articles/ai-services/openai/how-to/responses.md", regions)
    assert not holds_facts(QUOTAS, regions)  # region lists count in feature docs only
