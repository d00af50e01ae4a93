"""Blocks of a document whose whole text is known on both sides of a change (the git walk).

With the full text, every table a hunk touches is read whole: its header, the headings
that scope it and the prose line above it come from the document itself, never from a
remembered layout, so a source with snapshots leaves no unresolved rows. Recognisers claim
a table on all its rows; facts are then taken from the rows the diff shows (changed lines
and their context), exactly the rows a patch of the same commit shows, so the walk and a
``git log -p`` of the same commits give the same events and the same observations.

When a change alters what scopes a table — a heading, a tab, a code fence, a table's
header or alignment row — or renames the document, both sides are read whole and every
fact of the document is compared.

A ``Snapshot`` is the document text as a ``str`` that also keeps its lines; the walk
passes snapshots as ``FileDiff.full_before`` / ``full_after`` (plain ``str`` works too, it
is split here). Parsed windows are cached by content, so the table a commit leaves behind
is not parsed again as the next commit's *before* side.
"""

from __future__ import annotations

import copy
import re
from collections import OrderedDict
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
from extractor.recognisers import claimant

__all__ = ["Snapshot", "make_snapshot", "snapshot_blocks", "snapshot_lines"]

_BULLET = re.compile(r"^\s*[-*+]\s+\S")
_FENCE = re.compile(r"^\s*(```|~~~)")
SIDES = ("before", "after")
_CACHE_SIZE = 512

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


def _index(text: str) -> list[tuple[int, str, int, str]]:
    """Lines that change the heading stack or the fence state: ``(line_no, kind, level, text)``
    with kind ``h`` (heading or tab), ``f`` (code fence) or ``r`` (a ``---`` rule)."""
    cached = getattr(text, "index", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    lines = snapshot_lines(text)
    out = []
    for i, t in enumerate(lines):
        c = t[:1]
        if c == "#":
            h = heading_of(t.rstrip("\r"))
            if h is not None:
                out.append((i + 1, "h", h[0], h[1]))
        elif ("`" in t or "~" in t) and _FENCE.match(t):
            out.append((i + 1, "f", 0, ""))
        elif "---" in t and t.strip() == "---":
            out.append((i + 1, "r", 0, ""))
    if isinstance(text, Snapshot):
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


def _is_table(t: str) -> bool:
    return is_table_line(t)


def _is_bullet(t: str) -> bool:
    return t[:1] in (" ", "\t", "-", "*", "+") and _BULLET.match(t) is not None


def _is_prose(t: str) -> bool:
    s = t.strip()
    return bool(s) and not s.startswith("#") and not _FENCE.match(t)


def _expand_up(lines: list[str], a: int) -> int:
    """First line of the window that holds line ``a``: whole tables and lists, and the
    prose line just above them (a table's lead)."""
    i = a
    while i > 1:
        t = lines[i - 2]
        if _is_table(t) or _is_bullet(t):
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
    if j >= 1 and _is_prose(lines[j - 1]) and not _is_table(lines[j - 1]) and not _is_bullet(lines[j - 1]):
        i = j
    return i


def _expand_down(lines: list[str], b: int) -> int:
    n = len(lines)
    i = b
    while i < n:
        t = lines[i]
        if _is_table(t) or _is_bullet(t):
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


# --------------------------------------------------------------------------- blocks

_cache: OrderedDict[tuple[Any, ...], tuple[list[Block], list[tuple[int, int, str]]]] = OrderedDict()


def _view(lines: list[str], a: int, b: int, fence: int | None) -> list[DiffLine]:
    view = [DiffLine(" ", t[:-1] if t.endswith("\r") else t, no, no, no)
            for no, t in enumerate(lines[a - 1:b], a)]
    if fence is not None:
        view.insert(0, DiffLine(" ", "```", fence, fence, fence))
    return view


def _parse_window(doc: str, side: str, lines: list[str], index: list[tuple[int, str, int, str]],
                  a: int, b: int, section: str) -> tuple[list[Block], list[tuple[int, int, str]]]:
    stack, fence = _context(index, a)
    key = (doc, side, a, b, section, tuple(stack), fence, tuple(lines[a - 1:b]))
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit
    blocks, seen = find_blocks(_view(lines, a, b, fence), doc=doc, side=side, section=section,
                               headings=[(lvl, txt) for _, lvl, txt in stack])
    for blk in blocks:
        claimant(blk)  # claim on the whole table / list, before its rows are narrowed
    found = (blocks, [*stack, *seen])
    _cache[key] = found
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return found


def _narrow(blk: Block, shown: set[int] | None, side: str) -> Block:
    """A copy of ``blk`` keeping only the rows the diff shows (the claim stays cached)."""
    out = copy.copy(blk)
    out.headings = list(blk.headings)
    if isinstance(blk, Table) and blk.header is not None:
        out.header = blk.header  # same object: the cached claim stays valid
    if shown is not None:
        out.rows = [r for r in blk.rows if r.line.no(side) in shown]
    else:
        out.rows = list(blk.rows)
    return out


def _whole(doc: str, side: str, lines: list[str], index: list[tuple[int, str, int, str]]) -> tuple[list[Block], list[tuple[int, int, str]]]:
    if not lines:
        return [], []
    return _parse_window(doc, side, lines, index, 1, len(lines), "")


def snapshot_blocks(doc: str, diff: FileDiff) -> tuple[Blocks, Headings]:
    """Blocks and headings of both sides of ``diff``, read from its full-text snapshots."""
    blocks: Blocks = {"before": [], "after": []}
    headings: Headings = {"before": [], "after": []}
    texts = {"before": diff.full_before, "after": diff.full_after}
    sides = {s: (snapshot_lines(t) if t is not None else None) for s, t in texts.items()}
    whole = (not diff.hunks or diff.status in ("renamed", "added", "removed")
             or any(v is None for v in sides.values()) or _structural(diff, sides))
    for side in SIDES:
        text, lines = texts[side], sides[side]
        if text is None or lines is None:
            continue
        index = _index(text)
        if whole:
            found = [_whole(doc, side, lines, index)]
            shown: set[int] | None = None
        else:
            windows, shown = _windows(lines, diff.hunks, side)
            found = [_parse_window(doc, side, lines, index, a, b, sec) for a, b, sec in windows]
        seen: set[tuple[int, int, str]] = set()
        for blks, heads in found:
            blocks[side].extend(_narrow(b, shown, side) for b in blks
                                if isinstance(b, (Table, BulletList)))
            for h in heads:
                if h not in seen:
                    seen.add(h)
                    headings[side].append(h)
    return blocks, headings
