"""Runs examples/questions.ipynb top to bottom (nbclient, a python3 kernel) against the
hand-written history of ``history_fixtures``, whose path the notebook reads from
``$EXTRACTOR_DB``, and checks its answers and its chart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from history_fixtures import build

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "questions.ipynb"


def outputs_text(nb: object) -> str:
    parts = []
    for cell in nb.cells:  # type: ignore[attr-defined]
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(out["text"])
            data = out.get("data", {})
            if "text/plain" in data:
                parts.append(data["text/plain"])
    return "\n".join(parts)


def test_notebook_runs_top_to_bottom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_path = build(tmp_path)
    monkeypatch.setenv("EXTRACTOR_DB", str(db_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    # The kernel flushes printed text on a timer, so one print can arrive as several stream
    # outputs, and late: coalesce them, and wait for (or fail on) output that comes late
    # instead of dropping it.
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", coalesce_streams=True,
                                     iopub_timeout=30, raise_on_iopub_timeout=True,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    text = outputs_text(nb)
    assert "o3 default global-standard TPM on 2025-05-01: 3,000,000" in text
    assert "1 retirement dates moved; later by 104 days in all, earlier by 0" in text
    assert "gpt-4.1 gained since 2025-03-01: eastus2" in text
    assert "changes from 2025-04-13 to 2025-04-20" in text
    assert "3 spans drawn" in text
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 1 and len(images[0]["data"]["image/png"]) > 5000
    assert os.environ["EXTRACTOR_DB"] == str(db_path)
