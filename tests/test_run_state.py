"""A run's state lives in its ``Run``: no module of the package keeps rows, facts or claims between runs.

An ingest runs twice in this process; every dict, list and set held at module level in
``extractor`` must be as large after the runs as before them (a cache that outlives a run
would grow), and the second run must store what the first stored.
"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import MATRIX, QUOTAS, hunk, report

import extractor
from extractor.ingest.caches import RunCache
from extractor.ingest.context import Run

QUOTA_HUNK = hunk("""\
 ## Global Standard
 | Model | Tier | Tokens per minute |
 |---|---|---|
-| `gpt-4o` | Default | 450 K |
+| `gpt-4o` | Default | 900 K |
""")
MATRIX_HUNK = hunk("""\
 | **Region** | **gpt-4o**, **2024-08-06** |
 |:---|:---:|
 | eastus | ✅ |
+| westus | ✅ |
""")


def module_containers() -> dict[tuple[str, str], int]:
    return {(name, attr): len(value) for name, mod in list(sys.modules.items())
            if name == "extractor" or name.startswith("extractor.")
            for attr, value in vars(mod).items() if isinstance(value, dict | list | set)}


def records(tmp_path: Path, name: str, paths: list[Path]) -> list[dict[str, object]]:
    with extractor.connect(tmp_path / f"{name}.duckdb") as db:
        db.ingest(paths)
        return db.records()


def test_no_module_keeps_anything_of_a_run(tmp_path: Path) -> None:
    paths = [report(tmp_path, "2025-02-08", [(QUOTAS, "modified", QUOTA_HUNK),
                                             (MATRIX + "standard-global.md", "modified", MATRIX_HUNK)])]
    first = records(tmp_path, "warm", paths)  # imports everything an ingest needs
    before = module_containers()
    second = records(tmp_path, "again", paths)
    after = module_containers()
    assert {k: (before.get(k), n) for k, n in after.items() if before.get(k) != n} == {}
    assert second == first and len(first) == 3  # 900 K (changed) and westus (added), eastus seen
    other = [report(tmp_path, "2025-02-09", [(QUOTAS, "modified", QUOTA_HUNK.replace("900 K", "950 K"))])]
    assert len(records(tmp_path, "other", other)) == 1  # rows never seen before: nothing may keep them
    assert {k: (before.get(k), n) for k, n in module_containers().items() if before.get(k) != n} == {}


def test_each_run_has_its_own_cache(tmp_path: Path) -> None:
    with extractor.connect(tmp_path / "x.duckdb") as db:
        one, two = Run(db.store), Run(db.store)
    assert isinstance(one.cache, RunCache) and one.cache is not two.cache
    assert one.cache.row_facts == {} and one.cache.subjects == {}
