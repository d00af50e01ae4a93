"""The ``quota`` kind: integer TPM / RPM per model, deployment type, tier (and region where a
table has one), and its recogniser (this module holds both).

Claims quotas-limits tables by header — ``Model | Tier | … TPM | Requests per minute``,
the offer-type table ``Tier | Quota Limit … (TPM)`` whose cells hold ``Name: value``
items, and the numeric region × model matrix (``Region | o1-mini | gpt-4o - GlobalStandard``).
The deployment type comes from the scoping heading (several types in one heading give
facts for each), else from the include file's name, else a column suffix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from extractor.blocks import Block, Table
from extractor.kinds.base import Attribute, Fact, Kind
from extractor.kinds.cells import cell, find_col, norm_header, scoped_deployment_types
from extractor.normalize import (
    canonical_model,
    canonical_region,
    canonical_tier,
    deployment_types,
    is_empty_value,
    is_quantity_cell,
    label_scope,
    parse_quantity,
    split_br,
    split_models,
    strip_footnotes,
    strip_markup,
)

NAME = "quota"

TPM = (r"tokens per minute", r"\btpm\b")
RPM = (r"requests per minute", r"\brpm\b")
_ITEM = re.compile(r"^(?P<name>.*?):\s*(?P<value>\d[\d,.]*\s*[kmb]?)\b", re.I)
_ALL = re.compile(r"^(?P<value>\d[\d,.]*\s*[kmb]?)\s*\(\s*all models\s*\)", re.I)


class QuotaRecogniser:
    kind: ClassVar[str] = NAME

    def claims(self, block: Block) -> bool:
        if not isinstance(block, Table) or block.header is None:
            return False
        header = block.header
        if find_col(header, *TPM) is not None or (
            find_col(header, *RPM) is not None and find_col(header, r"^models?\b") is not None
        ):
            return find_col(header, r"usage tier") is None
        return self._is_numeric_matrix(block)

    @staticmethod
    def _is_numeric_matrix(block: Table) -> bool:
        header = block.header or []
        if len(header) < 2 or norm_header(header[0]) not in {"region", "regions"}:
            return False
        seen = False
        for r in block.rows:
            for c in r.cells[1:]:
                if is_empty_value(c):
                    continue
                if not is_quantity_cell(c):
                    return False
                seen = True
        return seen

    def extract(self, block: Block) -> Iterator[Fact]:
        assert isinstance(block, Table) and block.header is not None
        header = block.header
        if find_col(header, *TPM, *RPM) is None or norm_header(header[0]) in {"region", "regions"}:
            yield from self._matrix(block)
            return
        tpm_col = find_col(header, *TPM)
        rpm_col = find_col(header, *RPM)
        model_col = find_col(header, r"^models?\b", r"model name", r"model id")
        tier_col = find_col(header, r"\btier\b", r"subscription", r"offer")
        region_col = find_col(header, r"^regions?$")
        dtypes = scoped_deployment_types(block) or [None]
        for row in block.rows:
            cells = row.cells
            tiers = _split_tiers(cell(cells, tier_col)) if tier_col is not None else [None]
            region = canonical_region(cell(cells, region_col)) if region_col is not None else None
            if model_col is None:
                # offer-type table: the TPM cell holds "Name: value" items, one fact each
                for model, raw in _items(cell(cells, tpm_col)):
                    value = parse_quantity(raw)
                    if value is None:
                        continue
                    for tier in tiers:
                        for dt in dtypes:
                            yield Fact(self.kind, KIND.subject(model=model, deployment_type=dt,
                                                          tier=tier, region=region),
                                       "tpm", value, raw, None, row.line)
                continue
            named = cell(cells, model_col)
            rest, cell_type, _zone = label_scope(named)  # `o3-mini USGov DataZone`: the type is scope
            models = [m for m, _ in split_models(rest if cell_type else named)]
            row_types = [cell_type] if cell_type else dtypes
            for attr, col in (("tpm", tpm_col), ("rpm", rpm_col)):
                if col is None:
                    continue
                raw = cell(cells, col).strip()
                value = parse_quantity(raw)
                if value is None:
                    continue
                for model in models:
                    for tier in tiers:
                        for dt in row_types:
                            yield Fact(self.kind, KIND.subject(model=model, deployment_type=dt,
                                                          tier=tier, region=region),
                                       attr, value, raw, None, row.line)

    def _matrix(self, block: Table) -> Iterator[Fact]:
        header = block.header or []
        scoped = scoped_deployment_types(block)
        columns: list[tuple[int, str, str | None]] = []
        for i, h in enumerate(header[1:], 1):
            name = strip_markup(h)
            dt = None
            m = re.match(r"^(.*)\s+-\s+(\S.*)$", name)  # `gpt-4o - Global-Batch`: the last " - "
            if m and deployment_types(m.group(2)):
                name, dt = m.group(1), deployment_types(m.group(2))[0]
            models = split_models(name)
            if not models:
                continue
            columns.append((i, models[0][0], dt or (scoped[0] if scoped else None)))
        for row in block.rows:
            if not row.cells:
                continue
            region = canonical_region(row.cells[0])
            if not region:
                continue
            for i, model, dt in columns:
                raw = cell(row.cells, i).strip()
                value = parse_quantity(raw)
                if value is None:
                    continue
                yield Fact(self.kind, KIND.subject(model=model, deployment_type=dt, tier=None,
                                              region=region), "tpm", value, raw, None, row.line)


_STUDENTS_AND_TRIALS = re.compile(r"^\W*azure for students\W*(?:,|&|and|<br\s*/?>)\W*free trials?\W*$", re.I)
_TIER_SPLIT = re.compile(r"\s*(?:&|<br\s*/?>|,)\s*", re.I)


def _split_tiers(text: str) -> list[str | None]:
    """Offer labels of a tier cell, one tier each (split on ``<br>``, commas and ``&``
    before the markup goes). The combined label ``Azure for Students, Free Trials`` is the
    one tier ``free-trial``; split, ``Azure for Students`` is ``azure-for-students``."""
    if _STUDENTS_AND_TRIALS.match(strip_markup(text)):
        return ["free-trial"]
    parts = [p for p in _TIER_SPLIT.split(strip_footnotes(text)) if strip_markup(p)]
    return list(dict.fromkeys(canonical_tier(p) for p in parts)) or [None]


def _items(text: str) -> Iterator[tuple[str, str]]:
    """``GPT-4 series: 8 K <br> o-series: 0`` -> (model, raw value) pairs.

    ``1 K (all models)`` names ``all-models``; a leading ``Exception`` is dropped and
    ``o-series & GPT 4.5 Preview: 0`` gives both names.
    """
    for part in split_br(text):
        plain = strip_markup(part)
        m = _ALL.match(plain)
        if m:
            yield "all-models", m.group("value").strip()
            continue
        m = _ITEM.match(plain)
        if not m:
            continue
        name = re.sub(r"^(exception|except)\s+", "", m.group("name").strip(), flags=re.I)
        for piece in re.split(r"\s*(?:&|,|\band\b)\s*", name):
            model = canonical_model(piece)
            if model:
                yield model, m.group("value").strip()


KIND = Kind(
    name=NAME,
    subject_keys=("model", "deployment_type", "tier", "region"),
    attributes=(Attribute("tpm", "integer", "TPM"), Attribute("rpm", "integer", "RPM")),
    title="Quotas",
    recogniser=QuotaRecogniser,
    words=("tokens per minute", "requests per minute"),
    whole_words=("tpm",),
    claim_rank=20,
)
