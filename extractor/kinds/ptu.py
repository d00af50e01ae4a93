"""The ``ptu`` kind: provisioned throughput sizing per model and deployment type (minimum
deployment, scale increment, input / output TPM per PTU, latency target), and its
recogniser (this module holds both).

Claims the transposed tables of the provisioned-throughput documents: the first header
cell is empty or ``Topic``, every other header cell names a model (``**gpt-4o**``,
``**gpt-4o**, **2024-05-13** & **gpt-4o**, **2024-08-06**`` names one model, ``gpt-4o``),
one row per attribute. Columns are matched by model name, so a column inserted between
others, or columns re-ordered, change nothing for the rest.

Rows: ``… minimum deployment`` -> ``min_ptu``; ``… scale increment`` -> ``increment``;
``(Max) Input TPM per PTU`` -> ``input_tpm_per_ptu``; ``(Max) Output TPM per PTU`` ->
``output_tpm_per_ptu``; ``Latency Target Value`` -> ``latency_target_tps``, the number
before "Tokens Per Second" (``99% > 66 Tokens Per Second*`` -> 66). Other rows give nothing.
The row label gives the deployment type: ``Global & data zone provisioned …`` one fact for
``global-provisioned`` and one for ``data-zone-provisioned``; ``Regional provisioned …``
``provisioned``; a label naming none, null.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from extractor.blocks import Table
from extractor.kinds.base import Attribute, Fact, Kind
from extractor.kinds.cells import cell_models, norm_header
from extractor.normalize import parse_quantity, strip_markup

if TYPE_CHECKING:
    from extractor.blocks import Block

NAME = "ptu"
_DOC = re.compile(r"provisioned", re.I)
_ROWS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bminimum deployment\b"), "min_ptu"),
    (re.compile(r"\bscale increment\b"), "increment"),
    (re.compile(r"^(?:max(?:imum)? )?input tpm per ptu\b"), "input_tpm_per_ptu"),
    (re.compile(r"^(?:max(?:imum)? )?output tpm per ptu\b"), "output_tpm_per_ptu"),
    (re.compile(r"^latency target value\b"), "latency_target_tps"),
)
_TPS = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*tokens per second", re.I)


def deployment_types(label: str) -> list[str | None]:
    """The deployment types a row label names (``Global & data zone provisioned …`` two)."""
    n = norm_header(label)
    out: list[str | None] = []
    if re.search(r"\bglobal\b", n):
        out.append("global-provisioned")
    if re.search(r"\bdata ?zone\b", n):
        out.append("data-zone-provisioned")
    if re.search(r"\bregional\b", n) or (not out and re.search(r"\bprovisioned\b", n)):
        out.append("provisioned")
    return out or [None]


def row_attribute(label: str) -> str | None:
    n = norm_header(label)
    return next((attr for pattern, attr in _ROWS if pattern.search(n)), None)


def row_value(attr: str, raw: str) -> int | None:
    if attr == "latency_target_tps":
        m = _TPS.search(strip_markup(raw))
        return parse_quantity(m.group(1)) if m else None
    return parse_quantity(raw)


def header_models(header: list[str]) -> list[tuple[int, list[str]]]:
    """(column, models) of each model column (one model per column, or several)."""
    out = []
    for i, h in enumerate(header[1:], 1):
        models = list(dict.fromkeys(m for m, _ in cell_models(h)))
        if models:
            out.append((i, models))
    return out


class PtuRecogniser:
    kind: ClassVar[str] = NAME

    def claims(self, block: Block) -> bool:
        if not isinstance(block, Table) or block.header is None or len(block.header) < 2:
            return False
        return (norm_header(block.header[0]) in ("", "topic") and bool(_DOC.search(block.doc))
                and len(header_models(block.header)) == len(block.header) - 1)

    def extract(self, block: Block) -> Iterator[Fact]:
        assert isinstance(block, Table) and block.header is not None
        columns = header_models(block.header)
        for row in block.rows:
            if not row.cells:
                continue
            attr = row_attribute(row.cells[0])
            if attr is None:
                continue
            dtypes = deployment_types(row.cells[0])
            for i, models in columns:
                raw = row.cells[i].strip() if i < len(row.cells) else ""
                value = row_value(attr, raw)
                if value is None:
                    continue
                for model in models:
                    for dt in dtypes:
                        yield Fact(NAME, (("model", model), ("deployment_type", dt)), attr, value, raw, None,
                                   row.line)


KIND = Kind(
    name=NAME,
    subject_keys=("model", "deployment_type"),
    attributes=(Attribute("min_ptu", "integer", "minimum PTU"), Attribute("increment", "integer", "PTU increment"),
                Attribute("input_tpm_per_ptu", "integer", "input TPM per PTU"),
                Attribute("output_tpm_per_ptu", "integer", "output TPM per PTU"),
                Attribute("latency_target_tps", "integer", "latency target (tokens/s)")),
    title="Provisioned throughput",
    recogniser=PtuRecogniser,
    words=("tpm per ptu", "latency target", "scale increment", "minimum deployment"),
    claim_rank=60,
)
