"""The model level's schema that is generated: the macros and data views that
``schemas/010_model_level.sql`` (marked ``-- generated: model views``) needs from the kind
registry and from the shipped data (``schemas/model_aliases.csv``: spelling variants of one
model; ``schemas/model_services.csv``: the service of each document area). The store runs it
before that script and includes it in the script's checksum, so a new kind or alias reaches
existing databases on their next open. The model level above the store
(``extractor.model``) reads and extends the same data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from extractor import kinds
from extractor.kinds.base import EVENT_KEYS, STORED_AS
from extractor.normalize import canonical_model as canonical_name
from extractor.paths import sql_dir

ALIASES_CSV = sql_dir("schemas") / "model_aliases.csv"
SERVICES_CSV = sql_dir("schemas") / "model_services.csv"
CLASSES = ("model", "feature", "offer")

# A folder under ``articles/`` that holds one area per service (``ai-services/openai``).
AREA_CONTAINERS = ("ai-services",)
# Keys of availability kinds that are a detail of a (model, place) row, not part of its key.
DETAIL_KEYS = ("version", "deployment_type")
_ARGS = "kind, model, version, deployment_type, tier, subscription, region, subject_json"


class AliasError(ValueError):
    """An alias file or pair that cannot be used (the message names the file and line)."""


@dataclass(frozen=True)
class Alias:
    alias: str
    model: str
    note: str = ""


def _rows(text: str, where: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise AliasError(f"{where}: line 1: expected the columns {', '.join(required)} (missing {', '.join(missing)})")
    return [(i, {k: (v or "").strip() for k, v in row.items() if k}) for i, row in enumerate(reader, start=2)
            if any((v or "").strip() for v in row.values() if isinstance(v, str))]


def parse_aliases(text: str, where: str) -> list[Alias]:
    """The aliases of a CSV text with columns ``alias,model`` (``note`` optional), checked as
    ``check_aliases`` does, its errors naming ``where`` and the line."""
    return check_aliases(((f"line {line}", row["alias"], row["model"], row.get("note") or "")
                          for line, row in _rows(text, where, ("alias", "model"))), where)


def check_aliases(entries: Iterable[tuple[str, str, str, str]], where: str) -> list[Alias]:
    """Aliases from ``(place, alias, model, note)`` entries, names in canonical form; an entry
    naming no alias or model, an alias of itself, an alias given two models, or a name that is
    both an alias and a model is an error naming ``where`` and the entry's place."""
    seen: dict[str, tuple[str, str]] = {}
    out = []
    for place, raw_alias, raw_model, note in entries:
        alias, model = canonical_name(raw_alias), canonical_name(raw_model)
        if not alias or not model:
            raise AliasError(f"{where}: {place}: an alias needs both an alias and a model")
        if alias == model:
            raise AliasError(f"{where}: {place}: {alias!r} is an alias of itself")
        if alias in seen and seen[alias][0] != model:
            raise AliasError(f"{where}: {place}: {alias!r} is already an alias of {seen[alias][0]!r} ({seen[alias][1]})")
        seen[alias] = (model, place)
        out.append(Alias(alias, model, note))
    models = {a.model for a in out}
    for a in out:
        if a.alias in models:
            raise AliasError(f"{where}: {a.alias!r} is both an alias and the model of another alias")
    return out


def builtin_aliases() -> list[Alias]:
    """The aliases shipped with extractor (``schemas/model_aliases.csv``)."""
    return parse_aliases(ALIASES_CSV.read_text(encoding="utf-8"), str(ALIASES_CSV.name))


def services() -> list[tuple[str, str, str]]:
    """``(area, service, class)`` per known document area (``schemas/model_services.csv``)."""
    out = []
    for line, row in _rows(SERVICES_CSV.read_text(encoding="utf-8"), SERVICES_CSV.name, ("area", "service", "class")):
        if row["class"] not in CLASSES:
            raise AliasError(f"{SERVICES_CSV.name}: line {line}: class {row['class']!r} is none of {', '.join(CLASSES)}")
        out.append((row["area"], row["service"], row["class"]))
    return out


def _quote(text: str | None) -> str:
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def _key_expr(key: str) -> str:
    if key in STORED_AS:
        return STORED_AS[key]
    if key in EVENT_KEYS:
        return key
    return f"json_extract_string(subject_json, '$.{key}')"


def _json_key(keys: tuple[str, ...]) -> str:
    return "json_object(" + ", ".join(f"{_quote(k)}, {_key_expr(k)}" for k in keys) + ")"


def _model_kinds() -> list[str]:
    return [k.name for k in kinds.REGISTRY.values()
            if any(key == "model" or STORED_AS.get(key) == "model" for key in k.subject_keys)]


def key_macros_sql() -> str:
    """``model_subject_key`` (a fact's subject at the model level: its keys as JSON, the model
    canonical), ``model_place_key`` (the same without the detail keys: an availability row's
    key), ``fact_model_kind`` (kinds whose subject names a model) and ``fact_names_models``
    (attributes whose values name models)."""
    full = " ".join(f"WHEN {_quote(k.name)} THEN {_json_key(k.subject_keys)}" for k in kinds.REGISTRY.values())
    place = " ".join(f"WHEN {_quote(k.name)} THEN {_json_key(tuple(x for x in k.subject_keys if x not in DETAIL_KEYS))}"
                     for k in kinds.REGISTRY.values())
    with_model = ", ".join(_quote(k) for k in _model_kinds())
    naming = ", ".join(_quote(f"{k.name}.{a.name}") for k in kinds.REGISTRY.values() for a in k.attributes
                       if a.names_models)
    return (f"CREATE OR REPLACE MACRO model_subject_key({_ARGS}) AS\n    CASE kind {full} ELSE subject_json END;\n\n"
            f"CREATE OR REPLACE MACRO model_place_key({_ARGS}) AS\n    CASE kind {place} ELSE subject_json END;\n\n"
            f"CREATE OR REPLACE MACRO fact_model_kind(k) AS\n    k IN ({with_model or 'NULL'});\n\n"
            "-- attributes whose values name models (Attribute.names_models)\n"
            f"CREATE OR REPLACE MACRO fact_names_models(k, a) AS\n    k || '.' || a IN ({naming or 'NULL'});\n")


def data_sql() -> str:
    """The shipped aliases and services as views, and the macros that read a document's area
    and the feature its own region list is about."""
    aliases = ", ".join(f"({_quote(a.alias)}, {_quote(a.model)}, {_quote(a.note or None)})" for a in builtin_aliases())
    svc = ", ".join(f"({_quote(a)}, {_quote(s)}, {_quote(c)})" for a, s, c in services())
    containers = "|".join(AREA_CONTAINERS)
    areas = sorted({a for a, _s, _c in services() if "/" in a}, key=lambda a: (-a.count("/"), a))
    listed = " ".join(f"WHEN starts_with(doc, {_quote('articles/' + a + '/')}) THEN {_quote(a)}" for a in areas)
    listed = listed or "WHEN FALSE THEN NULL"
    from extractor.kinds.region_availability import FEATURE_SUBJECTS

    mapped = " ".join(f"WHEN {_quote(stem)} THEN {_quote(name)}" for stem, name in FEATURE_SUBJECTS.items())
    stem = r"lower(regexp_extract(doc, '([^/]+?)(\.md)?$', 1))"
    return ("CREATE OR REPLACE VIEW builtin_model_aliases WITH (DEFER_BINDING) AS\n"
            "SELECT alias, model, note FROM (VALUES " + (aliases or "(NULL, NULL, NULL)") + ") t(alias, model, note)\n"
            "WHERE alias IS NOT NULL;\n\n"
            "CREATE OR REPLACE VIEW document_services WITH (DEFER_BINDING) AS\n"
            "SELECT area, service, class FROM (VALUES " + (svc or "(NULL, NULL, NULL)") + ") t(area, service, class)\n"
            "WHERE area IS NOT NULL;\n\n"
            "-- The document area: the longest area of services.csv the document lies in, else the\n"
            "-- folder under articles/ (two levels under a container folder).\n"
            "CREATE OR REPLACE MACRO model_doc_area(doc) AS\n"
            f"    CASE {listed} ELSE\n"
            f"    coalesce(nullif(regexp_extract(doc, '^articles/((?:{containers})/[^/]+|[^/]+)/', 1), ''),\n"
            "             nullif(regexp_extract(doc, '^([^/]+)/', 1), ''), '(top)') END;\n\n"
            "-- The feature a document's own region list is about (the region_availability recogniser's rule).\n"
            "CREATE OR REPLACE MACRO model_doc_feature(doc) AS\n"
            f"    CASE {stem} {mapped} ELSE trim(regexp_replace({stem}, '[^a-z0-9.]+', '-', 'g'), '-') END;\n")


def views_sql() -> str:
    """The generated SQL run before ``schemas/010_model_level.sql``."""
    return "\n".join(["-- generated from extractor.kinds and extractor/model/*.csv", key_macros_sql(), data_sql()])
