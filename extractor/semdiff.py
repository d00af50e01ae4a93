"""Semantic diff: compare the facts of a document's before and after views.

Facts are keyed by (kind, subject, attribute), so a re-padded, re-ordered or widened
table, a moved row or a renamed-but-canonically-equal model yields no event; only a
change of value does. Facts present on both sides with the same value are observations
(``unchanged``): they prove the fact held on that date but are never counted as changes.
A qualifier change alone is not an event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from extractor.recognisers.base import Fact

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"


@dataclass(slots=True)
class Event:
    kind: str
    doc: str
    subject: tuple[tuple[str, str | None], ...]
    attribute: str
    change: str
    old: Any
    new: Any
    old_raw: str | None
    new_raw: str | None
    qualifier: str | None
    line: int  # line of the input file that shows the new value (the old one when removed)

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str | None], ...], str]:
        return self.kind, self.subject, self.attribute


def index(facts: Iterable[Fact]) -> dict[tuple[Any, ...], Fact]:
    """First fact per key; identical rows collapse into one fact."""
    out: dict[tuple[Any, ...], Fact] = {}
    for f in facts:
        out.setdefault(f.key, f)
    return out


def diff_facts(doc: str, before: Iterable[Fact], after: Iterable[Fact]) -> list[Event]:
    old = index(before)
    new = index(after)
    events: list[Event] = []
    for key, f in new.items():
        o = old.get(key)
        if o is None:
            events.append(Event(f.kind, doc, f.subject, f.attribute, ADDED, None, f.value,
                                None, f.raw, f.qualifier, f.line.src_line))
        elif o.value == f.value:
            events.append(Event(f.kind, doc, f.subject, f.attribute, UNCHANGED, o.value, f.value,
                                o.raw, f.raw, f.qualifier, f.line.src_line))
        else:
            events.append(Event(f.kind, doc, f.subject, f.attribute, CHANGED, o.value, f.value,
                                o.raw, f.raw, f.qualifier, f.line.src_line))
    for key, o in old.items():
        if key not in new:
            events.append(Event(o.kind, doc, o.subject, o.attribute, REMOVED, o.value, None,
                                o.raw, None, o.qualifier, o.line.src_line))
    return events


def carry_moves(events: list[Event], removed_docs: set[str]) -> list[Event]:
    """A document moved in one change carries its facts: no events for the move.

    ``removed`` events of a document deleted by this change that reappear as ``added``
    with the same value in another document become observations of the new document.
    """
    if not removed_docs:
        return events
    gone: dict[tuple[Any, ...], Event] = {}
    for e in events:
        if e.change == REMOVED and e.doc in removed_docs:
            gone.setdefault((e.key, _hashable(e.old)), e)
    if not gone:
        return events
    matched: set[tuple[Any, ...]] = set()
    out: list[Event] = []
    for e in events:
        k = (e.key, _hashable(e.new))
        if e.change == ADDED and e.doc not in removed_docs and k in gone:
            matched.add(k)
            o = gone[k]
            out.append(Event(e.kind, e.doc, e.subject, e.attribute, UNCHANGED, o.old, e.new,
                             o.old_raw, e.new_raw, e.qualifier, e.line))
        else:
            out.append(e)
    return [e for e in out if not (e.change == REMOVED and e.doc in removed_docs
                                   and (e.key, _hashable(e.old)) in matched)]


def _hashable(v: Any) -> Any:
    return v if isinstance(v, (str, int, float, bool, type(None))) else repr(v)
