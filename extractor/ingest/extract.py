"""Extract stage: scope each block (its header and headings), let its recogniser read facts, diff them.

A header-less table takes the header of the version of that table nearest in time that
the layout memory holds; a block whose headings lie outside its hunk takes them from the
version of the document nearest in time; a block of an include file takes, above its own,
the headings of the place it is included at (``LayoutMemory.include_scope``). A row that
is context on both sides gets one scope on both. Rows no layout resolves, rows of a claimed
table that state something but give no fact, rows whose two views cannot agree on a scope,
and facts whose subject is implausible (a date as a model, a header word), become
``unresolved`` rows with the reason. Facts of both sides are diffed per document into events (``extractor.semdiff``),
and facts removed from a document and added to another in the same change become moves.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from extractor.blocks import Block, Table
from extractor.blocks.tables import split_row
from extractor.diff.model import DiffLine
from extractor.ingest.caches import RunCache
from extractor.ingest.prepare import SIDES, ParsedDoc, Prepared
from extractor.kinds import Fact, Recogniser
from extractor.layout import LayoutMemory, header_key
from extractor.normalize import BadValue, control_character, implausible_subject, is_quantity_cell
from extractor.semdiff import Event, carry_moves, diff_facts

# A cell of a table of no known layout that looks like the facts the kinds read (a ✅, a
# quantity with its unit: ``30 M``): its rows are unresolved, not skipped. Stricter than
# ``states`` (any quantity in a claimed table): bare numbers fill tables no kind reads (the
# API reference's parameter tables), and counting them added 132 rows of noise to the corpus.
_FACTUAL = re.compile(r"✅|^\s*\d[\d,.]*\s*[KMB]\s*$", re.I)


@dataclass
class Extracted:
    events: list[Event]
    unresolved: list[dict[str, Any]]


def extract(prep: Prepared, memory: LayoutMemory, cache: RunCache) -> Extracted:
    events: list[Event] = []
    unresolved: list[dict[str, Any]] = []
    for doc in prep.docs:
        facts = doc_facts(prep, doc, memory, cache, unresolved)
        events.extend(diff_facts(doc.diff.doc, facts["before"], facts["after"]))
    removed_docs = {s.doc for s in prep.source.sections if s.status == "removed"}
    removed_docs |= {s.old_doc for s in prep.source.sections if s.old_doc}
    events = carry_moves(events, {d for d in removed_docs if d})
    return Extracted(events, unresolved)


def doc_facts(prep: Prepared, doc: ParsedDoc, memory: LayoutMemory, cache: RunCache,
              unresolved: list[dict[str, Any]]) -> dict[str, list[Fact]]:
    """The facts of both views of one document; every row of a claimed block that states
    something gives facts or an unresolved row (added to ``unresolved``) with the reason."""
    facts: dict[str, list[Fact]] = {"before": [], "after": []}
    unread: set[tuple[Any, ...]] = set()  # facts with a value that cannot be true, on either side
    for blk in _scoped_blocks(prep, doc, memory, unresolved):
        rec = prep.claims.of(blk)
        if rec is not None:
            got = block_facts(rec, blk, cache)
            _unread_rows(prep, blk, rec.kind, got, unresolved)
            facts[blk.side].extend(_plausible(prep, blk, got, unresolved, unread))
    if unread:  # neither removed nor changed: unknown, its row unresolved
        for side in SIDES:
            facts[side] = [f for f in facts[side] if (f.kind, f.subject, f.attribute) not in unread]
    return facts


def _scoped_blocks(prep: Prepared, doc: ParsedDoc, memory: LayoutMemory,
                   unresolved: list[dict[str, Any]]) -> list[Block]:
    """The blocks of both views whose header and headings are known, before ones first.

    A row that is context on both sides is one row of one table: its scope must not differ
    between the views unless the views themselves show it differ. The after view's block
    takes what the before view's block holding the same context row resolved from memory
    (one lookup for both); where the after view shows its own scope and the before view
    could only take one from memory, and the two differ, the rows of both blocks are
    unresolved with that reason (never a removed/added pair)."""
    sid, observed_at = prep.file.source_id, prep.source.meta.observed_at
    whole = doc.diff.full_before is not None or doc.diff.full_after is not None  # scope known
    out: list[Block] = []
    own: dict[int, bool] = {}  # id(block) -> its view showed its header and headings
    holder: dict[int, Block] = {}  # id(context line) -> the before block holding it
    pairs: list[tuple[Block, Block]] = []
    for side in SIDES:
        for blk in doc.blocks[side]:
            own[id(blk)] = _own_scope(blk)
            twin = None
            if side == "after":
                twin = next((holder[id(r.line)] for r in blk.rows if id(r.line) in holder), None)
            if twin is not None and not own[id(blk)]:
                _share(twin, blk)
            elif not whole and not _scope(blk, memory, sid, prep, unresolved):
                continue
            else:
                _place(blk, memory, observed_at)
            if isinstance(blk, Table) and blk.header is None:
                continue
            if side == "before":
                for r in blk.rows:
                    if r.line.kind == " ":
                        holder[id(r.line)] = blk
            elif twin is not None:
                pairs.append((twin, blk))
            out.append(blk)
    dropped: set[int] = set()
    for before, after in pairs:
        if (_scope_key(before) != _scope_key(after) and own[id(before)] != own[id(after)]
                and (prep.claims.of(before) is not None or prep.claims.of(after) is not None)):
            reason = "the before and after views give this table different scopes (one from memory)"
            for blk in (before, after):
                if id(blk) not in dropped:
                    dropped.add(id(blk))
                    unresolved.extend(_unresolved_row(prep, blk, r.line, len(r.cells), reason) for r in blk.rows)
    return [b for b in out if id(b) not in dropped]


def _share(before: Block, after: Block) -> None:
    """The after view of a table takes the scope the before view resolved: its header when
    the after view shows none, its headings above the ones the after view shows."""
    if isinstance(after, Table) and after.header_source != "view" and getattr(before, "header", None) is not None:
        after.header, after.header_source = list(before.header), "layout"  # type: ignore[attr-defined]
    top = min((lvl for lvl, _ in after.headings), default=99)
    after.headings = [h for h in before.headings if h[0] < top] + after.headings


def _scope_key(blk: Block) -> tuple[object, ...]:
    header = getattr(blk, "header", None)
    return (None if header is None else header_key(tuple(header)), tuple(blk.headings))


def complete_headings(blk: Block, memory: LayoutMemory, source_id: str, observed_at: str | None = None) -> None:
    """Add the headings that lie above the block but outside its hunk."""
    if isinstance(blk, Table) and blk.header is not None:
        known = memory.headings_for_header(blk.doc, blk.header, blk.start_no, source_id, observed_at)
    else:
        known = []
    if not known:
        known = memory.headings_above(blk.doc, blk.start_no, source_id, blk.side, observed_at)
    if not known:
        return
    own_min = min((lvl for lvl, _ in blk.headings), default=99)
    blk.headings = [h for h in known if h[0] < own_min] + blk.headings


def block_facts(rec: Recogniser, blk: Block, cache: RunCache) -> list[Fact]:
    """The facts ``rec`` reads in ``blk``, row by row through the run's row cache.

    What a recogniser reads in a row depends only on the block's document, header and
    headings and on the row's cells (the contract of ``kinds.base``), and the same
    rows come back again and again: a table's context rows at every commit of a walk, the
    same table in the reports of many days. A row met before costs a lookup; only its line
    is new. A table whose header is not known is read whole (its first row may be the header).
    """
    header = getattr(blk, "header", None)
    if isinstance(blk, Table) and header is None:
        return list(rec.extract(blk))
    cid = cache.context_id((rec.kind, type(blk), blk.doc, None if header is None else tuple(header),
                            tuple(blk.headings), getattr(blk, "leads", ())))
    row_facts = cache.row_facts
    out: list[Fact] = []
    one: Block | None = None
    for row in blk.rows:
        key = (cid, tuple(row.cells))
        got = row_facts.get(key)
        if got is None:
            if one is None:
                one = copy.copy(blk)
            one.rows = [row]
            got = [(f.kind, f.subject, f.attribute, f.value, f.raw, f.qualifier) for f in rec.extract(one)]
            row_facts[key] = got
        line = row.line
        out.extend([Fact(k, subj, attr, value, raw, qual, line) for k, subj, attr, value, raw, qual in got])
    return out


def _plausible(prep: Prepared, blk: Block, facts: list[Fact], unresolved: list[dict[str, Any]],
               unread: set[tuple[Any, ...]]) -> list[Fact]:
    """The facts whose subject is plausible and whose value can be true; the rows of the
    others become unresolved rows with the reason (``normalize.implausible_subject``, a
    ``BadValue``, a control character in the row), one per row. The fact keys of bad values
    go into ``unread``: the fact is not known on that side, so no event is made of it."""
    out: list[Fact] = []
    seen: set[int] = set()
    controls: dict[int, str | None] = {}  # per line: the row's facts share its text
    for f in facts:
        reason = implausible_subject(f.subject)
        if reason is None:
            if isinstance(f.value, BadValue):
                bad = f.value.reason
            else:
                key = id(f.line)
                if key not in controls:
                    controls[key] = control_character(f.line.text)
                bad = controls[key]
            if bad is None:
                out.append(f)
                continue
            unread.add((f.kind, f.subject, f.attribute))
            reason = bad
        if id(f.line) not in seen:
            seen.add(id(f.line))
            unresolved.append(_unresolved_row(prep, blk, f.line, len(split_row(f.line.text)), reason))
    return out


def _place(blk: Block, memory: LayoutMemory, observed_at: str) -> None:
    """Give a block of an include file the headings of the place it is included at
    (``LayoutMemory.include_scope``), above its own."""
    outer = memory.include_scope(blk.doc, observed_at, blk.side)
    if outer:
        blk.headings = outer + blk.headings


def _unread_rows(prep: Prepared, blk: Block, kind: str, facts: list[Fact], unresolved: list[dict[str, Any]]) -> None:
    """Rows of a claimed table that state something (a ✅, a quantity) but gave no fact
    become unresolved rows with the reason: nothing inside a claimed block is dropped
    without a word (FACTS.md)."""
    if not isinstance(blk, Table) or blk.header is None:
        return
    read = {id(f.line) for f in facts}
    for r in blk.rows:
        if id(r.line) not in read and any(states(c) for c in r.cells[1:]):
            unresolved.append(_unresolved_row(prep, blk, r.line, len(r.cells), f"a row of a {kind} table gave no fact"))


def states(cell: str) -> bool:
    """A cell that states something a kind reads: a ✅ or a quantity."""
    return "✅" in cell or is_quantity_cell(cell)


def _own_scope(blk: Block) -> bool:
    """True when the view itself shows the block's header (tables) and a heading."""
    has_header = not isinstance(blk, Table) or blk.header_source == "view"
    return has_header and bool(blk.headings)


def _scope(blk: Block, memory: LayoutMemory, sid: str, prep: Prepared,
           unresolved: list[dict[str, Any]]) -> bool:
    """Resolve a block's header and headings; False when its rows cannot be read."""
    if isinstance(blk, Table) and blk.header is None:
        entry = memory.resolve(blk, sid, prep.source.meta.observed_at)
        if entry is None:
            if memory.has_doc(blk.doc) or any(_FACTUAL.search(c) for r in blk.rows for c in r.cells):
                reason = (f"no table with {blk.ncols} columns is known for this document"
                          if memory.has_doc(blk.doc) else "header outside the hunk and never seen")
                unresolved.extend(_unresolved_row(prep, blk, r.line, len(r.cells), reason) for r in blk.rows)
            return False
        blk.header = list(entry.header)
        blk.header_source = "layout"
        if not blk.headings:
            blk.headings = list(entry.headings)
    if not blk.headings or blk.headings[0][0] > 1:
        complete_headings(blk, memory, sid, prep.source.meta.observed_at)
    return True


def _unresolved_row(prep: Prepared, blk: Block, line: DiffLine, ncols: int, reason: str) -> dict[str, Any]:
    return {"change_id": prep.change_id, "doc": blk.doc, "side": blk.side, "doc_line": line.no(blk.side),
            "ncols": ncols, "text": line.text, "reason": reason, "section": blk.section,
            "source_id": prep.file.source_id, "line": line.src_line}
