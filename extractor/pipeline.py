"""Ingest: files -> sources -> diff model -> blocks -> recognisers -> semantic diff -> store.

Phases over the inputs of one run. Phase one parses every new source and remembers the
layout of the fact tables it shows (headers, headings, the prose above them), so that
later phases can resolve header-less rows from any report of the same document, earlier
or later; phase two parses the sections only a known layout makes useful; phase three
extracts facts and diffs them per document. A big run does these phases in forked
workers (``Shard``, ``extractor.workers``) whose layout memories are merged in input
order. The whole batch is then loaded in one transaction (source by source if that
fails). A file already ingested (same content hash, or same path and file status) is
skipped; a file that fails is recorded with its line and the others still load.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import itertools
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.blocks import Block, Table, find_blocks
from extractor.blocks.tables import split_row
from extractor.diff.model import DiffError, DiffLine, FileDiff, parse_file_diff, parse_hunks
from extractor.layout import HeadingEntry, LayoutEntry, LayoutMemory, Op
from extractor.normalize import implausible_subject
from extractor.prefilter import wanted
from extractor.recognisers import SUBJECT_KEYS, Fact, Recogniser, claimant
from extractor.revisit import restrict, stale_docs
from extractor.semdiff import REMOVED, Event, carry_moves, diff_facts
from extractor.sources.base import DocSection, Problem, Source, SourceError, SourceMeta
from extractor.sources.detect import kind_of
from extractor.store import ingest as sql
from extractor.store.db import Store

if TYPE_CHECKING:
    import pyarrow as pa

    from extractor.sources.identity import ChangeMatcher
    from extractor.walk import GitOptions
    from extractor.workers import Tickets

log = logging.getLogger("extractor")

_FACTUAL = re.compile(r"✅|^\s*\d[\d,.]*\s*[KMB]\s*$", re.I)
_SKIP_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".bmp", ".zip", ".pdf"}
SIDES = ("before", "after")


# --- inputs -----------------------------------------------------------------------------

@dataclass
class InputFile:
    path: Path
    data: bytes
    source_id: str
    explicit: bool  # named on the command line (vs found in a folder)


def expand(paths: Iterable[str | Path], problems: list[tuple[str, str, str]] | None = None) -> Iterator[tuple[Path, bool]]:
    """Files named, and the files below folders named (recursively, hidden ones skipped).

    ``problems`` collects ``(path, severity, message)``: an ``error`` for each folder that
    cannot be read (its files are not there to load), a ``warning`` for a folder named that
    holds no file to ingest. A path that does not exist is yielded (reading it fails)."""
    for p in map(Path, paths):
        if not p.is_dir():
            yield p, True
            continue
        found: list[Path] = []
        unreadable: list[OSError] = []
        hidden = False
        for root, dirs, files in os.walk(p, onerror=unreadable.append):
            shown = [d for d in dirs if not d.startswith(".")]
            hidden = hidden or len(shown) < len(dirs) or any(f.startswith(".") for f in files)
            dirs[:] = sorted(shown)
            found += [f for f in (Path(root, name) for name in files if not name.startswith(".")) if f.is_file()]
        yield from ((f, False) for f in sorted(found))
        if problems is None:
            continue
        for exc in unreadable:
            problems.append((str(exc.filename or p), "error", f"cannot read folder: {exc.strerror or exc}"))
        if not found and not unreadable:
            note = " (hidden files and folders are skipped)" if hidden else ""
            problems.append((str(p), "warning", f"nothing found here: no files to ingest{note}"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_ids(data: bytes, sid: str, sources: list[Source]) -> list[str]:
    """The ids of the sources one file gives: the file's hash when it gives one source,
    else a hash of the file and each commit (``git log -p`` with several commits)."""
    if len(sources) == 1:
        return [sid]
    return [sha256(data + f"\x00{k}\x00{s.meta.head or ''}".encode()) for k, s in enumerate(sources)]


def read_source(path: Path, text: str, *, date: str | None = None) -> Source | list[Source] | None:
    """Tell what ``text`` is by its content and parse it; None when it is no diff at all.

    A patch holding several commits gives a list, one source per commit (``source_ids``)."""
    from extractor.sources import detect

    return detect.parse(path, text, date=date)


# --- results ----------------------------------------------------------------------------

@dataclass
class IngestResult:
    files: int = 0
    loaded: int = 0
    skipped_known: int = 0
    skipped_other: list[str] = field(default_factory=list)
    failed: list[tuple[str, int | None, str]] = field(default_factory=list)
    warnings: list[tuple[str, int | None, str]] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)
    events_new: int = 0
    unresolved: int = 0
    commits: int = 0  # git commits walked (loaded or already known)
    read_again: int = 0  # stored sources read again because this run taught their documents' layout
    # wall seconds per phase of the run: walk, read, prepare, deferred, extract, load
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def lap(self, phase: str, since: float) -> float:
        """Add the time since ``since`` (``time.perf_counter()``) to ``phase``; returns now."""
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - since
        return now


@dataclass
class ParsedDoc:
    diff: FileDiff
    blocks: dict[str, list[Block]]
    headings: dict[str, list[tuple[int, int, str]]]


@dataclass
class Prepared:
    file: InputFile
    source: Source
    change_id: str
    docs: list[ParsedDoc]
    deferred: list[DocSection] = field(default_factory=list)
    revisit: set[str] = field(default_factory=set)  # a stored source read again: docs it re-states


# --- phase one: parse and remember layouts ----------------------------------------------------

def change_id_of(source: Source, source_id: str) -> str:
    m = source.meta
    if m.base and m.head:
        return f"{m.repo or ''}@{m.base}...{m.head}"
    if m.head and m.kind in ("patch", "git"):  # one commit whose parent the source does not name
        return f"{m.repo or ''}@{m.head}^...{m.head}"
    return f"source:{source_id}"


def parse_doc(section_doc: str, diff: FileDiff) -> ParsedDoc:
    blocks: dict[str, list[Block]] = {"before": [], "after": []}
    headings: dict[str, list[tuple[int, int, str]]] = {"before": [], "after": []}
    if diff.full_before is not None or diff.full_after is not None:
        from extractor.sources.snapshot import snapshot_blocks

        blocks, headings = snapshot_blocks(section_doc, diff)  # whole tables, no layout needed
        return ParsedDoc(diff, blocks, headings)
    for hunk in diff.hunks:
        for side in SIDES:
            b, h = find_blocks(hunk.view(side), doc=section_doc, side=side, section=hunk.section)
            blocks[side].extend(b)
            headings[side].extend(h)
    return ParsedDoc(diff, blocks, headings)


def prepare(file: InputFile, source: Source, memory: LayoutMemory) -> Prepared:
    """Parse the sections a recogniser may need; defer those only a known layout makes useful."""
    prep = Prepared(file, source, change_id_of(source, file.source_id), [])
    for sec in source.sections:
        if sec.status == "renamed" and sec.old_doc:
            memory.carry(sec.old_doc, sec.doc)
        if sec.parsed is not None:
            _add_doc(prep, sec.doc, sec.parsed, memory)
            continue
        if not sec.diff_text or os.path.splitext(sec.doc)[1].lower() in _SKIP_EXT:
            continue
        verdict = wanted(sec.diff_text)
        if verdict is None:
            prep.deferred.append(sec)
            continue
        if verdict:
            _parse_section(prep, sec, memory)
        sec.drop_text()
    return prep


def prepare_deferred(prep: Prepared, memory: LayoutMemory) -> None:
    """Parse deferred sections of documents that turned out to hold fact tables."""
    for sec in prep.deferred:
        if memory.has_doc(sec.doc):
            _parse_section(prep, sec, memory)
        sec.drop_text()
    prep.deferred = []


def _parse_section(prep: Prepared, sec: DocSection, memory: LayoutMemory) -> None:
    assert sec.diff_text is not None
    diff = _parse_tolerant(sec.doc, sec.diff_text, sec.first_line, sec.status, sec.old_doc,
                           prep.source.problems, str(prep.file.path))
    _add_doc(prep, sec.doc, diff, memory)


def _add_doc(prep: Prepared, doc_path: str, diff: FileDiff, memory: LayoutMemory) -> None:
    doc = parse_doc(doc_path, diff)
    prep.docs.append(doc)
    remember(doc, memory, prep.file.source_id, prep.source.meta.observed_at)


def _parse_tolerant(doc: str, text: str, first_line: int, status: str, old_doc: str | None,
                    problems: list[Problem], path: str) -> FileDiff:
    """Parse a diff block; a broken hunk is recorded and the others are still read."""
    try:
        return parse_file_diff(doc, text, first_line, status, old_doc)
    except DiffError:
        pass
    diff = FileDiff(doc=doc, old_doc=old_doc, status=status)
    lines = text.split("\n")
    starts = [i for i, ln in enumerate(lines) if ln.startswith("@@")] + [len(lines)]
    for a, b in itertools.pairwise(starts):
        chunk = "\n".join(lines[a:b])
        try:
            diff.hunks.extend(parse_hunks(chunk, first_line + a, doc))
        except DiffError as exc:
            problems.append(Problem(path, first_line + a, f"{doc}: unreadable hunk: {exc}", "error"))
    return diff


def remember(doc: ParsedDoc, memory: LayoutMemory, source_id: str, observed_at: str) -> None:
    for side in SIDES:
        for line_no, level, text in doc.headings[side]:
            memory.add_heading(HeadingEntry(doc.diff.doc, line_no, level, text, source_id, side, observed_at))
        for blk in doc.blocks[side]:
            if isinstance(blk, Table) and blk.header is not None and claimant(blk) is not None:
                memory.add_table(LayoutEntry(blk.doc, tuple(blk.header), blk.start_no,
                                             tuple(blk.headings), blk.lead, source_id, observed_at, side))


# --- phase two: facts, events, rows ---------------------------------------------------------

@dataclass
class Extracted:
    events: list[Event]
    unresolved: list[dict[str, Any]]


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


def extract(prep: Prepared, memory: LayoutMemory) -> Extracted:
    events: list[Event] = []
    unresolved: list[dict[str, Any]] = []
    sid = prep.file.source_id
    for doc in prep.docs:
        facts: dict[str, list[Fact]] = {"before": [], "after": []}
        whole = doc.diff.full_before is not None or doc.diff.full_after is not None  # scope known
        # A block that starts on a context line is the same table on both sides: the after
        # view reuses the before view's header and scope, so context rows never differ.
        scoped: dict[int, tuple[list[str] | None, list[tuple[int, str]]]] = {}
        for side in SIDES:
            for blk in doc.blocks[side]:
                first = blk.rows[0].line if blk.rows else None
                shared = scoped.get(id(first)) if side == "after" and first is not None else None
                if shared is not None and not _own_scope(blk):
                    if isinstance(blk, Table) and blk.header is None and shared[0] is not None:
                        blk.header, blk.header_source = list(shared[0]), "layout"
                    blk.headings = list(shared[1])
                elif not whole and not _scope(blk, memory, sid, prep, unresolved):
                    continue
                if side == "before" and first is not None and first.kind == " ":
                    scoped[id(first)] = (getattr(blk, "header", None), blk.headings)
                if isinstance(blk, Table) and blk.header is None:
                    continue
                rec = claimant(blk)
                if rec is None:
                    continue
                facts[side].extend(_plausible(prep, blk, block_facts(rec, blk), unresolved))
        events.extend(diff_facts(doc.diff.doc, facts["before"], facts["after"]))
    removed_docs = {s.doc for s in prep.source.sections if s.status == "removed"}
    removed_docs |= {s.old_doc for s in prep.source.sections if s.old_doc}
    events = carry_moves(events, {d for d in removed_docs if d})
    return Extracted(events, unresolved)


# Facts of table rows and list items already read, by recogniser, block context and cells.
_ROW_FACTS: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
_ROW_CONTEXTS: dict[tuple[Any, ...], int] = {}
_ROW_FACTS_MAX = 20_000  # rows; a bound on memory (a row and its facts: a few KB at most)


def block_facts(rec: Recogniser, blk: Block) -> list[Fact]:
    """The facts ``rec`` reads in ``blk``, row by row through a cache.

    What a recogniser reads in a row depends only on the block's document, header and
    headings and on the row's cells (the contract of ``recognisers.base``), and the same
    rows come back again and again: a table's context rows at every commit of a walk, the
    same table in the reports of many days. A row met before costs a lookup; only its line
    is new. A table whose header is not known is read whole (its first row may be the header).
    """
    header = getattr(blk, "header", None)
    if isinstance(blk, Table) and header is None:
        return list(rec.extract(blk))
    if len(_ROW_FACTS) >= _ROW_FACTS_MAX:
        _ROW_FACTS.clear()
        _ROW_CONTEXTS.clear()
    ctx = (rec.kind, type(blk), blk.doc, None if header is None else tuple(header), tuple(blk.headings),
           getattr(blk, "leads", ()))
    cid = _ROW_CONTEXTS.get(ctx)
    if cid is None:  # a number per context: a row's key then hashes only its cells
        cid = _ROW_CONTEXTS[ctx] = len(_ROW_CONTEXTS)
    out: list[Fact] = []
    one: Block | None = None
    for row in blk.rows:
        key = (cid, tuple(row.cells))
        got = _ROW_FACTS.get(key)
        if got is None:
            if one is None:
                one = copy.copy(blk)
            one.rows = [row]
            got = [(f.kind, f.subject, f.attribute, f.value, f.raw, f.qualifier) for f in rec.extract(one)]
            _ROW_FACTS[key] = got
        line = row.line
        out.extend([Fact(k, subj, attr, value, raw, qual, line) for k, subj, attr, value, raw, qual in got])
    return out


def _plausible(prep: Prepared, blk: Block, facts: list[Fact], unresolved: list[dict[str, Any]]) -> list[Fact]:
    """The facts whose subject is plausible; the rows of the others become unresolved rows
    with the reason (``normalize.implausible_subject``), one per row."""
    out: list[Fact] = []
    seen: set[int] = set()
    for f in facts:
        reason = implausible_subject(f.subject)
        if reason is None:
            out.append(f)
        elif id(f.line) not in seen:
            seen.add(id(f.line))
            unresolved.append(_unresolved_row(prep, blk, f.line, len(split_row(f.line.text)), reason))
    return out


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
                unresolved.extend(_unresolved_rows(prep, blk, reason))
            return False
        blk.header = list(entry.header)
        blk.header_source = "layout"
        if not blk.headings:
            blk.headings = list(entry.headings)
    if not blk.headings or blk.headings[0][0] > 1:
        complete_headings(blk, memory, sid, prep.source.meta.observed_at)
    return True


def _unresolved_rows(prep: Prepared, blk: Table, reason: str) -> Iterator[dict[str, Any]]:
    for r in blk.rows:
        yield _unresolved_row(prep, blk, r.line, len(r.cells), reason)


def _unresolved_row(prep: Prepared, blk: Block, line: DiffLine, ncols: int, reason: str) -> dict[str, Any]:
    return {"change_id": prep.change_id, "doc": blk.doc, "side": blk.side, "doc_line": line.no(blk.side),
            "ncols": ncols, "text": line.text, "reason": reason, "section": blk.section,
            "source_id": prep.file.source_id, "line": line.src_line}


# --- rows for the store ---------------------------------------------------------------------

_JSON_STR: dict[str, str] = {}


def _json(v: Any) -> str | None:
    """``json.dumps(v, ensure_ascii=False)``, quick for the scalars facts hold."""
    if v is None:
        return None
    t = type(v)
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return str(v)
    if t is str:
        out = _JSON_STR.get(v)
        if out is None:
            out = json.dumps(v, ensure_ascii=False)
            if len(_JSON_STR) < 100_000:
                _JSON_STR[v] = out
        return out
    return json.dumps(v, ensure_ascii=False)


_SUBJECTS: dict[tuple[tuple[str, str | None], ...], tuple[str, tuple[str | None, ...]]] = {}


def _subject_columns(subject: tuple[tuple[str, str | None], ...]) -> tuple[str, tuple[str | None, ...]]:
    """A subject's JSON and its key columns (in ``EVENT_KEYS`` order), computed once per subject."""
    got = _SUBJECTS.get(subject)
    if got is None:
        subj = dict(subject)
        got = (json.dumps(subj, ensure_ascii=False),
               (subj.get("model", subj.get("subject")), subj.get("version"), subj.get("deployment_type"),
                subj.get("tier"), subj.get("subscription"), subj.get("region")))
        if len(_SUBJECTS) < 100_000:
            _SUBJECTS[subject] = got
    return got


EVENT_KEYS = ("model", "version", "deployment_type", "tier", "subscription", "region")


def event_columns(prep: Prepared, events: list[Event]) -> dict[str, list[Any]]:
    """The ``events`` rows of one source, column by column (no dict per row: there are many)."""
    if not events:
        return {}  # (most commits of a walk: no column of empty lists to build and join)
    meta = prep.source.meta
    change_id, observed_at, sid = prep.change_id, meta.observed_at, prep.file.source_id
    n = len(events)
    subjects = [_subject_columns(e.subject) for e in events]
    sha1 = hashlib.sha1
    ids = [sha1("\x1f".join([change_id, e.doc, e.kind, sj, e.attribute]).encode()).hexdigest()
           for e, (sj, _key) in zip(events, subjects, strict=True)]
    keys = list(zip(*[key for _sj, key in subjects], strict=True))
    olds = [e.old for e in events]
    news = [e.new for e in events]
    return {"event_id": ids, "change_id": [change_id] * n, "observed_at": [observed_at] * n,
            "doc": [e.doc for e in events], "kind": [e.kind for e in events],
            **{k: list(v) for k, v in zip(EVENT_KEYS, keys, strict=True)},
            "subject_json": [sj for sj, _key in subjects], "attribute": [e.attribute for e in events],
            "change": [e.change for e in events],
            "old_json": [_json(v) for v in olds], "new_json": [_json(v) for v in news],
            "old_num": [v if type(v) is int else None for v in olds],
            "new_num": [v if type(v) is int else None for v in news],
            "old_raw": [e.old_raw for e in events], "new_raw": [e.new_raw for e in events],
            "qualifier": [e.qualifier for e in events], "moved_to": [e.moved_to for e in events],
            "source_id": [sid] * n, "line": [e.line for e in events]}


@dataclass
class SourceRows:
    """Everything one source adds to the store, table by table, ready for a bulk load."""

    path: str
    source_id: str
    tables: dict[str, list[dict[str, Any]]]  # every table but events (and event_sources, derived)
    event_cols: dict[str, list[Any]]  # the events, column by column
    events: int
    unresolved: int
    kinds: dict[str, int]
    replace: list[tuple[str, str]] = field(default_factory=list)  # (change_id, doc) re-stated


def source_rows(prep: Prepared, ex: Extracted, memory: LayoutMemory) -> SourceRows:
    meta = prep.source.meta
    sid = prep.file.source_id
    now = datetime.now(UTC).replace(tzinfo=None)
    ev = event_columns(prep, ex.events)
    kinds: dict[str, int] = {}
    for e in ex.events:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    tables: dict[str, list[dict[str, Any]]] = {
        "changes": [{"change_id": prep.change_id, "repo": meta.repo, "base": meta.base,
                     "head": meta.head, "observed_at": meta.observed_at}],
        "doc_changes": [{"change_id": prep.change_id, "doc": s.doc, "old_doc": s.old_doc,
                         "status": s.status, "added": s.added, "deleted": s.deleted,
                         "has_diff": s.has_diff,
                         "source_id": sid, "line": s.heading_line or None}
                        for s in prep.source.sections],
        "unresolved": ex.unresolved,
        "layouts": [LayoutMemory.table_row(e) for e in memory.new_tables_of(sid)],
        "errors": [{"source_id": sid, "path": p.file, "line": p.line, "severity": p.severity,
                    "message": p.message, "logged_at": now} for p in prep.source.problems],
        "sources": [{"source_id": sid, "path": str(prep.file.path), "kind": meta.kind,
                     "observed_at": meta.observed_at, "repo": meta.repo, "base": meta.base,
                     "head": meta.head, "title": meta.title, "language": meta.language,
                     "change_id": prep.change_id, "ingested_at": now,
                     "n_docs": len(prep.source.sections), "n_events": len(ex.events),
                     "n_unresolved": len(ex.unresolved), "n_problems": len(prep.source.problems)}],
    }
    if prep.revisit:  # read again (see extractor.revisit): only what it says of those documents
        tables, ev = restrict(tables, ev, prep.revisit)
    return SourceRows(str(prep.file.path), sid, tables, ev, len(ex.events), len(ex.unresolved), kinds,
                      [(prep.change_id, d) for d in sorted(prep.revisit)])


# Natural keys: a row whose key is already stored is not stored again.
KEYS: dict[str, list[str] | None] = {
    "changes": ["change_id"],
    "doc_changes": ["change_id", "doc"],
    "events": ["event_id"],
    "event_sources": ["event_id", "source_id"],
    "unresolved": ["change_id", "doc", "side", "doc_line"],
    "layouts": None,
    "headings": None,
    "errors": None,
    "sources": ["source_id"],
    "git_commits": ["repo_path", "scope", "commit_sha"],
}


Columns = dict[str, "pa.Table"]  # table name -> its new rows, each with _pos and _src (see columnar)


def columnar(batch: Iterable[tuple[int, SourceRows]]) -> Columns:
    """The rows of several sources as one Arrow table per store table, built where the rows
    were extracted (a worker, in parallel) so that only columns cross to the loader.

    Each row carries ``_pos``, its source's place in the load order (of rows sharing a
    natural key the one of the earliest source is kept), and ``_src``, its source id (to
    load source by source when a batch fails). The row dicts are released.
    """
    import pyarrow as pa

    gathered: dict[str, tuple[list[dict[str, Any]], list[int], list[str]]] = {}
    events: dict[str, list[Any]] = {}
    for pos, sr in batch:
        for table, rows in sr.tables.items():
            if rows:
                got = gathered.setdefault(table, ([], [], []))
                got[0].extend(rows)
                got[1].extend([pos] * len(rows))
                got[2].extend([sr.source_id] * len(rows))
        n = len(sr.event_cols.get("event_id", ()))
        if n:
            for name, values in sr.event_cols.items():
                events.setdefault(name, []).extend(values)
            events.setdefault("_pos", []).extend([pos] * n)
            events.setdefault("_src", []).extend([sr.source_id] * n)
        sr.tables, sr.event_cols = {}, {}
    out: Columns = {}
    for table, (rows, pos_list, src) in gathered.items():
        width = len(rows[0])
        if all(len(r) == width for r in rows):  # one row builder per table: the usual case
            data = pa.Table.from_pylist(rows)  # (it takes the columns of the first row)
        else:
            names = list(dict.fromkeys(k for r in rows for k in r))
            data = pa.table({n: [r.get(n) for r in rows] for n in names})
        out[table] = data.append_column("_pos", pa.array(pos_list, pa.int64())).append_column("_src", pa.array(src))
    if events:
        out["events"] = pa.table(events)
        out["event_sources"] = out["events"].select(["event_id", "source_id", "line", "_pos", "_src"])
    return out


def concat_columns(parts: Iterable[Columns]) -> Columns:
    """Columns of several workers (or batches) as one, table by table."""
    import pyarrow as pa

    by_table: dict[str, list[pa.Table]] = {}
    for part in parts:
        for table, data in part.items():
            by_table.setdefault(table, []).append(data)
    return {t: v[0] if len(v) == 1 else pa.concat_tables(v, promote_options="default") for t, v in by_table.items()}


def only_source(cols: Columns, source_id: str) -> Columns:
    """The rows of one source."""
    import pyarrow.compute as pc

    out = {t: data.filter(pc.equal(data["_src"], source_id)) for t, data in cols.items()}
    return {t: data for t, data in out.items() if len(data)}


def write_batch(store: Store, replace_docs: list[tuple[str, str]], cols: Columns,
                headings: list[dict[str, Any]]) -> int:
    """Load whole sources in one transaction; returns the number of new events."""
    return sql.load(store, replace_docs, cols, KEYS, headings)


def read_again(store: Store, memory: LayoutMemory, skip: set[str]) -> list[Prepared]:
    """The stored sources to extract again in this run, each marked with the documents
    whose events it replaces (``Prepared.revisit``) and keeping its stored change id.
    Sources in ``skip`` (this run's own) and files that are gone or changed are left alone."""
    stale = stale_docs(store, memory)
    if not stale:
        return []
    out: list[Prepared] = []
    for sid, path_text, change_id, observed_at in sql.sources_of(store, sorted(stale)):
        if sid in skip:
            continue
        path = Path(path_text)
        try:
            data = path.read_bytes()
            parsed = read_source(path, _decode(data, path), date=observed_at)
        except Exception:  # it was read once; whatever fails now leaves its rows as they are
            log.debug("cannot read %s again", path, exc_info=True)
            continue
        sources = parsed if isinstance(parsed, list) else [parsed] if parsed is not None else []
        file_id = sha256(data)
        for source, one_sid in zip(sources, source_ids(data, file_id, sources), strict=True):
            if one_sid != sid:
                continue  # another commit of the file, or the file changed since
            prep = prepare(InputFile(path, data, sid, False), source, memory)
            prepare_deferred(prep, memory)
            source.problems.clear()  # recorded when the source was first loaded
            prep.change_id = change_id
            prep.revisit = set(stale[change_id])
            out.append(prep)
    return out


def load_memory(store: Store) -> LayoutMemory:
    memory = LayoutMemory()
    cols = ("doc", "header_json", "ncols", "line_no", "headings_json", "lead", "source_id", "observed_at", "side")
    for values in sql.layout_rows(store):
        memory.add_table(LayoutMemory.from_table_row(dict(zip(cols, values, strict=True))), new=False)
    for doc, line_no, level, text, sid, side, seen in sql.heading_rows(store):
        memory.add_heading(HeadingEntry(doc, int(line_no), int(level), text, sid, side, seen), new=False)
    return memory


# --- the whole run ------------------------------------------------------------------------------

def load_matcher(store: Store) -> ChangeMatcher:
    """Known changes and first parents, to give a change seen again its stored identity."""
    from extractor.sources.identity import ChangeMatcher

    return ChangeMatcher.from_rows(sql.change_rows(store), sql.parent_rows(store))


def ingest(store: Store, paths: Iterable[str | Path], *, date: str | None = None,
           progress: Callable[[int, str], Any] | None = None,
           on_problem: Callable[[str, int | None, str, str], None] | None = None,
           git: str | Path | None = None, since: str | None = None, until: str | None = None,
           git_paths: Iterable[str] = (), repo: str | None = None, workers: int | None = None) -> IngestResult:
    """Ingest files and folders into ``store``; see the module docstring.

    ``git``: also walk that repository (``since`` / ``until`` / ``git_paths`` narrow the
    walk; see ``extractor.walk``), before the files, so their layouts serve the files.
    ``repo`` (``OWNER/NAME``) names the repository of patches and of the walk.
    ``workers``: processes that parse and extract the files (see ``extractor.workers``);
    None chooses by the machine and the amount of new input, 1 never forks.

    The cyclic garbage collector is paused for the run (see ``collector_paused``).
    """
    with collector_paused():
        return _ingest(store, paths, date=date, progress=progress, on_problem=on_problem, git=git, since=since,
                       until=until, git_paths=git_paths, repo=repo, workers=workers)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, and restore it afterwards.

    An ingest allocates hundreds of thousands of small objects that live until the load
    (cells, facts, rows) and makes no reference cycles (a test checks that it leaves no
    cyclic garbage). With the collector on, the growing population triggers full
    collections that scan all of it again and again and free nothing; paused, memory is
    still freed by reference counting. Forked workers inherit the pause. The switch is
    process-wide: other threads' cycles wait for the end of the run.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ingest(store: Store, paths: Iterable[str | Path], *, date: str | None, progress: Callable[[int, str], Any] | None,
            on_problem: Callable[[str, int | None, str, str], None] | None, git: str | Path | None,
            since: str | None, until: str | None, git_paths: Iterable[str], repo: str | None,
            workers: int | None) -> IngestResult:
    result = IngestResult()
    t = time.perf_counter()
    known = store.known_source_ids()
    memory: LayoutMemory | None = None
    matcher: ChangeMatcher | None = None
    tick = progress or (lambda n, label: None)
    say = on_problem or (lambda path, line, severity, msg: None)
    if git is not None:
        from extractor.walk import GitOptions

        memory, matcher = load_memory(store), load_matcher(store)
        ingest_git(store, git, GitOptions(since, until, tuple(git_paths), repo), result=result,
                   memory=memory, known=known, matcher=matcher, say=say)
        t = result.lap("walk", t)

    seen: list[dict[str, Any]] = []
    problems: list[tuple[str, str, str]] = []
    inputs = read_inputs(store, expand(paths, problems), known, result, say, tick, seen)
    for path, severity, msg in problems:  # folders that cannot be read, or that hold nothing
        if severity == "error":
            result.files += 1
            _fail_msg(store, result, say, path, None, msg)
        else:
            result.warnings.append((path, None, msg))
            say(path, None, severity, msg)
    record_files(store, seen)
    result.lap("read", t)
    if not inputs and memory is None:
        return result
    from extractor import workers as pool

    n = pool.choose(workers, inputs)
    base = (memory or load_memory(store)).copy()
    matcher = matcher or load_matcher(store)
    if n > 1:
        snapshot = (replace(result, failed=list(result.failed), warnings=list(result.warnings),
                            skipped_other=list(result.skipped_other), events=dict(result.events),
                            seconds=dict(result.seconds)), set(known))
        try:
            return _ingest_inputs(store, inputs, base, matcher, known, result, say, tick, date, repo, git, n)
        except pool.WorkerLost as exc:
            log.warning("parallel ingest failed (%s); ingesting again in one process", exc)
            result, known = snapshot
            matcher = load_matcher(store)
            for inp in inputs:  # the first pass let go of the bytes it had parsed
                if not inp.data:
                    _read_again(inp)
    return _ingest_inputs(store, inputs, base, matcher, known, result, say, tick, date, repo, git, 1)


@dataclass
class Input:
    """A new input file (not ingested before), read and hashed, in command-line order."""

    idx: int
    path: Path
    explicit: bool
    data: bytes
    source_id: str
    stat: tuple[int, int, int] | None = None  # size, mtime_ns, inode when read
    gone: str | None = None  # why a second read of the file failed (see _read_again)


# A file modified this close to the time its row was recorded is read again: within one
# tick of the file system's clock a change may leave size and modification time alone.
STAT_SLACK_NS = 2_000_000_000


def load_file_stats(store: Store) -> dict[str, tuple[int, int, int, str]]:
    """Files ingested before whose status can be trusted: path -> (size, mtime_ns, inode, sha256)."""
    rows = sql.trusted_files(store, STAT_SLACK_NS)
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]), r[4]) for r in rows}


def _file_key(path: Path) -> str:
    return os.path.abspath(path)


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def read_inputs(store: Store, files: Iterable[tuple[Path, bool]], known: set[str], result: IngestResult,
                say: Say, tick: Callable[[int, str], Any], seen: list[dict[str, Any]] | None = None) -> list[Input]:
    """Read and hash every file; those already ingested (or read earlier in this run) are counted
    and left out, an unreadable one is recorded. A file whose path, size, modification time
    and inode match a file ingested before is not even read (see ``load_file_stats``).
    ``seen`` collects ``input_files`` rows for known files that had none."""
    stats = load_file_stats(store)
    inputs: list[Input] = []
    for path, explicit in files:
        result.files += 1
        stat = _stat(path)
        cached = stats.get(_file_key(path)) if stat is not None else None
        if cached is not None and cached[:3] == stat and cached[3] in known:
            tick(1, "parse")
            result.skipped_known += 1
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            tick(1, "parse")
            _fail_msg(store, result, say, str(path), None, f"cannot read: {exc.strerror or exc}")
            continue
        sid = sha256(data)
        if sid in known:
            tick(1, "parse")
            result.skipped_known += 1
            if seen is not None and stat is not None:
                seen.append(_file_row(path, stat, sid))
            continue
        if not explicit and kind_of(data[:8192].decode("utf-8", "ignore")) is None:
            tick(1, "parse")  # found in a folder and neither report nor patch (a README, an image)
            result.skipped_other.append(str(path))
            continue
        known.add(sid)
        inputs.append(Input(len(inputs), path, explicit, data, sid, stat))
    return inputs


def _read_again(inp: Input) -> None:
    """Read again an input read earlier in this run; one that cannot be read, or whose bytes
    changed in between, is marked ``gone`` (it fails with that reason, it is not parsed)."""
    try:
        data = inp.path.read_bytes()
    except OSError as exc:
        inp.gone = f"cannot read it again during this run: {exc.strerror or exc}"
        return
    if sha256(data) != inp.source_id:
        inp.gone = "changed while it was being ingested; run the ingest again"
        return
    inp.data = data


def _file_row(path: Path, stat: tuple[int, int, int], sid: str) -> dict[str, Any]:
    return {"path": _file_key(path), "size": stat[0], "mtime_ns": stat[1], "inode": stat[2], "sha256": sid,
            "recorded_ns": time.time_ns()}


def record_files(store: Store, rows: list[dict[str, Any]]) -> None:
    """Remember files fully ingested, so that the next run skips them unread."""
    if not rows:
        return
    try:
        sql.record_files(store, rows)
    except Exception:  # only a cache: the next run reads the files again
        log.debug("cannot record input files", exc_info=True)


@dataclass
class PrepInfo:
    """What the merge needs of one source a worker prepared (the Prepared stays with the worker)."""

    key: tuple[int, int]  # (input idx, source number within the file)
    source_id: str
    meta: SourceMeta
    change_id: str
    ops: list[Op]


@dataclass
class FileOutcome:
    idx: int
    other: bool = False  # neither report nor patch, found in a folder
    failed: tuple[int | None, str] | None = None  # SourceError: line, reason
    crash: str | None = None  # an unexpected exception, as _fail words it
    preps: list[PrepInfo] = field(default_factory=list)


@dataclass
class Extraction:
    key: tuple[int, int]
    rows: SourceRows | None
    problems: list[Problem]
    crash: str | None = None


class Shard:
    """The part of one run's inputs that one process parses and extracts.

    Phase one prepares inputs (recording their layout ops) as long as ``tickets`` hands
    out any: every process draws from the same tickets, so a process that runs faster
    takes more. ``sync`` then replaces the shard's memory by the run's merged memory and
    gives each source its resolved change id; phase two parses deferred sections, and
    after another ``sync`` phase three extracts what this process prepared. Phase one only
    adds to the memory, and the ops make each process's memory equal to the one a single
    process would build, so the result does not depend on who prepared which input.
    """

    def __init__(self, inputs: list[Input], tickets: Tickets, base: LayoutMemory, date: str | None,
                 repo: str | None) -> None:
        self.inputs = inputs
        self.tickets = tickets
        self.base = base
        self.memory = base.copy()
        self.date = date
        self.repo = repo
        self.preps: dict[tuple[int, int], Prepared] = {}

    def prepare_all(self, tick: Callable[[int, str], Any] = lambda n, label: None) -> list[FileOutcome]:
        out = []
        while (k := self.tickets.take()) is not None:
            out.append(self._prepare_one(self.inputs[k]))
            tick(1, "parse")
        return out

    def _prepare_one(self, inp: Input) -> FileOutcome:
        out = FileOutcome(inp.idx)
        if inp.gone is not None:
            out.failed = (None, inp.gone)
            return out
        try:
            source = read_source(inp.path, _decode(inp.data, inp.path), date=self.date)
            if source is None:
                if inp.explicit:
                    raise SourceError("neither a Diff Insight Report nor a unified diff", str(inp.path), 1)
                out.other = True
                return out
            sources = source if isinstance(source, list) else [source]
            for k, (one, one_sid) in enumerate(zip(sources, source_ids(inp.data, inp.source_id, sources),
                                                   strict=True)):
                if self.repo and one.meta.repo is None and one.meta.kind == "patch":
                    one.meta.repo = self.repo
                self.memory.ops = []
                prep = prepare(InputFile(inp.path, b"", one_sid, inp.explicit), one, self.memory)
                self.preps[(inp.idx, k)] = prep
                out.preps.append(PrepInfo((inp.idx, k), one_sid, one.meta, prep.change_id, self.memory.ops))
        except SourceError as exc:
            out.failed = (exc.line, exc.reason)
        except Exception as exc:
            log.debug("unexpected failure on %s", inp.path, exc_info=True)
            out.crash = f"unexpected {type(exc).__name__}: {exc}"
        finally:
            self.memory.ops = None
            inp.data = b""  # parsed: the bytes are of no more use
        return out

    def sync(self, ops: list[Op], change_ids: dict[tuple[int, int], str]) -> None:
        """Take the run's merged memory (the base plus ``ops``) and the resolved change ids;
        sources left out of ``change_ids`` (seen earlier in the run) are dropped."""
        self.memory = self.base.copy()
        self.memory.replay(ops)
        for key in list(self.preps):
            if key in change_ids:
                self.preps[key].change_id = change_ids[key]
            else:
                del self.preps[key]

    def prepare_deferred_all(self) -> list[tuple[tuple[int, int], list[Op]]]:
        out = []
        for key in sorted(self.preps):
            self.memory.ops = []
            prepare_deferred(self.preps[key], self.memory)
            out.append((key, self.memory.ops))
        self.memory.ops = None
        return out

    def extract_all(self, positions: dict[tuple[int, int], int]) -> list[tuple[list[Extraction], Columns]]:
        """Every source's extraction, and their rows as columns (``positions``: load order)."""
        got = [extract_one(key, prep, self.memory) for key, prep in sorted(self.preps.items())]
        cols = columnar((positions[x.key], x.rows) for x in got if x.rows is not None)
        return [(got, cols)]


def extract_one(key: tuple[int, int], prep: Prepared, memory: LayoutMemory) -> Extraction:
    """One source's rows for the store, or the unexpected failure that stopped them."""
    try:
        return Extraction(key, source_rows(prep, extract(prep, memory), memory), prep.source.problems)
    except Exception as exc:
        log.debug("unexpected failure on %s", prep.file.path, exc_info=True)
        return Extraction(key, None, [], f"unexpected {type(exc).__name__}: {exc}")


def _ingest_inputs(store: Store, inputs: list[Input], base: LayoutMemory, matcher: ChangeMatcher,
                   known: set[str], result: IngestResult, say: Say, tick: Callable[[int, str], Any],
                   date: str | None, repo: str | None, git: str | Path | None, n: int) -> IngestResult:
    """Parse, extract and load ``inputs`` with ``n`` processes (this one included)."""
    from extractor import workers as pool

    t = time.perf_counter()
    order = sorted(inputs, key=lambda i: (-len(i.data), i.idx))  # the largest first: the last to go are small
    tickets = pool.Tickets(len(order), shared=n > 1)
    own = Shard(order, tickets, base, date, repo)
    with pool.Pool([Shard(order, tickets, base, date, repo) for _ in range(n - 1)]) as others:
        # phase one: prepare; merged in input order (layout ops, change ids, failures)
        others.start("prepare_all")
        outcomes = own.prepare_all(tick)
        theirs = others.results("prepare_all")
        tick(len(theirs), "parse")
        outcomes += theirs
        by_input = {i.idx: i for i in inputs}
        ops: list[Op] = []
        change_ids: dict[tuple[int, int], str] = {}
        metas: dict[tuple[int, int], tuple[SourceMeta, str, str]] = {}
        for out in sorted(outcomes, key=lambda o: o.idx):
            inp = by_input[out.idx]
            for info in out.preps:
                if info.source_id != inp.source_id:
                    if info.source_id in known:
                        continue
                    known.add(info.source_id)
                change_ids[info.key] = matcher.resolve(info.meta, info.change_id,
                                                       single_commit=info.meta.kind != "report")
                metas[info.key] = (info.meta, str(inp.path), info.source_id)
                ops.extend(info.ops)
            if out.other:
                result.skipped_other.append(str(inp.path))
                known.discard(inp.source_id)
            elif out.failed is not None:
                line, reason = out.failed
                _fail_msg(store, result, say, str(inp.path), inp.source_id, reason, line)
            elif out.crash is not None:
                _fail_msg(store, result, say, str(inp.path), inp.source_id, out.crash)
        t = result.lap("prepare", t)
        if not metas and git is None:
            return result
        # phase two: deferred sections of documents now known to hold fact tables
        others.start("sync", ops, change_ids)  # a child answers calls in order: no need to wait
        others.start("prepare_deferred_all")
        own.sync(ops, change_ids)
        deferred = own.prepare_deferred_all()
        others.results("sync")
        deferred += others.results("prepare_deferred_all")
        for _key, more in sorted(deferred, key=lambda d: d[0]):
            ops.extend(more)
        own.sync(ops, change_ids)
        memory = own.memory
        memory.ops = ops
        again = read_again(store, memory, {info.source_id for out in outcomes for info in out.preps
                                        if info.key in metas})
        memory.ops = None
        if again:  # a change a git walk has read whole is complete: it is never read again
            walked = sql.walked_changes(store)
            again = [p for p in again if p.change_id not in walked]
        result.read_again = len(again)
        t = result.lap("deferred", t)
        # phase three: extract, then load in date order
        again_keys = [(len(inputs) + k, 0) for k in range(len(again))]
        for key, prep in zip(again_keys, again, strict=True):
            metas[key] = (prep.source.meta, str(prep.file.path), prep.file.source_id)
        positions = {key: i for i, key in enumerate(sorted(metas, key=lambda k: (metas[k][0].observed_at,
                                                                                 metas[k][1], k)))}
        others.start("sync", ops, change_ids)
        others.start("extract_all", positions)
        parts = own.extract_all(positions)
        others.results("sync")
        parts += others.results("extract_all")
    extractions = [x for got, _cols in parts for x in got]
    mine = [extract_one(key, prep, memory) for key, prep in zip(again_keys, again, strict=True)]
    parts.append((mine, columnar((positions[x.key], x.rows) for x in mine if x.rows is not None)))
    extractions += mine
    t = result.lap("extract", t)
    order = sorted(extractions, key=lambda x: positions[x.key])
    batch: list[SourceRows] = []
    for x in order:
        tick(1, "extract")
        _meta, path, sid = metas[x.key]
        if x.rows is None:
            _fail_msg(store, result, say, path, sid, x.crash or "unexpected failure")
            continue
        batch.append(x.rows)
        report_problems(x.problems, result, say)
    if batch:
        cols = concat_columns(c for _got, c in parts)
        done = {sr.source_id for sr in load_batch(store, batch, cols, heading_rows(memory), result, say)}
        bad = {metas[x.key][1] for x in order if x.rows is None or x.rows.source_id not in done}
        bad |= {str(by_input[o.idx].path) for o in outcomes if o.crash is not None or o.failed is not None}
        loaded = {metas[x.key][1] for x in order if x.key[0] < len(inputs)} - bad
        record_files(store, [_file_row(i.path, i.stat, i.source_id) for i in inputs
                             if i.stat is not None and str(i.path) in loaded])
    result.lap("load", t)
    return result


Say = Callable[[str, int | None, str, str], None]


def report_problems(problems: list[Problem], result: IngestResult, say: Say) -> None:
    """Count and show a loaded source's problems (errors fail the run, warnings do not)."""
    for p in problems:
        (result.failed if p.severity == "error" else result.warnings).append((p.file, p.line, p.message))
        say(p.file, p.line, p.severity, p.message)


def heading_rows(memory: LayoutMemory) -> list[dict[str, Any]]:
    """The headings learnt since the memory was loaded, as rows of ``headings``."""
    return [{"doc": h.doc, "line_no": h.line_no, "level": h.level, "text": h.text,
             "source_id": h.source_id, "side": h.side} for h in memory.new_headings]


def load_batch(store: Store, batch: list[SourceRows], cols: Columns, headings: list[dict[str, Any]],
               result: IngestResult, say: Say) -> list[SourceRows]:
    """Load whole sources (``batch``, in load order; their rows are ``cols``) and ``headings``
    in one transaction, falling back to one source at a time so that a source that cannot
    be stored does not lose the others; counts what was loaded."""
    if not batch and not headings:
        return []
    try:
        result.events_new += write_batch(store, [r for sr in batch for r in sr.replace], cols, headings)
        done = batch
    except Exception:
        log.debug("batch load failed; loading source by source", exc_info=True)
        done = []
        for i, sr in enumerate(batch):
            try:
                result.events_new += write_batch(store, sr.replace, only_source(cols, sr.source_id),
                                                 headings if i == 0 else [])
                done.append(sr)
            except Exception as exc:
                _fail(store, result, say, sr.path, sr.source_id, exc)
    for sr in done:
        if sr.replace:
            continue  # a source read again, not loaded by this run
        result.loaded += 1
        result.unresolved += sr.unresolved
        for k, v in sr.kinds.items():
            result.events[k] = result.events.get(k, 0) + v
    return done


# --- the git walk: its commits consumed one by one, loaded in chunks --------------------------

GIT_CHUNK = 1000  # commits loaded together ...
GIT_CHUNK_EVENTS = 20_000  # ... or fewer, once they hold this many events (memory stays flat)


def ingest_git(store: Store, path: str | Path, opts: GitOptions, *, result: IngestResult,
               memory: LayoutMemory, known: set[str], matcher: ChangeMatcher,
               say: Say, chunk: int = GIT_CHUNK) -> None:
    """Walk the repository at ``path`` into ``store`` (see ``extractor.walk``): each new
    commit is prepared and extracted as it is read, and loaded in chunks of ``chunk``
    commits (or ``GIT_CHUNK_EVENTS`` events), each with its ``git_commits`` rows."""
    from extractor.walk import GitWalk

    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        walk = GitWalk(store, path, opts, now)
    except SourceError as exc:
        _fail_msg(store, result, say, str(path), None, exc.reason, exc.line)
        return
    top = walk.top
    pending: list[Extraction] = []
    held = 0  # events in pending
    seen_only: list[dict[str, Any]] = []
    learnt: list[LayoutEntry] = []
    try:
        for c in walk.commits(known):
            result.commits += 1
            matcher.learn_parent(c.sha, c.parent)
            if c.source is None:
                result.skipped_known += 1
                seen_only.append(c.row)
                continue
            try:
                prep = prepare(InputFile(walk.repo.top, b"", c.source_id, True), c.source, memory)
                prep.change_id = matcher.resolve(c.source.meta, prep.change_id, single_commit=True)
            except Exception as exc:
                _fail(store, result, say, top, c.source_id, exc)
                continue
            # extracted at once (whole files: no remembered layout needed), so that the work
            # between two reads of git's output stays even and the chunk's load is short
            x = extract_one((c.row["seq"] + 1, 0), prep, memory)
            if x.rows is None:
                _fail_msg(store, result, say, top, c.source_id, x.crash or "unexpected failure")
                continue
            x.rows.tables["git_commits"] = [c.row]
            pending.append(x)
            held += x.rows.events
            if len(pending) >= chunk or held >= GIT_CHUNK_EVENTS:
                _flush_git(store, pending, seen_only, memory, learnt, result, say)
                held = 0
        _flush_git(store, pending, seen_only, memory, learnt, result, say)
    finally:
        memory.new_tables.extend(learnt)  # so that stored reports this walk can now resolve are read again
    for note in walk.notes:
        result.warnings.append((top, None, note))
        say(top, None, "warning", note)
        sql.record_warning(store, top, note, now)


def _flush_git(store: Store, pending: list[Extraction], seen_only: list[dict[str, Any]],
               memory: LayoutMemory, learnt: list[LayoutEntry], result: IngestResult, say: Say) -> None:
    batch = [x.rows for x in pending if x.rows is not None]
    for x in pending:
        report_problems(x.problems, result, say)
    load_batch(store, batch, columnar(enumerate(batch)), heading_rows(memory), result, say)
    if seen_only:
        sql.record_commits(store, seen_only)
    learnt.extend(memory.new_tables)
    memory.new_tables.clear()
    memory.new_headings.clear()
    pending.clear()
    seen_only.clear()


def _fail(store: Store, result: IngestResult, say: Say,
          path: str, source_id: str | None, exc: Exception) -> None:
    log.debug("unexpected failure on %s", path, exc_info=True)
    _fail_msg(store, result, say, path, source_id, f"unexpected {type(exc).__name__}: {exc}")


def _fail_msg(store: Store, result: IngestResult, say: Say, path: str, source_id: str | None, msg: str,
              line: int | None = None) -> None:
    """A failed input: counted, recorded in ``errors`` and shown, with its line when known."""
    result.failed.append((path, line, msg))
    sql.record_error(store, path, source_id, line, msg)
    say(path, line, "error", msg)


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"not UTF-8 text (byte {exc.start})", str(path), line) from exc


__all__ = ["REMOVED", "SUBJECT_KEYS", "IngestResult", "ingest"]
