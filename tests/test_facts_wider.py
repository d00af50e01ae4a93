"""The wider kinds (FACTS.md "The wider kinds"): model specs, PTU sizing, default versions,
service limits and API versions, one hard case per test, each asserting the exact events
written reports give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import MODELS, OPENAI, QUOTAS, RETIREMENTS, change_tuples, hunk, ingest_changes, srt

from extractor.render import plain

PTU_DOC = OPENAI + "concepts/provisioned-throughput.md"
FINE_TUNE = OPENAI + "includes/fine-tune-models.md"
API_DOC = OPENAI + "includes/api-surface.md"


def ms(model: str, version: str | None = None, scope: str | None = None) -> dict[str, str]:
    s = {"model": model, "version": version, "scope": scope}
    return {k: v for k, v in s.items() if v is not None}


def ptu(model: str, dtype: str | None = None) -> dict[str, str]:
    return {"model": model} if dtype is None else {"model": model, "deployment_type": dtype}


# --- model_spec --------------------------------------------------------------------------------


def test_model_cells_with_version_and_a_bold_tag_line(tmp_path: Path) -> None:
    body = hunk("""
        +|  Model ID  | Description | Context Window | Max Output Tokens | Training Data (up to)  |
        +|  --- |  :--- |:--- |:---|:---: |
        +| `gpt-4o` (2024-11-20) <br> **GPT-4o (Omni)** | Text | 128,000 | 16,384 | Oct 2023 |
        +| gpt-4.1 (2025-04-14) <br> **Latest model** | Text | 1,047,576 | 32,768 | May 31, 2024 |
        +| `o1` & `o1-preview` | Reasoning | 200,000 | - | N/A |
        """)
    _, ch = ingest_changes(tmp_path, ("2025-04-20", [(MODELS, "modified", body)]))
    assert ch == srt([
        ("model_spec", ms("gpt-4o", "2024-11-20"), "context_window", "added", None, 128000, None),
        ("model_spec", ms("gpt-4o", "2024-11-20"), "max_output_tokens", "added", None, 16384, None),
        ("model_spec", ms("gpt-4o", "2024-11-20"), "training_data", "added", None, "2023-10", None),
        ("model_spec", ms("gpt-4.1", "2025-04-14"), "context_window", "added", None, 1047576, None),
        ("model_spec", ms("gpt-4.1", "2025-04-14"), "max_output_tokens", "added", None, 32768, None),
        ("model_spec", ms("gpt-4.1", "2025-04-14"), "training_data", "added", None, "2024-05-31", None),
        ("model_spec", ms("o1"), "context_window", "added", None, 200000, None),
        ("model_spec", ms("o1-preview"), "context_window", "added", None, 200000, None),
    ])


def test_labelled_parts_in_one_cell_split_by_label(tmp_path: Path) -> None:
    body = hunk("""
        +|  Model ID  | Description | Max Request (tokens) | Training Data (up to)  |
        +| --- | --- | --- | --- |
        +| `o3-mini` (2025-01-31) | Reasoning | Input: 200,000 <br> Output: 100,000 | Oct 2023 |
        +| `gpt-4o-mini` (2024-07-18) | - | Input: 128,000 <br>Output: 16,384 <br>Training example context length: 1 | Oct 2023 |
        +| `text-embedding-3-large` | Embeddings | 8,192 | Sep 2021 |
        """)
    db, ch = ingest_changes(tmp_path, ("2025-02-01", [(MODELS, "modified", body)]))
    assert ch == srt([
        ("model_spec", ms("o3-mini", "2025-01-31"), "max_request_tokens", "added", None, 200000, None),
        ("model_spec", ms("o3-mini", "2025-01-31"), "max_output_tokens", "added", None, 100000, None),
        ("model_spec", ms("o3-mini", "2025-01-31"), "training_data", "added", None, "2023-10", None),
        ("model_spec", ms("gpt-4o-mini", "2024-07-18"), "max_request_tokens", "added", None, 128000, None),
        ("model_spec", ms("gpt-4o-mini", "2024-07-18"), "max_output_tokens", "added", None, 16384, None),
        ("model_spec", ms("gpt-4o-mini", "2024-07-18"), "training_data", "added", None, "2023-10", None),
        ("model_spec", ms("text-embedding-3-large"), "max_request_tokens", "added", None, 8192, None),
        ("model_spec", ms("text-embedding-3-large"), "training_data", "added", None, "2021-09", None),
    ])
    raws = {(r["subject"]["model"], r["attribute"]): r["new_raw"] for r in db.records()}
    assert raws[("o3-mini", "max_output_tokens")] == "Input: 200,000 <br> Output: 100,000"


def test_the_unqualified_value_of_a_cell_with_qualified_alternates(tmp_path: Path) -> None:
    first = hunk("""
        +| Model ID | Context Window | Max Output Tokens |
        +| --- | --- | --- |
        +| `gpt-4.1` (2025-04-14) | - 1,047,576 <br> - 128,000 (provisioned managed deployments) | 32,768 |
        """)
    second = hunk("""
         | Model ID | Context Window | Max Output Tokens |
         | --- | --- | --- |
        -| `gpt-4.1` (2025-04-14) | - 1,047,576 <br> - 128,000 (provisioned managed deployments) | 32,768 |
        +| `gpt-4.1` (2025-04-14) | - 1,047,576 <br> - 300,000 (provisioned managed deployments) | 32,768 |
        """)
    _, ch = ingest_changes(tmp_path, ("2025-04-15", [(MODELS, "modified", first)]),
                           ("2025-05-01", [(MODELS, "modified", second)]))
    assert ch == srt([  # the alternate changed: no event
        ("model_spec", ms("gpt-4.1", "2025-04-14"), "context_window", "added", None, 1047576, None),
        ("model_spec", ms("gpt-4.1", "2025-04-14"), "max_output_tokens", "added", None, 32768, None),
    ])


def test_fine_tuning_scope_by_document_or_section_never_merges(tmp_path: Path) -> None:
    include = hunk("""
        +|  Model ID  | Fine-tuning regions | Max request (tokens) | Training Data (up to) |
        +| --- | --- | --- | --- |
        +| `gpt-4o` <sup>**1**</sup> (2024-08-06) | East US2 <br> Sweden Central | Input: 128,000 <br> Output: 16,384 | Oct 2023 |
        """)
    models = hunk("""
         ## Fine-tuning models
         .
        +|  Model ID  | Max Request (tokens) |
        +| --- | --- |
        +| `gpt-4o` (2024-08-06) | 65,536 |
         .
         ## GPT-4
         .
        +|  Model ID  | Fine-Tuning Regions | Max Request (tokens) | Training Data (up to) |
        +| --- | --- | --- | --- |
        +| `gpt-4o` (2024-08-06) | North Central US | 128,000 | Oct 2023 |
        """)
    _, ch = ingest_changes(tmp_path, ("2025-02-01", [(FINE_TUNE, "modified", include), (MODELS, "modified", models)]))
    assert ch == srt([
        ("model_spec", ms("gpt-4o", "2024-08-06", "fine-tuning"), "max_request_tokens", "added", None, 128000, None),
        ("model_spec", ms("gpt-4o", "2024-08-06", "fine-tuning"), "max_output_tokens", "added", None, 16384, None),
        ("model_spec", ms("gpt-4o", "2024-08-06", "fine-tuning"), "training_data", "added", None, "2023-10", None),
        ("model_spec", ms("gpt-4o", "2024-08-06", "fine-tuning"), "max_request_tokens", "added", None, 65536, None),
        ("model_spec", ms("gpt-4o", "2024-08-06"), "max_request_tokens", "added", None, 128000, None),
        ("model_spec", ms("gpt-4o", "2024-08-06"), "training_data", "added", None, "2023-10", None),
    ])


def test_training_data_months_dates_and_text_and_columns_that_are_not_token_counts(tmp_path: Path) -> None:
    body = hunk("""
        +| Model ID | Max Request (tokens) | Training Data (up to) |
        +| --- | --- | --- |
        +| `a` | 1,000 | October 2023 |
        +| `b` | 2,000 | Sept 2021 |
        +| `c` | 3,000 | May 31, 2024 |
        +| `d` | 4,000 | Up to the end of 2023 |
        .
        +| Model ID | Max Request (characters) |
        +| --- | --- |
        +| `tts-1` | 4,096 |
        .
        +| Model ID | Max Request (audio file size) |
        +| --- | --- |
        +| `whisper` | 25 MB |
        """)
    _, ch = ingest_changes(tmp_path, ("2025-02-01", [(MODELS, "modified", body)]))
    assert [c for c in ch if c[2] == "training_data"] == srt([
        ("model_spec", ms("a"), "training_data", "added", None, "2023-10", None),
        ("model_spec", ms("b"), "training_data", "added", None, "2021-09", None),
        ("model_spec", ms("c"), "training_data", "added", None, "2024-05-31", None),
        ("model_spec", ms("d"), "training_data", "added", None, "Up to the end of 2023", None),
    ])
    assert {c[1]["model"] for c in ch} == {"a", "b", "c", "d"}  # characters and audio sizes give nothing


# --- ptu ---------------------------------------------------------------------------------------

PTU_TABLE = hunk("""
    +|Topic| **gpt-4o**   | **gpt-4o-mini**   |
    +| --- | --- | --- |
    +|Global & data zone provisioned minimum deployment|15|15|
    +|Regional provisioned scale increment|50|25|
    +|Input TPM per PTU | 2,500 | 37,000  |
    +|Latency Target Value |99% > 25 Tokens Per Second* |33 Tokens Per Second|
    +|Content filtering | yes | yes |
    """, old=40)


def test_transposed_ptu_table_and_its_rows_without_the_header(tmp_path: Path) -> None:
    later = hunk("""
         |Global & data zone provisioned minimum deployment|15|15|
        -|Regional provisioned scale increment|50|25|
        +|Regional provisioned scale increment|50|20|
         |Input TPM per PTU | 2,500 | 37,000  |
        -|Latency Target Value |99% > 25 Tokens Per Second* |33 Tokens Per Second|
        +|Latency Target Value |99% > 66 Tokens Per Second* |33 Tokens Per Second|
        """, old=42, section="To help with simplifying the sizing effort")
    db, ch = ingest_changes(tmp_path, ("2024-11-23", [(PTU_DOC, "modified", PTU_TABLE)]),
                            ("2024-12-06", [(PTU_DOC, "modified", later)]))
    added = [("gpt-4o", "global-provisioned", "min_ptu", 15), ("gpt-4o", "data-zone-provisioned", "min_ptu", 15),
             ("gpt-4o-mini", "global-provisioned", "min_ptu", 15),
             ("gpt-4o-mini", "data-zone-provisioned", "min_ptu", 15),
             ("gpt-4o", "provisioned", "increment", 50), ("gpt-4o-mini", "provisioned", "increment", 25),
             ("gpt-4o", None, "input_tpm_per_ptu", 2500), ("gpt-4o-mini", None, "input_tpm_per_ptu", 37000),
             ("gpt-4o", None, "latency_target_tps", 25), ("gpt-4o-mini", None, "latency_target_tps", 33)]
    assert ch == srt([("ptu", ptu(m, dt), a, "added", None, v, None) for m, dt, a, v in added] + [
        ("ptu", ptu("gpt-4o-mini", "provisioned"), "increment", "changed", 25, 20, None),
        ("ptu", ptu("gpt-4o", None), "latency_target_tps", "changed", 25, 66, None),
    ])
    assert int(db.sql("SELECT count(*) AS n FROM unresolved")["n"][0]) == 0


def test_ptu_columns_reordered_with_one_model_inserted_give_only_its_events(tmp_path: Path) -> None:
    reordered = hunk("""
        -|Topic| **gpt-4o**   | **gpt-4o-mini**   |
        -| --- | --- | --- |
        -|Global & data zone provisioned minimum deployment|15|15|
        -|Regional provisioned scale increment|50|25|
        -|Input TPM per PTU | 2,500 | 37,000  |
        -|Latency Target Value |99% > 25 Tokens Per Second* |33 Tokens Per Second|
        -|Content filtering | yes | yes |
        +|Topic| **gpt-4o-mini** | **o1** | **gpt-4o** |
        +| --- | --- | --- | --- |
        +|Global & data zone provisioned minimum deployment|15|15|15|
        +|Regional provisioned scale increment|25|50|50|
        +|Input TPM per PTU |37,000|230| 2,500 |
        +|Latency Target Value |33 Tokens Per Second|25 Tokens Per Second|99% > 25 Tokens Per Second* |
        +|Content filtering | yes | yes | yes |
        """, old=40)
    _, ch = ingest_changes(tmp_path, ("2024-11-23", [(PTU_DOC, "modified", PTU_TABLE)]),
                           ("2025-03-05", [(PTU_DOC, "modified", reordered)]))
    later = [c for c in ch if c[1]["model"] == "o1"]
    assert later == srt([
        ("ptu", ptu("o1", "global-provisioned"), "min_ptu", "added", None, 15, None),
        ("ptu", ptu("o1", "data-zone-provisioned"), "min_ptu", "added", None, 15, None),
        ("ptu", ptu("o1", "provisioned"), "increment", "added", None, 50, None),
        ("ptu", ptu("o1"), "input_tpm_per_ptu", "added", None, 230, None),
        ("ptu", ptu("o1"), "latency_target_tps", "added", None, 25, None),
    ])
    assert len(ch) == 10 + 5  # the first table's 10 events, then o1's 5 only


def test_ptu_header_naming_one_model_in_two_versions(tmp_path: Path) -> None:
    body = hunk("""
        +|     | **gpt-4o**, **2024-05-13**   & **gpt-4o**, **2024-08-06**   | **gpt-4o-mini**, **2024-07-18**   |
        +| --- | --- | --- |
        +| Deployable Increments | 50 | 25|
        +| Max Output TPM per PTU| 833|12,333|
        """)
    _, ch = ingest_changes(tmp_path, ("2024-11-08", [(PTU_DOC, "modified", body)]))
    assert ch == srt([  # "Deployable Increments" is none of the rows the kind reads
        ("ptu", ptu("gpt-4o"), "output_tpm_per_ptu", "added", None, 833, None),
        ("ptu", ptu("gpt-4o-mini"), "output_tpm_per_ptu", "added", None, 12333, None),
    ])


# --- default_version ---------------------------------------------------------------------------


def test_default_version_cells_with_prose_around_the_date(tmp_path: Path) -> None:
    first = hunk("""
        +| Model | Current default version | New default version | Default upgrade date |
        +|---|---|---|---|
        +| `gpt-35-turbo` | 0301 | 0125 | `0301` on [**Auto-update**](/x) go to version: `0125`, starting on January 13, 2025.|
        +|  `gpt-4o` | 2024-05-13 | `2024-08-06` | Upgrades to `2024-08-06` are planned; no date yet. |
        +| `o1` | 2024-12-17 | - | - |
        """)
    second = hunk("""
         | Model | Current default version | New default version | Default upgrade date |
         |---|---|---|---|
        -| `gpt-35-turbo` | 0301 | 0125 | `0301` on [**Auto-update**](/x) go to version: `0125`, starting on January 13, 2025.|
        +| `gpt-35-turbo` | 0301 | 0125 | `0301` on [**Auto-update**](/x) go to version: `0125`, starting on January 21, 2025.|
        """)
    _, ch = ingest_changes(tmp_path, ("2024-11-13", [(RETIREMENTS, "modified", first)]),
                           ("2025-02-07", [(RETIREMENTS, "modified", second)]))
    dv = "default_version"
    assert ch == srt([
        (dv, {"model": "gpt-35-turbo"}, "default_version", "added", None, "0301", None),
        (dv, {"model": "gpt-35-turbo"}, "new_default_version", "added", None, "0125", None),
        (dv, {"model": "gpt-35-turbo"}, "upgrade_date", "added", None, "2025-01-13", None),
        (dv, {"model": "gpt-35-turbo"}, "upgrade_date", "changed", "2025-01-13", "2025-01-21", None),
        (dv, {"model": "gpt-4o"}, "default_version", "added", None, "2024-05-13", None),
        (dv, {"model": "gpt-4o"}, "new_default_version", "added", None, "2024-08-06", None),
        (dv, {"model": "o1"}, "default_version", "added", None, "2024-12-17", None),
    ])


# --- service_limit -----------------------------------------------------------------------------

LIMITS = hunk("""
    +| Limit Name | Limit Value |
    +|--|--|
    +| OpenAI resources per region per Azure subscription | 30 |
    +| Max files per Assistant/thread | 10,000 when using the API or AI Foundry. 20 when using Azure OpenAI Studio.|
    +| Max file size for Assistants & fine-tuning | 512 MB |
    +| Max size for all uploaded files for Assistants |100 GB |
    +| GPT-4o max images per request (# of images in the messages array/conversation history)<sup>1</sup> | 10 |
    +| Default DALL-E 2 quota limits | 2 concurrent requests |
    +| Requests per minute (Azure OpenAI models) | Varies per model and SKU. See [limits](../x.md). |
    +| Max training job size | N/A |
    """, old=60)


def test_service_limits_canonical_names_and_sizes_in_bytes(tmp_path: Path) -> None:
    _, ch = ingest_changes(tmp_path, ("2024-12-01", [(QUOTAS, "modified", LIMITS)]))
    sl = "service_limit"
    assert ch == srt([
        (sl, {"name": "openai-resources-per-region-per-azure-subscription"}, "value", "added", None, 30, None),
        (sl, {"name": "max-files-per-assistant-thread"}, "value", "added", None, 10000, None),
        (sl, {"name": "max-file-size-for-assistants-fine-tuning"}, "value", "added", None, 536870912, None),
        (sl, {"name": "max-size-for-all-uploaded-files-for-assistants"}, "value", "added", None, 107374182400, None),
        (sl, {"name": "gpt-4o-max-images-per-request-of-images-in-the-messages-array-conversation-history"},
         "value", "added", None, 10, None),
        (sl, {"name": "default-dall-e-2-quota-limits"}, "value", "added", None, 2, None),
        (sl, {"name": "requests-per-minute-azure-openai-models"}, "value", "added", None,
         "Varies per model and SKU. See limits.", None),
    ])


def test_a_renamed_limit_is_removed_and_added_and_a_reworded_value_is_no_event(tmp_path: Path) -> None:
    later = hunk("""
         | Limit Name | Limit Value |
         |--|--|
        -| OpenAI resources per region per Azure subscription | 30 |
        +| Azure OpenAI resources per region per Azure subscription | 30 |
        -| Max files per Assistant/thread | 10,000 when using the API or AI Foundry. 20 when using Azure OpenAI Studio.|
        -| Max file size for Assistants & fine-tuning | 512 MB |
        +| Max files per Assistant/thread | 10,000 when using the API or Azure AI Foundry portal. In the Studio the limit was 20.|
        +| Max file size for Assistants & fine-tuning | 512 MB<br/><br/>200 MB via Azure AI Foundry portal |
         | Max size for all uploaded files for Assistants |100 GB |
        -| GPT-4o max images per request (# of images in the messages array/conversation history)<sup>1</sup> | 10 |
        +| GPT-4o max images per request (# of images in the messages array/conversation history)<sup>1</sup> | 50 |
        """, old=60)
    db, _ = ingest_changes(tmp_path, ("2024-12-01", [(QUOTAS, "modified", LIMITS)]),
                           ("2024-12-04", [(QUOTAS, "modified", later)]))
    sl = "service_limit"
    assert change_tuples(r for r in db.records() if r["observed_at"] == "2024-12-04") == srt([
        (sl, {"name": "openai-resources-per-region-per-azure-subscription"}, "value", "removed", 30, None, None),
        (sl, {"name": "azure-openai-resources-per-region-per-azure-subscription"}, "value", "added", None, 30, None),
        (sl, {"name": "gpt-4o-max-images-per-request-of-images-in-the-messages-array-conversation-history"},
         "value", "changed", 10, 50, None),
    ])


# --- api_version -------------------------------------------------------------------------------


def test_api_names_and_version_cells_that_are_links(tmp_path: Path) -> None:
    first = hunk("""
        +| API | Latest preview release | Latest GA release | Specifications | Description |
        +|:---|:----|:----|:----|:---|
        +| **Control plane** | [`2024-06-01-preview`](/a?v=x) | [`2023-05-01`](/b) | [Spec](https://x) | Shared. |
        +| **Data plane - inference** | [`2024-10-01-preview`](/p#x) | [`2024-06-01`](/r#x) | [Spec](https://y) | Inference. |
        +| **Data plane - authoring** | `2024-10-01-preview` | - | [Spec](https://z) | Authoring. |
        """)
    second = hunk("""
         | API | Latest preview release | Latest GA release | Specifications | Description |
         |:---|:----|:----|:----|:---|
        -| **Data plane - inference** | [`2024-10-01-preview`](/p#x) | [`2024-06-01`](/r#x) | [Spec](https://y) | Inference. |
        +| **Data plane - inference** | [`2024-10-01-preview`](/p#x) | [`2024-10-21`](/r#x) | [Spec](https://y) | All. |
        """)
    _, ch = ingest_changes(tmp_path, ("2024-10-17", [(API_DOC, "modified", first)]),
                           ("2024-11-02", [(API_DOC, "modified", second)]))
    av = "api_version"
    assert ch == srt([
        (av, {"api": "control-plane"}, "latest_preview", "added", None, "2024-06-01-preview", None),
        (av, {"api": "control-plane"}, "latest_ga", "added", None, "2023-05-01", None),
        (av, {"api": "data-plane-inference"}, "latest_preview", "added", None, "2024-10-01-preview", None),
        (av, {"api": "data-plane-inference"}, "latest_ga", "added", None, "2024-06-01", None),
        (av, {"api": "data-plane-inference"}, "latest_ga", "changed", "2024-06-01", "2024-10-21", None),
        (av, {"api": "data-plane-authoring"}, "latest_preview", "added", None, "2024-10-01-preview", None),
    ])


# --- queries, API and digest over the wider kinds ----------------------------------------------


def _rows(df: Any, cols: list[str]) -> list[tuple[Any, ...]]:
    return [tuple(plain(v) for v in r) for r in df[cols].itertuples(index=False)]


def test_named_queries_views_and_digest_of_the_wider_kinds(tmp_path: Path) -> None:
    ptu_later = hunk("""
         |Global & data zone provisioned minimum deployment|15|15|
        -|Regional provisioned scale increment|50|25|
        +|Regional provisioned scale increment|50|20|
        """, old=42)
    api = hunk("""
        +| API | Latest preview release | Latest GA release |
        +|:---|:----|:----|
        +| **Data plane - inference** | [`2024-10-01-preview`](/p#x) | [`2024-10-21`](/r#x) |
        """)
    db, _ = ingest_changes(tmp_path, ("2024-11-23", [(PTU_DOC, "modified", PTU_TABLE), (QUOTAS, "modified", LIMITS)]),
                           ("2024-12-06", [(PTU_DOC, "modified", ptu_later), (API_DOC, "modified", api)]))
    cols = ["model", "deployment_type", "min_ptu", "increment", "input_tpm_per_ptu", "latency_target_tps", "since"]
    assert _rows(db.query("ptu_sizing", model="gpt-4o-mini"), cols) == [
        ("gpt-4o-mini", None, None, None, 37000, 33, "2024-11-23"),
        ("gpt-4o-mini", "data-zone-provisioned", 15, None, 37000, 33, "2024-11-23"),
        ("gpt-4o-mini", "global-provisioned", 15, None, 37000, 33, "2024-11-23"),
        ("gpt-4o-mini", "provisioned", None, 20, 37000, 33, "2024-12-06"),
    ]
    assert _rows(db.query("ptu_sizing", model="gpt-4o-mini", deployment_type="provisioned", as_of="2024-12-01"),
                 ["increment"]) == [(25,)]
    assert _rows(db.query("service_limits", limit="max-file*"), ["name", "value", "value_num", "value_raw"]) == [
        ("max-file-size-for-assistants-fine-tuning", "536870912", 536870912, "512 MB"),
        ("max-files-per-assistant-thread", "10000", 10000,
         "10,000 when using the API or AI Foundry. 20 when using Azure OpenAI Studio."),
    ]
    assert _rows(db.query("service_limits", limit="requests-*"), ["value", "value_num"]) == [
        ("Varies per model and SKU. See limits.", None)]
    assert _rows(db.query("api_versions"), ["api", "latest_preview", "latest_ga", "since"]) == [
        ("data-plane-inference", "2024-10-01-preview", "2024-10-21", "2024-12-06")]
    assert db.history("service_limit")["name"].nunique() == 7  # the API takes a kind without a model
    assert set(db.changes(kind="api_version")["description"]) == {
        "data-plane-inference latest GA: 2024-10-21 (new)",
        "data-plane-inference latest preview: 2024-10-01-preview (new)"}
    assert "" not in set(db.query("models_first_seen")["model"].fillna(""))
    md = db.report("2024-12-01", "2024-12-31")
    assert "### nan" not in md and "API versions (service)" in md and "data-plane-inference latest GA" in md
    stats = db.stats()["events"]
    assert {"ptu", "service_limit", "api_version"} <= set(stats["kind"])


def test_model_specs_and_default_versions_queries(tmp_path: Path) -> None:
    include = hunk("""
        +|  Model ID  | Fine-tuning regions | Max request (tokens) | Training Data (up to) |
        +| --- | --- | --- | --- |
        +| `gpt-4o` (2024-08-06) | East US2 | Input: 128,000 <br> Output: 16,384 | Oct 2023 |
        """)
    models = hunk("""
        +| Model ID | Context Window | Max Output Tokens | Training Data (up to) |
        +| --- | --- | --- | --- |
        +| `gpt-4o` (2024-08-06) | 128,000 | 16,384 | Oct 2023 |
        """)
    default = hunk("""
        +| Model | Current default version | New default version | Default upgrade date |
        +|---|---|---|---|
        +| `gpt-4o` | 2024-05-13 | 2024-08-06 | Upgraded to `2024-08-06`, starting on February 13, 2025. |
        """)
    db, _ = ingest_changes(tmp_path, ("2025-01-10", [(FINE_TUNE, "modified", include), (MODELS, "modified", models),
                                                     (RETIREMENTS, "modified", default)]))
    cols = ["model", "version", "scope", "context_window", "max_output_tokens", "max_request_tokens", "training_data"]
    assert _rows(db.query("model_specs", model="gpt-4o"), cols) == [
        ("gpt-4o", "2024-08-06", None, 128000, 16384, None, "2023-10"),
        ("gpt-4o", "2024-08-06", "fine-tuning", None, 16384, 128000, "2023-10"),
    ]
    assert _rows(db.query("model_specs", scope="base"), ["scope"]) == [(None,)]
    assert _rows(db.query("default_versions"), ["model", "default_version", "new_default_version", "upgrade_date"]) == [
        ("gpt-4o", "2024-05-13", "2024-08-06", "2025-02-13")]
    facts = db.query("model_facts", model="gpt-4o")
    assert _rows(facts[facts["kind"] == "model_spec"], ["scope", "attribute", "value"]) == [
        (None, "context_window", "128,000"), (None, "max_output_tokens", "16,384"), (None, "training_data", "2023-10"),
        ("fine-tuning", "max_output_tokens", "16,384"), ("fine-tuning", "max_request_tokens", "128,000"),
        ("fine-tuning", "training_data", "2023-10"),
    ]
