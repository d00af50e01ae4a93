"""The library a notebook imports: ``extractor.connect(path)`` and DataFrames out.

The CLI is a thin layer over this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from extractor import export
from extractor.pipeline import IngestResult, ingest
from extractor.store.db import Store, default_db_path

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"


class Extractor:
    """A fact database. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None and str(path) != ":memory:" else path
        self.store = Store(path if path is not None else default_db_path(), read_only=read_only)

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def ingest(self, paths: Iterable[str | Path] | None = None, *, date: str | None = None,
               progress: Callable[[int, str], Any] | None = None,
               on_problem: Callable[[str, int | None, str, str], None] | None = None) -> IngestResult:
        """Ingest files / folders; with no paths, the sample shipped in the package."""
        targets = list(paths) if paths else [SAMPLE_DIR]
        return ingest(self.store, targets, date=date, progress=progress, on_problem=on_problem)

    def events(self, *, include_unchanged: bool = True) -> pd.DataFrame:
        """Every event as flat rows, in export order."""
        df = export.flat_frame(self.store)
        return df if include_unchanged else df[df["change"] != "unchanged"].reset_index(drop=True)

    def records(self) -> list[dict[str, Any]]:
        """Every event as a contract record (the JSONL lines, as dicts)."""
        return list(export.records(export.events_frame(self.store)))

    def sql(self, query: str, params: Any = None) -> pd.DataFrame:
        return self.store.df(query, params)

    def stats(self) -> dict[str, pd.DataFrame]:
        s = self.store
        return {
            "sources": s.df("SELECT kind, count(*) AS sources, count(DISTINCT change_id) AS changes, "
                            "min(observed_at) AS first, max(observed_at) AS last FROM sources GROUP BY kind "
                            "ORDER BY kind"),
            "events": s.df("SELECT kind, count(*) FILTER (WHERE change <> 'unchanged') AS changes, "
                           "count(*) FILTER (WHERE change = 'unchanged') AS observations, "
                           "count(*) FILTER (WHERE change = 'added') AS added, "
                           "count(*) FILTER (WHERE change = 'removed') AS removed, "
                           "count(*) FILTER (WHERE change = 'changed') AS changed "
                           "FROM events GROUP BY kind ORDER BY kind"),
            "unresolved": s.df("SELECT doc, count(*) AS rows, count(DISTINCT change_id) AS changes, "
                               "any_value(reason) AS reason FROM unresolved GROUP BY doc "
                               "ORDER BY rows DESC, doc"),
            "errors": s.df("SELECT severity, path, line, message FROM errors ORDER BY severity, path, line"),
        }


def connect(path: str | Path | None = None, *, read_only: bool = False) -> Extractor:
    """Open (creating if needed) a fact database; ``None`` means the default path."""
    return Extractor(path, read_only=read_only)
