"""Include placements: which document includes which file, under which headings, when.

FACTS.md: an include file takes the scope of the place it is included. A document's
``[!INCLUDE [title](../includes/x.md)]`` line under ``## Current models`` gives that heading
to every table of ``includes/x.md``. Every source that shows such a line (as context, added
or removed) is a sighting: the line is there (with the headings above it) in that view, or,
for a removed line, it is gone from the other view. For a view of the include at a date,
each host document's sighting in effect is its latest one at or before that date (else its
earliest after it); where the hosts that include it agree on one heading path, that path
scopes the include's tables. Where no source showed a placement, or hosts disagree, the
include's own headings and file name apply as before.
"""

from __future__ import annotations

import posixpath
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

Headings = tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class Placement:
    include: str  # the included file, a repository path
    host: str  # the document whose line includes it
    line_no: int  # the line of the [!INCLUDE] in the host (on ``side``)
    headings: Headings  # the headings above the line that the view showed
    present: bool  # False: the view shows the line gone (removed, not added back)
    source_id: str
    observed_at: str
    side: str  # "before" | "after"

    def row(self) -> dict[str, object]:
        return {"include": self.include, "host": self.host, "line_no": self.line_no,
                "headings_json": _dump(self.headings), "present": self.present,
                "source_id": self.source_id, "observed_at": self.observed_at, "side": self.side}


def _dump(headings: Headings) -> str:
    import json

    return json.dumps([list(h) for h in headings], ensure_ascii=False)


def from_row(r: dict[str, object]) -> Placement:
    import json

    return Placement(str(r["include"]), str(r["host"]), int(r["line_no"]),  # type: ignore[call-overload]
                     tuple((int(a), str(b)) for a, b in json.loads(str(r["headings_json"]))),
                     bool(r["present"]), str(r["source_id"]), str(r["observed_at"]), str(r["side"]))


def include_path(host: str, target: str) -> str | None:
    """The repository path of an include target written in ``host``; None for one outside
    the repository (``~/reusable-content/…``, a URL)."""
    t = target.split("#", 1)[0].strip()
    if not t or t.startswith(("~", "http:", "https:", "/")):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(host), t))
    return None if path.startswith("..") else path


def when(observed_at: str, side: str) -> float:
    """A point in time for a view: the after view on its day, the before view just before it."""
    try:
        day = date.fromisoformat(observed_at[:10]).toordinal()
    except ValueError:
        return 0.0
    return day - 0.5 if side == "before" else float(day)


def _rank(p: Placement) -> tuple[object, ...]:
    """The order of one host's sightings: by time; at one time, a sighting of absence before
    one of presence (the later wins); then by source, line and headings (any fixed order)."""
    return (when(p.observed_at, p.side), p.present, p.source_id, p.line_no, p.headings)


class _Host:
    """One host's sightings of one include, kept sorted by ``_rank``."""

    __slots__ = ("items", "keys")

    def __init__(self) -> None:
        self.keys: list[tuple[object, ...]] = []
        self.items: list[Placement] = []

    def add(self, p: Placement) -> None:
        k = _rank(p)
        i = bisect_right(self.keys, k)
        self.keys.insert(i, k)
        self.items.insert(i, p)

    def at(self, t: float) -> Placement:
        """The latest sighting at or before ``t``; else the earliest after it (a presence
        before an absence at the same time)."""
        j = bisect_right(self.keys, (t, True, "\uffff"))  # past every key whose time is <= t
        if j:
            return self.items[j - 1]
        first = self.keys[0][0]
        group = [p for k, p in zip(self.keys, self.items, strict=True) if k[0] == first]
        return min(group, key=lambda p: (not p.present, p.source_id, p.line_no, p.headings))


class Placements:
    """Every sighting of include lines, by included file and host."""

    def __init__(self) -> None:
        self.by_include: dict[str, dict[str, _Host]] = defaultdict(dict)
        self.new: list[Placement] = []
        self._new_by: dict[str, list[Placement]] = defaultdict(list)  # new, by source id
        self._seen: set[Placement] = set()

    def add(self, p: Placement, *, new: bool = True) -> None:
        if p in self._seen:
            return
        self._seen.add(p)
        hosts = self.by_include[p.include]
        if p.host not in hosts:
            hosts[p.host] = _Host()
        hosts[p.host].add(p)
        if new:
            self.new.append(p)
            self._new_by[p.source_id].append(p)

    def all(self) -> list[Placement]:
        return [p for hosts in self.by_include.values() for h in hosts.values() for p in h.items]

    def copy(self) -> Placements:
        out = Placements()
        for p in self.all():
            out.add(p, new=False)
        out.new = list(self.new)
        out._new_by = defaultdict(list, {k: list(v) for k, v in self._new_by.items()})
        return out

    def forget(self, source_ids: set[str]) -> None:
        """Drop the sightings learnt from ``source_ids`` since loading (loaded ones stay)."""
        drop = {p for p in self.new if p.source_id in source_ids}
        if not drop:
            return
        kept, new = [p for p in self.all() if p not in drop], [p for p in self.new if p not in drop]
        self.__init__()  # type: ignore[misc]
        for p in kept:
            self.add(p, new=False)
        self.new = new
        for p in new:
            self._new_by[p.source_id].append(p)

    def new_of(self, source_id: str) -> list[Placement]:
        return list(self._new_by.get(source_id, ()))

    def in_effect(self, include: str, observed_at: str, side: str) -> list[Placement]:
        """The sighting in effect for each host at a view of ``include`` (see the module
        docstring), present ones only, sorted by host."""
        hosts = self.by_include.get(include)
        if not hosts:
            return []
        t = when(observed_at, side)
        picks = (hosts[h].at(t) for h in sorted(hosts))
        return [p for p in picks if p.present]
