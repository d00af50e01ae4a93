"""Recognisers, one module per fact kind; the kind registry (``extractor.kinds``) names each
kind's recogniser and the order they are asked in (``recognisers()``)."""

from __future__ import annotations

from extractor import kinds
from extractor.blocks import Block
from extractor.recognisers.base import SUBJECT_KEYS, Fact, Recogniser, subject


def recognisers() -> list[Recogniser]:
    """The recognisers of the registered kinds, in the order they are asked to claim a block."""
    return kinds.recognisers()


_UNSET = object()


def claimant(block: Block) -> Recogniser | None:
    """The first recogniser that claims ``block``, or None (remembered on the block until
    its header or headings change: the key is their content, not the lists' identity)."""
    key = _claim_key(block)
    cached = block.__dict__.get("_claim", _UNSET)
    if cached is not _UNSET and cached[0] == key:  # type: ignore[index]
        return cached[1]  # type: ignore[index,no-any-return]
    found = next((r for r in kinds.recognisers() if r.claims(block)), None)
    block.__dict__["_claim"] = (key, found)
    return found


def remember_claim(block: Block, found: Recogniser | None) -> None:
    """Record that ``found`` claims ``block`` as it is now (a claim known from an earlier
    version of the same table), so that ``claimant`` does not ask the recognisers again."""
    block.__dict__["_claim"] = (_claim_key(block), found)


def _claim_key(block: Block) -> tuple[object, ...]:
    header = getattr(block, "header", None)
    return (None if header is None else tuple(header), tuple(block.headings))


__all__ = ["SUBJECT_KEYS", "Fact", "Recogniser", "claimant", "recognisers", "remember_claim", "subject"]
