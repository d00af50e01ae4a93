"""The alias table of model names as users extend it: the aliases they add to a store
(``user_model_aliases``, through ``extract aliases add`` / ``load``) on top of the shipped
``schemas/model_aliases.csv`` (read by ``extractor.store.model_sql``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extractor.normalize import canonical_model as canonical_name
from extractor.store.model_sql import Alias, AliasError, builtin_aliases, check_aliases, parse_aliases

if TYPE_CHECKING:
    from extractor.store import Store

__all__ = ["Alias", "AliasError", "add_aliases", "alias_rows", "builtin_aliases", "check_aliases", "parse_aliases",
           "remove_aliases"]


def add_aliases(store: Store, aliases: list[Alias]) -> int:
    """Store users' aliases (an alias given again takes its new model); returns how many."""
    if not aliases:
        return 0
    stored = dict(store.read("SELECT alias, model FROM model_aliases").rows())
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
        store.con.execute("DELETE FROM user_model_aliases WHERE list_contains(?, alias)", [sorted(given)])
        store.insert_new("user_model_aliases", {"alias": [a.alias for a in aliases], "model": [a.model for a in aliases],
                                                "note": [a.note or None for a in aliases],
                                                "added_at": [now] * len(aliases)}, key=["alias"])
    return len(aliases)


def remove_aliases(store: Store, names: list[str]) -> int:
    """Forget users' aliases; returns how many were stored."""
    with store.transaction():
        gone = store.con.execute("DELETE FROM user_model_aliases WHERE list_contains(?, alias) RETURNING alias",
                                 [sorted({canonical_name(n) for n in names})]).fetchall()
    return len(gone)


def alias_rows(store: Store) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every alias in force (users' first, then the shipped ones they do not override), with
    how many events the store has under that name."""
    res = store.read("SELECT a.alias, a.model, a.origin, a.note, count(e.model) AS events FROM model_aliases a "
                     "LEFT JOIN events e ON e.model = a.alias GROUP BY ALL ORDER BY a.model, a.alias")
    return list(res.columns), res.rows()
