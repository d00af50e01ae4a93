"""Normalisation of cell text into the canonical values of the fact contract.

Models, versions, regions, deployment types, tiers / subscriptions, quantities and
dates are all turned into the exact canonical forms FACTS.md defines. Every function
here is pure and cheap: recognisers call them per cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

# --- generic cell cleaning -------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060"), None)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_SUP = re.compile(r"<sup>.*?</sup>", re.I | re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"</?[a-z][^>]*>", re.I)
_BR = re.compile(r"<br\s*/?>", re.I)


def clean_space(text: str) -> str:
    """Fold NBSP, narrow NBSP, tabs and zero-width characters into single spaces."""
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


@lru_cache(maxsize=65536)
def strip_markup(text: str) -> str:
    """Drop footnote marks, links (keeping their text), bold/italic, backticks and tags."""
    text = _SUP.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _BR.sub(" ", text)
    text = _HTML_TAG.sub("", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = text.replace("\\|", "|").replace("\\_", "_").replace("\\<", "<").replace("\\>", ">")
    return clean_space(text)


def strip_footnotes(text: str) -> str:
    """Drop footnote marks (``<sup>1, 2</sup>``) and nothing else: before splitting a cell."""
    return _SUP.sub("", text)


def split_br(cell: str) -> list[str]:
    """Split a cell on ``<br>`` tags, dropping empty parts."""
    return [p for p in (clean_space(x) for x in _BR.split(cell)) if p]


_EMPTY_VALUES = frozenset({"", "-", "n/a", "na", "—", "–", "➖", "none"})


@lru_cache(maxsize=65536)
def is_empty_value(text: str) -> bool:
    return strip_markup(text).strip().lower() in _EMPTY_VALUES


_QUANTITY_CELL = re.compile(r"^\s*\d[\d,.]*\s*[kmb]?\s*$", re.I)


def is_quantity_cell(text: str) -> bool:
    """A cell that holds only a quantity (``30 M``, ``1,000``, ``450k``), markup aside."""
    return bool(_QUANTITY_CELL.match(strip_markup(text)))


# --- models ------------------------------------------------------------------------------

_MODEL_SPLIT = re.compile(r"\s*(?:<br\s*/?>|&|\band\b|\s\+\s|,|/)\s*", re.I)
_PAREN = re.compile(r"\(([^)]*)\)")
# what a version looks like on its own: 0613, 1106-Preview, 2024-05-13, 2024-12-17-preview, 1
_VERSION_LIKE = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{3,4}|\d{1,2})(?:-[a-z]+)?$", re.I)
_CODE_SPAN = re.compile(r"(`[^`]+`)")
# text right after a backticked model that gives its version(s)
_TAIL_PAREN = re.compile(r"^\s*\(\s*(?:version:?\s*)?([^)]*)\)", re.I)
_TAIL_BR_VERSION = re.compile(r"^\s*<br\s*/?>\s*\(\s*version:?\s*([^)]*)\)", re.I)
_TAIL_DASH = re.compile(r"^\s*-\s*([0-9][\w.-]*)", re.I)
_TAIL_DASH_OPEN = re.compile(r"^\s*-\s*$")
_TRAILING_DASH_VERSION = re.compile(r"^(?P<name>.*?\S)\s+-\s+(?P<version>\S+)$")


def canonical_model(text: str) -> str:
    """`` `GPT-4.1 mini` `` -> ``gpt-4.1-mini``; footnotes, links and markup removed."""
    t = strip_markup(text).strip().strip("*_").strip()
    t = t.lower()
    t = re.sub(r"\s*-\s*", "-", t)
    t = re.sub(r"\s+", "-", t)
    return t.strip("-:")


def canonical_version(text: str | None) -> str | None:
    if text is None:
        return None
    t = strip_markup(text).strip().strip("()").strip()
    t = re.sub(r"^version:?\s*", "", t, flags=re.I)
    if not t or t in {"-", "N/A", "n/a"}:
        return None
    return t.lower().replace(" ", "-")


def is_version_like(text: str) -> bool:
    """``0613``, ``1106-Preview``, ``2024-05-13``, ``1``: a version written on its own."""
    return bool(_VERSION_LIKE.match(strip_markup(text).strip()))


_NAME_PAREN = re.compile(r"^(.*?)\s*\(([^)]*)\)\s*$")


def paren_tail(text: str) -> tuple[str, str | None]:
    """``gpt-4 (1106)`` -> (``gpt-4``, ``1106``): a name and what a trailing parenthesis holds;
    the text and None when it ends in none."""
    m = _NAME_PAREN.match(text)
    return (m.group(1), m.group(2)) if m else (text, None)


def split_models(cell: str) -> list[tuple[str, str | None]]:
    """Split a model cell into ``(model, version)`` pairs.

    Handles `` `a`<br>`b` ``, `` `o1` & `o1-preview` ``, `` `gpt-4` (0314) ``,
    `` `gpt-4o` (2024-08-06, 2024-05-13) ``, `` `gpt-35-turbo` - 0301 ``,
    `` `x` - `2024-10-01` ``, `` `o1` <br>(Version: 2024-12-17) `` and
    `` `gpt-4o` (2024-11-20) <br> **GPT-4o (Omni)** ``. A trailing `` - VERSION`` also scopes
    the models before it that have none (`` `gpt-4`<br>`gpt-4-32k` - 0314 ``). When a cell
    has backticked names, only those are models (bold display names are prose). Without
    backticks, a part that is only a version (``**gpt-4o**, **2024-05-13**``) belongs to
    the model before it.
    """
    raw = _SUP.sub("", cell)
    if "`" in raw:
        return _dedupe(_ticked_models(raw))
    out: list[list] = []  # [model, versions, by_dash]
    for part in _MODEL_SPLIT.split(strip_markup(raw)):
        part = part.strip()
        if not part:
            continue
        if out and is_version_like(part) and out[-1][1] == [None]:
            out[-1][1] = [canonical_version(part)]
            continue
        versions: list[str | None] = [None]
        by_dash = False
        name, paren = paren_tail(part)
        if paren is not None:
            part, versions = name, [canonical_version(paren)]
        else:
            m = _TRAILING_DASH_VERSION.match(part)
            if m and is_version_like(m.group("version")):
                part, versions, by_dash = m.group("name"), [canonical_version(m.group("version"))], True
        model = canonical_model(part)
        if model:
            out.append([model, versions, by_dash])
    return _dedupe(_spread_dash_versions(out))


def _ticked_models(raw: str) -> list[tuple[str, str | None]]:
    items: list[list] = []  # [model, versions, by_dash]
    pending_dash = False  # "`x` - `2024-10-01`": the next code span is a version
    for i, piece in enumerate(_CODE_SPAN.split(raw)):
        if i % 2 == 1:
            inner = piece[1:-1].strip()
            if items and pending_dash and is_version_like(inner):
                items[-1][1:] = [[canonical_version(inner)], True]
                pending_dash = False
                continue
            pending_dash = False
            versions: list[str | None] = [None]
            inner, paren = paren_tail(inner)
            if paren is not None:  # `gpt-4 (1106)`
                versions = [canonical_version(v) for v in re.split(r"\s*,\s*", paren) if v]
            model = canonical_model(inner)
            if model:
                items.append([model, versions or [None], False])
            continue
        if not items or items[-1][1] != [None]:
            continue
        m = _TAIL_PAREN.match(piece) or _TAIL_BR_VERSION.match(piece)
        if m:
            found = [canonical_version(v) for v in re.split(r"\s*,\s*", m.group(1)) if v.strip()]
            items[-1][1] = [v for v in found if v] or [None]
            continue
        m = _TAIL_DASH.match(piece)
        if m and is_version_like(m.group(1)):
            items[-1][1:] = [[canonical_version(m.group(1))], True]
            continue
        pending_dash = bool(_TAIL_DASH_OPEN.match(piece))
    return _spread_dash_versions(items)


def _spread_dash_versions(items: list[list]) -> list[tuple[str, str | None]]:
    """A `` - VERSION`` after the last of several models scopes those before it that have none."""
    for k in range(len(items) - 1, -1, -1):
        if items[k][2]:
            j = k - 1
            while j >= 0 and items[j][1] == [None] and not items[j][2]:
                items[j][1] = list(items[k][1])
                j -= 1
    return [(model, v) for model, versions, _ in items for v in versions]


def _dedupe(items: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    seen: dict[tuple[str, str | None], None] = {}
    for it in items:
        seen.setdefault(it, None)
    return list(seen)


# --- regions -----------------------------------------------------------------------------

_REGION_SUFFIX = re.compile(r"\(([^)]*)\)\s*$")


@lru_cache(maxsize=4096)
def canonical_region(text: str) -> str:
    """``East US 2`` / ``East US2`` / ``eastus2`` -> ``eastus2``."""
    t = strip_markup(text).lower()
    t = re.sub(r"^[*\-•]\s*", "", t)
    return re.sub(r"[^a-z0-9]", "", t)


def split_regions(cell: str) -> list[tuple[str, str | None]]:
    """Split a cell listing regions into ``(region, deployment_type)`` pairs.

    ``East US2 (Global Standard) <br> Sweden Central (Global Standard)`` gives two regions
    with ``global-standard``; cells that name no region (links to other pages) give none.
    """
    out: list[tuple[str, str | None]] = []
    for part in re.split(r"\s*(?:<br\s*/?>|,|;|\n)\s*", _SUP.sub("", cell), flags=re.I):
        part = part.strip()
        if not part:
            continue
        dtype = None
        m = _REGION_SUFFIX.search(part)
        if m:
            dtype = deployment_types(m.group(1))[0] if deployment_types(m.group(1)) else None
            part = part[: m.start()]
        plain = strip_markup(part)
        if not plain or len(plain) > 40 or re.search(r"\b(see|page|table|models?|available|request)\b", plain, re.I):
            continue
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9 ]*", plain):
            continue
        out.append((canonical_region(plain), dtype))
    return list(dict.fromkeys(out))


# Azure's programmatic region names (public, government, China) as of 2025. Regions not
# listed still pass ``is_region`` when they look like one (a compass word, see below).
KNOWN_REGIONS: frozenset[str] = frozenset({
    "australiacentral", "australiacentral2", "australiaeast", "australiasoutheast", "austriaeast",
    "belgiumcentral", "brazilsouth", "brazilsoutheast", "canadacentral", "canadaeast",
    "centralindia", "centralus", "centraluseuap", "chilecentral", "denmarkeast", "eastasia",
    "eastus", "eastus2", "eastus2euap", "eastusstg", "francecentral", "francesouth",
    "germanynorth", "germanywestcentral", "indonesiacentral", "israelcentral", "italynorth",
    "japaneast", "japanwest", "jioindiacentral", "jioindiawest", "koreacentral", "koreasouth",
    "malaysiawest", "mexicocentral", "newzealandnorth", "northcentralus", "northeurope",
    "norwayeast", "norwaywest", "polandcentral", "qatarcentral", "southafricanorth",
    "southafricawest", "southcentralus", "southeastasia", "southindia", "spaincentral",
    "swedencentral", "swedensouth", "switzerlandnorth", "switzerlandwest", "taiwannorth",
    "taiwannorthwest", "uaecentral", "uaenorth", "uksouth", "ukwest", "westcentralus",
    "westeurope", "westindia", "westus", "westus2", "westus3", "usgovarizona", "usgovtexas",
    "usgovvirginia", "usgoviowa", "usdodcentral", "usdodeast", "chinaeast", "chinaeast2",
    "chinaeast3", "chinanorth", "chinanorth2", "chinanorth3",
})

# Words of table headers: a subject named by one was read from a header row, not a fact.
HEADER_WORDS: frozenset[str] = frozenset({
    "model", "models", "model-id", "model-name", "model-version", "region", "regions", "tier", "tiers",
    "tpm", "rpm", "version", "versions", "deployment-type", "deployment", "deployments", "quota",
    "quota-limit", "limit", "limits", "limit-name", "limit-value", "name", "value", "feature",
    "features", "subscription", "offer", "offers", "type", "status", "topic", "description",
    "retirement-date", "deprecation-date", "replacement", "suggested-replacement", "score-range",
})
_DATE_LIKE = re.compile(
    r"^(?:\d{4}-\d{2}(?:-\d{2})?|\d{1,2}/\d{1,2}/\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*-\d{1,2}(?:-\d{4})?)$", re.I)
_NUMBER_LIKE = re.compile(r"^[\d.,\s%-]+$")


@lru_cache(maxsize=65536)  # the same few hundred subjects come back for every row read
def implausible_subject(subject: tuple[tuple[str, str | None], ...]) -> str | None:
    """Why a fact's subject cannot be what the document states a fact about, else None.

    A model or subject that is a date, a bare number or a header word, a tier or
    subscription that is a header word, or a region that is not one of Azure's
    programmatic region names (``KNOWN_REGIONS``) come from a table misread: such facts
    are kept as unresolved rows with this reason, never as events.
    """
    for key, value in subject:
        if value is None:
            continue
        if key in ("model", "subject"):
            if _DATE_LIKE.match(value):
                return f"{key} {value!r} is a date"
            if _NUMBER_LIKE.match(value):
                return f"{key} {value!r} is a number"
            if value in HEADER_WORDS:
                return f"{key} {value!r} is a header word"
        elif key in ("tier", "subscription") and value in HEADER_WORDS:
            return f"{key} {value!r} is a header word"
        elif key == "region" and value not in KNOWN_REGIONS:
            return f"region {value!r} is not an Azure region name"
    return None


_COMPASS = re.compile(r"east|west|north|south|central", re.IGNORECASE)
_REGION_WORD = re.compile(r"^(?:[A-Z][A-Za-z]*\d?|\d)$")


def is_region(text: str) -> bool:
    """True when ``text`` names an Azure region (``eastus2``, ``East US 2``, `` `westus3` ``).

    Known programmatic names always pass; otherwise a programmatic-looking token
    (``taiwannorth``) or a display name of one to four capitalised words (``Chile Central``)
    passes when it holds a compass word. Prose (``The web search tool``) does not.
    """
    plain = strip_markup(text)
    canon = canonical_region(plain)
    if not canon or len(canon) > 30:
        return False
    if canon in KNOWN_REGIONS:
        return True
    if not _COMPASS.search(canon):
        return False
    if re.fullmatch(r"[a-z]+\d?", plain):
        return True
    words = plain.split()
    return 1 <= len(words) <= 4 and all(_REGION_WORD.match(w) for w in words) and any(
        _COMPASS.fullmatch(w) for w in words)


# --- deployment types --------------------------------------------------------------------

_DTYPE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("data-zone-provisioned", re.compile(r"data\s*-?\s*zone\s*-?\s*provisioned|datazone\s*provisioned", re.I)),
    ("global-provisioned", re.compile(r"global\s*-?\s*provisioned", re.I)),
    ("data-zone-batch", re.compile(r"data\s*-?\s*zone\s*-?\s*batch|datazone\s*batch", re.I)),
    ("global-batch", re.compile(r"global\s*-?\s*batch", re.I)),
    ("data-zone-standard", re.compile(r"data\s*-?\s*zone\s*-?\s*standard|datazone\s*standard", re.I)),
    ("global-standard", re.compile(r"global\s*-?\s*standard|globalstandard", re.I)),
    ("provisioned", re.compile(r"provisioned", re.I)),
    ("standard", re.compile(r"standard", re.I)),
    ("developer", re.compile(r"developer", re.I)),
]


def deployment_types(text: str) -> list[str]:
    """All deployment types a heading, tab or cell names, in order, each once.

    ``GPT-4o global standard, data zone standard, & standard`` gives three types.
    """
    t = strip_markup(text)
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for name, pat in _DTYPE_PATTERNS:
        for m in pat.finditer(t):
            if any(s <= m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), name))
    found.sort()
    return list(dict.fromkeys(n for _, n in found))


# A data zone written in a label: ``USGov DataZone``, ``EU Data Zone``, ``Data Zone Standard``.
_ZONE_LABEL = re.compile(r"(?:(?P<zone>\bus\s*gov(?:ernment)?|\beu|\bus)\s*)?\bdata\s*-?\s*zone\b"
                         r"(?:\s*-?\s*(?P<family>standard|provisioned|batch)\b(?:[\s-]*managed\b)?)?", re.I)


def label_scope(text: str) -> tuple[str, str | None, str | None]:
    """A model label (column header or model cell) without the scope written at its end:
    ``(the rest, deployment type, data zone)``.

    ``**o3-mini USGov DataZone**`` -> ``("o3-mini", "data-zone-standard", "usgov")``;
    ``gpt-4o Global Standard`` -> ``("gpt-4o", "global-standard", None)``. The phrases are the
    canonical deployment-type phrases (``deployment_types``) and data zones; a label that is
    only such a phrase, or that holds one elsewhere than at its end, is left whole."""
    plain = strip_markup(text).strip()
    m = next(reversed(list(_ZONE_LABEL.finditer(plain))), None)  # the last one
    if m is not None and not plain[m.end():].strip() and plain[:m.start()].strip():
        family = (m.group("family") or "standard").lower()
        zone = canonical_region(m.group("zone")) if m.group("zone") else None
        return plain[:m.start()].strip(" -,"), f"data-zone-{family}", zone
    for name, pat in _DTYPE_PATTERNS:  # the first (longest) phrase that ends the label decides
        for m in pat.finditer(plain):
            if not plain[m.end():].strip(" )"):
                rest = plain[:m.start()].strip(" -,(")
                return (rest, name, None) if rest else (plain, None, None)
    return plain, None, None


_INCLUDE_TYPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"global-batch-datazone|datazone-batch|data-zone-batch"), "data-zone-batch"),
    (re.compile(r"global-batch"), "global-batch"),
    (re.compile(r"provisioned-global|global-provisioned"), "global-provisioned"),
    (re.compile(r"datazone-provisioned|data-zone-provisioned"), "data-zone-provisioned"),
    (re.compile(r"provisioned-models|provisioned"), "provisioned"),
    (re.compile(r"standard-global|global-standard"), "global-standard"),
    (re.compile(r"datazone-standard|data-zone-standard"), "data-zone-standard"),
    (re.compile(r"^standard-|/standard-"), "standard"),
]


def deployment_type_from_path(doc: str) -> str | None:
    """Deployment type named by an include file holding one such table."""
    name = doc.rsplit("/", 1)[-1].lower()
    for pat, dtype in _INCLUDE_TYPES:
        if pat.search(name):
            return dtype
    return None


# --- tiers / subscriptions -------------------------------------------------------------------

_TIERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"enterprise", re.I), "enterprise"),
    (re.compile(r"credit\s*card", re.I), "credit-card"),
    (re.compile(r"msdn", re.I), "msdn"),
    (re.compile(r"free\s*trial", re.I), "free-trial"),  # "Azure for Students" alone is its own offer
    (re.compile(r"^\s*default\s*$", re.I), "default"),
    (re.compile(r"^\s*tier\s*([1-6])\s*$", re.I), "tier-{0}"),
]


def canonical_tier(text: str) -> str | None:
    t = strip_markup(text)
    if not t:
        return None
    for pat, name in _TIERS:
        m = pat.search(t)
        if m:
            return name.format(*m.groups()) if m.groups() else name
    return kebab(t)


def kebab(text: str) -> str:
    t = strip_markup(text).lower()
    t = re.sub(r"[^a-z0-9.]+", "-", t)
    return t.strip("-")


# --- quantities ------------------------------------------------------------------------------

_QTY = re.compile(
    r"^(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<unit>k|m|b|thousand|million|billion)?\b",
    re.I,
)
# with ``sizes``: also sizes in bytes (``512 MB``, ``2 GiB``, ``100 bytes``) and counts with dots
# between thousands (``200.000``)
_SIZED_QTY = re.compile(
    r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?![\d,])|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>[kmgt]i?b|bytes?|k|m|b|thousand|million|billion)?(?![a-z])", re.I)
_DOTTED_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_MULT = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000,
         "b": 1_000_000_000, "billion": 1_000_000_000, "byte": 1, "bytes": 1}
_BINARY = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}

INT64_MAX = 2**63 - 1  # the largest value the store keeps
_NEGATIVE = re.compile(r"^[-\u2212\u2013]\s*\d")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class BadValue:
    """A cell that holds a value of the kind, but not one that can be true (a negative or
    impossible quantity): its row is unresolved, with ``reason``, and no event is made of it."""

    reason: str


def parse_quantity(text: str, *, sizes: bool = False) -> int | BadValue | None:
    """``10 M`` -> 10000000, ``1.6 K`` -> 1600, ``15B``, ``90k``, ``100,000``; N/A, - -> None;
    a negative quantity, or one past ``INT64_MAX``, -> ``BadValue``. With ``sizes`` (a cell
    that may hold a size): ``512 MB`` -> 536870912 (binary units), ``200.000`` -> 200000."""
    if is_empty_value(text):
        return None
    t = strip_markup(text)
    if _NEGATIVE.match(t):
        return BadValue(f"a negative quantity: {t[:40]}")
    m = (_SIZED_QTY if sizes else _QTY).match(t)
    if not m:
        return None
    num, unit = m.group("num"), (m.group("unit") or "").lower()
    if sizes and not unit and _DOTTED_THOUSANDS.match(num):
        num = num.replace(".", "")  # a count written 200.000 (thousands marked by dots)
    num = num.replace(",", "")
    binary = unit not in _MULT and unit.endswith("b")
    value = round(Decimal(num) * (_BINARY[unit[0]] if binary else _MULT.get(unit, 1)))  # exact, however many digits
    if value > INT64_MAX:
        digits = len(num.split(".")[0])
        return BadValue(f"a quantity of {digits} digits, past the largest that can be stored ({INT64_MAX:,})")
    return value


def control_character(text: str) -> str | None:
    """Why a row is not read when it holds a control character (NUL, ESC, ...; tabs aside)."""
    m = _CONTROL.search(text)
    return None if m is None else f"a control character (U+{ord(m.group()):04X}) in the row"


# --- dates -------------------------------------------------------------------------------------

_QUALIFIERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"no\s+earlier\s+than", re.I), "no-earlier-than"),
    (re.compile(r"(?:starting\s+)?no\s+sooner\s+than", re.I), "no-earlier-than"),
    (re.compile(r"not\s+before", re.I), "no-earlier-than"),
    (re.compile(r",?\s*or\s+later", re.I), "no-earlier-than"),
]

_MONTHS = ["january", "february", "march", "april", "may", "june",
           "july", "august", "september", "october", "november", "december"]
_MONTH_RE = (r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
             r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_DATE_PATTERNS = [
    # ISO, but not inside a version such as ``turbo-2024-04-09`` or ``gpt-4o-2024-05-13``
    re.compile(r"(?<![\w.-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\w-])"),
    re.compile(r"(?<![\w/.-])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?![\d/])"),
    re.compile(r"(?P<mon>" + _MONTH_RE + r")\s*,?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<y>\d{4})\b", re.I),
    re.compile(r"(?<![\w.])(?P<d>\d{1,2})\s+(?P<mon>" + _MONTH_RE + r")\s*,?\s*(?P<y>\d{4})\b", re.I),
]


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")[:3]
    for i, full in enumerate(_MONTHS, 1):
        if full.startswith(key):
            return i
    raise ValueError(name)


def find_date(text: str) -> tuple[str | None, int]:
    """First date in ``text`` as ISO, and where it starts (-1 when none)."""
    best: tuple[int, str] | None = None
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            if best is not None and m.start() >= best[0]:
                break
            try:
                month = _month_number(m.group("mon")) if "mon" in m.groupdict() else int(m.group("m"))
                d = date(int(m.group("y")), month, int(m.group("d")))
            except (ValueError, IndexError):
                continue  # not a real date (2025-13-40): look further on
            best = (m.start(), d.isoformat())
            break
    return (best[1], best[0]) if best else (None, -1)


_MONTH_YEAR = re.compile(r"(?P<mon>" + _MONTH_RE + r")\s*,?\s*(?P<y>\d{4})", re.I)


def month_year(text: str) -> str | None:
    """``Oct 2023``, ``September, 2021`` -> ``2023-10``, ``2021-09``, when that is all the text is."""
    m = _MONTH_YEAR.fullmatch(text.strip())
    return None if m is None else f"{m.group('y')}-{_month_number(m.group('mon')):02d}"


def whole_date(text: str) -> str | None:
    """``text`` as an ISO date when it is a date and nothing else (``2025-02-08``, ``Feb 8,
    2025``); None otherwise (``2025-01-01 x``): a date given as a parameter."""
    t = text.strip()
    for pat in _DATE_PATTERNS:
        if pat.fullmatch(t):
            iso, _ = find_date(t)
            return iso
    return None


def parse_date(text: str) -> tuple[str | None, str | None]:
    """A date cell -> ``(iso_date, qualifier)``; ``(None, None)`` when it holds no date."""
    t = strip_markup(text)
    iso, _ = find_date(t)
    if iso is None:
        return None, None
    qualifier = None
    for pat, name in _QUALIFIERS:
        if pat.search(t):
            qualifier = name
            break
    return iso, qualifier


def iso_date(value: str | date | datetime) -> str:
    """A front-matter or header date as ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    iso, _ = find_date(str(value))
    if iso is None:
        raise ValueError(f"not a date: {value!r}")
    return iso
