"""Blocks of a document whose whole text is known on both sides of a change (the git walk).

With the full text, every table a hunk touches is read with its header, its alignment
row, the headings and tabs that scope it and the prose line above it, all taken from the
document itself, never from a remembered layout: a source with snapshots leaves no
unresolved rows. The rows read are the rows the diff shows (changed lines and their
context) — the rows a patch of the same commit shows — so the walk and a ``git log -p``
of the same commits give the same events and the same observations, and a wide matrix
is not re-read whole at every commit.

When a change alters what scopes a table — a heading, a tab, a code fence, a ``---``
rule, a table's header or alignment row — or adds, deletes or renames the document, both
sides are read whole and every fact of the document is compared.

A ``Snapshot`` is the document text as a ``str`` that also keeps its lines; the walk
passes snapshots as ``FileDiff.full_before`` / ``full_after`` (a plain ``str`` works too,
it is split here). The structure index (headings, fences, rules) of a snapshot is built
once, with ``str.find`` scans, and shared by the two commits that see that version.
(The ingest claims a snapshot table once per run, document, header and headings, on the
rows first read: ``extractor.ingest.prepare``.)
"""

from __future__ import annotations

import re
from typing import Any

from extractor.blocks import Block, BulletList, Table
from extractor.blocks.tables import (
    TAB_LEVEL,
    find_blocks,
    heading_of,
    is_alignment_row,
    is_table_line,
    split_row,
)
from extractor.diff.model import ADDED, REMOVED, DiffLine, FileDiff, Hunk
from extractor.kinds import claimant
from extractor.kinds.region_availability import is_feature_doc

__all__ = ["Snapshot", "holds_facts", "make_snapshot", "snapshot_blocks", "snapshot_lines"]

_BULLET = re.compile(r"^\s*[-*+]\s+\S")
_FENCE = re.compile(r"^\s*(```|~~~)")
SIDES = ("before", "after")

Blocks = dict[str, list[Block]]
Headings = dict[str, list[tuple[int, int, str]]]


class Snapshot(str):
    """A document's full text that also keeps its lines (without the final line end)."""

    lines: list[str]
    index: list[tuple[int, str, int, str]] | None


def make_snapshot(lines: list[str], trailing_newline: bool = True) -> Snapshot:
    """A ``Snapshot`` of ``lines`` (which it keeps; do not change the list afterwards)."""
    text = "\n".join(lines)
    snap = Snapshot(text + "\n" if trailing_newline and lines else text)
    snap.lines = lines
    snap.index = None
    return snap


def snapshot_lines(text: str) -> list[str]:
    """The lines of a document text (a ``Snapshot`` keeps them; a plain ``str`` is split)."""
    lines = getattr(text, "lines", None)
    if lines is not None:
        return lines  # type: ignore[no-any-return]
    out = text.split("\n")
    if out and out[-1] == "":
        out.pop()
    return out


# --------------------------------------------------------------------------- structure index


def _line_starts(text: str, needle: str, whole_line: bool) -> list[int]:
    """Offsets of the lines holding ``needle`` (at their start, after blanks, when
    ``whole_line`` is False; as the whole stripped line when True)."""
    out = []
    p = text.find(needle)
    while p >= 0:
        ls = text.rfind("\n", 0, p) + 1
        le = text.find("\n", p)
        if le < 0:
            le = len(text)
        if (text[ls:le].strip() == needle) if whole_line else not text[ls:p].strip():
            out.append(ls)
        p = text.find(needle, le)
    return out


def _index(text: str) -> list[tuple[int, str, int, str]]:
    """Lines that change the heading stack or the fence state: ``(line_no, kind, level, text)``
    with kind ``h`` (heading or tab), ``f`` (code fence) or ``r`` (a ``---`` rule)."""
    cached = getattr(text, "index", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if not isinstance(text, Snapshot):
        text = make_snapshot(snapshot_lines(text))
    s = str(text)
    starts = [0] if s.startswith("#") else []
    p = s.find("\n#")
    while p >= 0:
        starts.append(p + 1)
        p = s.find("\n#", p + 2)
    starts += _line_starts(s, "```", False) + _line_starts(s, "~~~", False) + _line_starts(s, "---", True)
    out = []
    line, prev = 1, 0
    for off in sorted(set(starts)):
        line += s.count("\n", prev, off)
        prev = off
        end = s.find("\n", off)
        t = s[off:end if end >= 0 else len(s)].rstrip("\r")
        if t[:1] == "#":
            h = heading_of(t)
            if h is not None:
                out.append((line, "h", h[0], h[1]))
        elif _FENCE.match(t):
            out.append((line, "f", 0, ""))
        elif t.strip() == "---":
            out.append((line, "r", 0, ""))
    text.index = out
    return out


def _context(index: list[tuple[int, str, int, str]], line_no: int) -> tuple[list[tuple[int, int, str]], int | None]:
    """The heading stack ``(line, level, text)`` in force at ``line_no``, and the line of the
    open code fence when ``line_no`` lies inside one (as ``find_blocks`` would track them)."""
    stack: list[tuple[int, int, str]] = []
    fence: int | None = None
    for no, kind, level, text in index:
        if no >= line_no:
            break
        if kind == "f":
            fence = None if fence is not None else no
        elif fence is not None:
            continue
        elif kind == "h":
            stack = [s for s in stack if s[1] < level]
            stack.append((no, level, text))
        elif stack and stack[-1][1] == TAB_LEVEL:
            stack = stack[:-1]
    return stack, fence


# --------------------------------------------------------------------------- windows


def _is_bullet(t: str) -> bool:
    return t[:1] in (" ", "\t", "-", "*", "+") and _BULLET.match(t) is not None


def _is_prose(t: str) -> bool:
    s = t.strip()
    return bool(s) and not s.startswith(("#", "|")) and not _FENCE.match(t) and not _is_bullet(t)


def _expand_up(lines: list[str], a: int) -> int:
    """First line of the window that holds line ``a``: whole tables and lists, and the
    prose line just above them (a table's lead)."""
    i = a
    while i > 1:
        t = lines[i - 2]
        if is_table_line(t) or _is_bullet(t):
            i -= 1
            continue
        if not t.strip() and _is_bullet(lines[i - 1]):
            j = i - 1
            while j > 1 and not lines[j - 2].strip():
                j -= 1
            if j > 1 and _is_bullet(lines[j - 2]):
                i = j - 1
                continue
        break
    j = i - 1
    while j >= 1 and not lines[j - 1].strip() and i - j < 3:
        j -= 1
    if j >= 1 and _is_prose(lines[j - 1]):
        i = j
    return i


def _expand_down(lines: list[str], b: int) -> int:
    n = len(lines)
    i = b
    while i < n:
        t = lines[i]
        if is_table_line(t) or _is_bullet(t):
            i += 1
            continue
        if not t.strip() and _is_bullet(lines[i - 1]):
            j = i
            while j < n and not lines[j].strip():
                j += 1
            if j < n and _is_bullet(lines[j]):
                i = j + 1
                continue
        break
    return i


def _windows(lines: list[str], hunks: list[Hunk], side: str) -> tuple[list[tuple[int, int, str]], set[int]]:
    """Merged line ranges ``(first, last, hunk section)`` to read on ``side``, and the lines
    the hunks show there."""
    n = len(lines)
    shown: set[int] = set()
    ranges: list[tuple[int, int, str]] = []
    for h in hunks:
        start, length = (h.old_start, h.old_len) if side == "before" else (h.new_start, h.new_len)
        if length > 0:
            a, b = start, start + length - 1
            shown.update(range(start, start + length))
        else:
            a, b = start, start + 1
        a, b = max(1, a), min(n, b)
        if a > b:
            continue
        ranges.append((_expand_up(lines, a), _expand_down(lines, b), h.section))
    ranges.sort()
    merged: list[tuple[int, int, str]] = []
    for a, b, sec in ranges:
        if merged and a <= merged[-1][1] + 1:
            pa, pb, psec = merged[-1]
            merged[-1] = (pa, max(pb, b), psec)
        else:
            merged.append((a, b, sec))
    return merged, shown


def _structural(diff: FileDiff, sides: dict[str, list[str] | None]) -> bool:
    """True when a changed line scopes tables (heading, tab, fence, rule, table header)."""
    for h in diff.hunks:
        for ln in h.lines:
            if ln.kind not in (ADDED, REMOVED):
                continue
            t = ln.text
            s = t.strip()
            if not s:
                continue
            if s[0] == "#" and heading_of(t) is not None:
                return True
            if s == "---" or _FENCE.match(t):
                return True
            if s[0] == "|":
                if is_alignment_row(split_row(t)):
                    return True
                lines = sides["before" if ln.kind == REMOVED else "after"]
                no = ln.old_no if ln.kind == REMOVED else ln.new_no
                if lines is not None and no is not None and no < len(lines) and is_alignment_row(split_row(lines[no])):
                    return True
    return False


# --------------------------------------------------------------------------- views and blocks


def _line(lines: list[str], no: int) -> DiffLine:
    t = lines[no - 1]
    return DiffLine(" ", t[:-1] if t.endswith("\r") else t, no, no, no)


def _view(lines: list[str], a: int, b: int, shown: set[int] | None, fence: int | None) -> list[DiffLine]:
    """Lines ``a``..``b`` as a view; with ``shown``, a table keeps its header and alignment
    rows and the rows shown, a list the items shown."""
    view = [DiffLine(" ", "```", fence, fence, fence)] if fence is not None else []
    i = a
    while i <= b:
        t = lines[i - 1]
        if shown is not None and is_table_line(t):
            j = i
            while j < b and is_table_line(lines[j]):
                j += 1
            align = next((k for k in range(i, min(j, i + 3) + 1) if is_alignment_row(split_row(lines[k - 1]))), None)
            top = align if align is not None else i - 1
            view.extend(_line(lines, k) for k in range(i, j + 1) if k <= top or k in shown)
            i = j + 1
            continue
        if shown is None or i in shown or not _is_bullet(t):
            view.append(_line(lines, i))
        i += 1
    return view


_FACTISH = re.compile(r"✅|retire|deprecat|tokens per minute|\bTPM\b|requests per minute|enterprise agreement|"
                      r"\bregion|batch|enqueued", re.I)


def holds_facts(doc: str, lines: list[str]) -> bool:
    """True when a recogniser claims a table (with its header) or a list of the document."""
    text = "\n".join(lines)
    if not lines or not _FACTISH.search(text):
        return False
    squeezed = text.replace(" ", "").replace("\t", "")
    if "|-" not in squeezed and "|:" not in squeezed and "-|" not in squeezed and not is_feature_doc(doc):
        return False  # no table has an alignment row (``|---|``), and only feature docs' lists count
    view = [DiffLine(" ", t[:-1] if t.endswith("\r") else t, no, no, no) for no, t in enumerate(lines, 1)]
    blocks, _ = find_blocks(view, doc=doc, side="after", section="")
    return any(claimant(b) is not None for b in blocks
               if isinstance(b, BulletList) or (isinstance(b, Table) and b.header is not None))


def _read(doc: str, side: str, text: str, lines: list[str], a: int, b: int, section: str,
          shown: set[int] | None, includes: list[Any] | None) -> tuple[list[Block], list[tuple[int, int, str]]]:
    stack, fence = _context(_index(text), a)
    blocks, seen = find_blocks(_view(lines, a, b, shown, fence), doc=doc, side=side, section=section,
                               headings=[(lvl, txt) for _, lvl, txt in stack], includes=includes)
    return blocks, [*stack, *seen]


def snapshot_blocks(doc: str, diff: FileDiff, includes: dict[str, list[Any]] | None = None) -> tuple[Blocks, Headings]:
    """Blocks and headings of both sides of ``diff``, read from its full-text snapshots;
    ``includes`` (per side), when given, gets the ``[!INCLUDE]`` lines read with the whole
    heading path above them (``find_blocks``)."""
    blocks: Blocks = {"before": [], "after": []}
    headings: Headings = {"before": [], "after": []}
    texts = {"before": diff.full_before, "after": diff.full_after}
    sides = {s: (snapshot_lines(t) if t is not None else None) for s, t in texts.items()}
    whole = (not diff.hunks or diff.status in ("renamed", "added", "removed")
             or any(v is None for v in sides.values()) or _structural(diff, sides))
    for side in SIDES:
        text, lines = texts[side], sides[side]
        if text is None or lines is None or not lines:
            continue
        if whole:
            found = [_read(doc, side, text, lines, 1, len(lines), "", None, includes and includes[side])]
        else:
            windows, shown = _windows(lines, diff.hunks, side)
            found = [_read(doc, side, text, lines, a, b, sec, shown, includes and includes[side])
                     for a, b, sec in windows]
        seen: set[tuple[int, int, str]] = set()
        for blks, heads in found:
            blocks[side].extend(blks)
            for h in heads:
                if h not in seen:
                    seen.add(h)
                    headings[side].append(h)
    return blocks, headings
