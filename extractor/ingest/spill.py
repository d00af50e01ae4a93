"""Prepared sources held past the run's memory budget, in a temporary file until extracted.

A file ingest prepares every input before it extracts any (a table's header or headings
may come from any other input), so what it holds grows with the input. Past
``PREPARED_BUDGET`` (bytes, as ``weight`` estimates them), a prepared source is written
to a temporary file (pickled: the same objects come back, so the facts are the same) and
read back when it is extracted. The corpus (25 MB of reports) stays under the budget and
never touches the file; a larger input holds no more prepared blocks than the budget.
"""

from __future__ import annotations

import pickle
import tempfile
from dataclasses import dataclass
from typing import IO

from extractor.ingest.prepare import Prepared
from extractor.kinds import Claims

PREPARED_BUDGET = 8_000_000  # bytes of prepared blocks held in memory (the corpus: about 6 MB)


def weight(prep: Prepared) -> int:
    """About the bytes ``prep`` holds: its blocks' rows (the line, its cells and their
    objects) and its sections."""
    rows = 0
    for doc in prep.docs:
        for blocks in doc.blocks.values():
            for blk in blocks:
                rows += sum(2 * len(r.line.text) + 250 for r in blk.rows)
    return rows + 100 * len(prep.source.sections)


@dataclass
class Spilled:
    """Where a prepared source waits in the file, and what the run decided for it meanwhile."""

    offset: int
    length: int
    deferred_docs: tuple[str, ...]  # the documents of its deferred sections
    change_id: str | None = None  # as the run resolved it


@dataclass
class Spill:
    """The temporary file (made when first needed, gone when closed)."""

    _file: IO[bytes] | None = None
    _end: int = 0  # where the next source is written

    def put(self, prep: Prepared) -> Spilled:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="extractor-")  # noqa: SIM115 (open until close())
        prep.claims = Claims()  # known by block identity, which pickling does not keep: asked again
        data = pickle.dumps(prep, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        where = Spilled(self._end, len(data), tuple(dict.fromkeys(sec.doc for sec in prep.deferred)), prep.change_id)
        self._end += len(data)
        return where

    def get(self, where: Spilled) -> Prepared:
        assert self._file is not None
        self._file.seek(where.offset)
        prep: Prepared = pickle.loads(self._file.read(where.length))
        if where.change_id is not None:
            prep.change_id = where.change_id
        return prep

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
