"""The ``region_availability`` kind: where a model or feature (``subject``) is listed as
available, and its recogniser (this module holds both).

Three layouts state availability, and each yields one fact per (subject, version,
deployment type, region) with attribute ``available`` and value ``True``:

(a) **Region × model matrices** (``includes/model-matrix/*.md``, the Assistants matrix of
    ``concepts/models.md``, ``azure-government.md``): the first header cell is ``Region``,
    the others name models (``**gpt-4o**, **2024-05-13**``, `` `gpt-4 (1106)` ``,
    ``GPT-4-Turbo-V``); a fact per ✅ cell. A ``-`` or empty cell yields nothing. The
    numeric ``model-matrix/quota.md`` matrix (``30 M`` cells, ``gpt-4o - GlobalStandard``
    headers) belongs to the quota recogniser and is not claimed.
(b) **Model | Region tables** (``| Model | Region |``, ``| Model | Region | Limited access |``,
    ``|Model|United States Data zone regions|European Union Data zone regions|``,
    ``| Model ID | Model Availability |``): a fact per model of the model cell and per region
    listed in each region cell (``East US2 (Global Standard) <br> Sweden Central``). Cells
    that name no region (``See the [models table](…)``) yield nothing.
(c) **Bullet lists of regions** under a heading about regions (``### Region Availability``,
    ``## Regional support``) or below an ``@@`` locator line that mentions regions (then
    every item must be a region). Items that are not region names yield nothing. In a
    catalogue, a list of regions only, under a line naming its model
    (`` `gpt-4o` **Version:** `2024-08-06` `` / ``**Supported regions:**``), is that model's.

Decisions:

* **Fine-tuning regions** (``| Model ID | Fine-tuning regions | … |``) are *not* claimed by
  default: they say where a model can be trained, not where it can be deployed, no
  deployment type expresses that, and in ``concepts/models.md`` (before 2024-11) they would
  share keys (model, version, null type, region) with the Assistants matrix, so a region
  dropped from one table would be hidden by the other. ``include_fine_tuning=True`` takes
  them (deployment type None unless a cell suffix names one).
* **Deployment type** precedence: a suffix on the region itself (``East US2 (Global
  Standard)``: it scopes one region, the narrowest scope) > the innermost heading or tab
  naming exactly one type (a heading naming several is ambiguous and stops the search) >
  the include file name (``deployment_type_from_path``) > None.
* **Bullet-list subject**: taken from the document path only, so that every hunk of a doc
  gives the same subject whatever headings or locator it happens to show: the file stem
  in kebab case (``how-to/computer-use.md`` → ``computer-use``), mapped through
  ``FEATURE_SUBJECTS`` for docs that describe an API (``how-to/responses.md`` →
  ``responses-api``). Hence bullet lists are claimed only in docs about one feature
  (``how-to/*.md`` or a ``FEATURE_SUBJECTS`` stem): in a catalogue such as
  ``concepts/models.md`` a list's subject is named by prose above it (``gpt-4o
  **Version:** 2024-08-06`` / ``**Supported regions:**``, 2024) that a block cannot see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import ClassVar

from extractor.blocks import Block, BulletList, Row, Table
from extractor.kinds.base import Attribute, Fact, Kind
from extractor.normalize import (
    KNOWN_REGIONS,
    canonical_model,
    canonical_region,
    canonical_version,
    deployment_type_from_path,
    deployment_types,
    is_quantity_cell,
    is_region,
    is_version_like,
    kebab,
    label_scope,
    paren_tail,
    split_models,
    split_regions,
    strip_markup,
)

NAME = "region_availability"

# Docs whose region list describes an API: their stem maps to the API's feature name.
FEATURE_SUBJECTS: dict[str, str] = {
    "responses": "responses-api",
}

_AVAILABLE = re.compile(r"✅|✔|☑|^\s*yes\s*$", re.IGNORECASE)
_UNAVAILABLE = {"", "-", "–", "—", "❌", "✖", "no", "n/a", "na"}
_REGION_HEADER = re.compile(r"^regions?$", re.IGNORECASE)
_MODEL_HEADER = re.compile(r"^models?(?:\s+(?:id|name))?$", re.IGNORECASE)
_REGION_COLUMN = re.compile(r"\bregions?\b|\b(?:model|feature)\s+availability\b", re.IGNORECASE)
_FINE_TUNING = re.compile(r"fine[\s-]*tun", re.IGNORECASE)
_REGION_HINT = re.compile(r"\bregion", re.IGNORECASE)
_HEADER_SPLIT = re.compile(r"\s*(?:<br\s*/?>|\s&\s|\band\b)\s*", re.IGNORECASE)
_MODELISH = re.compile(
    r"^(?:gpt|o\d|dall-?e|tts|whisper|text-embedding|babbage|davinci|ada|curie|code|computer-use"
    r"|sora|codex|model-router|fine-tuned)|\d")
_ITEM_SPLIT = re.compile(r"\s*(?:<br\s*/?>|,|;|\n)\s*", re.IGNORECASE)
_JOIN_SPLIT = re.compile(r"\s*(?:&|\band\b)\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")
_FEATURE_DOC = re.compile(r"(?:^|/)how-to/[^/]+\.md$", re.IGNORECASE)


class RegionAvailabilityRecogniser:
    """Claims region matrices, Model | Region tables and region bullet lists."""

    kind: ClassVar[str] = NAME

    def __init__(self, *, include_fine_tuning: bool = False) -> None:
        self.include_fine_tuning = include_fine_tuning

    # --- claiming ------------------------------------------------------------------------

    def claims(self, block: Block) -> bool:
        if isinstance(block, Table):
            header, body = _header_and_body(block)
            if header is None:
                return self._headerless(block)
            if _is_region_header(header[0]):
                return _is_availability_matrix(header, body, block.doc)
            return self._region_columns(header) is not None
        if isinstance(block, BulletList):
            return _is_region_list(block)
        return False

    def _region_columns(self, header: list[str]) -> tuple[int, list[int]] | None:
        """``(model column, region columns)`` of a Model | Region table, else None."""
        names = [strip_markup(c) for c in header]
        if not names or not _MODEL_HEADER.match(names[0]):
            return None
        cols = [i for i, n in enumerate(names[1:], 1) if _REGION_COLUMN.search(n)
                and (self.include_fine_tuning or not _FINE_TUNING.search(n))]
        return (0, cols) if cols else None

    def _headerless(self, block: Table) -> bool:
        """Rows seen without their header: ours when they look like a ✅ matrix's rows
        (``| eastus2 | ✅ | - |``) or like Model | Region rows (``| `o1` | East US2 <br> … |``).

        Extraction still needs the header, resolved from the document's layout.
        """
        if not block.rows:
            return False
        if all(len(r.cells) > 1 and is_region(r.cells[0]) and all(_is_mark(c) for c in r.cells[1:])
               for r in block.rows) and any(_AVAILABLE.search(c) for r in block.rows for c in r.cells[1:]):
            return True  # ✅ / - rows keyed by region (a quota matrix's "-" rows alone are not)
        if "fine-tune-models" in block.doc and not self.include_fine_tuning:
            return False  # fine-tuning regions (see the module docstring)
        return all(2 <= len(r.cells) <= 3 and split_models(r.cells[0]) for r in block.rows) and any(
            _regions_in(r.cells[1]) for r in block.rows)

    # --- extraction ----------------------------------------------------------------------

    def extract(self, block: Block) -> Iterator[Fact]:
        seen: set[tuple[tuple[str, str | None], ...]] = set()
        if isinstance(block, BulletList):
            facts = self._from_list(block)
        elif isinstance(block, Table):
            header, body = _header_and_body(block)
            if header is None:
                return
            if _is_region_header(header[0]):
                facts = self._from_matrix(block, header, body)
            else:
                facts = self._from_model_table(block, header, body)
        else:
            return
        for fact in facts:
            if fact.subject not in seen:  # two identical rows give one fact
                seen.add(fact.subject)
                yield fact

    def _from_matrix(self, block: Table, header: list[str], body: list[Row]) -> Iterator[Fact]:
        columns = [_column(c) for c in header]
        scope_type = _scope_type(block)
        government = _is_government(block)
        for row in body:
            regions = _row_regions(row.cells[0], government, scope_type) if row.cells else []
            for i, cell in enumerate(row.cells[1:len(columns)], 1):
                if not _AVAILABLE.search(cell):
                    continue
                models, col_type = columns[i]
                for region, dtype in regions:
                    for model, version in models:
                        yield _fact(model, version, col_type or dtype, region, cell, row)

    def _from_model_table(self, block: Table, header: list[str], body: list[Row]) -> Iterator[Fact]:
        cols = self._region_columns(header)
        if cols is None:
            return
        model_col, region_cols = cols
        scope_type = _scope_type(block)
        for row in body:
            if len(row.cells) <= model_col:
                continue
            rest, cell_type, _zone = label_scope(row.cells[model_col])
            models = split_models(rest if cell_type else row.cells[model_col])
            for i in region_cols:
                if i >= len(row.cells):
                    continue
                cell = row.cells[i]
                for region, suffix_type in _regions_in(cell):
                    for model, version in models:
                        yield _fact(model, version, suffix_type or cell_type or scope_type, region, cell, row)

    def _from_list(self, block: BulletList) -> Iterator[Fact]:
        named = lead_model(block)
        subject, version = named if named else (feature_subject(block.doc), None)
        scope_type = _scope_type(block)
        for row in block.rows:
            item = row.cells[0] if row.cells else ""
            for region, suffix_type in _regions_in(item):
                yield _fact(subject, version, suffix_type or scope_type, region, item, row)


# --- helpers ---------------------------------------------------------------------------------


def _fact(name: str, version: str | None, dtype: str | None, region: str, raw: str, row: Row) -> Fact:
    # the subject in ``KIND.subject_keys`` order (below), built directly: this runs once per ✅ of every matrix
    return Fact(NAME, (("subject", name), ("version", version), ("deployment_type", dtype), ("region", region)),
                "available", True, raw, None, row.line)


@lru_cache(maxsize=8192)
def _header_models(cell: str) -> tuple[tuple[str, str | None], ...]:
    return tuple(header_models(cell))


@lru_cache(maxsize=8192)
def _column(cell: str) -> tuple[tuple[tuple[str, str | None], ...], str | None]:
    """A matrix column's models and the deployment type its label writes after them
    (``**o3-mini USGov DataZone**`` -> o3-mini, ``data-zone-standard``), else None."""
    rest, dtype, _zone = label_scope(cell)
    return (_header_models(rest) if dtype else _header_models(cell)), dtype


def _is_region_header(cell: str) -> bool:
    return bool(_REGION_HEADER.match(strip_markup(cell)))


def _is_mark(cell: str) -> bool:
    """A matrix cell: ✅ or a sign of absence (``-``, empty, ❌)."""
    return bool(_AVAILABLE.search(cell)) or strip_markup(cell).lower() in _UNAVAILABLE


def _header_and_body(block: Table) -> tuple[list[str] | None, list[Row]]:
    """The table's header and body rows.

    A hunk that ends on a matrix's header row shows it without its alignment row, so the
    block has no header and that row as its only row: a first row starting with ``Region``,
    or ``Model`` followed by a region column, is taken as the header.
    """
    if block.header is not None:
        return block.header, block.rows
    first = block.rows[0].cells if block.rows else []
    if first and (_is_region_header(first[0]) or (
            _MODEL_HEADER.match(strip_markup(first[0]))
            and any(_REGION_COLUMN.search(strip_markup(c)) for c in first[1:]))):
        return first, block.rows[1:]
    return None, block.rows


def _is_availability_matrix(header: list[str], body: list[Row], doc: str) -> bool:
    """A Region-first table whose columns name models and whose cells are ✅ / ``-``.

    Any quantity in the body (``30 M``), or a header naming a deployment type per column
    (``gpt-4o - GlobalStandard``: the quota matrix), rules it out; a body with no ✅ is no
    availability matrix. Cells of text (another column's statement) give nothing.
    """
    models = [_header_models(c) for c in header[1:]]
    if not any(models):
        return False
    if any(re.search(r"\s-\s", strip_markup(c)) and deployment_types(c) for c in header[1:]):
        return False
    marked = False
    for row in body:
        for cell in row.cells[1:]:
            if _AVAILABLE.search(cell):
                marked = True
            elif is_quantity_cell(cell):  # ``30 M``: the quota matrix
                return False
    if body:
        # ✅ cells state availability; a column of text beside them (``Capacity
        # constrained | Basic, S1``) states something else and gives nothing
        return marked
    # header only: accept when the columns look like model names
    return any(_MODELISH.search(m) for col in models for m, _ in col)


def header_models(cell: str) -> list[tuple[str, str | None]]:
    """Models a matrix column header names.

    ``**gpt-4o**, **2024-05-13**`` → ``[("gpt-4o", "2024-05-13")]``; `` `gpt-4 (1106)` `` →
    ``[("gpt-4", "1106")]``; ``**text-embedding-ada-002**`` → ``[("text-embedding-ada-002", None)]``;
    several models joined by ``&`` / ``<br>`` give one pair each. A part that is only a
    version (``**o3**<br>2025-04-16``) is the version of the model before it, so every
    markup of (model, version) gives the same column key.
    """
    out: list[tuple[str, str | None]] = []
    for part in _HEADER_SPLIT.split(cell):
        if not part.strip():
            continue
        if is_version_like(part.strip().strip("()")):
            if out and out[-1][1] is None:
                out[-1] = (out[-1][0], canonical_version(part))
            continue  # a version with no model before it names no column
        if "`" in part:
            out.extend(split_models(part))
            continue
        plain = strip_markup(part)
        name, version = plain, None
        if "," in plain:
            name, version = (s.strip() for s in plain.split(",", 1))
        else:
            name, version = paren_tail(plain)
        model = canonical_model(name)
        if model:
            out.append((model, canonical_version(version)))
    return list(dict.fromkeys(out))


# Data zones that a matrix row may name, with the regions the documents name for each
# (azure-government.md: the Azure Government data zone is US Gov Arizona and US Gov Virginia).
DATA_ZONES: dict[str, tuple[str, ...]] = {
    "usgov": ("usgovarizona", "usgovvirginia"),
    "usgovernment": ("usgovarizona", "usgovvirginia"),
}
_DATA_ZONE_ROW = re.compile(r"^(?P<zone>.*?)\s*data\s*-?\s*zone\s*$", re.IGNORECASE)
_GOVERNMENT = re.compile(r"\b(?:azure\s+government|us\s*gov(?:ernment)?)\b|(?:^|/)azure-government\.md$",
                         re.IGNORECASE)


def _is_government(block: Block) -> bool:
    """A table of Azure Government: its document or a heading above it says so."""
    return bool(_GOVERNMENT.search(block.doc)) or any(_GOVERNMENT.search(t) for _, t in block.headings)


def _row_regions(cell: str, government: bool, scope_type: str | None) -> list[tuple[str, str | None]]:
    """The regions a matrix row names, each with its deployment type.

    A region name (``eastus2``, ``US Gov Virginia``); in an Azure Government table, a
    state alone (``Arizona`` → ``usgovarizona``); a data-zone row (``USGov DataZone``)
    stands for the zone's regions, with the data-zone deployment type of the table.
    """
    if is_region(cell):
        return [(canonical_region(cell), scope_type)]
    plain = strip_markup(cell)
    canon = canonical_region(plain)
    if government and "usgov" + canon in KNOWN_REGIONS:
        return [("usgov" + canon, scope_type)]
    m = _DATA_ZONE_ROW.match(plain)
    if m and canonical_region(m.group("zone")) in DATA_ZONES:
        family = (scope_type or "standard").removeprefix("global-").removeprefix("data-zone-")
        dtype = f"data-zone-{family}" if family in ("standard", "provisioned", "batch") else "data-zone-standard"
        return [(r, dtype) for r in DATA_ZONES[canonical_region(m.group("zone"))]]
    return []


def _regions_in(cell: str) -> list[tuple[str, str | None]]:
    """Regions a cell or list item names, with the deployment type of a suffix if any.

    Items are split on ``<br>``, commas, semicolons and new lines; an item may join
    several regions with ``&`` or ``and``, and a deployment type in parentheses after
    such a list (``East US2 & Sweden Central (Global Standard)``) applies to each of them.
    """
    out: list[tuple[str, str | None]] = []
    for item in _ITEM_SPLIT.split(cell):
        m = _SUFFIX.search(item)
        suffix = item[m.start():] if m else ""
        names = item[:m.start()] if m else item
        for part in _JOIN_SPLIT.split(names):
            # judge the name as written (display words), not its squashed canonical form
            if part.strip() and is_region(strip_markup(part)):
                out.extend(split_regions(part + suffix))
    return list(dict.fromkeys(out))


def _scope_type(block: Block) -> str | None:
    """Deployment type from the innermost heading / tab naming one, else the include file."""
    for _, text in reversed(block.headings):
        types = deployment_types(text)
        if len(types) == 1:
            return types[0]
        if len(types) > 1:
            break  # several types: the heading does not scope one table
    return deployment_type_from_path(block.doc)


_LEAD_MODEL = re.compile(r"^`(?P<model>[^`]+)`\s*\*\*version:?\*\*:?\s*`?(?P<version>[\w.-]+)`?\s*$", re.IGNORECASE)


def lead_model(block: BulletList) -> tuple[str, str | None] | None:
    """The model a catalogue names above a region list (`` `gpt-4o` **Version:** `2024-08-06` ``,
    then ``**Supported regions:**``), else None."""
    for text in reversed(block.leads):
        m = _LEAD_MODEL.match(text.strip())
        if m:
            return canonical_model(m.group("model")), canonical_version(m.group("version"))
    return None


def _is_region_list(block: BulletList) -> bool:
    """Bullets of a feature doc that name regions, scoped to regions by their innermost
    heading (``### Region Availability``) or by the ``@@`` locator (``… available in the
    following regions:``) when the heading is off-hunk or not known.

    Scoped by the locator alone, every item must name a region: a known heading may be
    stale, but a list of region names is unmistakable, and a mixed list is prose.
    """
    found = [bool(_regions_in(r.cells[0])) for r in block.rows if r.cells and r.cells[0].strip()]
    if lead_model(block) is not None:
        return bool(found) and all(found)  # a model's region list in a catalogue: only regions
    if not is_feature_doc(block.doc):
        return False
    if not any(found):
        return False
    if block.headings and _REGION_HINT.search(block.headings[-1][1]):
        return True
    return bool(_REGION_HINT.search(block.section)) and all(found)


def is_feature_doc(doc: str) -> bool:
    """A doc about one feature (a how-to article, or one listed in ``FEATURE_SUBJECTS``)."""
    return bool(_FEATURE_DOC.search(doc)) or _stem(doc) in FEATURE_SUBJECTS


def _stem(doc: str) -> str:
    return re.sub(r"\.md$", "", doc.rsplit("/", 1)[-1], flags=re.IGNORECASE)


def feature_subject(doc: str) -> str:
    """The feature a document's region list is about: its stem, or the API it documents."""
    stem = _stem(doc)
    return FEATURE_SUBJECTS.get(stem, kebab(stem))


def names_a_region(item: str) -> bool:
    """A bullet item that names a region (``Sweden Central``, ``East US2 (Global Standard)``)."""
    return bool(_regions_in(item))


KIND = Kind(
    name=NAME,
    subject_keys=("subject", "version", "deployment_type", "region"),  # the order ``_fact`` builds
    attributes=(Attribute("available", "boolean"),),
    title="Region availability",
    recogniser=RegionAvailabilityRecogniser,
    words=("✅",),
    whole_words=("region", "regions"),
    bullet=names_a_region,
    claim_rank=40,
)
