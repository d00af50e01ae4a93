"""DuckDB store: schema migrations, bulk loading, one transaction per source."""

from extractor.store.db import SCHEMA_VERSION, Store, StoreError, default_db_path

__all__ = ["SCHEMA_VERSION", "Store", "StoreError", "default_db_path"]
