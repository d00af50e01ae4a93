"""The file inputs of a run, in three phases in this process, loaded in date order.

Phase one prepares every input (``Batch.prepare_all``; past the memory budget a prepared
source waits in a temporary file), each teaching the batch's layout memory what it shows,
and takes in input order the resolved change ids and the failures. Phase two parses the sections that only a now-known layout
makes useful, and takes the stored sources to read again (``again.stored_again``). Phase
three extracts the sources in date order and loads them a chunk of whole sources per
transaction (``load.ChunkedLoad``); a run that reads stored sources again is one chunk.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable

from extractor.ingest.again import stored_again
from extractor.ingest.batch import Batch
from extractor.ingest.context import Run
from extractor.ingest.inputs import Input, file_row, record_files
from extractor.ingest.load import ChunkedLoad, heading_rows
from extractor.ingest.rows import extract_one
from extractor.sources.base import SourceMeta

CHUNK_EVENTS = 10_000  # sources are loaded in chunks of about this many events: what a load holds stays bounded


def ingest_files(run: Run, new_inputs: Iterable[Input], *, walked: bool = False) -> None:
    """Parse, extract and load ``new_inputs`` (each read as it comes, see
    ``inputs.read_inputs``), starting from the run's layout memory (left as it is).
    ``walked``: a git walk ran first in this run (the stored sources it taught a layout
    of are to be read again even when no file is new)."""
    batch = Batch(run.memory, run.date, run.repo, run.cache)
    try:
        _ingest(run, batch, new_inputs, walked)
    finally:
        run.result.spilled += batch.spilled
        batch.spill.close()


def _ingest(run: Run, batch: Batch, new_inputs: Iterable[Input], walked: bool) -> None:
    result, known, matcher = run.result, run.known, run.matcher
    t = time.perf_counter()
    # phase one: prepare (in input order), then the change ids and failures in input order
    outcomes = batch.prepare_all(new_inputs, run.tick)
    inputs = batch.inputs
    by_input = {i.idx: i for i in inputs}
    change_ids: dict[tuple[int, int], str] = {}
    metas: dict[tuple[int, int], tuple[SourceMeta, str, str]] = {}
    for out in outcomes:  # in input order, as prepared
        inp = by_input[out.idx]
        for info in out.preps:
            if info.source_id != inp.source_id:
                if info.source_id in known:
                    continue
                known.add(info.source_id)
            change_ids[info.key] = matcher.resolve(info.meta, info.change_id,
                                                   single_commit=info.meta.kind != "report")
            metas[info.key] = (info.meta, str(inp.path), info.source_id)
        if out.other:
            result.skipped_other.append(str(inp.path))
            known.discard(inp.source_id)
        elif out.failed is not None:
            line, reason = out.failed
            run.fail_msg(str(inp.path), inp.source_id, reason, line)
        elif out.crash is not None:
            run.fail_msg(str(inp.path), inp.source_id, out.crash)
    if batch.spill_error is not None:
        run.warn(tempfile.gettempdir(), batch.spill_error)
    t = result.lap("prepare", t)
    if not metas and not walked:
        return
    # phase two: deferred sections of documents now known to hold fact tables
    batch.keep(change_ids)
    batch.prepare_deferred_all()
    memory = batch.memory
    mine = {info.source_id for out in outcomes for info in out.preps if info.key in metas}
    again = list(stored_again(run.store, memory, mine))
    result.read_again = len(again)
    t = result.lap("deferred", t)
    # phase three: extract and load in date order, a chunk of whole sources at a time
    again_keys = [(len(inputs) + k, 0) for k in range(len(again))]
    again_preps = dict(zip(again_keys, again, strict=True))
    for key, prep in again_preps.items():
        metas[key] = (prep.source.meta, str(prep.file.path), prep.file.source_id)
    order = sorted(metas, key=lambda k: (metas[k][0].observed_at, metas[k][1], k))
    positions = {key: i for i, key in enumerate(order)}
    # A source read again drops what its change said of the documents it re-reads, in the
    # transaction that loads every source of the run: such a run is loaded as one chunk.
    loader = ChunkedLoad(run, heading_rows(memory), None if again else CHUNK_EVENTS)
    failed: set[tuple[int, int]] = set()
    for key in order:
        x = extract_one(key, again_preps.pop(key), memory, run.cache) if key in again_preps else batch.extract(key)
        run.tick(1, "extract")
        _meta, path, sid = metas[key]
        if x.rows is None:
            failed.add(key)
            run.fail_msg(path, sid, x.crash or "unexpected failure")
            continue
        run.report_problems(x.problems)
        loader.add(positions[key], x.rows)
    loader.finish()
    t = result.lap("extract", t)  # extracting and loading took turns: the loads' time is moved
    result.seconds["extract"] -= loader.seconds
    result.seconds["load"] = result.seconds.get("load", 0.0) + loader.seconds
    if loader.loaded:
        bad = {metas[k][1] for k in order if k in failed or metas[k][2] not in loader.loaded}
        bad |= {str(by_input[o.idx].path) for o in outcomes if o.crash is not None or o.failed is not None}
        loaded = {metas[k][1] for k in order if k[0] < len(inputs)} - bad
        record_files(run, [file_row(i.path, i.stat, i.source_id) for i in inputs
                           if i.stat is not None and str(i.path) in loaded])
    result.lap("load", t)
