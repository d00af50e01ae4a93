"""Prepare stage: parse a source's sections into blocks and remember the layouts they show.

Sections the prefilter finds no fact word in are dropped; sections only a known layout
makes useful (header-less rows of a document not yet known to hold fact tables) are
deferred until every input of the run has been prepared (``prepare_deferred``). Every
table a recogniser claims is remembered with its header, headings and place, so that
header-less rows of any report of the same document, earlier or later, can be read; every
``[!INCLUDE]`` line a section shows (parsed or not) is remembered as a placement.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from extractor.blocks import Block, Table, find_blocks
from extractor.diff.hunks import read_block
from extractor.diff.model import DiffLine, FileDiff
from extractor.kinds import Claims
from extractor.layout import HeadingEntry, LayoutEntry, LayoutMemory
from extractor.placements import Placement, include_path
from extractor.prefilter import wanted
from extractor.sources.base import DocSection, Problem, Source
from extractor.sources.problems import SourceError

_INCLUDE = re.compile(r"!include", re.I)  # a section that may hold an [!INCLUDE] line

_SKIP_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".bmp", ".zip", ".pdf"}
SIDES = ("before", "after")


@dataclass
class InputFile:
    path: Path
    source_id: str
    explicit: bool  # named on the command line (vs found in a folder)


@dataclass
class ParsedDoc:
    diff: FileDiff
    blocks: dict[str, list[Block]]
    headings: dict[str, list[tuple[int, int, str]]]
    # per side: each [!INCLUDE] line of the views, its target as written, the headings above it
    includes: dict[str, list[tuple[DiffLine, str, tuple[tuple[int, str], ...]]]] = field(
        default_factory=lambda: {"before": [], "after": []})


@dataclass
class Prepared:
    file: InputFile
    source: Source
    change_id: str
    docs: list[ParsedDoc]
    deferred: list[DocSection] = field(default_factory=list)
    revisit: set[str] = field(default_factory=set)  # a stored source read again: docs it re-states
    claims: Claims = field(default_factory=Claims)  # the recogniser of each of its blocks


def change_id_of(source: Source, source_id: str) -> str:
    m = source.meta
    if m.base and m.head:
        return f"{m.repo or ''}@{m.base}...{m.head}"
    if m.head and m.kind in ("patch", "git"):  # one commit whose parent the source does not name
        return f"{m.repo or ''}@{m.head}^...{m.head}"
    return f"source:{source_id}"


def prepare(file: InputFile, source: Source, memory: LayoutMemory) -> Prepared:
    """Parse the sections a recogniser may need; defer those only a known layout makes useful.
    A source dated after tomorrow (a report of 2099) is refused: ``SourceError``."""
    latest = (dt.date.today() + dt.timedelta(days=1)).isoformat()  # (a day's slack for time zones)
    if source.meta.observed_at > latest:
        raise SourceError(f"dated {source.meta.observed_at}, after today ({dt.date.today().isoformat()}): refused",
                          str(file.path))
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
        if not verdict and _INCLUDE.search(sec.diff_text):
            _remember_includes(prep, sec, memory)  # where includes sit is layout, whatever else the section holds
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
    hunks, broken = read_block(sec.diff_text, sec.first_line)
    for line, why in broken:  # a broken hunk is recorded and the others are still read
        prep.source.problems.append(Problem(str(prep.file.path), line, f"{sec.doc}: unreadable hunk: {why}",
                                            "error"))
    diff = FileDiff(doc=sec.doc, old_doc=sec.old_doc, status=sec.status, hunks=hunks)
    _add_doc(prep, sec.doc, diff, memory)


def _remember_includes(prep: Prepared, sec: DocSection, memory: LayoutMemory) -> None:
    """Remember the include lines of a section that is not parsed for facts (now)."""
    assert sec.diff_text is not None
    hunks, _broken = read_block(sec.diff_text, sec.first_line)  # (a broken hunk is reported if parsed)
    doc = ParsedDoc(FileDiff(doc=sec.doc), {"before": [], "after": []}, {"before": [], "after": []})
    for hunk in hunks:
        for side in SIDES:
            find_blocks(hunk.view(side), doc=sec.doc, side=side, section=hunk.section, want_lists=False,
                        includes=doc.includes[side])
    remember_includes(doc, memory, prep.file.source_id, prep.source.meta.observed_at)


def _add_doc(prep: Prepared, doc_path: str, diff: FileDiff, memory: LayoutMemory) -> None:
    doc = parse_doc(doc_path, diff)
    diff.hunks = []  # read into blocks; lines outside every block are of no more use
    prep.docs.append(doc)
    remember(doc, memory, prep.file.source_id, prep.source.meta.observed_at, prep.claims)


def parse_doc(section_doc: str, diff: FileDiff) -> ParsedDoc:
    blocks: dict[str, list[Block]] = {"before": [], "after": []}
    headings: dict[str, list[tuple[int, int, str]]] = {"before": [], "after": []}
    includes: dict[str, list[tuple[DiffLine, str, tuple[tuple[int, str], ...]]]] = {"before": [], "after": []}
    if diff.full_before is not None or diff.full_after is not None:
        from extractor.sources.snapshot import snapshot_blocks

        blocks, headings = snapshot_blocks(section_doc, diff, includes)  # whole tables, no layout needed
        return ParsedDoc(diff, blocks, headings, includes)
    for hunk in diff.hunks:
        for side in SIDES:
            b, h = find_blocks(hunk.view(side), doc=section_doc, side=side, section=hunk.section,
                               includes=includes[side])
            blocks[side].extend(b)
            headings[side].extend(h)
    return ParsedDoc(diff, blocks, headings, includes)


def remember(doc: ParsedDoc, memory: LayoutMemory, source_id: str, observed_at: str, claims: Claims) -> None:
    for side in SIDES:
        for line_no, level, text in doc.headings[side]:
            memory.add_heading(HeadingEntry(doc.diff.doc, line_no, level, text, source_id, side, observed_at))
        for blk in doc.blocks[side]:
            if isinstance(blk, Table) and blk.header is not None and claims.of(blk) is not None:
                memory.add_table(LayoutEntry(blk.doc, tuple(blk.header), blk.start_no,
                                             tuple(blk.headings), blk.lead, source_id, observed_at, side))
    remember_includes(doc, memory, source_id, observed_at)


def remember_includes(doc: ParsedDoc, memory: LayoutMemory, source_id: str, observed_at: str) -> None:
    """Each include line a view shows with a heading above it is a sighting of its placement
    on that side (the headings the view shows: those outside it are not guessed); a line one
    view shows as removed or added (and the other does not show) is a sighting of its
    absence on the other side."""
    host = doc.diff.doc
    shown: dict[str, set[str]] = {side: set() for side in SIDES}
    for side in SIDES:
        for ln, target, heads in doc.includes[side]:
            path = include_path(host, target)
            if path is not None:
                shown[side].add(path)
                if not heads:
                    continue  # the view shows the line but not its heading: where it sits is not known
                memory.add_placement(Placement(path, host, ln.no(side), heads, True, source_id, observed_at, side))
    for side, other in (("before", "after"), ("after", "before")):
        for ln, target, _heads in doc.includes[side]:
            path = include_path(host, target)
            if path is not None and ln.kind != " " and path not in shown[other]:
                memory.add_placement(Placement(path, host, ln.no(side), (), False, source_id, observed_at, other))
