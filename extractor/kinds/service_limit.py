"""The ``service_limit`` kind: the per-resource limits of the quotas and limits document
(``| Limit Name | Limit Value |``), and its recogniser (this module holds both).

``name`` is the canonical name of the limit: lower case, markup and footnote marks
stripped, every run of characters other than letters, digits and ``.`` one ``-``
(``Max files per resource`` -> ``max-files-per-resource``), of the cell's first line (what
follows a ``<br>`` is a note on the limit). A renamed limit is a new
subject: the old name ``removed``, the new one ``added``. ``value`` is an integer when the
cell starts with a quantity — a count (``10,000 when using the API …`` -> 10000) or a size
in bytes with binary units (``512 MB`` -> 536870912) — else the cell's plain text; a
reworded cell with the same leading quantity is no event.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from extractor.blocks import Table
from extractor.kinds.base import Attribute, Fact, Kind
from extractor.kinds.cells import canonical_name, cell, find_col, plain_text
from extractor.normalize import BadValue, parse_quantity, split_br

if TYPE_CHECKING:
    from extractor.blocks import Block

NAME = "service_limit"


def limit_value(raw: str) -> int | str | BadValue | None:
    """An integer for a cell that starts with a quantity (a count or a size in bytes), else
    its plain text (None: empty); a quantity that cannot be true is a ``BadValue``."""
    text = plain_text(raw)
    if text is None:
        return None
    n = parse_quantity(raw, sizes=True)
    return text if n is None else n


def limit_name(raw: str) -> str:
    """The canonical name of a limit: of its first line only (``Max number requests per
    minute<br/><br/>Current rate limits … are defined as …``: the lines after it are a note)."""
    parts = split_br(raw)
    return canonical_name(parts[0]) if parts else ""


class ServiceLimitRecogniser:
    kind: ClassVar[str] = NAME

    def claims(self, block: Block) -> bool:
        if not isinstance(block, Table) or block.header is None:
            return False
        header = tuple(block.header)
        return find_col(header, r"^limit name$") is not None and find_col(header, r"^limit value$") is not None

    def extract(self, block: Block) -> Iterator[Fact]:
        assert isinstance(block, Table) and block.header is not None
        header = tuple(block.header)
        name_col, value_col = find_col(header, r"^limit name$"), find_col(header, r"^limit value$")
        for row in block.rows:
            name = limit_name(cell(row.cells, name_col))
            raw = cell(row.cells, value_col).strip()
            value = limit_value(raw)
            if name and value is not None:
                yield Fact(NAME, (("name", name),), "value", value, raw, None, row.line)


KIND = Kind(
    name=NAME,
    subject_keys=("name",),
    attributes=(Attribute("value", "integer_or_text"),),
    title="Service limits",
    recogniser=ServiceLimitRecogniser,
    words=("limit name", "limit value"),
    claim_rank=80,
)
