"""Find markdown tables and bullet lists in a view (a run of diff lines of one side).

Each block carries the headings that scope it (from the view itself, seeded with the
headings known to lie above it), the hunk's ``@@`` locator text and the document line
where it starts. Table rows are split by a small pipe splitter (escaped ``\\|``, code
spans, ragged rows) because a hunk often shows rows without their table: markdown
parsers do not recognise a lone row, so the header is resolved later from the layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from extractor.diff.model import DiffLine

_ALIGN_CELL = re.compile(r"^:?-{1,}:?$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TAB = re.compile(r"^#\s*\[([^\]]+)\]\(#tab/[^)]*\)")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_FENCE_CHARS = "`~"
_INCLUDE = re.compile(r"\[!INCLUDE\s*\[[^\]]*\]\(\s*([^)\s]+)\s*\)\s*\]", re.I)
TAB_LEVEL = 7


def split_row(text: str) -> list[str]:
    """Split one markdown table row into stripped cells (a new list each time).

    Pipes escaped as ``\\|`` or inside a code span do not split. Not remembered: a memo of
    split rows (module-level, kept between runs) bought nothing measurable (corpus and the
    dense git walk, whole processes) and was removed.
    """
    s = text.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    if "`" not in s and "\\|" not in s:
        return [c.strip() for c in s.split("|")]
    t = s.replace("\\|", "\x00") if "\\|" in s else s
    cells: list[str] = []
    cur: str | None = None
    for part in t.split("|"):
        cur = part if cur is None else cur + "|" + part
        if cur.count("`") % 2 == 0:  # not inside a code span: the pipe splits
            cells.append(cur.replace("\x00", "|").strip())
            cur = None
    if cur is not None:  # an unbalanced backtick: fall back to a plain split
        return [c.strip() for c in s.split("|")]
    return cells


def is_alignment_row(cells: Sequence[str]) -> bool:
    for c in cells:  # a data row is told by its first non-empty cell, without a regex
        if c:
            if c[0] not in "-: ":
                return False
            break
    return bool(cells) and all(_ALIGN_CELL.match(c.replace(" ", "")) for c in cells if c != "") and any(cells)


def is_table_line(text: str) -> bool:
    return text.lstrip().startswith("|")


@dataclass(slots=True)
class Row:
    cells: list[str]
    line: DiffLine


@dataclass
class Block:
    doc: str
    side: str  # "before" | "after"
    headings: list[tuple[int, str]]  # outermost first: (level, text); tabs have level 7
    section: str  # the hunk's @@ locator text
    start_no: int  # document line number (on this side) of the block's first line
    rows: list[Row] = field(default_factory=list)

    @property
    def heading_texts(self) -> list[str]:
        return [t for _, t in self.headings]


@dataclass
class Table(Block):
    header: list[str] | None = None
    header_line: DiffLine | None = None
    header_source: str | None = None  # "view" | "layout" | None when unknown
    lead: str = ""  # the last prose line above the table in the view, if any
    starts_at_alignment: bool = False

    @property
    def ncols(self) -> int:
        if self.header is not None:
            return len(self.header)
        return max((len(r.cells) for r in self.rows), default=0)


@dataclass
class BulletList(Block):
    # the prose lines between the list and the heading or block before it, last three
    # (a catalogue names a list's subject there: `` `gpt-4o` **Version:** `2024-08-06` ``)
    leads: tuple[str, ...] = ()


def push_heading(stack: list[tuple[int, str]], level: int, text: str) -> list[tuple[int, str]]:
    kept = [h for h in stack if h[0] < level]
    kept.append((level, text))
    return kept


def heading_of(text: str) -> tuple[int, str] | None:
    t = _TAB.match(text)
    if t:
        return TAB_LEVEL, t.group(1).strip()
    m = _HEADING.match(text)
    if m:
        return len(m.group(1)), m.group(2).strip()
    return None


def _opens_comment(text: str) -> bool:
    """A line that opens an HTML comment it does not close on the same line (``<!-- ## EUAP``)."""
    i = text.find("<!--")
    return i >= 0 and "-->" not in text[i + 4:]


def find_blocks(lines: Iterable[DiffLine], *, doc: str, side: str, section: str,
                headings: list[tuple[int, str]] | None = None, want_lists: bool = True,
                includes: list[tuple[DiffLine, str, tuple[tuple[int, str], ...]]] | None = None,
                ) -> tuple[list[Block], list[tuple[int, int, str]]]:
    """Tables and bullet lists of one view, and the headings seen as ``(line, level, text)``.

    ``includes``, when a list, gets each ``[!INCLUDE [title](path)]`` line of the view as
    ``(line, path as written, the headings above it in the view)``."""
    stack = list(headings or [])
    blocks: list[Block] = []
    seen_headings: list[tuple[int, int, str]] = []
    table: list[DiffLine] = []
    bullets: list[DiffLine] = []
    bullet_stack: list[tuple[int, str]] = stack
    in_fence = False
    in_comment = False  # inside an HTML comment (<!-- ... -->): not shown to readers, so it states nothing
    lead = ""
    leads: list[str] = []

    def flush_table() -> None:
        if table:
            tbl = _make_table(table, doc, side, section, stack)
            tbl.lead = lead
            blocks.append(tbl)
            table.clear()

    def flush_bullets() -> None:
        if bullets:
            blk = BulletList(doc=doc, side=side, headings=list(bullet_stack), section=section,
                             start_no=bullets[0].no(side))
            blk.rows = [Row([_BULLET.match(b.text).group(1).strip()], b) for b in bullets]  # type: ignore[union-attr]
            blk.leads = tuple(leads[-3:])
            blocks.append(blk)
            bullets.clear()
            leads.clear()

    for ln in lines:
        text = ln.text
        stripped = text.lstrip()
        c0 = stripped[:1]
        if c0 in _FENCE_CHARS and c0 and _FENCE.match(text):
            flush_table()
            flush_bullets()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if in_comment:
            in_comment = "-->" not in text
            continue
        if "<!--" in text and _opens_comment(text):
            flush_table()
            flush_bullets()
            in_comment = True
            continue
        if c0 == "|":
            flush_bullets()
            table.append(ln)
            continue
        flush_table()
        if not c0:  # a blank line: a table ends, a list goes on, the lead stays
            continue
        h = heading_of(text) if c0 == "#" else None
        if h is not None:
            flush_bullets()
            stack = push_heading(stack, *h)
            seen_headings.append((ln.no(side), h[0], h[1]))
            lead = ""
            leads.clear()
            continue
        if c0 == "[" and includes is not None and (m := _INCLUDE.match(stripped)):
            includes.append((ln, m.group(1), tuple(stack)))
        if want_lists and c0 in "-*+" and _BULLET.match(text):
            if not bullets:
                bullet_stack = list(stack)
            bullets.append(ln)
            continue
        if text.strip() == "---" and stack and stack[-1][0] == TAB_LEVEL:
            stack = stack[:-1]  # the end of a tab
        if text.strip():
            flush_bullets()
            lead = text.strip()
            leads.append(lead)
    flush_table()
    flush_bullets()
    return blocks, seen_headings


def _make_table(lines: list[DiffLine], doc: str, side: str, section: str,
                headings: list[tuple[int, str]]) -> Table:
    split = [split_row(ln.text) for ln in lines]
    align_idx = next((i for i, cells in enumerate(split) if is_alignment_row(cells)), None)
    tbl = Table(doc=doc, side=side, headings=list(headings), section=section,
                start_no=lines[0].no(side))
    if align_idx is None:
        tbl.rows = [Row(c, ln) for c, ln in zip(split, lines, strict=True)]
        return tbl
    if align_idx == 0:
        tbl.starts_at_alignment = True
    else:
        tbl.header = split[align_idx - 1]
        tbl.header_line = lines[align_idx - 1]
        tbl.header_source = "view"
        tbl.start_no = lines[align_idx - 1].no(side)
    # lines above the header row are not part of this table (markdown needs header + alignment)
    body = [(c, ln) for i, (c, ln) in enumerate(zip(split, lines, strict=True))
            if i > align_idx and not is_alignment_row(c)]
    tbl.rows = [Row(c, ln) for c, ln in body]
    return tbl


def lines_from_text(text: str, *, first_no: int = 1, kind: str = " ",
                    src_first: int | None = None) -> list[DiffLine]:
    """Whole-document text as diff lines of one kind (full-file snapshots, tests)."""
    out: list[DiffLine] = []
    for i, raw in enumerate(text.split("\n")):
        no = first_no + i
        src = (src_first + i) if src_first is not None else no
        out.append(DiffLine(kind, raw.rstrip("\r"), src, no, no))
    return out
