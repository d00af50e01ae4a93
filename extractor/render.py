"""Rendering DataFrames for people: terminal tables that fit, markdown, CSV, JSON.

Every value is rendered as what it is: a list, struct or map as JSON text in a table, CSV or
markdown cell and as a JSON array or object in JSON; integers as integers (also in a column
with gaps); NULL as an empty cell (``null`` in JSON); dates and times as ISO text; blobs as
DuckDB writes them (``\\x00``); cells of any length whole. Markdown cells escape the
characters that would make them markup.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
import re
import sys
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

FORMATS = ("table", "csv", "json", "markdown")
# A terminal table keeps each column at least this wide (or its natural width when less);
# when even that does not fit, the table is wider than the terminal (still one table).
LONG_WORD = 20  # cells: a longer word (a path) folds after its slashes and hyphens, and may be cut
MIN_COLUMN = 10


class Rows:
    """A result as plain rows (tuples of Python values) under column names: what ``stats`` and
    ``query --list`` print, rendered as a DataFrame of the same values would be."""

    def __init__(self, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        self.columns = list(columns)
        self.rows = list(rows)

    @property
    def empty(self) -> bool:
        return not self.rows or not self.columns

    def __len__(self) -> int:
        return len(self.rows)

    def itertuples(self, index: bool = False) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]

    def head(self, n: int) -> Rows:
        return Rows(self.columns, self.rows[:n])

    def select(self, names: Sequence[str]) -> Rows:
        idx = [self.columns.index(n) for n in names]
        return Rows(list(names), [tuple(r[i] for i in idx) for r in self.rows])


Frame = Any  # a pandas DataFrame or ``Rows``


def _pandas() -> Any:
    """pandas if it is loaded, else None: a value can be a pandas one (NA, Timestamp) only
    once pandas is loaded, so checking costs no import (it takes 0.5 s)."""
    return sys.modules.get("pandas")


def is_missing(v: Any) -> bool:
    if v is None:
        return True
    pd = _pandas()
    if pd is not None and (v is pd.NA or v is pd.NaT):
        return True
    return isinstance(v, float) and math.isnan(v)


def plain(v: Any) -> Any:
    """A cell as a JSON-ready Python value: None for missing, ISO text for dates and times,
    Python ints and floats for numpy ones, lists and dicts (with text keys) for nested
    values, all the way down; text for infinities, blobs (``\\xFF``) and UUIDs."""
    if isinstance(v, dict):
        return {_key(k): plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple) or (hasattr(v, "tolist") and getattr(v, "ndim", 0) > 0):
        return [plain(x) for x in v]
    if is_missing(v):
        return None
    pd = _pandas()
    stamp = pd.Timestamp if pd is not None else ()
    if hasattr(v, "item") and not isinstance(v, str | bytes) and not isinstance(v, stamp):  # numpy scalars
        v = v.item()
        if is_missing(v):
            return None
    if isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, stamp):
        return v.date().isoformat() if v == v.normalize() and v.tzinfo is None else v.isoformat()
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        if not v.is_finite():
            return str(v)
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, bytes | bytearray | memoryview):
        return blob_text(bytes(v))
    if isinstance(v, uuid.UUID | dt.timedelta):
        return str(v)
    return v


def _key(k: Any) -> str:
    """A dict key (a map's key may be any type) as JSON object keys are: text."""
    return k if isinstance(k, str) else cell_text(k)


def blob_text(b: bytes) -> str:
    """Bytes as DuckDB writes a BLOB: printable ASCII as itself, every other byte ``\\xHH``."""
    return "".join(chr(c) if 32 <= c < 127 and c != 92 else f"\\x{c:02X}" for c in b)


def cell_text(v: Any) -> str:
    """A cell as text: empty for missing, ``true`` / ``false``, JSON for lists, structs and maps."""
    p = plain(v)
    if p is None:
        return ""
    if isinstance(p, bool):
        return "true" if p else "false"
    if isinstance(p, dict | list):
        return json.dumps(p, ensure_ascii=False)
    if isinstance(v, decimal.Decimal):
        return str(v)  # 1.50 stays 1.50 in text
    return str(p)


def frame_records(df: Frame) -> list[dict[str, Any]]:
    cols = [str(c) for c in df.columns]
    return [dict(zip(cols, (plain(v) for v in row), strict=True)) for row in df.itertuples(index=False)]


# --- terminal tables --------------------------------------------------------------------------

_URL = re.compile(r"https?://\S+")


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: wide (East Asian) characters two, combining ones none."""
    if text.isascii():
        return len(text)
    import unicodedata

    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def is_number(v: Any) -> bool:
    if isinstance(v, decimal.Decimal):
        return True
    p = plain(v)
    return isinstance(p, int | float) and not isinstance(p, bool)


def number_text(v: Any) -> str:
    """A number for a terminal table: thousands separated (``1,234,567``, ``1,234.5``)."""
    if isinstance(v, decimal.Decimal):
        return f"{v:,}" if v.is_finite() else str(v)
    p = plain(v)
    if isinstance(p, float) and not math.isfinite(p):
        return cell_text(v)
    return f"{p:,}"


def column_kinds(names: list[str], rows: list[tuple[Any, ...]]) -> list[str]:
    """Per column: ``number`` (every value a number), ``url`` (every value a link) or ``text``."""
    out = []
    for i in range(len(names)):
        values = [r[i] for r in rows if not is_missing(r[i])]
        if values and all(is_number(v) for v in values):
            out.append("number")
        elif values and all(isinstance(v, str) and _URL.fullmatch(v) for v in values):
            out.append("url")
        else:
            out.append("text")
    return out


def _words(text: str) -> list[str]:
    """The parts ``_fold`` keeps on one line where it can: the words between spaces, and a word
    wider than ``LONG_WORD`` (a path, a long name) in its parts after each slash and hyphen."""
    out: list[str] = []
    for word in re.split(r"(?<= )", text):
        out += [word] if cells(word.rstrip(" ")) <= LONG_WORD else re.split(r"(?<=[/-])", word)
    return out


def _pieces(para: str, width: int) -> Iterator[str]:
    """What ``_fold`` packs into lines: the words, a word wider than ``width`` in its parts after
    each slash and hyphen, and a part wider than that in its characters."""
    for word in re.split(r"(?<= )", para):
        if cells(word.rstrip(" ")) <= width:
            yield word
            continue
        for part in re.split(r"(?<=[/-])", word):
            yield from [part] if cells(part.rstrip(" ")) <= width else part


def _fold(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells: broken between words, then after a slash
    or hyphen (a path folds at its folders), inside a word where a word is wider than that."""
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for piece in _pieces(para, width):
            if line.strip() and cells(line + piece.rstrip(" ")) > width:
                out.append(line.rstrip(" "))
                line = ""
            line += piece
        out.append(line.rstrip(" "))
    return out


def longest_word(text: str) -> int:
    """The widest part of ``text`` that ``_fold`` keeps on one line when it can (``_words``),
    at most ``LONG_WORD``."""
    return min(LONG_WORD, max((cells(t.rstrip(" ")) for t in _words(text)), default=0))


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - cells(text))
    return gap + text if right else text + gap


def table_text(df: Frame, *, width: int = 100, title: str | None = None, empty: str = "no rows") -> str:
    """A table for a terminal ``width`` cells wide, as text: a header, a rule, one or more lines
    per row. Numbers are right-aligned with thousands separators; columns of links come last
    and are never folded or cut (a link runs past the edge whole, so that it can be copied and
    opened); the other columns keep their natural width when they fit, else the widest share
    what is left and fold (never narrower than ``MIN_COLUMN``: past that the table is wider
    than the terminal, still one table)."""
    if df.empty:
        return (f"{title}: {empty}" if title else empty) + "\n"
    rows = [tuple(r) for r in df.itertuples(index=False)]
    kinds = column_kinds([str(c) for c in df.columns], rows)
    order = [i for i, k in enumerate(kinds) if k != "url"] + [i for i, k in enumerate(kinds) if k == "url"]
    names = [str(df.columns[i]) for i in order]
    kinds = [kinds[i] for i in order]
    texts = [[number_text(r[i]) if kinds[j] == "number" and not is_missing(r[i]) else cell_text(r[i])
              for j, i in enumerate(order)] for r in rows]
    natural = [max(cells(x) for t in (n, *(r[j] for r in texts)) for x in t.split("\n")) for j, n in enumerate(names)]
    folded = [j for j, k in enumerate(kinds) if k != "url"]
    links = sum(natural[j] + 3 for j in range(len(names)) if j not in folded)
    want = [natural[j] for j in folded]
    heads = [max(MIN_COLUMN, cells(names[j])) for j in folded]  # a header folds only when it must
    words = [min(natural[j], max(heads[k], *(longest_word(r[j]) for r in texts)))  # nor a word, where it can
             for k, j in enumerate(folded)]
    fitted = (fit_widths(want, width - links, words) or fit_widths(want, width, words)
              or fit_widths(want, width - links, heads) or fit_widths(want, width, heads)
              or fit_widths(want, width - links) or fit_widths(want, width)
              or words)  # wider than the terminal whatever is cut: then no word is cut
    widths = list(natural)
    for j, w in zip(folded, fitted, strict=True):
        widths[j] = w
    total = sum(widths) + 3 * (len(widths) - 1)

    def lines(row: list[str]) -> list[str]:
        parts = [[c] if kinds[j] == "url" else _fold(c, widths[j]) for j, c in enumerate(row)]
        return ["   ".join(_pad(p[k] if k < len(p) else "", widths[j], kinds[j] == "number") for j, p in enumerate(parts))
                for k in range(max(len(p) for p in parts))]

    out = _fold(title, max(min(total, width), MIN_COLUMN)) if title else []
    out += [*lines(names), "\u2500" * min(total, max(width, MIN_COLUMN))]
    for r in texts:
        out += lines(r)
    return "\n".join(line.rstrip() for line in out) + "\n"


def terminal_table(df: Frame, *, width: int, limit: int | None = None, empty: str = "no rows",
                   title: str | None = None) -> tuple[str, list[str]]:
    """What a terminal shows of a query's result: the table (``table_text``) of its first
    ``limit`` rows (all when None or 0) without the columns empty in every row, and the notes
    that say what was left out (columns named, rows counted)."""
    notes = []
    gone = empty_columns(df)
    if gone and len(gone) < len(df.columns):
        df = drop_columns(df, gone)
        notes.append(f"empty in every row, not shown: {', '.join(gone)}")
    df, note = limited(df, limit)
    if note:
        notes.append(note)
    return table_text(df, width=width, empty=empty, title=title), notes


def limited(df: Frame, limit: int | None) -> tuple[Frame, str | None]:
    """The first ``limit`` rows of ``df`` (all when None or 0) and a line saying how many were not shown."""
    if not limit or len(df) <= limit:
        return df, None
    return df.head(limit), f"{len(df) - limit:,} more rows not shown ({len(df):,} in all; --limit 0 shows every row)"


def fit_widths(natural: list[int], width: int, floors: list[int] | None = None) -> list[int] | None:
    """Column widths for a table of columns ``natural`` wide within ``width`` characters (one
    space of padding each side of a column, a separator between): every column gets at least
    its floor (``floors``, else ``MIN_COLUMN``; never more than its natural width), then the
    narrow columns their natural width and the widest share what is left. None when the
    floors alone do not fit."""
    n = len(natural)
    avail = width - 3 * (n - 1)
    if sum(natural) <= avail:
        return list(natural)
    out = [min(w, f) for w, f in zip(natural, floors or [MIN_COLUMN] * n, strict=True)]
    remaining = avail - sum(out)
    if remaining < 0:
        return None
    order = sorted(range(n), key=lambda i: natural[i])
    for k, i in enumerate(order):
        extra = min(natural[i] - out[i], remaining // (n - k))
        out[i] += extra
        remaining -= extra
    return out


def empty_columns(df: Frame) -> list[str]:
    """The columns of ``df`` that hold no value in any row (a terminal table leaves them out and names them)."""
    if df.empty:
        return []
    col = df.column if isinstance(df, Rows) else (lambda c: df[c])
    return [str(c) for c in df.columns if all(is_missing(v) or v == "" for v in col(c))]


def drop_columns(df: Frame, gone: list[str]) -> Frame:
    """``df`` without the columns named in ``gone`` (``empty_columns``: for terminal tables)."""
    keep = [c for c in df.columns if str(c) not in gone]
    return df.select(keep) if isinstance(df, Rows) else df[keep]


def to_csv(df: Frame) -> str:
    """CSV with a header row: cells as ``cell_text`` gives them, quoted where CSV needs it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        writer.writerow([cell_text(v) for v in row])
    return out.getvalue()


def to_json(df: Frame) -> str:
    """A JSON array of one object per row; values keep their types (``plain``)."""
    return json.dumps(frame_records(df), ensure_ascii=False, indent=2) + "\n"


# Markdown: characters that start emphasis, code, links, HTML or strike-through are escaped
# with a backslash (an underscore only at a word's edge, where it could start emphasis: in
# ``deployment_type`` it is text), an entity-like ``&…;`` by escaping its ampersand.
_MD_ALWAYS = re.compile(r"([\\`*\[\]<>|~])")
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")


def _md_cell(v: Any) -> str:
    text = _MD_ALWAYS.sub(r"\\\1", cell_text(v))
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return "<br>".join(lines)  # a newline would end the row


def to_markdown(df: Frame, *, empty: str = "no rows") -> str:
    """A GitHub-flavoured pipe table (markup characters escaped, newlines as ``<br>``);
    ``_empty_`` when no rows."""
    if df.empty:
        return f"_{empty}_\n"
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(_md_cell(c) for c in cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def format_frame(df: Frame, fmt: str) -> str:
    """``df`` as ``csv``, ``json`` or ``markdown`` text (a terminal table is ``table_text``)."""
    if fmt == "csv":
        return to_csv(df)
    if fmt == "json":
        return to_json(df)
    if fmt == "markdown":
        return to_markdown(df)
    raise ValueError(f"unknown format {fmt!r}; one of csv, json, markdown")
