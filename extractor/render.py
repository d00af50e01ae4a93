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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich loads when a table is printed; pandas is never loaded here (see _pandas)
    from rich.console import Console

FORMATS = ("table", "csv", "json", "markdown")
# A terminal table keeps each column at least this wide (or its natural width when less);
# when even that does not fit, the rows are printed one field per line instead.
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


def print_frame(console: Console, df: Frame, *, title: str | None = None,
                empty: str = "no rows") -> None:
    """A table that fits the console's width: narrow columns keep their width, wide ones
    share the rest and fold; when even that leaves a column narrower than ``MIN_COLUMN``,
    each row is printed as ``field  value`` lines instead."""
    if df.empty:
        console.print(f"{title}: {empty}" if title else empty, markup=False, highlight=False)
        return
    texts = [[cell_text(v) for v in row] for row in df.itertuples(index=False)]
    names = [str(c) for c in df.columns]
    widths = fit_widths([max([len(n), *(len(r[i]) for r in texts)]) for i, n in enumerate(names)], console.width)
    if widths is None:
        _print_vertical(console, names, texts, title)
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title) if title else None, title_justify="left", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False, header_style="bold", padding=(0, 1))
    for name, w in zip(names, widths, strict=True):
        table.add_column(Text(name), width=w, overflow="fold")
    for row in texts:  # Text: cells are data, never console markup ("[since=null]")
        table.add_row(*(Text(v) for v in row))
    console.print(table)


# A cell the plain renderer writes as it is: printable ASCII on one line (rich measures other
# text by terminal cells and folds it; it renders those tables).
_PLAIN_CELL = re.compile(r"[ -~]*")


def plain_frame(df: Frame, *, title: str | None = None, empty: str = "no rows",
                width: int = 100) -> str | None:
    """The text ``print_frame`` prints for ``df`` on a console without colour, written
    without loading rich (0.035 s): when every column keeps its natural width within ``width``
    and every cell and the title are plain (``_PLAIN_CELL``). None when rich is needed."""
    if df.empty:
        return (f"{title}: {empty}" if title else empty) + "\n"
    texts = [[cell_text(v) for v in row] for row in df.itertuples(index=False)]
    names = [str(c) for c in df.columns]
    natural = [max([len(n), *(len(r[i]) for r in texts)]) for i, n in enumerate(names)]
    if fit_widths(natural, width) != natural:
        return None
    cells = [names, *texts, [title or ""]]
    if not all(_PLAIN_CELL.fullmatch(c) for row in cells for c in row):
        return None
    total = sum(natural) + 3 * (len(natural) - 1)
    if title and len(title) > total:
        return None

    def line(row: list[str]) -> str:
        return "   ".join(c.ljust(w) for c, w in zip(row, natural, strict=True))

    out = [title.ljust(total)] if title else []
    out += [line(names), "\u2500" * total, *(line(r) for r in texts)]
    return "\n".join(out) + "\n"


def fit_widths(natural: list[int], width: int) -> list[int] | None:
    """Column widths for a table of columns ``natural`` wide within ``width`` characters (one
    space of padding each side of a column, a separator between): narrow columns keep their
    natural width, the widest share what is left. None when a column would be narrower
    than ``MIN_COLUMN`` (and than its natural width)."""
    n = len(natural)
    avail = width - 3 * (n - 1) - 1
    if sum(natural) <= avail:
        return list(natural)
    out = [0] * n
    remaining = avail
    order = sorted(range(n), key=lambda i: natural[i])
    for k, i in enumerate(order):
        share = remaining // (n - k)
        out[i] = min(natural[i], share)
        if out[i] < min(natural[i], MIN_COLUMN):
            return None
        remaining -= out[i]
    return out


def drop_empty_columns(df: Frame) -> Frame:
    """``df`` without the columns that hold no value in any row (for terminal tables)."""
    if isinstance(df, Rows):
        keep = [c for c in df.columns if not all(is_missing(v) or v == "" for v in df.column(c))]
        return df.select(keep) if keep else df
    keep = [c for c in df.columns if not all(is_missing(v) or v == "" for v in df[c])]
    return df[keep] if keep else df


def _print_vertical(console: Console, names: list[str], rows: list[list[str]], title: str | None) -> None:
    from rich.table import Table
    from rich.text import Text

    if title:
        console.print(title, markup=False, highlight=False)
    width = min(max(len(n) for n in names), max(8, console.width // 3))
    for i, row in enumerate(rows, 1):
        table = Table(title=f"row {i} of {len(rows)}", title_justify="left", show_header=False,
                      box=None, pad_edge=False, padding=(0, 1))
        table.add_column("field", style="bold", width=width, overflow="fold")
        table.add_column("value", overflow="fold")
        for name, v in zip(names, row, strict=True):
            table.add_row(Text(name), Text(v))
        console.print(table)


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
    """``df`` as ``csv``, ``json`` or ``markdown`` text (``table`` goes through ``print_frame``)."""
    if fmt == "csv":
        return to_csv(df)
    if fmt == "json":
        return to_json(df)
    if fmt == "markdown":
        return to_markdown(df)
    raise ValueError(f"unknown format {fmt!r}; one of csv, json, markdown")
