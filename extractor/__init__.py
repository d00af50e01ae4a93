"""extractor: turn documentation diffs into a queryable history of facts.

    import extractor
    db = extractor.connect("facts.duckdb")
    db.ingest(["reports/"])
    df = db.events()
"""

from __future__ import annotations

__version__ = "0.1.0"

from extractor.api import Extractor, connect

__all__ = ["Extractor", "__version__", "connect"]
