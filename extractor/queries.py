"""Named queries: the ``queries/*.sql`` files, their header comments, and binding parameters.

A named query is one SQL file whose leading comment block says what it is::

    -- name: quota_history
    -- description: Quota history of a model, one row per value span.
    -- param: model text = null  Model name or glob; every model when null.
    -- param: days integer = 90  How many days ahead to look.

``param:`` lines give a name, a type (``text``, ``date``, ``integer``), a default (``null``
for none; ``today`` for a date means the day the query runs) and a description. The SQL
refers to parameters as ``$name`` and DuckDB binds them: values are never pasted into SQL.
Every declared parameter must be used and every ``$name`` declared (checked on loading).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.common import QueryError
from extractor.paths import sql_dir

if TYPE_CHECKING:  # ``query --list`` prints ``list_rows`` and never loads pandas
    import pandas as pd

    from extractor.render import Rows

QUERY_DIR = sql_dir("queries")
TYPES = ("text", "date", "integer")

_NAME = re.compile(r"^--\s*name:\s*(\S+)\s*$")
_KINDS = re.compile(r"^--\s*kinds:\s*(.+)$")
_DESCRIPTION = re.compile(r"^--\s*description:\s*(.+?)\s*$")
_PARAM = re.compile(r"^--\s*param:\s*([a-z_][a-z0-9_]*)\s+(\w+)\s*(?:=\s*(\S+))?\s*(.*?)\s*$")
_USED = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_RELATIVE = re.compile(r"^([+-]?\d+)\s*([dw])$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None  # as written; None for null
    description: str

    def convert(self, value: Any) -> Any:
        """``value`` (a string from the command line, or a Python value) as this parameter's type."""
        if value is None:
            return None
        if isinstance(value, str):
            value = value.strip()
            if value.lower() in ("", "null", "none"):
                return None
        if self.type == "text":
            return str(value)
        if self.type == "integer":
            if isinstance(value, bool):
                raise QueryError(f"parameter {self.name}: expected an integer, got {value!r}")
            try:
                return int(value)
            except (TypeError, ValueError):
                raise QueryError(f"parameter {self.name}: expected an integer, got {value!r}") from None
        return parse_date(value, self.name)

    def default_value(self) -> Any:
        return self.convert(self.default)


def parse_date(value: Any, name: str = "date") -> dt.date:
    """A date from a ``date``/``datetime``, ISO text, ``today``/``yesterday``, ``-7d`` / ``-2w``
    (relative to today) or any date the documents use (``May 1, 2025``)."""
    if isinstance(value, dt.datetime):  # a pandas Timestamp too
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    low = text.lower()
    today = dt.date.today()
    if low == "today":
        return today
    if low == "yesterday":
        return today - dt.timedelta(days=1)
    m = _RELATIVE.match(low)
    if m:
        n = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        return today + dt.timedelta(days=n)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    from extractor.normalize import whole_date

    iso = whole_date(text)  # a date and nothing else: "2025-01-01 x" is refused
    if iso is None:
        raise QueryError(f"parameter {name}: not a date: {text!r} (use YYYY-MM-DD)")
    return dt.date.fromisoformat(iso)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[Param, ...]
    sql: str
    path: Path
    kinds: tuple[str, ...] = ()  # the kinds of facts it answers about (``-- kinds:``); all when empty

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def bind(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every parameter's value: given ones converted, the rest their defaults."""
        values = dict(values or {})
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            known = ", ".join(p.name for p in self.params) or "none"
            raise QueryError(f"query {self.name} has no parameter {', '.join(unknown)} (parameters: {known})")
        return {p.name: p.convert(values[p.name]) if p.name in values else p.default_value() for p in self.params}

    def usage(self) -> str:
        return " ".join(f"[{p.name}={p.default or 'null'}]" for p in self.params)


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def parse_query(text: str, path: Path) -> NamedQuery:
    """A named query from the text of its file; ``QueryError`` naming the file when malformed."""
    name = description = None
    params: list[Param] = []
    about: tuple[str, ...] = ()
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            break
        if m := _NAME.match(stripped):
            name = m.group(1)
        elif m := _DESCRIPTION.match(stripped):
            description = m.group(1)
        elif m := _KINDS.match(stripped):
            about = tuple(k.strip() for k in m.group(1).split(",") if k.strip())
        elif m := _PARAM.match(stripped):
            pname, ptype, default, desc = m.groups()
            if ptype not in TYPES:
                raise QueryError(f"{path}: parameter {pname}: unknown type {ptype!r} (one of {', '.join(TYPES)})")
            if default is not None and default.lower() == "null":
                default = None
            params.append(Param(pname, ptype, default, desc))
        elif stripped.lstrip("-").strip().startswith("param:"):
            raise QueryError(f"{path}: cannot read parameter line {stripped!r}")
    if not name or not description:
        raise QueryError(f"{path}: the header comment needs '-- name:' and '-- description:' lines")
    if name != path.stem:
        raise QueryError(f"{path}: name {name!r} differs from the file name")
    used = set(_USED.findall(_strip_comments(text)))
    declared = {p.name for p in params}
    if used - declared:
        raise QueryError(f"{path}: parameters used but not declared: {', '.join(sorted(used - declared))}")
    if declared - used:
        raise QueryError(f"{path}: parameters declared but not used: {', '.join(sorted(declared - used))}")
    for p in params:  # a bad default is the file's fault: say so now
        p.default_value()
    return NamedQuery(name, description, tuple(params), text, path, about)


@cache
def _load(directory: Path, stamp: tuple[tuple[str, float], ...]) -> dict[str, NamedQuery]:
    out = {}
    for path in sorted(directory.glob("*.sql")):
        q = parse_query(path.read_text(encoding="utf-8"), path)
        out[q.name] = q
    return out


def load_queries(directory: Path = QUERY_DIR) -> dict[str, NamedQuery]:
    """Every named query in ``directory``, by name (re-read when a file changes)."""
    stamp = tuple((p.name, p.stat().st_mtime) for p in sorted(directory.glob("*.sql")))
    return _load(directory, stamp)


def get_query(name: str, directory: Path = QUERY_DIR) -> NamedQuery:
    queries = load_queries(directory)
    q = queries.get(name) or queries.get(name.replace("-", "_"))
    if q is None:
        raise QueryError(f"no query named {name!r}; known: {', '.join(queries)}")
    return q


LIST_COLUMNS = ["name", "description", "parameters"]


def list_rows(directory: Path = QUERY_DIR, *, structured: bool = False) -> Rows:
    """The named queries as plain rows: name, description, parameters (``[name=default] ...``
    as text for a table; with ``structured``, a list of ``{name, type, default, description}``)."""
    from extractor.render import Rows

    def params(q: NamedQuery) -> Any:
        if not structured:
            return q.usage()
        return [{"name": p.name, "type": p.type, "default": p.default, "description": p.description} for p in q.params]

    return Rows(LIST_COLUMNS, [(q.name, q.description, params(q)) for q in load_queries(directory).values()])


def list_frame(directory: Path = QUERY_DIR) -> pd.DataFrame:
    """The named queries as a table: name, description, parameters (name=default)."""
    import pandas as pd

    rows = [{"name": q.name, "description": q.description, "parameters": q.usage()}
            for q in load_queries(directory).values()]
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


GLOB_CHARS = re.compile(r"[*?\[]")


def match_model(name: str, known: Iterable[str]) -> str:
    """The model ``name`` names among ``known``: itself, else the one spelt the same but for
    case (``GPT-4o`` is ``gpt-4o``). A glob (``gpt-4.1*``) is kept as it is, matched without
    regard to case where it matches nothing as written. ``QueryError`` with the closest names
    ("did you mean") when nothing matches."""
    import difflib
    import fnmatch

    names = sorted(set(known))
    if name in names:
        return name
    if GLOB_CHARS.search(name):
        if any(fnmatch.fnmatchcase(n, name) for n in names):
            return name
        lowered = [n for n in names if fnmatch.fnmatchcase(n.lower(), name.lower())]
        if lowered:
            return lowered[0] if len(lowered) == 1 else name.lower()
    else:
        same = [n for n in names if n.lower() == name.lower()]
        if same:
            return same[0]
    close = difflib.get_close_matches(name.lower(), [n.lower() for n in names], n=3, cutoff=0.6)
    spelt = [next(n for n in names if n.lower() == c) for c in close]
    hint = f"; did you mean {', '.join(spelt)}?" if spelt else ""
    raise QueryError(f"no model or feature {name!r} in the database{hint}")
