"""The ``batch_quota`` kind: enqueued-token limits per model, batch deployment type and
subscription (global and data-zone batch), and its recogniser (this module holds both).

Claims a table with a Model column and subscription-type columns (Enterprise agreement,
Default, Monthly credit card, MSDN, Azure for Students / Free Trials). The deployment type
comes from the scoping heading (``### Global batch`` / ``### Data zone batch``), else
the include file name, else ``global-batch``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from extractor.blocks import Block, Table
from extractor.kinds.base import Attribute, Fact, Kind
from extractor.kinds.cells import cell, find_col, norm_header, scoped_deployment_types
from extractor.kinds.quota import RPM, TPM
from extractor.normalize import canonical_tier, parse_quantity, split_models

NAME = "batch_quota"

_SUBSCRIPTION = re.compile(r"enterprise|default|credit card|msdn|students|free trial", re.I)


class BatchQuotaRecogniser:
    kind: ClassVar[str] = NAME

    def claims(self, block: Block) -> bool:
        if not isinstance(block, Table) or block.header is None:
            return False
        header = block.header
        if find_col(header, r"^models?\b") is None or find_col(header, *TPM, *RPM) is not None:
            return False
        subs = [h for h in header if _SUBSCRIPTION.search(norm_header(h))]
        if len(subs) < 2:
            return False
        dtypes = scoped_deployment_types(block)
        return any("batch" in d for d in dtypes) or "batch" in block.doc or any(
            "batch" in t.lower() for t in block.heading_texts)

    def extract(self, block: Block) -> Iterator[Fact]:
        assert isinstance(block, Table) and block.header is not None
        header = block.header
        model_col = find_col(header, r"^models?\b")
        sub_cols = [(i, canonical_tier(h)) for i, h in enumerate(header)
                    if i != model_col and _SUBSCRIPTION.search(norm_header(h))]
        dtypes = [d for d in scoped_deployment_types(block) if "batch" in d] or ["global-batch"]
        for row in block.rows:
            models = [m for m, _ in split_models(cell(row.cells, model_col))]
            for i, sub in sub_cols:
                raw = cell(row.cells, i).strip()
                value = parse_quantity(raw)
                if value is None:
                    continue
                for model in models:
                    for dt in dtypes:
                        yield Fact(self.kind, KIND.subject(model=model, deployment_type=dt,
                                                      subscription=sub),
                                   "enqueued_tokens", value, raw, None, row.line)


KIND = Kind(
    name=NAME,
    subject_keys=("model", "deployment_type", "subscription"),
    attributes=(Attribute("enqueued_tokens", "integer"),),
    title="Batch quotas",
    recogniser=BatchQuotaRecogniser,
    words=("enterprise agreement",),
    claim_rank=10,  # before quota: a batch table is a quota table too
)
