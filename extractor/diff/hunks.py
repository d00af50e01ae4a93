"""The one reader of unified-diff hunks: every source's hunks are located and read here.

Three callers share it: a report's diff block and a patch's run of hunks
(``read_block``, via the ingest's prepare stage), the patch reader locating each file's
hunks in a whole patch or ``git log -p`` (``locate``, from ``extractor.sources.patch``), and
the git walk turning the hunks it follows into ``Hunk``s (``build``, from
``extractor.sources.git``).

From ``unidiff`` it takes the hunk-header grammar (``RE_HUNK_HEADER``), the line types
(``LINE_TYPE_*``, also the kinds of ``DiffLine``) and the wording of its parse errors, so a
broken hunk of a block is reported as it always was ("Hunk is shorter than expected", ...).
``unidiff.PatchSet`` itself is not called: it needs ``---``/``+++`` headers, stops at a
block's first broken hunk (so every hunk had to be parsed again on its own), drops a whole
hunk for a stray line after it (a ``+++ `` line, a ``\\`` marker after prose), cannot say
where a hunk stopped, and matches a regex and builds a ``Line`` per diff line (reading the
corpus's report blocks takes three times as long). Added around the grammar:

* locating a hunk by its ``@@`` counts (``locate``): the hunk ends when its counts are met
  (then any ``\\ No newline at end of file`` lines), so a mail signature (``-- ``) or a
  following commit is never taken for a diff line; a hunk that stops before its counts are
  met is marked cut short (``HunkSpan.complete``), with how many old / new lines are
  missing; ``\\`` lines count on neither side; an empty line or a lone ``\\r`` is context;
* header-less blocks (a report's diff block is a bare run of hunks) and damaged ones
  (``read_block``): lines outside hunks are skipped, a cut-short hunk becomes a problem
  ``(input line of its @@, message)`` and the hunks around it are still read;
* turning a located hunk into a ``Hunk`` of ``DiffLine``s (``build``) with the caller's
  choice of ``src_line``: ``INPUT``, the line in the input file (a report or patch, for
  provenance), or ``DOCUMENT``, the line in the document (the walk: the new side for context
  and added lines, the old side for removed ones). A line's text drops its line-end CRs:
  every trailing ``\\r`` of an input block's line (the source has stripped its own CRLF end
  already, as the report reader strips them all), the one ``\\r`` of a walked document's
  CRLF line (as its snapshots do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unidiff.constants import (
    LINE_TYPE_ADDED,
    LINE_TYPE_CONTEXT,
    LINE_TYPE_NO_NEWLINE,
    LINE_TYPE_REMOVED,
    RE_HUNK_HEADER,
)

from extractor.diff.model import DiffLine, Hunk

__all__ = ["DOCUMENT", "INPUT", "HunkSpan", "build", "header", "locate", "read_block"]

INPUT = "input"  # src_line: the line in the input file (report, patch)
DOCUMENT = "document"  # src_line: the line in the document (new side, old side for removed lines)

_CTX, _ADD, _DEL, _NONL = LINE_TYPE_CONTEXT, LINE_TYPE_ADDED, LINE_TYPE_REMOVED, LINE_TYPE_NO_NEWLINE


@dataclass(slots=True)
class HunkSpan:
    """One located hunk: lines ``start`` (its ``@@`` line) to ``end`` (exclusive) of the lines
    read; its header's numbers; how many lines it adds and removes; what its counts miss."""

    start: int
    end: int
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    section: str  # git's function line after the second @@
    added: int = 0
    removed: int = 0
    old_missing: int = 0  # old / new lines the header counts that the hunk does not have
    new_missing: int = 0
    extra: int = 0  # diff lines right after the hunk that its counts leave no room for

    @property
    def complete(self) -> bool:
        return self.old_missing == 0 and self.new_missing == 0 and self.extra == 0


def header(line: str) -> re.Match[str] | None:
    """The match of unidiff's hunk-header grammar on ``line``, or None (a CR line end falls
    in the section text, which is stripped)."""
    return RE_HUNK_HEADER.match(line) if line.startswith("@@ ") else None


def locate(lines: list[str], i: int, end: int, m: re.Match[str]) -> HunkSpan:
    """The hunk whose header, matched as ``m``, is ``lines[i]``, read by its counts up to ``end``."""
    old_start, new_start = int(m.group(1)), int(m.group(3))
    old_len = int(m.group(2)) if m.group(2) is not None else 1
    new_len = int(m.group(4)) if m.group(4) is not None else 1
    ol, nl = old_len, new_len
    added = removed = 0
    j = i + 1
    while j < end and (ol > 0 or nl > 0):
        ln = lines[j]
        c = ln[:1]
        if c == _CTX or c == "" or ln == "\r":
            if ol <= 0 or nl <= 0:
                break
            ol -= 1
            nl -= 1
        elif c == _DEL:
            if ol <= 0:
                break
            ol -= 1
            removed += 1
        elif c == _ADD:
            if nl <= 0:
                break
            nl -= 1
            added += 1
        elif c != _NONL:
            break
        j += 1
    while j < end and lines[j][:1] == _NONL:
        j += 1
    extra = 0
    while j + extra < end and _overflow(lines[j + extra]):
        extra += 1
    return HunkSpan(i, j, old_start, old_len, new_start, new_len, m.group(5).strip(),
                    added, removed, ol, nl, extra)


def _overflow(line: str) -> bool:
    """True for a line after a hunk that reads as one more diff line of it (its counts were
    wrong): not an empty line, a mail signature (``-- ``) nor a file header (``--- ``, ``+++ ``)."""
    c = line[:1]
    if c == _CTX:
        return bool(line.strip())
    if c == _DEL:
        return line.rstrip("\r") != "-- " and not line.startswith("--- ")
    if c == _ADD:
        return not line.startswith("+++ ")
    return False


def build(lines: list[str], span: HunkSpan, numbering: str = DOCUMENT, first_line: int = 1) -> Hunk:
    """``span`` of ``lines`` as a ``Hunk``; ``src_line`` numbered as ``numbering`` says
    (``INPUT``: ``lines[0]`` is line ``first_line`` of the input file)."""
    o, n = span.old_start, span.new_start
    dl: list[DiffLine] = []
    add = dl.append
    if numbering == DOCUMENT:
        for ln in lines[span.start + 1:span.end]:
            c = ln[:1]
            if c == _CTX:
                add(DiffLine(_CTX, ln[1:-1] if ln.endswith("\r") else ln[1:], n, o, n))
                o += 1
                n += 1
            elif c == _DEL:
                add(DiffLine(_DEL, ln[1:-1] if ln.endswith("\r") else ln[1:], o, o, None))
                o += 1
            elif c == _ADD:
                add(DiffLine(_ADD, ln[1:-1] if ln.endswith("\r") else ln[1:], n, None, n))
                n += 1
            elif c == "" or ln == "\r":
                add(DiffLine(_CTX, "", n, o, n))
                o += 1
                n += 1
    elif numbering == INPUT:
        src = first_line + span.start
        for ln in lines[span.start + 1:span.end]:
            src += 1
            c = ln[:1]
            if c == _CTX:
                add(DiffLine(_CTX, ln[1:].rstrip("\r"), src, o, n))
                o += 1
                n += 1
            elif c == _DEL:
                add(DiffLine(_DEL, ln[1:].rstrip("\r"), src, o, None))
                o += 1
            elif c == _ADD:
                add(DiffLine(_ADD, ln[1:].rstrip("\r"), src, None, n))
                n += 1
            elif c == "" or ln == "\r":
                add(DiffLine(_CTX, "", src, o, n))
                o += 1
                n += 1
    else:
        raise ValueError(f"unknown numbering {numbering!r}")
    return Hunk(span.old_start, span.old_len, span.new_start, span.new_len, span.section, dl)


def read_block(text: str, first_line: int) -> tuple[list[Hunk], list[tuple[int, str]]]:
    """The hunks of a diff block (no file headers needed) whose first line is line
    ``first_line`` of the input, numbered by input line, and the problems met:
    ``(input line of a hunk's @@, message)`` for each hunk whose body disagrees with its
    counts (cut short, or followed by diff lines its counts leave no room for), which is
    left out; the lines after it are read as if outside any hunk.

    ``text`` uses ``\\n`` line ends (a final one ends the last line, it opens no empty one);
    lines outside hunks are skipped."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    end = len(lines)
    hunks: list[Hunk] = []
    problems: list[tuple[int, str]] = []
    i = 0
    while i < end:
        m = header(lines[i])
        if m is None:
            i += 1
            continue
        span = locate(lines, i, end, m)
        if span.complete:
            hunks.append(build(lines, span, INPUT, first_line))
        else:
            problems.append((first_line + i, _cut_short(lines, span.end)))
        i = span.end + span.extra
    return hunks, problems


def _cut_short(lines: list[str], j: int) -> str:
    """Why a hunk stopped at ``lines[j]`` before its counts were met, in unidiff's words."""
    if j >= len(lines) or lines[j].startswith("@@"):
        return "Hunk is shorter than expected"
    if lines[j][:1] in (_CTX, _ADD, _DEL, "") or lines[j] == "\r":  # a diff line the counts leave no room for
        return "Hunk is longer than expected"
    return f"Hunk diff line expected: {lines[j]}\n"
