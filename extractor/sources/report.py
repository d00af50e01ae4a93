"""Read a Diff Insight Report (Markdown) into a ``Source``: metadata and one section per document.

A report is YAML front matter (``date``, ``permalink``, ``summary``, ``title``), prose, a
``# Summary Table`` (status and added/deleted counts per document, keyed by ``#item-…``
anchor) and ``# Modified Contents`` with one ``## <doc path>{#item-…}`` section per
document, holding a ````` ````diff ````` block. Prose is skipped entirely, so reports of one
day in any language give identical sections. See ``FORMATS.md`` section 1.

The file is split on ``\\n`` only (never ``str.splitlines()``: some diff lines end in
``\\r\\r\\n``) and scanned once, line by line. Defects of a readable report become
``Problem``s; only a file that is not a report, or has no usable date, raises ``SourceError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from extractor.sources.base import DocSection, Problem, Source, SourceError, SourceMeta

__all__ = ["parse_report"]

STATUSES = frozenset({"modified", "added", "removed", "renamed"})
_SUMMARY_HEADING = "# Summary Table"
_CONTENTS_HEADING = "# Modified Contents"
_ANCHOR = "{#item-"

_KEY_RE = re.compile(r"([A-Za-z_][\w-]*):(?:[ \t]+(.*)|[ \t]*)$")
_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])")
_COMPARE_RE = re.compile(r"github\.com/([^/\s]+)/([^/\s]+)/compare/([^\s)?#]+)")
_FILE_DATE_RE = re.compile(r"report-(\d{4})(\d{2})(\d{2})")
_KANA_RE = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_CJK_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


# --------------------------------------------------------------------------- front matter


def _fold(pieces: list[str]) -> str:
    """Join the lines of a multi-line flow scalar the YAML way.

    ``pieces`` are already stripped; a line break between two non-empty lines becomes a
    space, and each empty line in between becomes ``\\n``.
    """
    out: list[str] = []
    empties = 0
    for i, piece in enumerate(pieces):
        if i == 0:
            out.append(piece)
        elif piece == "":
            empties += 1
            continue
        else:
            out.append("\n" * empties if empties else " ")
            out.append(piece)
        empties = 0
    if empties:
        out.append("\n" * empties)
    return "".join(out)


def _plain(first: str, rest: list[str]) -> str:
    pieces = [first.strip()] + [line.strip() for line in rest]
    while pieces and pieces[-1] == "":
        pieces.pop()
    while pieces and pieces[0] == "":
        pieces.pop(0)
    return _fold(pieces)


def _single_quoted(raw: str) -> tuple[str, bool]:
    """``raw`` starts after the opening quote; returns (value, closed)."""
    out: list[str] = []
    i, n = 0, len(raw)
    closed = False
    while i < n:
        ch = raw[i]
        if ch == "'":
            if raw.startswith("'", i + 1):
                out.append("'")
                i += 2
                continue
            closed = True
            break
        out.append(ch)
        i += 1
    return _fold([line.strip(" \t") for line in "".join(out).split("\n")]), closed


def _double_quoted(raw: str) -> tuple[str, bool]:
    """``raw`` starts after the opening quote; escapes, folding and ``\\``-joined lines."""
    out: list[str] = []
    keep = 0  # out[:keep] must not lose trailing blanks (they came from escapes)
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch == '"':
            return "".join(out), True
        if ch == "\\" and i + 1 < n:
            nxt = raw[i + 1]
            if nxt == "\n":  # escaped line break: join with nothing, drop next indent
                i += 2
                while True:
                    while i < n and raw[i] in " \t":
                        i += 1
                    if i < n and raw[i] == "\n":  # empty lines after it stay line breaks
                        out.append("\n")
                        i += 1
                        continue
                    break
                keep = len(out)
                continue
            if nxt in _HEX_ESCAPES:
                width = _HEX_ESCAPES[nxt]
                digits = raw[i + 2 : i + 2 + width]
                try:
                    out.append(chr(int(digits, 16)))
                    i += 2 + width
                except ValueError:
                    out.append(nxt)
                    i += 2
            else:
                out.append(_ESCAPES.get(nxt, nxt))
                i += 2
            keep = len(out)
            continue
        if ch == "\n":  # folded line break
            while len(out) > keep and out[-1] in (" ", "\t"):
                out.pop()
            i += 1
            breaks = 0
            while True:
                while i < n and raw[i] in " \t":
                    i += 1
                if i < n and raw[i] == "\n":
                    breaks += 1
                    i += 1
                    continue
                break
            out.append("\n" * breaks if breaks else " ")
            keep = len(out)
            continue
        out.append(ch)
        i += 1
    return "".join(out), False


def _block(header: str, rest: list[str]) -> str:
    """A ``|`` or ``>`` block scalar (with ``-`` / ``+`` chomping and indentation digit)."""
    literal = header[0] == "|"
    indicators = header[1:].split("#", 1)[0].strip()
    chomp = "-" if "-" in indicators else "+" if "+" in indicators else ""
    digits = [c for c in indicators if c.isdigit()]
    body = [line.rstrip("\r") for line in rest]
    indent = int(digits[0]) if digits else next((len(line) - len(line.lstrip(" ")) for line in body if line.strip()), 0)
    lines = [line[indent:] if line.strip() else "" for line in body]
    trailing = 0
    while lines and lines[-1] == "":
        lines.pop()
        trailing += 1
    if literal:
        text = "\n".join(lines)
    else:  # folded: a single break becomes a space, except around more-indented lines
        parts: list[str] = []
        prev: str | None = None
        empties = 0
        for line in lines:
            if line == "":
                empties += 1
                continue
            if prev is None:
                parts.append("\n" * empties)
            else:
                more = line.startswith((" ", "\t")) or prev.startswith((" ", "\t"))
                parts.append("\n" * (empties + more) if empties or more else " ")
            parts.append(line)
            prev, empties = line, 0
        text = "".join(parts)
    if not lines or chomp == "-":
        return text
    return text + ("\n" * (trailing + 1) if chomp == "+" else "\n")


def _scalar(first: str, rest: list[str]) -> tuple[str, bool]:
    """The value of one front-matter key: ``first`` follows ``key:``, ``rest`` are its lines."""
    head = first.strip()
    if head.startswith(("|", ">")):
        return _block(head, rest), True
    if head.startswith("'"):
        raw = "\n".join([first.lstrip()[1:], *rest])
        return _single_quoted(raw)
    if head.startswith('"'):
        raw = "\n".join([first.lstrip()[1:], *rest])
        return _double_quoted(raw)
    return _plain(first, rest), True


def _front_matter(
    lines: list[str], path: str, problems: list[Problem]
) -> tuple[dict[str, tuple[str, int]], int]:
    """Parse the ``---`` front matter; returns ({key: (value, line)}, index after the closing ``---``)."""
    end = None
    for i in range(1, len(lines)):
        s = lines[i].rstrip()
        if s in ("---", "..."):
            end = i
            break
    if end is None:
        raise SourceError("front matter opened on line 1 is never closed", file=path, line=1)
    fields: dict[str, tuple[str, int]] = {}
    key: str | None = None
    first = ""
    key_line = 0
    rest: list[str] = []

    def flush() -> None:
        if key is None:
            return
        value, closed = _scalar(first, rest)
        if not closed:
            problems.append(Problem(path, key_line, f"front matter: quoted value of {key!r} is never closed"))
        fields[key] = (value, key_line)

    for i in range(1, end):
        line = lines[i].rstrip("\r")
        if line[:1] not in (" ", "\t", "") and not line.startswith("#"):
            m = _KEY_RE.match(line)
            if m:
                flush()
                key, first, key_line, rest = m.group(1), m.group(2) or "", i + 1, []
                continue
            if key is None or not first.strip().startswith(("'", '"')):
                problems.append(Problem(path, i + 1, f"front matter: unreadable line {line[:60]!r}"))
                continue
        if key is not None:
            rest.append(line)
    flush()
    return fields, end + 1


def _iso_date(value: str) -> str | None:
    m = _DATE_RE.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _compare(permalink: str) -> tuple[str | None, str | None, str | None]:
    """(repo, base, head) from ``…/OWNER/REPO/compare/[OWNER:]BASE...[OWNER:]HEAD``."""
    m = _COMPARE_RE.search(permalink)
    if not m:
        return None, None, None
    repo = f"{m.group(1)}/{m.group(2)}"
    spec = m.group(3)
    sep = "..." if "..." in spec else ".." if ".." in spec else None
    if sep is None:
        return repo, None, None
    base, head = spec.split(sep, 1)
    base = base.rsplit(":", 1)[-1] or None
    head = head.rsplit(":", 1)[-1] or None
    return repo, base, head


def _language(text: str) -> str:
    if _KANA_RE.search(text):
        return "ja"
    if _CJK_RE.search(text):
        return "zh_CN"
    return "en_US"


# --------------------------------------------------------------------------- summary table


def _split_row(line: str) -> list[str]:
    s = line.strip()
    s = s.removeprefix("|")
    s = s.removesuffix("|")
    return [cell.strip() for cell in s.split("|")]


def _int_cell(cell: str) -> int | None:
    cell = cell.strip()
    return int(cell) if cell.isdigit() else None


class _Table:
    """Reads the summary table; Status / A / D are taken from the right end of each row."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.rows: dict[str, tuple[str, int | None, int | None, int]] = {}
        self.order: list[str] = []
        self.cols = (-4, -3, -2)  # Status, A, D counted from the right (| Status | A | D | M |)
        self.header_seen = False

    def add(self, line: str, lineno: int) -> None:
        cells = _split_row(line)
        if not self.header_seen:
            self.header_seen = True
            names = [c.lower() for c in cells]
            if "status" in names and "a" in names and "d" in names:
                n = len(names)
                self.cols = (names.index("status") - n, names.index("a") - n, names.index("d") - n)
            return
        if all(set(c) <= set("-: ") for c in cells):  # the |---|---| line
            return
        start = line.find("(#")
        stop = line.find(")", start)
        if start < 0 or stop < 0:
            self.problems.append(Problem(self.path, lineno, "summary table row without an #item anchor"))
            return
        anchor = line[start + 2 : stop].strip()
        if len(cells) < -min(self.cols):
            self.problems.append(Problem(self.path, lineno, "summary table row has too few cells"))
            return
        status = cells[self.cols[0]].lower()
        added, deleted = _int_cell(cells[self.cols[1]]), _int_cell(cells[self.cols[2]])
        if added is None or deleted is None:
            self.problems.append(
                Problem(self.path, lineno, f"summary table row {anchor}: A/D are not numbers")
            )
        if anchor in self.rows:
            self.problems.append(Problem(self.path, lineno, f"summary table lists {anchor} twice"))
            return
        self.rows[anchor] = (status, added, deleted, lineno)
        self.order.append(anchor)


# --------------------------------------------------------------------------- sections


def _open_fence(line: str) -> str | None:
    """The backtick run of a ```` ```diff ```` opening line, else None."""
    s = line.strip()
    ticks = len(s) - len(s.lstrip("`"))
    if ticks >= 3 and s[ticks:].strip() == "diff":
        return "`" * ticks
    return None


_CR_EOL = re.compile(r"\r+(?=\n|$)")


def _closing_line(lines: list[str], fence: str, start: int, has_cr: bool) -> tuple[int, str] | None:
    """The bare closing fence after ``start`` and the block's text, when no section heading
    comes first (else None, and the line loop reports the unclosed block)."""
    j = _index(lines, fence, start)
    if has_cr:  # a CRLF closing line may come first
        k = _index(lines, fence + "\r", start, len(lines) if j is None else j)
        j = k if k is not None else j
    if j is None:
        return None
    body = "\n".join(lines[start:j])
    if "\n## " in body or body.startswith("## "):
        return None
    return j, body


def _index(lines: list[str], value: str, start: int, stop: int | None = None) -> int | None:
    try:
        return lines.index(value, start, len(lines) if stop is None else stop)
    except ValueError:
        return None


def _finish_section(sec: DocSection, anchor: str, table: _Table, path: str, problems: list[Problem]) -> None:
    row = table.rows.get(anchor)
    if row is None:
        problems.append(Problem(path, sec.heading_line, f"section {anchor} is not in the summary table"))
        return
    status, added, deleted, _ = row
    if status in STATUSES:
        sec.status = status
    else:
        problems.append(Problem(path, row[3], f"unknown status {status!r} for {anchor}; read as modified"))
    sec.added, sec.deleted = added, deleted
    if sec.diff_text is not None and added is not None and deleted is not None:
        text = sec.diff_text
        plus = text.count("\n+") + text.startswith("+")
        minus = text.count("\n-") + text.startswith("-")
        if (plus, minus) != (added, deleted):
            problems.append(
                Problem(
                    path,
                    sec.heading_line,
                    f"summary table says A={added} D={deleted} for {sec.doc} but its diff block has "
                    f"{plus} '+' and {minus} '-' lines",
                )
            )


@dataclass
class _Reading:
    """Where the reading of a report's body is: the state its small steps share."""

    path: str
    lines: list[str]
    problems: list[Problem]
    table: _Table
    has_cr: bool
    sections: list[DocSection] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)  # prose before the summary table, for the language guess
    where: str = "prose"  # prose | table | contents
    sec: DocSection | None = None
    sec_open: bool = False  # the current section may still get its diff (no ### heading yet)
    fence: str | None = None  # closing line of the open diff block
    block: list[str] = field(default_factory=list)
    block_start: int = 0
    table_line: int = 0


def parse_report(text: str, path: str) -> Source:
    """Parse one Diff Insight Report; ``path`` names it in metadata, problems and errors."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    problems: list[Problem] = []
    fields, body_start, observed = _head(lines, path, problems)
    st = _Reading(path, lines, problems, _Table(path, problems), "\r" in text)
    i = body_start - 1
    while i + 1 < len(lines):
        i = _step(st, i + 1)
    if st.fence is not None:
        _close_block(st, False, "end of file")
    if st.sec is not None:
        _finish_section(st.sec, st.anchors[-1], st.table, path, problems)
    _check_end(st)
    return Source(meta=_meta(fields, path, observed, st.prose), sections=st.sections, problems=problems)


def _head(lines: list[str], path: str, problems: list[Problem]) -> tuple[dict[str, tuple[str, int]], int, str]:
    """The front matter's fields, the first body line and the observed date (checked)."""
    if lines[0].rstrip() != "---":
        if any(line.rstrip() == _CONTENTS_HEADING for line in lines):
            raise SourceError("report has no front matter, so no date", file=path, line=1)
        raise SourceError(
            "not a Diff Insight Report (no '---' front matter, no '# Modified Contents')", file=path, line=1
        )
    fields, body_start = _front_matter(lines, path, problems)
    if "date" not in fields:
        raise SourceError("front matter has no 'date'", file=path, line=1)
    raw_date, date_line = fields["date"]
    observed = _iso_date(raw_date)
    if observed is None:
        raise SourceError(f"front-matter date {raw_date!r} is not YYYY-MM-DD", file=path, line=date_line)
    fm = _FILE_DATE_RE.search(PurePath(path).name)
    if fm and f"{fm.group(1)}-{fm.group(2)}-{fm.group(3)}" != observed:
        problems.append(Problem(path, date_line, f"front-matter date {observed} differs from the file name"))
    return fields, body_start, observed


def _meta(fields: dict[str, tuple[str, int]], path: str, observed: str, prose: list[str]) -> SourceMeta:
    def value(key: str) -> str | None:
        v = fields.get(key)
        return v[0] if v is not None and v[0] != "" else None

    permalink = value("permalink")
    repo, base, head = _compare(permalink) if permalink else (None, None, None)
    summary, title = value("summary"), value("title")
    return SourceMeta(kind="report", path=path, observed_at=observed, repo=repo, base=base, head=head, title=title,
                      language=_language("\n".join([summary or "", title or "", *prose])), summary=summary)


def _step(st: _Reading, i: int) -> int:
    """Read line ``i``; the index of the last line read (a whole diff block at once)."""
    line = st.lines[i]
    if st.fence is not None:
        if line.startswith(st.fence) and line.rstrip() == st.fence:
            _close_block(st, True, "")
            return i
        if not (line.startswith("## ") and _ANCHOR in line):
            st.block.append(line.rstrip("\r") if line.endswith("\r") else line)
            return i
        _close_block(st, False, f"the next section, line {i + 1}")
    c0 = line[:1]
    if c0 == "#":
        _heading(st, line.rstrip(), i)
    elif c0 == "`":
        if st.where == "contents" and st.sec is not None and st.sec_open:
            return _open_block(st, line, i)
    elif c0 == "|":
        if st.where == "table":
            st.table.add(line, i + 1)
    elif st.where == "table":
        if st.table.header_seen and line.strip():
            st.where = "prose"  # the table ended; prose until # Modified Contents
    elif st.where == "prose" and len(st.prose) < 200:
        st.prose.append(line)
    return i


def _heading(st: _Reading, s: str, i: int) -> None:
    if st.where == "contents":
        if s.startswith("## ") and _ANCHOR in s:
            if st.sec is not None:
                _finish_section(st.sec, st.anchors[-1], st.table, st.path, st.problems)
            k = s.index(_ANCHOR)
            st.sec = DocSection(doc=s[3:k].strip(), heading_line=i + 1)
            st.sections.append(st.sec)
            st.anchors.append(s[k + 2:].split("}", 1)[0].strip())
            st.sec_open = True
        elif s.startswith("#"):
            st.sec_open = False  # ### Summary / ### Explanation: prose from here on
    elif s == _SUMMARY_HEADING:
        st.where, st.table_line = "table", i + 1
    elif s == _CONTENTS_HEADING:
        st.where = "contents"
    elif st.where == "prose":
        st.prose.append(s)


def _open_block(st: _Reading, line: str, i: int) -> int:
    """A diff block's opening fence at line ``i``: read at once when its closing line is found."""
    opened = _open_fence(line)
    if opened is None:
        return i
    st.fence, st.block, st.block_start = opened, [], i + 2
    closing = _closing_line(st.lines, opened, i + 1, st.has_cr)
    if closing is None:
        return i
    j, body = closing
    _close_block(st, True, "", _CR_EOL.sub("", body) if "\r" in body else body)
    return j


def _close_block(st: _Reading, closed: bool, where_cut: str, body: str | None = None) -> None:
    st.fence = None
    sec, path, at = st.sec, st.path, st.block_start
    assert sec is not None
    if not closed:
        st.problems.append(Problem(path, at - 1, f"diff block of {sec.doc} is never closed (read up to {where_cut})"))
    text = body if body is not None else "\n".join(st.block)
    if not text:
        st.problems.append(Problem(path, at - 1, f"empty diff block for {sec.doc}"))
        return
    if sec.diff_text is not None:
        st.problems.append(Problem(path, at - 1, f"second diff block for {sec.doc} ignored"))
        return
    sec.diff_text = text
    sec.first_line = at
    if not text.startswith("@@"):
        st.problems.append(Problem(path, at, f"diff block of {sec.doc} does not open with '@@'"))


def _check_end(st: _Reading) -> None:
    if not st.table_line:
        st.problems.append(Problem(st.path, None, "no '# Summary Table'"))
    if st.where != "contents":
        st.problems.append(Problem(st.path, None, "no '# Modified Contents'"))
    seen = set(st.anchors)
    for anchor in st.table.order:
        if anchor not in seen:
            st.problems.append(Problem(st.path, st.table.rows[anchor][3], f"summary table row {anchor} has no section"))
