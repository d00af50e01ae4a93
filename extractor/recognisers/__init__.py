"""Recognisers, one module per fact kind; ``RECOGNISERS`` is the order they are asked in."""

from __future__ import annotations

from extractor.blocks import Block
from extractor.recognisers.base import SUBJECT_KEYS, Fact, Recogniser, subject
from extractor.recognisers.batch_quota import BatchQuotaRecogniser
from extractor.recognisers.quota import QuotaRecogniser
from extractor.recognisers.region_availability import RegionAvailabilityRecogniser
from extractor.recognisers.retirement import RetirementRecogniser

RECOGNISERS: list[Recogniser] = [
    BatchQuotaRecogniser(),
    QuotaRecogniser(),
    RetirementRecogniser(),
    RegionAvailabilityRecogniser(),
]
KINDS = [r.kind for r in RECOGNISERS]


_UNSET = object()


def claimant(block: Block) -> Recogniser | None:
    """The first recogniser that claims ``block``, or None (remembered on the block until
    its header or headings change: the key is their content, not the lists' identity)."""
    header = getattr(block, "header", None)
    key = (None if header is None else tuple(header), tuple(block.headings))
    cached = block.__dict__.get("_claim", _UNSET)
    if cached is not _UNSET and cached[0] == key:  # type: ignore[index]
        return cached[1]  # type: ignore[index,no-any-return]
    found = next((r for r in RECOGNISERS if r.claims(block)), None)
    block.__dict__["_claim"] = (key, found)
    return found


__all__ = ["KINDS", "RECOGNISERS", "SUBJECT_KEYS", "Fact", "Recogniser", "claimant", "subject"]
