"""Rendering DataFrames for people: terminal tables that fit, markdown, CSV, JSON."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table


def print_frame(console: Console, df: pd.DataFrame, *, title: str | None = None,
                empty: str = "no rows") -> None:
    if df.empty:
        console.print(f"{title}: {empty}" if title else empty)
        return
    table = Table(title=title, title_justify="left", show_lines=False)
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*("" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in row))
    console.print(table)
