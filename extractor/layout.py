"""Remembered document layouts: table headers and headings seen in any source.

A hunk often shows table rows without their header, or a header without the heading
that scopes it. Every header a recogniser claims is remembered with its document line,
the headings above it and the paragraph just before it (git's ``@@`` text usually names
that paragraph). Header-less rows are then resolved against the same document's tables:
same source first, then the ``@@`` text, then the nearest line, always checking the
column count. What still cannot be resolved is reported as unresolved by the caller.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from extractor.blocks import Table
from extractor.normalize import strip_markup
from extractor.placements import Placement, Placements
from extractor.placements import when as _when


@dataclass(frozen=True, slots=True)
class LayoutEntry:
    doc: str
    header: tuple[str, ...]
    line_no: int
    headings: tuple[tuple[int, str], ...]
    lead: str  # the last prose line above the header, when the view showed it
    source_id: str
    observed_at: str
    side: str = "after"  # the view it was seen in: "before" is the state just before observed_at

    @property
    def ncols(self) -> int:
        return len(self.header)

    @property
    def key(self) -> tuple[str, ...]:
        return header_key(self.header)


@lru_cache(maxsize=4096)
def header_key(header: tuple[str, ...]) -> tuple[str, ...]:
    """A header as compared with others: cells without markup, lower case."""
    return tuple(strip_markup(c).lower() for c in header)


@dataclass(frozen=True, slots=True)
class HeadingEntry:
    doc: str
    line_no: int
    level: int
    text: str
    source_id: str = ""
    side: str = "after"
    observed_at: str = ""  # the source's date (not stored: known from the source)


# How far (in document lines) a heading or table seen in another version of the document
# may lie from where it is looked for. Documents shift by a few lines between changes;
# beyond this a guess is more likely wrong than right, and no guess is made.
NEAR_HEADING = 30
NEAR_TABLE = 30
# Remembered tables this many lines further than the nearest one count as equally near:
# the same table in versions of the document a few lines apart. Among them, the version
# observed nearest in time wins (a matrix's columns change over time).
LINE_SLACK = 4


class _ByLine:
    """Items kept sorted by document line, for the lookups near a line (time linear in the
    hunks of a section, not quadratic: a section of 2,000 hunks looks at a few entries each)."""

    __slots__ = ("items", "lines")

    def __init__(self) -> None:
        self.lines: list[int] = []
        self.items: list[Any] = []

    def add(self, line: int, item: Any) -> None:
        i = bisect_right(self.lines, line)
        self.lines.insert(i, line)
        self.items.insert(i, item)

    def window(self, lo: float, hi: float) -> list[Any]:
        """The items on lines ``lo`` to ``hi`` (both included)."""
        return self.items[bisect_left(self.lines, lo):bisect_right(self.lines, hi)]

    def nearest(self, line: int, slack: int) -> list[Any]:
        """The items on or above ``line`` no more than ``slack`` lines further than the nearest
        of them; where none lies above, the same below."""
        j = bisect_right(self.lines, line)
        if j:
            return self.window(self.lines[j - 1] - slack, line)
        if not self.lines:
            return []
        return self.window(line, self.lines[0] + slack)


def _index(index: dict[Any, _ByLine], key: Any, line: int, item: Any) -> None:
    got = index.get(key)
    if got is None:
        got = index[key] = _ByLine()
    got.add(line, item)


@dataclass
class LayoutMemory:
    tables: dict[str, list[LayoutEntry]] = field(default_factory=lambda: defaultdict(list))
    headings: dict[str, list[HeadingEntry]] = field(default_factory=lambda: defaultdict(list))
    _seen: set[tuple[object, ...]] = field(default_factory=set)
    new_tables: list[LayoutEntry] = field(default_factory=list)
    new_headings: list[HeadingEntry] = field(default_factory=list)
    includes: Placements = field(default_factory=Placements)  # where include files are included
    # new_tables by source: (entries indexed, the last of them, the index); see new_tables_of
    _new_index: tuple[int, LayoutEntry | None, dict[str, list[LayoutEntry]]] | None = field(
        default=None, repr=False, compare=False)
    # the tables and headings by line: per (doc, header key), (doc, column count), (doc, column
    # count, the start of the lead) and per doc
    _by_key: dict[tuple[str, tuple[str, ...]], _ByLine] = field(default_factory=dict, repr=False, compare=False)
    _by_ncols: dict[tuple[str, int], _ByLine] = field(default_factory=dict, repr=False, compare=False)
    _by_lead: dict[tuple[str, int, str], _ByLine] = field(default_factory=dict, repr=False, compare=False)
    _heads: dict[str, _ByLine] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for entries in self.tables.values():
            for e in entries:
                self._index_table(e)
        for hs in self.headings.values():
            for h in hs:
                _index(self._heads, h.doc, h.line_no, h)

    def _index_table(self, e: LayoutEntry) -> None:
        _index(self._by_key, (e.doc, e.key), e.line_no, e)
        _index(self._by_ncols, (e.doc, e.ncols), e.line_no, e)
        if e.lead:
            _index(self._by_lead, (e.doc, e.ncols, _lead_key(e.lead)), e.line_no, e)

    def new_tables_of(self, source_id: str) -> list[LayoutEntry]:
        """The entries of ``new_tables`` that ``source_id`` taught, through an index that
        follows the list (appended to: extended; cleared or replaced: built again)."""
        n, idx = len(self.new_tables), self._new_index
        if idx is None or idx[0] > n or (idx[0] and self.new_tables[idx[0] - 1] is not idx[1]):
            idx = (0, None, defaultdict(list))
        done, _, by = idx
        for e in self.new_tables[done:]:
            by[e.source_id].append(e)
        self._new_index = (n, self.new_tables[-1] if n else None, by)
        return by.get(source_id, [])

    # --- recording ---------------------------------------------------------------------

    def add_table(self, entry: LayoutEntry, *, new: bool = True) -> None:
        k = _table_seen(entry)
        if k in self._seen:
            return
        self._seen.add(k)
        self.tables[entry.doc].append(entry)
        self._index_table(entry)
        if new:
            self.new_tables.append(entry)

    def add_heading(self, entry: HeadingEntry, *, new: bool = True) -> None:
        k = _heading_seen(entry)
        if k in self._seen:
            return
        self._seen.add(k)
        self.headings[entry.doc].append(entry)
        _index(self._heads, entry.doc, entry.line_no, entry)
        if new:
            self.new_headings.append(entry)

    def add_placement(self, p: Placement, *, new: bool = True) -> None:
        self.includes.add(p, new=new)

    def carry(self, old: str, new: str) -> None:
        """A renamed document keeps its remembered tables and headings under its new path."""
        if self.has_doc(new):
            return
        for e in list(self.tables.get(old, ())):
            self.add_table(replace(e, doc=new))
        for h in list(self.headings.get(old, ())):
            self.add_heading(replace(h, doc=new))

    def forget(self, source_ids: set[str]) -> None:
        """Drop what this memory learnt from ``source_ids`` since it was loaded (an input whose
        preparing failed half-way); what was loaded stays, and so does what they carried
        over to a renamed path (what other sources taught)."""
        drop_t = {id(e) for e in self.new_tables if e.source_id in source_ids}
        drop_h = {id(h) for h in self.new_headings if h.source_id in source_ids}
        if drop_t or drop_h:
            tables = {d: [e for e in v if id(e) not in drop_t] for d, v in self.tables.items()}
            headings = {d: [h for h in v if id(h) not in drop_h] for d, v in self.headings.items()}
            self.tables, self.headings = defaultdict(list, tables), defaultdict(list, headings)
            self.new_tables = [e for e in self.new_tables if id(e) not in drop_t]
            self.new_headings = [h for h in self.new_headings if id(h) not in drop_h]
            self._seen = {_table_seen(e) for v in tables.values() for e in v}
            self._seen |= {_heading_seen(h) for v in headings.values() for h in v}
            self._by_key, self._by_ncols, self._by_lead, self._heads = {}, {}, {}, {}
            self.__post_init__()
        self.includes.forget(source_ids)

    def copy(self) -> LayoutMemory:
        """An independent copy (entries are immutable and shared)."""
        tables: dict[str, list[LayoutEntry]] = defaultdict(list, {k: list(v) for k, v in self.tables.items()})
        headings: dict[str, list[HeadingEntry]] = defaultdict(list, {k: list(v) for k, v in self.headings.items()})
        return LayoutMemory(tables, headings, set(self._seen), list(self.new_tables), list(self.new_headings),
                            self.includes.copy())

    def has_doc(self, doc: str) -> bool:
        return bool(self.tables.get(doc))

    # --- lookup ------------------------------------------------------------------------

    def headings_above(self, doc: str, line_no: int, source_id: str = "",
                       side: str = "after", observed_at: str | None = None) -> list[tuple[int, str]]:
        """A heading stack for ``line_no`` from the headings seen at most ``NEAR_HEADING``
        lines above it in one version of the document: this source's own view when it
        shows any, else the version observed nearest in time to ``observed_at`` (then the
        one whose heading lies nearest). Versions are never mixed: a document restructured
        months later has other headings at these lines."""
        near = self._heads.get(doc)
        above = [h for h in (near.window(line_no - NEAR_HEADING, line_no - 1) if near else ())
                 if h.source_id != source_id or h.side == side]
        if not above:
            return []
        versions: dict[tuple[str, str], list[HeadingEntry]] = defaultdict(list)
        for h in above:
            versions[(h.source_id, h.side)].append(h)
        when = _when(observed_at, side) if observed_at else None

        def rank(key: tuple[str, str]) -> tuple[int, float, int, str, str]:
            hs = versions[key]
            own = 0 if key[0] == source_id else 1
            seen = hs[0].observed_at
            gap = abs(_when(seen, key[1]) - when) if seen and when is not None else float("inf")
            return own, gap, line_no - max(h.line_no for h in hs), key[0], key[1]

        stack: list[tuple[int, str]] = []
        for h in sorted(versions[min(versions, key=rank)], key=lambda h: h.line_no):
            stack = [s for s in stack if s[0] < h.level]
            stack.append((h.level, h.text))
        return stack

    def include_scope(self, doc: str, observed_at: str, side: str) -> list[tuple[int, str]]:
        """The headings of the place ``doc`` is included at, for a view of it at ``observed_at``
        (``side``): the one heading path every host in effect agrees on, else none
        (``extractor.placements``)."""
        paths = {p.headings for p in self.includes.in_effect(doc, observed_at, side)}
        return list(next(iter(paths))) if len(paths) == 1 else []

    def headings_for_header(self, doc: str, header: list[str], line_no: int,
                            source_id: str = "", observed_at: str | None = None) -> list[tuple[int, str]]:
        """Headings remembered for the same table header at about the same line.

        A document may hold several tables with one header (global and data-zone batch):
        a remembered entry is used only when it lies nearer to this table than half the
        gap to the next table of that header in the same source.
        """
        index = self._by_key.get((doc, header_key(tuple(header))))
        if index is None:
            return []
        # only tables this near matter: a farther one of this source halves no gap below the limit
        reach = 2 * (NEAR_TABLE + 1)
        same = index.window(line_no - reach, line_no + reach)
        others = [abs(e.line_no - line_no) for e in same
                  if e.source_id == source_id and e.line_no != line_no]
        limit = min(others) / 2 if others else float("inf")
        limit = min(limit, NEAR_TABLE + 1)
        found = [e for e in same if e.headings and abs(e.line_no - line_no) < limit]
        if not found:
            return []
        return list(_nearest(found, line_no, source_id, observed_at, "after", prefer_source=False).headings)

    def resolve(self, table: Table, source_id: str, observed_at: str | None = None) -> LayoutEntry | None:
        """The header of a header-less table, or None when no remembered table fits.

        Candidates are the document's tables with the same column count; the hunk's
        ``@@`` text narrows them when it names the paragraph above a table, then the
        nearest line wins (tables above the rows first; within ``LINE_SLACK`` lines, this
        source, then the version observed nearest to ``observed_at``).
        """
        ncols = _row_width(table)
        index = self._by_ncols.get((table.doc, ncols))
        if index is None:
            return None
        start = table.start_no
        section = table.section.strip()
        if section:
            by_lead = self._by_lead.get((table.doc, ncols, _lead_key(section)))
            if by_lead is not None:
                led = _ByLine()
                for e in by_lead.items:
                    if _same_line(e.lead, section):
                        led.add(e.line_no, e)
                if led.items:
                    index = led
        return _nearest(index.nearest(start, LINE_SLACK), start, source_id, observed_at, table.side)

    # --- persistence -------------------------------------------------------------------

    @staticmethod
    def table_row(e: LayoutEntry) -> dict[str, object]:
        return {"doc": e.doc, "header_json": json.dumps(list(e.header), ensure_ascii=False),
                "ncols": e.ncols, "line_no": e.line_no,
                "headings_json": json.dumps([list(h) for h in e.headings], ensure_ascii=False),
                "lead": e.lead, "source_id": e.source_id, "observed_at": e.observed_at, "side": e.side}

    @staticmethod
    def from_table_row(r: dict[str, object]) -> LayoutEntry:
        return LayoutEntry(str(r["doc"]), tuple(json.loads(str(r["header_json"]))), int(r["line_no"]),  # type: ignore[call-overload]
                           tuple((int(a), str(b)) for a, b in json.loads(str(r["headings_json"]))),
                           str(r["lead"] or ""), str(r["source_id"]), str(r["observed_at"]),
                           str(r.get("side") or "after"))


def _table_seen(e: LayoutEntry) -> tuple[object, ...]:
    return ("t", e.doc, e.header, e.line_no, e.headings, e.lead, e.source_id, e.side)


def _heading_seen(h: HeadingEntry) -> tuple[object, ...]:
    return ("h", h.doc, h.line_no, h.level, h.text, h.source_id, h.side)


def _nearest(entries: list[LayoutEntry], line_no: int, source_id: str, observed_at: str | None,
             side: str, *, prefer_source: bool = True) -> LayoutEntry:
    """The entry nearest to ``line_no``; entries up to ``LINE_SLACK`` lines further count as
    as near, and among those this source's same view (when ``prefer_source``), then the one
    seen nearest in time to the view being read (``observed_at``, ``side``), then the
    nearest line, then the earliest."""
    best = min(abs(e.line_no - line_no) for e in entries)
    near = [e for e in entries if abs(e.line_no - line_no) <= best + LINE_SLACK]
    when = _when(observed_at, side) if observed_at else None

    def key(e: LayoutEntry) -> tuple[object, ...]:
        own = e.source_id == source_id
        return (prefer_source and not own, prefer_source and own and e.side != side,
                abs(_when(e.observed_at, e.side) - when) if when is not None else 0.0,
                abs(e.line_no - line_no), e.observed_at, e.side != side)

    return min(near, key=key)


def _row_width(table: Table) -> int:
    widths: dict[int, int] = defaultdict(int)
    for r in table.rows:
        widths[len(r.cells)] += 1
    if not widths:
        return 0
    return max(widths.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _lead_key(text: str) -> str:
    """What two lines ``_same_line`` matches share: their first 8 characters, spaces squeezed."""
    return " ".join(text.split())[:8]


def _same_line(a: str, b: str) -> bool:
    a, b = " ".join(a.split()), " ".join(b.split())
    n = min(len(a), len(b), 60)
    return n >= 8 and a[:n] == b[:n]
