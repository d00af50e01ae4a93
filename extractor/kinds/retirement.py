"""The ``retirement`` kind: dates (ISO text, and as DATE in ``value_date``), status and
replacement per model version, and its recogniser (this module holds both).

Claims tables by the meaning of their header columns: a ``Model`` column plus a
retirement or deprecation date column (``| Model | Version | Retirement date | Suggested
replacements |``, ``| Model | Deprecation date | Retirement date | Suggested replacement |``,
AI Foundry's ``| Model provider | Model | Legacy date (UTC) | … |``). A table with a Model
column and a plain ``Date`` column is claimed only when its innermost heading speaks of
retirement / deprecation, or, as a tie-breaker, when the document is a retirement doc
(``concepts/model-retirements.md``, ``includes/retirement/``).

Not claimed: the default-version table (``Current default version | New default version |
Default upgrade date``: the ``default_version`` kind, a different recogniser's) and the
fine-tuned models' ``Training retirement date | Deployment retirement date`` table (no core
events, FACTS settled case).

Per row and per model of the model cell, the facts are (in this order):

- ``lifecycle_status``: from a ``Status`` column, else from the innermost heading that
  names a stage: ``… retired …`` -> ``retired``, ``… deprecated …`` -> ``deprecated``,
  ``… legacy …`` -> ``legacy``, ``Current models`` -> ``current``. Nothing when no heading
  says so (the raw text is the heading's).
- ``deprecation_date`` / ``retirement_date``: ISO dates, ``qualifier`` ``no-earlier-than``
  for ``No earlier than …`` / ``starting no sooner than …`` / ``…, or later``. A cell is cut
  into ``<br>`` segments and labelled chunks (``**Deprecated:** …``, ``Retirement date: …``);
  a labelled date wins over an unlabelled one, and text from an upgrade sentence on
  (``To be upgraded to …``, ``Deployments set to Auto-update …``) is ignored: upgrade dates
  are not retirement dates. Code spans and versions (``turbo-2024-04-09``) are never dates.
- ``replacement``: the suggested models as ``model`` or ``model (version)`` in canonical
  form, de-duplicated, sorted and joined by `` or `` — `` `gpt-35-turbo` (0125) <br><br>
  `gpt-4o-mini` `` -> ``gpt-35-turbo (0125) or gpt-4o-mini``; `` `gpt-4.1` version:
  `2025-04-14` `` -> ``gpt-4.1 (2025-04-14)``. Order of alternatives is not meaning.

Empty / ``N/A`` / ``-`` cells give no fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import ClassVar

from extractor.blocks import Block, Table
from extractor.blocks.tables import Row
from extractor.kinds.base import Attribute, Fact, Kind
from extractor.kinds.cells import cell, norm_header
from extractor.normalize import (
    canonical_model,
    canonical_version,
    is_empty_value,
    kebab,
    paren_tail,
    parse_date,
    split_br,
    split_models,
    strip_markup,
)

NAME = "retirement"

_RETIREMENT_DOC = re.compile(r"(?:^|/)model-retirements\.md$|/includes/retirement/", re.IGNORECASE)
_SCOPE_HEADING = re.compile(r"retir|deprecat", re.IGNORECASE)

_SUP = re.compile(r"<sup>.*?</sup>", re.IGNORECASE | re.DOTALL)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CODE = re.compile(r"`[^`]*`")
# versions written without backticks: turbo-2024-04-09, "version 2024-12-17", "Version: 0613"
_VERSIONISH = re.compile(r"\b[a-z][\w.]*-\d{4}-\d{2}-\d{2}\b|\bversion\s*:?\s*\S+", re.IGNORECASE)
_LABEL = re.compile(
    r"(?P<label>\bretirement|\bretired?\b|\bretiring|\bdeprecat\w*)(?:\s+date)?\s*:", re.IGNORECASE
)
# where an upgrade sentence starts; its dates are upgrade dates, not retirement dates
_UPGRADE = re.compile(
    r"\bto be upgraded\b|\bdeployments?\s+(?:of|set|will)\b|\bauto[- ]?update|\bupgrade", re.IGNORECASE
)
_TRAILING_VERSION = re.compile(r"^(?P<models>.*?\S)\s+-\s+`?(?P<version>\d[\w.-]*)`?\s*$", re.DOTALL)
_PLAIN_SPLIT = re.compile(r"\s*(?:<br\s*/?>|&|\band\b|\bor\b|,|;)\s*", re.IGNORECASE)
_REPLACEMENT_VERSION = re.compile(r"`\s*version\s*:?\s*`([^`]+)`", re.IGNORECASE)

_STATUS_HEADINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bretired\b", re.IGNORECASE), "retired"),
    (re.compile(r"\bdeprecated\b", re.IGNORECASE), "deprecated"),
    (re.compile(r"\blegacy\b", re.IGNORECASE), "legacy"),
    (re.compile(r"^\s*current\s+models?\b", re.IGNORECASE), "current"),
]

ATTRIBUTES = ("lifecycle_status", "deprecation_date", "retirement_date", "replacement")


@lru_cache(maxsize=8192)
def _role(header_cell: str) -> str | None:
    """The meaning of one header cell, or None when it is none of ours."""
    h = re.sub(r"\((?:utc|gmt)\)", "", norm_header(header_cell)).strip()
    if re.fullmatch(r"models?(?: name| id)?", h):
        return "model"
    if re.fullmatch(r"(?:model )?versions?", h):
        return "version"
    if re.search(r"training|deployment|fine[- ]?tun|default|upgrade|release", h):
        return None  # fine-tuned phases, default-version and release columns
    if "retire" in h:
        return "retirement_date"
    if "deprecat" in h:
        return "deprecation_date"
    if "replace" in h:
        return "replacement"
    if re.fullmatch(r"(?:lifecycle )?(?:status|stage)", h):
        return "status"
    if re.search(r"\bdate\b", h) and "legacy" not in h:
        return "date"
    return None


def _roles(header: list[str]) -> dict[str, int]:
    """First column index of each role (a new dict: callers may add to it)."""
    return dict(_header_roles(tuple(header)))


@lru_cache(maxsize=4096)
def _header_roles(header: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, c in enumerate(header):
        role = _role(c)
        if role is not None and role not in out:
            out[role] = i
    return out


def _innermost_heading(block: Block) -> str | None:
    return block.headings[-1][1] if block.headings else None


def _status_from_headings(block: Block) -> tuple[str, str] | None:
    """``(status, heading text)`` from the innermost heading naming a lifecycle stage."""
    for _, text in reversed(block.headings):
        plain = strip_markup(text)
        for pat, status in _STATUS_HEADINGS:
            if pat.search(plain):
                return status, text
    return None


# --- cells -------------------------------------------------------------------------------


def _plain_models(text: str) -> list[tuple[str, str | None]]:
    """Models of a cell without code spans; ``Command R+`` keeps its ``+``."""
    out: list[tuple[str, str | None]] = []
    for part in _PLAIN_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        part, version = paren_tail(part)
        model = canonical_model(part)
        if model:
            out.append((model, canonical_version(version)))
    return list(dict.fromkeys(out))


def models_in(text: str) -> list[tuple[str, str | None]]:
    """``(model, version)`` pairs of a model cell.

    Besides what ``split_models`` reads, handles a trailing `` - VERSION`` that scopes every
    model of the cell (`` `gpt-4`<br>`gpt-4-32k` - 0314 ``, `` `x` - `2024-10-01` ``) and
    link-only cells (``[Command R+](…)``).
    """
    text = _LINK.sub(r"\1", _SUP.sub("", text)).strip()
    version = None
    m = _TRAILING_VERSION.match(text)
    if m:
        text, version = m.group("models"), m.group("version")
    pairs = split_models(text) if "`" in text else _plain_models(text)
    if version is not None:
        v = canonical_version(version)
        pairs = list(dict.fromkeys((model, v) for model, _ in pairs))
    return pairs


def _versions_in(text: str) -> list[str | None]:
    parts = [canonical_version(p) for p in re.split(r"\s*(?:,|&|<br\s*/?>)\s*", text, flags=re.IGNORECASE)]
    return [p for p in dict.fromkeys(parts) if p]


def replacement_value(text: str) -> str | None:
    """The canonical replacement string of a cell, or None when it names none."""
    if is_empty_value(text):
        return None
    t = _REPLACEMENT_VERSION.sub(lambda m: f"` ({m.group(1).strip()})", text)
    t = re.sub(r"\s+or\s+", " <br> ", t, flags=re.IGNORECASE)
    pairs = models_in(t)
    items = [f"{model} ({version})" if version else model for model, version in pairs]
    if not items:
        plain = strip_markup(text).lower()
        return plain or None
    return " or ".join(sorted(dict.fromkeys(items)))


def _chunks(cell_text: str) -> Iterator[tuple[str | None, str]]:
    """``(label, text)`` pieces of a date cell: label is ``retirement`` / ``deprecation`` / None."""
    for segment in split_br(cell_text) or [cell_text]:
        seg = _CODE.sub(" ", _SUP.sub(" ", segment))
        seg = _VERSIONISH.sub(" ", strip_markup(seg))
        pos = 0
        label: str | None = None
        for m in _LABEL.finditer(seg):
            yield label, seg[pos:m.start()]
            label = "deprecation" if m.group("label").lower().startswith("deprecat") else "retirement"
            pos = m.end()
        yield label, seg[pos:]


def _dates(cell_text: str) -> tuple[dict[str, tuple[str, str | None]], list[tuple[str, str | None]]]:
    """Labelled dates by label, and unlabelled dates in order (upgrade dates left out)."""
    labelled: dict[str, tuple[str, str | None]] = {}
    unlabelled: list[tuple[str, str | None]] = []
    for label, text in _chunks(cell_text):
        up = _UPGRADE.search(text)
        if up:
            text = text[: up.start()]
        iso, qualifier = parse_date(text)
        if iso is None:
            continue
        if label is None:
            unlabelled.append((iso, qualifier))
        else:
            labelled.setdefault(label, (iso, qualifier))
    return labelled, unlabelled


class RetirementRecogniser:
    kind: ClassVar[str] = NAME

    def claims(self, block: Block) -> bool:
        if not isinstance(block, Table) or block.header is None:
            return False
        roles = _roles(block.header)
        if "model" not in roles:
            return False
        if "retirement_date" in roles or "deprecation_date" in roles:
            return True
        if "date" in roles:
            heading = _innermost_heading(block)
            if heading is not None and _SCOPE_HEADING.search(heading):
                return True
            return bool(_RETIREMENT_DOC.search(block.doc))
        return False

    def extract(self, block: Block) -> Iterator[Fact]:
        if not isinstance(block, Table) or block.header is None or not self.claims(block):
            return
        roles = _roles(block.header)
        if "date" in roles and "retirement_date" not in roles and "deprecation_date" not in roles:
            heading = _innermost_heading(block) or ""
            only_deprecation = "deprecat" in heading.lower() and "retir" not in heading.lower()
            roles["deprecation_date" if only_deprecation else "retirement_date"] = roles["date"]
        status = _status_from_headings(block)
        for row in block.rows:
            yield from self._row(row, roles, status)

    def _row(self, row: Row, roles: dict[str, int], status: tuple[str, str] | None) -> Iterator[Fact]:
        cells = row.cells
        model_cell = cell(cells, roles["model"])
        if is_empty_value(model_cell):
            return
        pairs = models_in(model_cell)
        if "version" in roles:
            versions = _versions_in(cell(cells, roles["version"]))
            if versions:
                pairs = list(dict.fromkeys((m, v) for m, _ in pairs for v in versions))
        values: dict[str, tuple[str, str, str | None]] = {}  # attribute -> (value, raw, qualifier)

        if "status" in roles and not is_empty_value(cell(cells, roles["status"])):
            raw = cell(cells, roles["status"]).strip()
            values["lifecycle_status"] = (kebab(raw), raw, None)
        elif status is not None:
            values["lifecycle_status"] = (status[0], status[1].strip(), None)

        found: dict[str, tuple[str, str, str | None]] = {}
        fallback: dict[str, tuple[str, str, str | None]] = {}
        for attr, label in (("retirement_date", "retirement"), ("deprecation_date", "deprecation")):
            if attr not in roles:
                continue
            raw = cell(cells, roles[attr]).strip()
            if is_empty_value(raw):
                continue
            labelled, unlabelled = _dates(raw)
            own = labelled.get(label) or (unlabelled[0] if unlabelled else None)
            if own is not None:
                found[attr] = (own[0], raw, own[1])
            for other_label, (iso, qualifier) in labelled.items():  # a labelled date in another column
                other_attr = f"{other_label}_date"
                if other_label != label:
                    fallback.setdefault(other_attr, (iso, raw, qualifier))
        for attr in ("deprecation_date", "retirement_date"):
            if attr in found:
                values[attr] = found[attr]
            elif attr in fallback:
                values[attr] = fallback[attr]

        if "replacement" in roles:
            raw = cell(cells, roles["replacement"]).strip()
            value = replacement_value(raw)
            if value:
                values["replacement"] = (value, raw, None)

        for model, version in pairs:
            subj = KIND.subject(model=model, version=version)
            for attr in ATTRIBUTES:
                if attr in values:
                    value, raw, qualifier = values[attr]
                    yield Fact(NAME, subj, attr, value, raw, qualifier, row.line)


KIND = Kind(
    name=NAME,
    subject_keys=("model", "version"),
    attributes=(Attribute("lifecycle_status", "text"), Attribute("deprecation_date", "date"),
                Attribute("retirement_date", "date"),
                Attribute("replacement", "text", names_models=True)),
    title="Retirements",
    recogniser=RetirementRecogniser,
    words=("retire", "deprecation"),
    claim_rank=30,
)
