"""Helpers shared by recognisers: header cells by meaning, scoping deployment types."""

from __future__ import annotations

import re
from functools import lru_cache

from extractor.blocks import Block
from extractor.normalize import deployment_type_from_path, deployment_types, strip_markup


@lru_cache(maxsize=8192)
def norm_header(cell: str) -> str:
    return re.sub(r"\s+", " ", strip_markup(cell)).strip().lower()


def find_col(header: list[str], *patterns: str) -> int | None:
    """Index of the first header cell matching any regex pattern (on normalised text)."""
    return _find_col(tuple(header), patterns)


@lru_cache(maxsize=16384)
def _find_col(header: tuple[str, ...], patterns: tuple[str, ...]) -> int | None:
    compiled = [re.compile(p) for p in patterns]
    for i, cell in enumerate(header):
        h = norm_header(cell)
        if any(p.search(h) for p in compiled):
            return i
    return None


def scoped_deployment_types(block: Block) -> list[str]:
    """Deployment types named by the innermost heading or tab that names any, else the file."""
    for _, text in reversed(block.headings):
        found = deployment_types(text)
        if found:
            return found
    by_path = deployment_type_from_path(block.doc)
    return [by_path] if by_path else []


def cell(row_cells: list[str], i: int | None) -> str:
    if i is None or i >= len(row_cells):
        return ""
    return row_cells[i]
