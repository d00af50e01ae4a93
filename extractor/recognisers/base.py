"""What a recogniser is: it claims blocks by their header and headings, and yields facts.

A ``Fact`` is one statement a view of a document makes: ``subject``'s ``attribute`` has
``value``. The semantic diff compares the facts of the before and after views; recognisers
never see diffs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from extractor import kinds
from extractor.blocks import Block
from extractor.diff.model import DiffLine


class _SubjectKeys(Mapping[str, tuple[str, ...]]):
    """Subject keys per kind, in export order, as the kind registry declares them (live: a
    kind registered later is in it). Keys a table does not give are None."""

    def __getitem__(self, kind: str) -> tuple[str, ...]:
        return kinds.REGISTRY[kind].subject_keys

    def __iter__(self) -> Iterator[str]:
        return iter(kinds.REGISTRY)

    def __len__(self) -> int:
        return len(kinds.REGISTRY)


SUBJECT_KEYS: Mapping[str, tuple[str, ...]] = _SubjectKeys()


@dataclass(slots=True)  # not frozen: a frozen init costs 5x, and facts are made by the ten thousand
class Fact:
    kind: str
    subject: tuple[tuple[str, str | None], ...]
    attribute: str
    value: Any  # int, str (ISO date / text) or True
    raw: str
    qualifier: str | None
    line: DiffLine

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str | None], ...], str]:
        return self.kind, self.subject, self.attribute


def subject(kind: str, **keys: str | None) -> tuple[tuple[str, str | None], ...]:
    """The subject tuple of ``kind`` in its canonical key order; unknown keys are an error."""
    order = SUBJECT_KEYS[kind]
    for k in keys:
        if k not in order:
            raise KeyError(f"{kind} has no subject keys {sorted(set(keys) - set(order))}")
    return tuple([(k, keys.get(k)) for k in order])


class Recogniser(Protocol):
    kind: ClassVar[str]

    def claims(self, block: Block) -> bool:
        """True when this block (by its header and headings, then its doc path) is ours."""
        ...

    def extract(self, block: Block) -> Iterator[Fact]:
        """The facts the block states. Called only for claimed blocks with a known header.

        What a row gives may depend only on the block's ``doc``, ``header`` and ``headings``
        and on that row's cells, never on other rows or on the row's line (other than as
        each fact's ``line``): ``ingest.extract.block_facts`` reads each row once and caches it so.
        """
        ...
