"""The ``api_version`` kind: the latest preview and GA release of each API surface
(``| API | Latest preview release | Latest GA release | … |``), and its recogniser (this
module holds both).

``api`` is the canonical name of the first cell, as for limit names (``**Data plane -
inference**`` -> ``data-plane-inference``); the versions are the cells' text with links and
backticks stripped (``[`2024-10-21`](…)`` -> ``2024-10-21``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from extractor.kinds.base import Attribute, Fact, Kind
from extractor.kinds.cells import canonical_name, cell, keyed_columns, plain_text

if TYPE_CHECKING:
    from extractor.blocks import Block

NAME = "api_version"
_API = (r"^apis?$",)
_COLUMNS = (("latest_preview", (r"^latest preview",)), ("latest_ga", (r"^latest ga\b",)))


class ApiVersionRecogniser:
    kind: ClassVar[str] = NAME

    def claims(self, block: Block) -> bool:
        return keyed_columns(block, _API, _COLUMNS) is not None

    def extract(self, block: Block) -> Iterator[Fact]:
        found = keyed_columns(block, _API, _COLUMNS)
        assert found is not None
        api_col, columns = found
        for row in block.rows:
            api = canonical_name(cell(row.cells, api_col))
            if not api:
                continue
            for attr, col in columns:
                raw = cell(row.cells, col).strip()
                value = plain_text(raw)
                if value is not None:
                    yield Fact(NAME, (("api", api),), attr, value, raw, None, row.line)


KIND = Kind(
    name=NAME,
    subject_keys=("api",),
    attributes=(Attribute("latest_preview", "text", "latest preview"), Attribute("latest_ga", "text", "latest GA")),
    title="API versions",
    recogniser=ApiVersionRecogniser,
    words=("latest ga release", "latest preview release"),
    claim_rank=90,
)
