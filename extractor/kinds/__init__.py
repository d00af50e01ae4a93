"""The registry of fact kinds: one module per kind declares it; everything that lists kinds
derives from here (subject keys, the recognisers and their claim order, the prefilter words,
the API's kinds, the digest's titles, the per-kind views and the attribute labels, generated
as SQL by ``views_sql``, and the README's table of kinds, ``readme_table``).

A kind module holds its declaration (``KIND``) and its recogniser; the recogniser's contract
(``Recogniser``, the ``Fact`` it yields) is in ``extractor.kinds.base``, the cell helpers the
recognisers share in ``extractor.kinds.cells``. ``claimant`` and ``Claims`` say which
recogniser claims a block.

Adding a kind is adding a module beside these and its name in ``_MODULES``; a test may
``register`` a kind and ``unregister`` it afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from extractor.kinds import (
    api_version,
    batch_quota,
    default_version,
    model_spec,
    ptu,
    quota,
    region_availability,
    retirement,
    service_limit,
)
from extractor.kinds.base import Attribute, Fact, Kind, Recogniser, ValueType

if TYPE_CHECKING:
    from extractor.blocks import Block

_MODULES = (quota, batch_quota, retirement, region_availability, model_spec, ptu, default_version, service_limit,
            api_version)
_BUILTIN = tuple(m.KIND for m in _MODULES)
# In display order (digest, API, README); recognisers are asked in ``claim_rank`` order.
REGISTRY: dict[str, Kind] = {k.name: k for k in _BUILTIN}
_cache: dict[str, object] = {}


class _SubjectKeys(Mapping[str, tuple[str, ...]]):
    """Subject keys per kind, in export order, as the kind registry declares them (live: a
    kind registered later is in it). Keys a table does not give are None."""

    def __getitem__(self, kind: str) -> tuple[str, ...]:
        return REGISTRY[kind].subject_keys

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)


SUBJECT_KEYS: Mapping[str, tuple[str, ...]] = _SubjectKeys()


def subject(kind: str, **keys: str | None) -> tuple[tuple[str, str | None], ...]:
    """The subject tuple of ``kind`` in its canonical key order; unknown keys are an error."""
    return REGISTRY[kind].subject(**keys)



def register(kind: Kind) -> Kind:
    """Add ``kind`` to the registry (after the others); its name must be new."""
    if kind.name in REGISTRY:
        raise ValueError(f"kind {kind.name!r} is already registered")
    labels = attribute_labels()
    for a in kind.attributes:
        if a.name in labels and labels[a.name] != a.title:
            raise ValueError(f"kind {kind.name!r}: attribute {a.name!r} is labelled {labels[a.name]!r} elsewhere")
    REGISTRY[kind.name] = kind
    _cache.clear()
    return kind


def unregister(name: str) -> None:
    """Remove a kind that ``register`` added (the built-in kinds stay)."""
    if any(k.name == name for k in _BUILTIN):
        raise ValueError(f"kind {name!r} is built in")
    REGISTRY.pop(name, None)
    _cache.clear()


def get(name: str) -> Kind:
    return REGISTRY[name]


def names() -> tuple[str, ...]:
    """Every kind's name, in display order."""
    return tuple(REGISTRY)


def title(name: str) -> str:
    """The title of a kind for people ("Quotas"); an unknown kind's name as it is."""
    k = REGISTRY.get(name)
    return k.title if k else name


def subject_keys() -> dict[str, tuple[str, ...]]:
    return {k.name: k.subject_keys for k in REGISTRY.values()}


def recognisers() -> list[Recogniser]:
    """The recognisers in the order they are asked to claim a block."""
    got = _cache.get("recognisers")
    if got is None:
        ordered = sorted(REGISTRY.values(), key=lambda k: k.claim_rank)  # stable: ties in registry order
        got = _cache["recognisers"] = [k.get_recogniser() for k in ordered]
    return got  # type: ignore[return-value]


def claimant(block: Block) -> Recogniser | None:
    """The first recogniser that claims ``block``, or None."""
    return next((r for r in recognisers() if r.claims(block)), None)


class Claims:
    """Which recogniser claims each block of one source, asked once per block and again only
    when its header or headings change (the key is their content, not the lists' identity).
    Blocks are known by identity, so one ``Claims`` lives no longer than its blocks: one per
    source (``Prepared.claims``)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[tuple[object, ...], Recogniser | None]] = {}

    def of(self, block: Block) -> Recogniser | None:
        key = _claim_key(block)
        got = self._memo.get(id(block))
        if got is not None and got[0] == key:
            return got[1]
        found = claimant(block)
        self._memo[id(block)] = (key, found)
        return found

    def set(self, block: Block, found: Recogniser | None) -> None:
        """Record that ``found`` claims ``block`` as it is now (a claim known from an earlier
        version of the same table), so that ``of`` does not ask the recognisers again."""
        self._memo[id(block)] = (_claim_key(block), found)


def _claim_key(block: Block) -> tuple[object, ...]:
    header = getattr(block, "header", None)
    return (None if header is None else tuple(header), tuple(block.headings))


def prefilter() -> tuple[tuple[str, ...], tuple[str, ...], re.Pattern[str] | None, tuple[Callable[[str], bool], ...]]:
    """The prefilter of all kinds: (substring words, whole words, a pattern of the whole words,
    the bullet tests)."""
    got = _cache.get("prefilter")
    if got is None:
        words = tuple(dict.fromkeys(w for k in REGISTRY.values() for w in k.words))
        whole = tuple(dict.fromkeys(w for k in REGISTRY.values() for w in k.whole_words))
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, whole)) + r")\b") if whole else None
        bullets = tuple(k.bullet for k in REGISTRY.values() if k.bullet is not None)
        got = _cache["prefilter"] = (words, whole, pattern, bullets)
    return got  # type: ignore[return-value]


def attribute_labels() -> dict[str, str]:
    """Each attribute's label for people, over all kinds."""
    return {a.name: a.title for k in REGISTRY.values() for a in k.attributes}


# --- the per-kind views, generated --------------------------------------------------------

_SPAN = "valid_from, valid_to, last_seen, opened_by, closed_by, inferred"
_PROVENANCE = "doc, source_file, source_line, n_sources, change_id, link, is_current"
_VALUE_COLUMNS: dict[ValueType, str] = {
    "integer": (f"attribute, value_num AS value, {_SPAN}, try_cast(previous_json AS BIGINT) AS previous, "
                f"value_raw, {_PROVENANCE}"),
    "date": (f"attribute, value_text AS value, try_cast(value_text AS DATE) AS value_date, qualifier, {_SPAN}, "
             f"json_extract_string(previous_json, '$') AS previous, value_raw, {_PROVENANCE}"),
    "text": (f"attribute, value_text AS value, {_SPAN}, json_extract_string(previous_json, '$') AS previous, "
             f"value_raw, {_PROVENANCE}"),
    "mixed": (f"attribute, value_text AS value, value_num, {_SPAN}, json_extract_string(previous_json, '$') AS previous, "
              f"value_raw, {_PROVENANCE}"),
    "boolean": f"value_json = 'true' AS {{attribute}}, {_SPAN}, {_PROVENANCE}, closed_link",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def kind_views_sql(kind: Kind) -> str:
    """``<kind>_history``, ``<kind>_current`` and ``<kind>_as_of(d)`` of one kind."""
    n = kind.name
    keys = ", ".join(kind.key_column(k) for k in kind.subject_keys)
    values = _VALUE_COLUMNS[kind.value_type].format(attribute=kind.attributes[0].name)
    return (f"-- {n}: {kind.title}\n"
            f"CREATE OR REPLACE VIEW {n}_history WITH (DEFER_BINDING) AS\n"
            f"SELECT {keys}, {values}\nFROM fact_history WHERE kind = {_quote(n)};\n\n"
            f"CREATE OR REPLACE VIEW {n}_current WITH (DEFER_BINDING) AS\n"
            f"SELECT * FROM {n}_history WHERE valid_to IS NULL;\n\n"
            f"CREATE OR REPLACE MACRO {n}_as_of(d) AS TABLE\nSELECT * FROM {n}_history\n"
            f"WHERE valid_from <= CAST(d AS DATE) AND (valid_to IS NULL OR valid_to > CAST(d AS DATE));\n")


def macros_sql() -> str:
    """The label macros ``fact_changes`` uses, from the kinds: attribute labels, date attributes, boolean kinds."""
    labels = " ".join(f"WHEN {_quote(a)} THEN {_quote(t)}" for a, t in attribute_labels().items()
                      if t != a.replace("_", " "))
    dates = ", ".join(_quote(a.name) for k in REGISTRY.values() for a in k.attributes if a.type == "date")
    booleans = ", ".join(_quote(k.name) for k in REGISTRY.values() if k.value_type == "boolean")
    return ("CREATE OR REPLACE MACRO fact_attribute_label(a) AS\n"
            f"    CASE a {labels} ELSE replace(a, '_', ' ') END;\n\n"
            "CREATE OR REPLACE MACRO fact_date_attribute(a) AS\n"
            f"    a IN ({dates or 'NULL'});\n\n"
            "CREATE OR REPLACE MACRO fact_boolean_kind(k) AS\n"
            f"    k IN ({booleans or 'NULL'});\n")


README_BEGIN = "<!-- kinds:begin (generated from extractor.kinds: python -m extractor.kinds README.md) -->"
README_END = "<!-- kinds:end -->"


def readme_table() -> str:
    """The README's table of kinds, one row per registered kind."""
    return "\n".join(["| kind | subject | attributes |", "|---|---|---|",
                      *(k.readme_row() for k in REGISTRY.values())])


def readme_with_table(text: str) -> str:
    """``text`` (the README) with the table between its kinds marks generated anew."""
    start, end = text.find(README_BEGIN), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError("the README has no kinds:begin / kinds:end marks")
    return text[:start] + README_BEGIN + "\n" + readme_table() + "\n" + text[end:]


def views_sql() -> str:
    """The SQL the store runs after ``schemas/002_views.sql`` (and includes in its checksum)."""
    return "\n".join(["-- generated from extractor.kinds", macros_sql(),
                      *(kind_views_sql(k) for k in REGISTRY.values())])


__all__ = ["REGISTRY", "SUBJECT_KEYS", "Attribute", "Claims", "Fact", "Kind", "Recogniser", "ValueType",
           "attribute_labels", "claimant", "get", "kind_views_sql", "macros_sql", "names", "prefilter", "readme_table",
           "readme_with_table", "recognisers", "register", "subject", "subject_keys", "title", "unregister", "views_sql"]
