"""Runs examples/questions.ipynb top to bottom (nbclient, a python3 kernel), its database read
from ``$EXTRACTOR_DB``: on the hand-written history of ``history_fixtures`` (exact answers),
and on the corpus (skipped when absent), where every answer is non-empty. The models and
dates it asks about are picked from the data; "what is new" counts from the latest change."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from history_fixtures import build

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "questions.ipynb"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def run_notebook(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    monkeypatch.setenv("EXTRACTOR_DB", str(db_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    # The kernel flushes printed text on a timer: coalesce the stream outputs, and wait for late ones.
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", coalesce_streams=True,
                                     iopub_timeout=30, raise_on_iopub_timeout=True,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    text = "\n".join(o["text"] for c in nb.cells for o in c.get("outputs", []) if "text" in o)
    return nb, text


def images(nb: Any) -> list[dict[str, Any]]:
    return [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def test_notebook_runs_top_to_bottom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb, text = run_notebook(build(tmp_path), tmp_path, monkeypatch)
    assert [line for line in text.splitlines() if line] == [
        "latest change 2025-04-20; quotas of o4-mini on 2025-04-01; retirements in 2025-01-01 to 2025-03-31; "
        "regions of gpt-4.1 since 2025-01-20",
        "o4-mini TPM on 2025-04-01 (global-standard, default): 5,000,000",
        "1 retirement dates moved from 2025-01-01 to 2025-03-31; later by 104 days in all, earlier by 0",
        "gpt-4.1 gained since 2025-01-20: eastus2, swedencentral, westus",
        "gpt-4.1 lost since 2025-01-20: westus",
        "1 changes from 2025-04-13 to 2025-04-20",  # counted from the latest change, not today
        "1 series drawn, 1 in the legend",
    ]
    assert len(images(nb)) == 1 and len(images(nb)[0]["data"]["image/png"]) > 5000


def test_notebook_answers_on_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    import extractor

    db_path = tmp_path / "corpus.duckdb"
    with extractor.connect(db_path) as db:
        db.ingest([CORPUS])
    nb, text = run_notebook(db_path, tmp_path, monkeypatch)
    assert re.search(r"^\S+ TPM on \S+ \(.+\): [\d,]+$", text, re.M), text
    moved = re.search(r"^(\d+) retirement dates moved", text, re.M)
    assert moved and int(moved.group(1)) > 0
    gained = re.search(r"^\S+ gained since \S+: (.+)$", text, re.M)
    assert gained and gained.group(1) != "none"
    week = re.search(r"^(\d+) changes from", text, re.M)
    assert week and int(week.group(1)) > 0
    drawn = re.search(r"^(\d+) series drawn, (\d+) in the legend$", text, re.M)
    assert drawn and int(drawn.group(1)) > 0 and drawn.group(1) == drawn.group(2)
    assert len(images(nb)) == 1
