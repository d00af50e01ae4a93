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


def claimant(block: Block) -> Recogniser | None:
    """The first recogniser that claims ``block``, or None."""
    for r in RECOGNISERS:
        if r.claims(block):
            return r
    return None


__all__ = ["KINDS", "RECOGNISERS", "SUBJECT_KEYS", "Fact", "Recogniser", "claimant", "subject"]
