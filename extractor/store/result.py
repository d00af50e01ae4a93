"""Query results read from the store: ``Result`` (what ``Store.read`` returns) and DataFrames
whose values are true to their DuckDB types (``relation_frame``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import duckdb
from duckdb.sqltypes import DuckDBPyType

if TYPE_CHECKING:  # pandas and pyarrow load where results are read as frames (not for stats)
    import pandas as pd
    import pyarrow as pa


class Result:
    """The answer of ``Store.read``: ``columns``, and the rows as Python values (``rows()``) or
    as a DataFrame (``frame()``, see ``relation_frame``), each fetched when asked for. A
    statement that gives no result has no columns and no rows."""

    def __init__(self, rel: duckdb.DuckDBPyRelation | None, run: Callable[[Callable[[], Any]], Any]) -> None:
        self._rel = rel
        self._run = run  # runs a fetch as the store runs queries (Ctrl-C, limits, the sandbox's refusals)

    @property
    def columns(self) -> list[str]:
        return [] if self._rel is None else list(self._rel.columns)

    def rows(self) -> list[tuple[Any, ...]]:
        rel = self._rel
        if rel is None:
            return []
        return self._run(rel.fetchall)

    def first(self) -> Any:
        """The first value of the first row (None when there is no row)."""
        rows = self.rows()
        return rows[0][0] if rows else None

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        rel = self._rel
        if rel is None:
            return pd.DataFrame()
        return self._run(lambda: relation_frame(rel))


# DuckDB types that Arrow does not carry faithfully (BIT and BIGNUM as bytes, TIMETZ without
# its offset, INTERVAL as a pandas offset, UNION not at all, VARIANT as its encoding): the
# scalar ones fetched as DuckDB's text, UNION and VARIANT (and nested types holding any of
# these) as JSON, parsed.
_AS_TEXT = {"bit", "bignum", "varint", "interval", "time with time zone"}
_AS_JSON = {"union", "variant"}
_NESTED = {"list", "array", "struct", "map"}


def _awkward(t: DuckDBPyType) -> bool:
    """Whether a DuckDB type is, or holds, a type Arrow does not carry faithfully."""
    if t.id in _AS_TEXT or t.id in _AS_JSON:
        return True
    if t.id in _NESTED:
        return any(isinstance(child, DuckDBPyType) and _awkward(child) for _name, child in t.children)
    return False


def relation_frame(rel: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """A relation's result as a DataFrame whose cells are true to their types: integer columns
    as nullable integers (``Int64``; ``UInt64`` for UBIGINT), never floats; lists, structs and
    maps as Python lists and dicts (maps keyed by their keys); BIT, BIGNUM, INTERVAL, TIMETZ
    as DuckDB's text, a UNION as ``{tag: value}``, a VARIANT as its value; nested values
    holding those through JSON."""
    import pandas as pd
    import pyarrow as pa

    int_dtypes: dict[pa.DataType, Any] = {pa.uint64(): pd.UInt64Dtype()}
    names = list(rel.columns)
    exprs: list[str] = []
    as_json: set[int] = set()
    for i, t in enumerate(rel.types):
        quoted = '"' + names[i].replace('"', '""') + '"'
        if t.id in _AS_TEXT:
            exprs.append(f"CAST(#{i + 1} AS VARCHAR) AS {quoted}")
        elif _awkward(t):
            exprs.append(f"CAST(to_json(#{i + 1}) AS VARCHAR) AS {quoted}")
            as_json.add(i)
        else:
            exprs.append(f"#{i + 1} AS {quoted}")
    if as_json or any(e.startswith("CAST") for e in exprs):
        rel = rel.project(", ".join(exprs))
    table = rel.to_arrow_table()
    columns: dict[int, Any] = {}
    for i in range(table.num_columns):
        col = table.column(i)
        t = col.type
        if i in as_json:
            columns[i] = pd.Series([None if v is None else json.loads(v) for v in col.to_pylist()], dtype=object)
        elif pa.types.is_integer(t):
            columns[i] = col.to_pandas(types_mapper=lambda _t: int_dtypes.get(_t, pd.Int64Dtype()))
        elif pa.types.is_nested(t):
            columns[i] = pd.Series(_pylist(col), dtype=object)
        else:
            columns[i] = col.to_pandas()
    df = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    df.columns = names
    return df


def _pylist(col: pa.ChunkedArray) -> list[Any]:
    """A nested column's values as Python values, maps as dicts (as lists of pairs when their
    keys cannot be dict keys)."""
    try:
        return col.to_pylist(maps_as_pydicts="strict")
    except (TypeError, KeyError, ValueError):
        return col.to_pylist()
