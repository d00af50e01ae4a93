"""The ``default_version`` kind: the version an auto-updating deployment of a model gets
now, the one it moves to, and when; and its recogniser (this module holds both).

Claims ``Model | Current default version | New default version | Default upgrade date``
tables. The versions are strings (lower case, markup stripped); ``upgrade_date`` is the
date in the cell, versions in code spans aside (``Deployments … will be automatically
upgraded to version: `0125`, starting on January 21, 2025.`` -> ``2025-01-21``, qualifier
null); a cell with no date, or ``-``, gives no value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from extractor.kinds.base import Attribute, Fact, Kind
from extractor.kinds.cells import cell, cell_models, keyed_columns
from extractor.normalize import canonical_version, find_date, is_empty_value, strip_markup

if TYPE_CHECKING:
    from extractor.blocks import Block

NAME = "default_version"
_MODEL = (r"^models?(?: id| name)?$",)
_COLUMNS = (("default_version", (r"^current default version",)),
            ("new_default_version", (r"^new default version",)),
            ("upgrade_date", (r"default upgrade date", r"^upgrade date")))
_CODE = re.compile(r"`[^`]*`")


def upgrade_date(raw: str) -> str | None:
    """The date in an upgrade cell (code spans, which hold versions, aside)."""
    iso, _ = find_date(strip_markup(_CODE.sub(" ", raw)))
    return iso


def version(raw: str) -> str | None:
    return None if is_empty_value(raw) else canonical_version(raw)


class DefaultVersionRecogniser:
    kind: ClassVar[str] = NAME

    def claims(self, block: Block) -> bool:
        return keyed_columns(block, _MODEL, _COLUMNS) is not None

    def extract(self, block: Block) -> Iterator[Fact]:
        found = keyed_columns(block, _MODEL, _COLUMNS)
        assert found is not None
        model_col, columns = found
        for row in block.rows:
            models = cell_models(cell(row.cells, model_col))
            for attr, col in columns:
                raw = cell(row.cells, col).strip()
                value = upgrade_date(raw) if attr == "upgrade_date" else version(raw)
                if value is None:
                    continue
                for model in dict.fromkeys(m for m, _ in models):
                    yield Fact(NAME, (("model", model),), attr, value, raw, None, row.line)


KIND = Kind(
    name=NAME,
    subject_keys=("model",),
    attributes=(Attribute("default_version", "text"), Attribute("new_default_version", "text"),
                Attribute("upgrade_date", "date")),
    title="Default versions",
    recogniser=DefaultVersionRecogniser,
    words=("default version", "default upgrade"),
    claim_rank=70,
)
