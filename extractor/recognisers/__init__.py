"""Recognisers, one module per fact kind; the kind registry (``extractor.kinds``) names each
kind's recogniser and the order they are asked in (``recognisers()``)."""

from __future__ import annotations

from extractor import kinds
from extractor.blocks import Block
from extractor.recognisers.base import SUBJECT_KEYS, Fact, Recogniser, subject


def recognisers() -> list[Recogniser]:
    """The recognisers of the registered kinds, in the order they are asked to claim a block."""
    return kinds.recognisers()


def claimant(block: Block) -> Recogniser | None:
    """The first recogniser that claims ``block``, or None."""
    return next((r for r in kinds.recognisers() if r.claims(block)), None)


class Claims:
    """Which recogniser claims each block of one source, asked once per block and again only
    when its header or headings change (the key is their content, not the lists' identity).
    Blocks are known by identity, so one ``Claims`` lives no longer than its blocks: one per
    source (``Prepared.claims``)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[tuple[object, ...], Recogniser | None]] = {}

    def of(self, block: Block) -> Recogniser | None:
        key = _claim_key(block)
        got = self._memo.get(id(block))
        if got is not None and got[0] == key:
            return got[1]
        found = claimant(block)
        self._memo[id(block)] = (key, found)
        return found

    def set(self, block: Block, found: Recogniser | None) -> None:
        """Record that ``found`` claims ``block`` as it is now (a claim known from an earlier
        version of the same table), so that ``of`` does not ask the recognisers again."""
        self._memo[id(block)] = (_claim_key(block), found)


def _claim_key(block: Block) -> tuple[object, ...]:
    header = getattr(block, "header", None)
    return (None if header is None else tuple(header), tuple(block.headings))


__all__ = ["SUBJECT_KEYS", "Claims", "Fact", "Recogniser", "claimant", "recognisers", "subject"]
