"""The ``model_spec`` kind: context window, output and request limits and training-data
cut-off per model version, and its recogniser (this module holds both).

Claims model summary tables whose header has a model column (``Model ID``, ``Model``) and
at least one of ``Context Window``, ``Max Output Tokens``, ``Max Request (tokens)``,
``Training Data (up to)``. ``Max Request (characters)`` and ``Max Request (audio file
size)`` are not token counts and give nothing.

- ``model`` / ``version`` from the model cell (`` `gpt-4.1` (2025-04-14) ``); a bold tag
  line under the name (``**Latest model**``) is not part of it. A cell naming several
  models gives the facts once per model.
- ``scope``: ``fine-tuning`` for a document about fine-tuning (``includes/fine-tune-models.md``)
  or a table under a heading naming fine-tuning; else null. A ``Fine-Tuning Regions``
  column alone does not make a table fine-tuning.
- A cell of labelled parts splits by label: ``Input: 200,000 <br> Output: 100,000`` in a
  ``Max Request (tokens)`` column gives ``max_request_tokens`` 200000 and
  ``max_output_tokens`` 100000 (``Input`` is the column's own attribute, ``Output`` is
  always ``max_output_tokens``); other labels (``Training example context length``) give
  nothing. Of an unqualified value and qualified alternates (``- 1,047,576 <br> - 128,000
  (provisioned managed deployments)``) only the unqualified one counts. A column's own
  value wins over one another column's ``Output:`` label gives.
- ``training_data``: ``YYYY-MM`` for a month (``Oct 2023``), ``YYYY-MM-DD`` for a full
  date, else the text as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from extractor.blocks import Table
from extractor.kinds.base import Attribute, Fact, Kind
from extractor.kinds.cells import cell, cell_models, find_col, norm_header, plain_text
from extractor.normalize import find_date, month_year, parse_quantity, split_br, strip_markup

if TYPE_CHECKING:
    from extractor.blocks import Block

NAME = "model_spec"
_MODEL = (r"^models?(?: id| name)?$",)
_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("context_window", re.compile(r"^context window\b")),
    ("max_output_tokens", re.compile(r"^max(?:imum)? output tokens\b")),
    ("max_request_tokens", re.compile(r"^max(?:imum)? request\s*(?:\(\s*tokens?\s*\))?$")),
    ("training_data", re.compile(r"^training data\b")),
)
_FINE_TUNING = re.compile(r"fine[- ]?tun", re.I)
_LABELLED = re.compile(r"^(?P<label>[a-z][a-z ]*?)\s*:\s*(?P<value>.+)$", re.I)
_QUANTITY = re.compile(r"^\d[\d,]*(?:\.\d+)?\s*[km]?$", re.I)


def _columns(header: tuple[str, ...]) -> list[tuple[int, str]]:
    """(column, attribute) of each column that gives one of the kind's attributes."""
    out = []
    for i, h in enumerate(header):
        n = norm_header(h)
        for attr, pattern in _ROLES:
            if pattern.search(n):
                out.append((i, attr))
                break
    return out


def scope_of(block: Block) -> str | None:
    """``fine-tuning`` for a fine-tuning document or a table under a heading naming it."""
    if _FINE_TUNING.search(block.doc.rsplit("/", 1)[-1]) or any(_FINE_TUNING.search(t) for t in block.heading_texts):
        return "fine-tuning"
    return None


def token_counts(text: str, attr: str) -> list[tuple[str, int]]:
    """The (attribute, value) pairs of one token-count cell of column ``attr``."""
    out: list[tuple[str, int]] = []
    unqualified: int | None = None
    for part in split_br(text):
        p = strip_markup(part).lstrip("-•* ").strip()
        m = _LABELLED.match(p)
        if m:
            label = m.group("label").strip().lower()
            target = attr if label == "input" else "max_output_tokens" if label == "output" else None
            value = parse_quantity(m.group("value"))
            if target is not None and value is not None:
                out.append((target, value))
            continue
        if unqualified is None and _QUANTITY.match(p):
            unqualified = parse_quantity(p)
    if unqualified is not None and not any(a == attr for a, _ in out):
        out.insert(0, (attr, unqualified))
    return out


def training_data(text: str) -> str | None:
    """``Oct 2023`` -> ``2023-10``; ``May 31, 2024`` -> ``2024-05-31``; else the text."""
    plain = plain_text(text)
    if plain is None:
        return None
    month = month_year(plain)
    if month is not None:
        return month
    iso, start = find_date(plain)
    if iso is not None and start == 0:
        return iso
    return plain


class ModelSpecRecogniser:
    kind: ClassVar[str] = NAME

    def claims(self, block: Block) -> bool:
        if not isinstance(block, Table) or block.header is None:
            return False
        header = tuple(block.header)
        return find_col(header, *_MODEL) is not None and bool(_columns(header))

    def extract(self, block: Block) -> Iterator[Fact]:
        assert isinstance(block, Table) and block.header is not None
        header = tuple(block.header)
        model_col = find_col(header, *_MODEL)
        columns = _columns(header)
        scope = scope_of(block)
        for row in block.rows:
            models = cell_models(cell(row.cells, model_col))
            if not models:
                continue
            values: dict[str, tuple[object, str]] = {}
            derived: dict[str, tuple[object, str]] = {}
            for i, attr in columns:
                raw = cell(row.cells, i).strip()
                if attr == "training_data":
                    value = training_data(raw)
                    if value is not None:
                        values.setdefault(attr, (value, raw))
                    continue
                for target, n in token_counts(raw, attr):
                    (values if target == attr else derived).setdefault(target, (n, raw))
            for attr, got in derived.items():
                values.setdefault(attr, got)
            for model, version in models:
                subj = (("model", model), ("version", version), ("scope", scope))
                for attr, _ in _ROLES:
                    if attr in values:
                        value, raw = values[attr]
                        yield Fact(NAME, subj, attr, value, raw, None, row.line)


KIND = Kind(
    name=NAME,
    subject_keys=("model", "version", "scope"),
    attributes=(Attribute("context_window", "integer"), Attribute("max_output_tokens", "integer"),
                Attribute("max_request_tokens", "integer"), Attribute("training_data", "text")),
    title="Model specifications",
    recogniser=ModelSpecRecogniser,
    words=("context window", "max output tokens", "max request", "training data"),
    claim_rank=50,
)
