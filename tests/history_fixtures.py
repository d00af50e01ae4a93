"""A small hand-written history for the time-view, query, digest and notebook tests.

``build(folder)`` writes ten Diff Insight Reports (eleven files: the first change in two
languages) and ingests them into ``folder / "history.duckdb"``. What they state:

quotas-limits.md, ``### o-series global standard`` (deployment type global-standard, tier default)
  2025-01-10  o3 1 M / 1 K and o4-mini 5 M / 5 K shown as context (observations); o1 added 3 M / 500
  2025-02-01  o3 TPM 1 M → 2 M, RPM 1 K → 2 K
  2025-03-01  o3 TPM 2 M → 3 M (RPM 2 K shown unchanged)             → o3 TPM changes twice
  2025-03-15  o4-mini row removed
  2025-04-01  o4-mini row re-added, 5 M / 5 K                         → removed then re-added
  2025-04-20  two chained changes the same day: o1 TPM 3 M → 4 M (compare f000000...e000000,
              file report-20250420-zz.md), then 4 M → 6 M (e000000...d000000,
              report-20250420-aa.md): neither file name nor change id gives the order, the chain does
model-retirements.md
  2025-01-10  o1-preview 2024-09-12: retirement April 2, 2025, replacement o1 (added)
  2025-03-01  retirement moved to "No earlier than July 15, 2025"
includes/model-matrix/standard-global.md (global-standard), and concepts/models.md
  2025-02-01  matrix added: gpt-4.1 2025-04-14 in swedencentral, westus; o3 2025-04-16 in eastus2,
              swedencentral
  2025-03-05  gpt-4.1 gains eastus2, loses westus; models.md states gpt-4.1 in eastus2 and
              swedencentral (a second document stating the same subjects)
includes/global-batch-limits.md
  2025-02-01  gpt-4.1 global-batch: enterprise 5 B, default 200 M (added)
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from helpers import BATCH, MATRIX, MODELS, QUOTAS, RETIREMENTS, hunk, report

STD_GLOBAL = MATRIX + "standard-global.md"
LINK = "https://github.com/MicrosoftDocs/azure-ai-docs/compare/"

QUOTA_HEAD = """\
 ### o-series global standard
.
 | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
 |---|---|:---:|:---:|"""


def body(head: str, rows: str) -> str:
    """A hunk body: a table head (written flush) and rows (written indented)."""
    return head + "\n" + textwrap.dedent(rows).strip("\n")


def quota_hunk(rows: str) -> str:
    return hunk(body(QUOTA_HEAD, rows), old=40)


RET_HEAD = """\
 | Model | Version | Retirement date | Suggested replacements |
 | ---- | ---- | ---- | --- |"""

MATRIX_HEAD = """\
 | **Region** | **gpt-4.1**, **2025-04-14** | **o3**, **2025-04-16** |
 |:---|:---:|:---:|"""

BATCH_HEAD = """\
 ### Global batch
.
 | Model | Enterprise agreement | Default | Monthly credit card based subscriptions |
 |---|:---:|:---:|:---:|"""

REPORTS: list[dict[str, Any]] = [
    {"date": "2025-01-10", "base": "1111111", "head": "2222222", "name": "report-20250110-openai.md",
     "langs": ("en", "ja"), "sections": [
         (QUOTAS, "modified", quota_hunk("""\
              | `o3` | Default | 1 M | 1 K |
              | `o4-mini` | Default | 5 M | 5 K |
             +| `o1` | Default | 3 M | 500 |""")),
         (RETIREMENTS, "modified", hunk(body(RET_HEAD, """\
             +| `o1-preview` | 2024-09-12 | April 2, 2025 | `o1` |"""), old=20)),
     ]},
    {"date": "2025-02-01", "base": "2222222", "head": "3333333", "name": "report-20250201-openai.md", "sections": [
        (QUOTAS, "modified", quota_hunk("""\
            -| `o3` | Default | 1 M | 1 K |
            +| `o3` | Default | 2 M | 2 K |""")),
        (STD_GLOBAL, "added", hunk("""\
            +| **Region** | **gpt-4.1**, **2025-04-14** | **o3**, **2025-04-16** |
            +|:---|:---:|:---:|
            +| eastus2 | - | ✅ |
            +| swedencentral | ✅ | ✅ |
            +| westus | ✅ | - |""", old=0, new=1)),
        (BATCH, "modified", hunk(body(BATCH_HEAD, """\
            +| `gpt-4.1` | 5 B | 200 M | N/A |"""), old=12)),
    ]},
    {"date": "2025-03-01", "base": "3333333", "head": "4444444", "name": "report-20250301-openai.md", "sections": [
        (QUOTAS, "modified", quota_hunk("""\
            -| `o3` | Default | 2 M | 2 K |
            +| `o3` | Default | 3 M | 2 K |""")),
        (RETIREMENTS, "modified", hunk(body(RET_HEAD, """\
            -| `o1-preview` | 2024-09-12 | April 2, 2025 | `o1` |
            +| `o1-preview` | 2024-09-12 | No earlier than July 15, 2025 | `o1` |"""), old=20)),
    ]},
    {"date": "2025-03-05", "base": "4444444", "head": "5555555", "name": "report-20250305-openai.md", "sections": [
        (STD_GLOBAL, "modified", hunk(body(MATRIX_HEAD, """\
            -| eastus2 | - | ✅ |
            +| eastus2 | ✅ | ✅ |
             | swedencentral | ✅ | ✅ |
            -| westus | ✅ | - |
            +| westus | - | - |"""), old=1)),
        (MODELS, "modified", hunk("""\
             | Model | Region |
             |---|---|
            +| gpt-4.1 (2025-04-14) | East US2 (Global Standard), Sweden Central (Global Standard) |""", old=300)),
    ]},
    {"date": "2025-03-15", "base": "5555555", "head": "6666666", "name": "report-20250315-openai.md", "sections": [
        (QUOTAS, "modified", quota_hunk("""\
              | `o3` | Default | 3 M | 2 K |
             -| `o4-mini` | Default | 5 M | 5 K |""")),
    ]},
    {"date": "2025-04-01", "base": "6666666", "head": "7777777", "name": "report-20250401-openai.md", "sections": [
        (QUOTAS, "modified", quota_hunk("""\
              | `o3` | Default | 3 M | 2 K |
             +| `o4-mini` | Default | 5 M | 5 K |""")),
    ]},
    {"date": "2025-04-20", "base": "f000000", "head": "e000000", "name": "report-20250420-zz.md", "sections": [
        (QUOTAS, "modified", quota_hunk("""\
             -| `o1` | Default | 3 M | 500 |
             +| `o1` | Default | 4 M | 500 |""")),
    ]},
    {"date": "2025-04-20", "base": "e000000", "head": "d000000", "name": "report-20250420-aa.md", "sections": [
        (QUOTAS, "modified", quota_hunk("""\
             -| `o1` | Default | 4 M | 500 |
             +| `o1` | Default | 6 M | 500 |""")),
    ]},
]


def write_reports(folder: Path) -> list[Path]:
    """The fixture reports as files in ``folder`` (the first one in English and Japanese)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for r in REPORTS:
        for lang in r.get("langs", ("en",)):
            name = r["name"] if lang == "en" else r["name"].replace(".md", f".{lang}.md")
            paths.append(report(folder, r["date"], r["sections"], base=r["base"], head=r["head"], lang=lang,
                                name=name))
    return paths


def build(folder: Path, name: str = "history.duckdb") -> Path:
    """Write the reports under ``folder / "reports"`` and ingest them into ``folder / name``."""
    import extractor

    paths = write_reports(folder / "reports")
    db_path = folder / name
    with extractor.connect(db_path) as db:
        res = db.ingest(paths)
        assert res.ok, res.failed
        assert res.unresolved == 0
    return db_path
