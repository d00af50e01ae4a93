"""The alias table of model names: the shipped ``aliases.csv`` and the aliases users add to
a store (``user_model_aliases``, through ``extract aliases add`` / ``load``), and the
services of document areas (``services.csv``)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.normalize import canonical_model as canonical_name

if TYPE_CHECKING:
    from extractor.store import Store

_HERE = Path(__file__).resolve().parent
ALIASES_CSV = _HERE / "aliases.csv"
SERVICES_CSV = _HERE / "services.csv"
CLASSES = ("model", "feature", "offer")


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
    """The aliases of a CSV text with columns ``alias,model`` (``note`` optional), names in
    canonical form; a row naming no alias or model, an alias of itself, or an alias given two
    models is an error naming ``where`` and the line."""
    seen: dict[str, tuple[str, int]] = {}
    out = []
    for line, row in _rows(text, where, ("alias", "model")):
        alias, model = canonical_name(row["alias"]), canonical_name(row["model"])
        if not alias or not model:
            raise AliasError(f"{where}: line {line}: an alias needs both an alias and a model")
        if alias == model:
            raise AliasError(f"{where}: line {line}: {alias!r} is an alias of itself")
        if alias in seen and seen[alias][0] != model:
            raise AliasError(f"{where}: line {line}: {alias!r} is already an alias of {seen[alias][0]!r} (line {seen[alias][1]})")
        seen[alias] = (model, line)
        out.append(Alias(alias, model, row.get("note", "")))
    models = {a.model for a in out}
    for a in out:
        if a.alias in models:
            raise AliasError(f"{where}: {a.alias!r} is both an alias and the model of another alias")
    return out


def builtin_aliases() -> list[Alias]:
    """The aliases shipped with extractor (``extractor/model/aliases.csv``)."""
    return parse_aliases(ALIASES_CSV.read_text(encoding="utf-8"), str(ALIASES_CSV.name))


def services() -> list[tuple[str, str, str]]:
    """``(area, service, class)`` per known document area (``extractor/model/services.csv``)."""
    out = []
    for line, row in _rows(SERVICES_CSV.read_text(encoding="utf-8"), SERVICES_CSV.name, ("area", "service", "class")):
        if row["class"] not in CLASSES:
            raise AliasError(f"{SERVICES_CSV.name}: line {line}: class {row['class']!r} is none of {', '.join(CLASSES)}")
        out.append((row["area"], row["service"], row["class"]))
    return out


def add_aliases(store: Store, aliases: list[Alias]) -> int:
    """Store users' aliases (an alias given again takes its new model); returns how many."""
    if not aliases:
        return 0
    stored = dict(store.con.execute("SELECT alias, model FROM model_aliases").fetchall())
    given = {a.alias for a in aliases}
    for a in aliases:  # one hop: an alias names a model, never another alias
        if stored.get(a.model) is not None and a.model not in given:
            raise AliasError(f"{a.model!r} is itself an alias of {stored[a.model]!r}: "
                             f"make {a.alias!r} an alias of {stored[a.model]!r}")
        named = sorted(k for k, m in stored.items() if m == a.alias and k not in given)
        if named:
            raise AliasError(f"{a.alias!r} is the model of the alias {named[0]!r}: it cannot be an alias itself")
    import datetime as dt

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store.transaction():
        for a in aliases:
            store.con.execute("DELETE FROM user_model_aliases WHERE alias = ?", [a.alias])
        store.insert_new("user_model_aliases", {"alias": [a.alias for a in aliases], "model": [a.model for a in aliases],
                                                "note": [a.note or None for a in aliases],
                                                "added_at": [now] * len(aliases)}, key=["alias"])
    return len(aliases)


def remove_aliases(store: Store, names: list[str]) -> int:
    """Forget users' aliases; returns how many were stored."""
    got = 0
    with store.transaction():
        for n in names:
            row = store.con.execute("DELETE FROM user_model_aliases WHERE alias = ? RETURNING alias", [canonical_name(n)])
            got += len(row.fetchall())
    return got


def alias_rows(store: Store) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every alias in force (users' first, then the shipped ones they do not override), with
    how many events the store has under that name."""
    cur = store.con.execute(
        "SELECT a.alias, a.model, a.origin, a.note, count(e.model) AS events FROM model_aliases a "
        "LEFT JOIN events e ON e.model = a.alias GROUP BY ALL ORDER BY a.model, a.alias")
    return [d[0] for d in cur.description], cur.fetchall()
