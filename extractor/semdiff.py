"""Semantic diff: compare the facts of a document's before and after views.

Facts are keyed by (kind, subject, attribute), so a re-padded, re-ordered or widened
table, a moved row or a renamed-but-canonically-equal model yields no event; only a
change of value does. Facts present on both sides with the same value are observations
(``unchanged``): they prove the fact held on that date but are never counted as changes.
A qualifier change alone is not an event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from extractor.kinds import Fact

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
# A fact that left this document for another in the same change: stored (it closes the
# document's span and records the move) but never exported nor counted as a change.
MOVED = "moved"


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
    moved_to: str | None = None  # MOVED: the document the fact went to

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
    """Facts moved between documents in one change: no events for the move.

    A fact ``removed`` from one document and ``added`` to another by the same change has
    moved. With the same value, the new document's event becomes an observation; with
    another value, one ``changed`` event in the new document (old value from the old
    one). The old document's event becomes ``MOVED`` (``moved_to`` names the new
    document), or goes when that document was deleted or renamed by this change (its
    facts live on under the new path). Pairs are made by key and value first, then by
    key alone where one removal and one addition are left.
    """
    removed = [e for e in events if e.change == REMOVED]
    if not removed:
        return events
    added = [e for e in events if e.change == ADDED]
    by_key: dict[tuple[Any, ...], list[Event]] = {}
    for e in added:
        by_key.setdefault(e.key, []).append(e)
    pairs: dict[int, Event] = {}  # id(added event) -> removed event it came from
    left: list[Event] = []
    for r in removed:
        cands = [a for a in by_key.get(r.key, ()) if a.doc != r.doc and id(a) not in pairs]
        same = [a for a in cands if _hashable(a.new) == _hashable(r.old)]
        if same:
            pairs[id(min(same, key=lambda a: a.doc))] = r
        else:
            left.append(r)
    left_keys = Counter(r.key for r in left)
    for r in left:  # a moved fact whose value changed: one removal and one addition left
        cands = [a for a in by_key.get(r.key, ()) if a.doc != r.doc and id(a) not in pairs]
        if len(cands) == 1 and left_keys[r.key] == 1:
            pairs[id(cands[0])] = r
    if not pairs:
        return events
    by_id = {id(a): a for a in added}
    gone = {id(r): by_id[a_id] for a_id, r in pairs.items()}  # removed event -> the addition it became
    out: list[Event] = []
    for e in events:
        r = pairs.get(id(e))
        if r is not None:
            change = UNCHANGED if _hashable(e.new) == _hashable(r.old) else CHANGED
            out.append(Event(e.kind, e.doc, e.subject, e.attribute, change, r.old, e.new,
                             r.old_raw, e.new_raw, e.qualifier, e.line))
            continue
        a = gone.get(id(e))
        if a is not None:
            if e.doc not in removed_docs:
                out.append(Event(e.kind, e.doc, e.subject, e.attribute, MOVED, e.old, None,
                                 e.old_raw, None, e.qualifier, e.line, a.doc))
            continue
        out.append(e)
    return out


def _hashable(v: Any) -> Any:
    return v if isinstance(v, (str, int, float, bool, type(None))) else repr(v)
