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
    key = _claim_key(block)
    cached = block.__dict__.get("_claim", _UNSET)
    if cached is not _UNSET and cached[0] == key:  # type: ignore[index]
        return cached[1]  # type: ignore[index,no-any-return]
    found = next((r for r in RECOGNISERS if r.claims(block)), None)
    block.__dict__["_claim"] = (key, found)
    return found


def remember_claim(block: Block, found: Recogniser | None) -> None:
    """Record that ``found`` claims ``block`` as it is now (a claim known from an earlier
    version of the same table), so that ``claimant`` does not ask the recognisers again."""
    block.__dict__["_claim"] = (_claim_key(block), found)


def _claim_key(block: Block) -> tuple[object, ...]:
    header = getattr(block, "header", None)
    return (None if header is None else tuple(header), tuple(block.headings))


__all__ = ["KINDS", "RECOGNISERS", "SUBJECT_KEYS", "Fact", "Recogniser", "claimant", "remember_claim", "subject"]
