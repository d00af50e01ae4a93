"""extractor: turn documentation diffs into a queryable history of facts.

    import extractor
    db = extractor.connect("facts.duckdb")
    db.ingest(["reports/"])
    df = db.events()

``Extractor`` and ``connect`` are imported when first used, so that the command line's
entry point (``extractor.entry``) starts without loading DuckDB and pandas first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from extractor.api import Extractor, connect

__all__ = ["Extractor", "__version__", "connect"]


def __getattr__(name: str) -> Any:
    if name in ("Extractor", "connect"):
        from extractor import api

        return getattr(api, name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
