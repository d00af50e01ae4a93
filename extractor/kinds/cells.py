"""Cell helpers shared by the kinds' recognisers: header cells by meaning, the deployment
types a block's headings or file scope, the canonical name of a label (limit and API names),
a leading quantity with byte units, and model cells without their bold tag lines.

(The kind modules import this; it may not import the kind registry, ``extractor.kinds``.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from extractor.blocks import Table
from extractor.normalize import (
    clean_space,
    deployment_type_from_path,
    deployment_types,
    is_empty_value,
    kebab,
    split_br,
    split_models,
    strip_markup,
)

if TYPE_CHECKING:
    from extractor.blocks import Block


@lru_cache(maxsize=8192)
def norm_header(cell: str) -> str:
    """A header cell for matching: markup dropped, spaces folded, lower case."""
    return re.sub(r"\s+", " ", strip_markup(cell)).strip().lower()


def find_col(header: Sequence[str], *patterns: str) -> int | None:
    """Index of the first header cell matching any regex pattern (on ``norm_header`` text)."""
    return _find_col(tuple(header), patterns)


@lru_cache(maxsize=16384)
def _find_col(header: tuple[str, ...], patterns: tuple[str, ...]) -> int | None:
    compiled = [re.compile(p) for p in patterns]
    for i, c in enumerate(header):
        h = norm_header(c)
        if any(p.search(h) for p in compiled):
            return i
    return None


def keyed_columns(block: Block, key: Sequence[str], columns: Sequence[tuple[str, Sequence[str]]]
                  ) -> tuple[int, list[tuple[str, int]]] | None:
    """For a table whose header has a ``key`` column (its patterns) and at least one of
    ``columns`` (``(attribute, patterns)``): the key's index and the ``(attribute, index)`` of
    the value columns it has; None for any other block."""
    if not isinstance(block, Table) or block.header is None:
        return None
    header = tuple(block.header)
    key_col = find_col(header, *key)
    found = [(attr, i) for attr, patterns in columns if (i := find_col(header, *patterns)) is not None]
    return (key_col, found) if key_col is not None and found else None


def cell(cells: list[str], i: int | None) -> str:
    """Cell ``i`` of a row, "" when the row is short or there is no such column."""
    if i is None or i >= len(cells):
        return ""
    return cells[i]


def scoped_deployment_types(block: Block) -> list[str]:
    """Deployment types named by the innermost heading or tab that names any, else the file."""
    for _, text in reversed(block.headings):
        found = deployment_types(text)
        if found:
            return found
    by_path = deployment_type_from_path(block.doc)
    return [by_path] if by_path else []


def canonical_name(text: str) -> str:
    """A limit's or an API's name: lower case, markup and footnote marks stripped, every run
    of characters other than letters, digits and ``.`` one ``-`` (``**Data plane - inference**``
    -> ``data-plane-inference``)."""
    return kebab(text)


_BOLD_LINE = re.compile(r"^\*\*[^*]+\*\*$")


def cell_models(text: str) -> list[tuple[str, str | None]]:
    """The ``(model, version)`` pairs of a model cell; a bold tag line under the name
    (`` `gpt-4o` (2024-11-20) <br> **GPT-4o (Omni)** ``, ``gpt-4.1 <br> **Latest model**``)
    is not part of it."""
    parts = split_br(text)
    kept = [p for i, p in enumerate(parts) if i == 0 or not _BOLD_LINE.match(p.strip())]
    return split_models(" <br> ".join(kept))


def plain_text(text: str) -> str | None:
    """A cell's plain text (markup stripped), None for an empty / ``N/A`` / ``-`` cell."""
    if is_empty_value(text):
        return None
    return clean_space(strip_markup(text)) or None
