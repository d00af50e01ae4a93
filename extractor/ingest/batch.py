"""The file inputs of one run as this process prepares, completes and extracts them.

The batch holds one layout memory (a copy of the run's), passed down to every stage.
Phase one prepares the inputs in input order, each teaching the memory the layouts it
shows (a source seen before teaches nothing new: its entries are already there; what a
source whose preparing failed half-way had taught is forgotten). ``keep`` then gives each source kept its
resolved change id. Phase two parses deferred sections with the memory, and phase three
extracts. Prepared sources past the memory budget wait in a temporary file (``spill``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from extractor.ingest.caches import RunCache
from extractor.ingest.inputs import Input, decode, read_source, source_again, source_ids
from extractor.ingest.prepare import InputFile, Prepared, prepare, prepare_deferred
from extractor.ingest.rows import Extraction, extract_one
from extractor.ingest.spill import PREPARED_BUDGET, Spill, Spilled, weight
from extractor.layout import LayoutMemory
from extractor.sources.base import Problem, SourceError, SourceMeta

log = logging.getLogger("extractor")


@dataclass
class PrepInfo:
    """What the merge needs of one source the batch prepared (the Prepared stays with the batch)."""

    key: tuple[int, int]  # (input idx, source number within the file)
    source_id: str
    meta: SourceMeta
    change_id: str


@dataclass
class FileOutcome:
    idx: int
    other: bool = False  # neither report nor patch, found in a folder
    failed: tuple[int | None, str] | None = None  # SourceError: line, reason
    crash: str | None = None  # an unexpected exception, as Run.fail words it
    preps: list[PrepInfo] = field(default_factory=list)


class Batch:
    """See the module docstring; ``inputs`` in the order to prepare them."""

    def __init__(self, base: LayoutMemory, date: str | None, repo: str | None, cache: RunCache) -> None:
        self.inputs: list[Input] = []  # as prepared, in input order
        self.memory = base.copy()  # (the run's is left as it is)
        self.date = date
        self.repo = repo
        self.cache = cache
        self.preps: dict[tuple[int, int], Prepared | Spilled] = {}
        self.spill = Spill()
        self.held = 0  # bytes (as ``spill.weight`` estimates them) of the prepared sources held
        self.budget = PREPARED_BUDGET
        self.spilled = 0  # sources that went to the spill file
        self.spill_error: str | None = None  # why the spill file could not be written (then all is held)

    def prepare_all(self, inputs: Iterable[Input],
                    tick: Callable[[int, str], Any] = lambda n, label: None) -> list[FileOutcome]:
        out = []
        for inp in inputs:
            self.inputs.append(inp)
            out.append(self._prepare_one(inp))
            tick(1, "parse")
        return out

    def _prepare_one(self, inp: Input) -> FileOutcome:
        out = FileOutcome(inp.idx)
        taught: set[str] = set()  # the source ids this input began to prepare
        try:
            source = read_source(inp.path, decode(inp.data, inp.path), date=self.date)
            if source is None:
                if inp.explicit:
                    raise SourceError("neither a Diff Insight Report nor a unified diff", str(inp.path), 1)
                out.other = True
                return out
            sources = source if isinstance(source, list) else [source]
            for k, (one, one_sid) in enumerate(zip(sources, source_ids(inp.data, inp.source_id, sources),
                                                   strict=True)):
                if self.repo and one.meta.repo is None and one.meta.kind == "patch":
                    one.meta.repo = self.repo
                taught.add(one_sid)
                prep = prepare(InputFile(inp.path, one_sid, inp.explicit), one, self.memory)
                if prep.deferred and inp.path.is_file():  # (a pipe cannot be read twice)
                    for sec in prep.deferred:  # most are never parsed: the few that are are read again
                        sec.drop_text()
                self.preps[(inp.idx, k)] = self._hold(prep)
                out.preps.append(PrepInfo((inp.idx, k), one_sid, one.meta, prep.change_id))
        except SourceError as exc:
            out.failed = (exc.line, exc.reason)
        except Exception as exc:
            log.debug("unexpected failure on %s", inp.path, exc_info=True)
            out.crash = f"unexpected {type(exc).__name__}: {exc}"
        finally:
            inp.data = b""  # parsed: the bytes are of no more use
        if out.crash is not None or out.failed is not None:  # the source it stopped in teaches nothing
            self.memory.forget(taught - {info.source_id for info in out.preps})
        return out

    def _hold(self, prep: Prepared) -> Prepared | Spilled:
        """``prep`` itself while the budget allows, else where it waits in the spill file."""
        size = weight(prep)
        if self.held + size > self.budget and self.spill_error is None:
            try:
                where = self.spill.put(prep)
            except OSError as exc:  # (a full or read-only temporary folder): held in memory instead
                self.spill_error = (f"cannot write a temporary file ({exc.strerror or exc}): "
                                    "prepared sources are held in memory")
            else:
                self.spilled += 1
                return where
        self.held += size
        return prep

    def _get(self, key: tuple[int, int]) -> Prepared:
        """The prepared source ``key`` (taken out of the batch), read back if it was spilled;
        a spilled source whose deferred sections the run did not need has them let go here,
        as ``prepare_deferred_all`` does for the others."""
        got = self.preps.pop(key)
        if not isinstance(got, Spilled):
            return got
        prep = self.spill.get(got)
        for sec in prep.deferred:
            sec.drop_text()
        prep.deferred = []
        return prep

    def keep(self, change_ids: dict[tuple[int, int], str]) -> None:
        """Take the resolved change ids; sources left out of ``change_ids`` (seen earlier in
        the run or stored already: their layouts were known) are dropped."""
        for key in list(self.preps):
            if key in change_ids:
                self.preps[key].change_id = change_ids[key]  # (a Spilled takes it when read back)
            else:
                del self.preps[key]

    def prepare_deferred_all(self) -> None:
        for key in sorted(self.preps):
            got = self.preps[key]
            spilled = isinstance(got, Spilled)
            if spilled and not any(self.memory.has_doc(doc) for doc in got.deferred_docs):
                continue  # nothing to parse: its deferred sections are let go when it is read back
            prep = self.spill.get(got) if spilled else got
            if any(sec.diff_text is None and self.memory.has_doc(sec.doc) for sec in prep.deferred):
                self._read_deferred_again(key, prep)
            prepare_deferred(prep, self.memory)
            if spilled:
                try:
                    self.preps[key] = self.spill.put(prep)  # back to the file, with what it parsed
                except OSError:
                    self.preps[key] = prep

    def _read_deferred_again(self, key: tuple[int, int], prep: Prepared) -> None:
        """Give the deferred sections of ``prep`` their text again, from its file read anew;
        a file that changed since (or cannot be read) leaves them unread, with an error for
        the source (its other sections load as they were read)."""
        path = self.inputs[key[0]].path
        fresh = source_again(path, prep.file.source_id, date=self.date)
        if fresh is None or len(fresh.sections) != len(prep.source.sections):
            n = sum(self.memory.has_doc(sec.doc) for sec in prep.deferred)
            prep.source.problems.append(Problem(str(path), None, f"changed while being ingested: {n} sections "
                                                "left unread; ingest it again", "error"))
            prep.deferred = []
            return
        deferred = {id(sec) for sec in prep.deferred}
        for sec, again in zip(prep.source.sections, fresh.sections, strict=True):
            if id(sec) in deferred:
                sec.diff_text = again.diff_text

    def extract(self, key: tuple[int, int]) -> Extraction:
        """The extraction of one prepared source, whose blocks are let go once it is extracted
        (their memory serves the rows)."""
        return extract_one(key, self._get(key), self.memory, self.cache)
