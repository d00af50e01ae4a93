"""Prepare stage: parse a source's sections into blocks and remember the layouts they show.

Sections the prefilter finds no fact word in are dropped; sections only a known layout
makes useful (header-less rows of a document not yet known to hold fact tables) are
deferred until every input of the run has been prepared (``prepare_deferred``). Every
table a recogniser claims is remembered with its header, headings and place, so that
header-less rows of any report of the same document, earlier or later, can be read.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from extractor.blocks import Block, Table, find_blocks
from extractor.diff.hunks import read_block
from extractor.diff.model import FileDiff
from extractor.layout import HeadingEntry, LayoutEntry, LayoutMemory
from extractor.prefilter import wanted
from extractor.recognisers import Claims
from extractor.sources.base import DocSection, Problem, Source
from extractor.sources.problems import SourceError

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


def _add_doc(prep: Prepared, doc_path: str, diff: FileDiff, memory: LayoutMemory) -> None:
    doc = parse_doc(doc_path, diff)
    diff.hunks = []  # read into blocks; lines outside every block are of no more use
    prep.docs.append(doc)
    remember(doc, memory, prep.file.source_id, prep.source.meta.observed_at, prep.claims)


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


def remember(doc: ParsedDoc, memory: LayoutMemory, source_id: str, observed_at: str, claims: Claims) -> None:
    for side in SIDES:
        for line_no, level, text in doc.headings[side]:
            memory.add_heading(HeadingEntry(doc.diff.doc, line_no, level, text, source_id, side, observed_at))
        for blk in doc.blocks[side]:
            if isinstance(blk, Table) and blk.header is not None and claims.of(blk) is not None:
                memory.add_table(LayoutEntry(blk.doc, tuple(blk.header), blk.start_no,
                                             tuple(blk.headings), blk.lead, source_id, observed_at, side))
