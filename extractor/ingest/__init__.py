"""Ingest: files -> sources -> diff model -> blocks -> recognisers -> semantic diff -> store.

One stage per module, each calling only the stages below it, all driven by one ``Run``
(``context``: the store, the layout memory, the change matcher, the result, the message
sink and the run's caches):

* ``inputs``: expand the paths, read and hash the files, skip what is stored;
* ``prepare``: parse sections into blocks, remember the layouts of fact tables;
* ``extract``: scope blocks (header, headings), recognise facts, diff them into events;
* ``rows``: one source's events and records as store rows, a batch as columns;
* ``load``: a batch into the store in one transaction (source by source if that fails),
  the sources of a file ingest a chunk at a time;
* ``files`` (the file inputs in three phases over one ``batch``, whose prepared sources
  past the memory budget wait in the ``spill`` file),
  ``gitwalk`` (the commits of ``extractor.walk.GitWalk``) and ``again`` (stored sources
  whose documents this run taught a layout of) are what the run consumes;
* ``run``: the whole ingest.

A file already ingested (same content hash, or same path and file status) is skipped; a
file that fails is recorded with its line and the others still load.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.ingest.result import IngestResult
    from extractor.ingest.run import ingest
    from extractor.sources.found import expand

__all__ = ["IngestResult", "expand", "ingest"]
# each name from its module when first asked for: ``found`` and ``result`` load no DuckDB
_HOMES = {"IngestResult": "extractor.ingest.result", "expand": "extractor.sources.found",
          "ingest": "extractor.ingest.run"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
