"""DuckDB store: schema migrations, bulk loading (whole sources per transaction), the read-only sandbox.

``seen`` (what an ingest can tell from beside the database, without opening it) loads no
DuckDB; the other names load ``db`` when first asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.store.db import SCHEMA_VERSION, Store, StoreError, default_db_path

__all__ = ["SCHEMA_VERSION", "Store", "StoreError", "default_db_path"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("extractor.store.db"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
