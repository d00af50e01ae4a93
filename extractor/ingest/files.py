"""The file inputs of a run, in three phases in this process, then one load in date order.

Phase one prepares every input (``Batch.prepare_all``) and merges what was learnt in
input order: layout ops, resolved change ids, failures. Phase two parses the sections
that only a now-known layout makes useful, and takes the stored sources to read again
(``again.stored_again``). Phase three extracts, and the whole batch is loaded in one
transaction in date order (``load.load_batch``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from extractor.ingest.again import stored_again
from extractor.ingest.batch import Batch
from extractor.ingest.context import Run
from extractor.ingest.inputs import Input, file_row, record_files
from extractor.ingest.load import heading_rows, load_batch
from extractor.ingest.rows import SourceRows, columnar, concat_columns, extract_one
from extractor.layout import Op
from extractor.sources.base import SourceMeta


def ingest_files(run: Run, new_inputs: Iterable[Input], *, walked: bool = False) -> None:
    """Parse, extract and load ``new_inputs`` (each read as it comes, see
    ``inputs.read_inputs``), starting from the run's layout memory (left as it is).
    ``walked``: a git walk ran first in this run (the stored sources it taught a layout
    of are to be read again even when no file is new)."""
    result, known, matcher = run.result, run.known, run.matcher
    t = time.perf_counter()
    batch = Batch(run.memory, run.date, run.repo, run.cache)
    # phase one: prepare (in input order); merged in input order (layout ops, change ids, failures)
    outcomes = batch.prepare_all(new_inputs, run.tick)
    inputs = batch.inputs
    by_input = {i.idx: i for i in inputs}
    ops: list[Op] = []
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
            ops.extend(info.ops)
        if out.other:
            result.skipped_other.append(str(inp.path))
            known.discard(inp.source_id)
        elif out.failed is not None:
            line, reason = out.failed
            run.fail_msg(str(inp.path), inp.source_id, reason, line)
        elif out.crash is not None:
            run.fail_msg(str(inp.path), inp.source_id, out.crash)
    t = result.lap("prepare", t)
    if not metas and not walked:
        return
    # phase two: deferred sections of documents now known to hold fact tables
    batch.sync(ops, change_ids)
    batch.prepare_deferred_all()
    memory = batch.memory
    mine = {info.source_id for out in outcomes for info in out.preps if info.key in metas}
    again = list(stored_again(run.store, memory, mine))
    result.read_again = len(again)
    t = result.lap("deferred", t)
    # phase three: extract, then load in date order
    again_keys = [(len(inputs) + k, 0) for k in range(len(again))]
    for key, prep in zip(again_keys, again, strict=True):
        metas[key] = (prep.source.meta, str(prep.file.path), prep.file.source_id)
    positions = {key: i for i, key in enumerate(sorted(metas, key=lambda k: (metas[k][0].observed_at,
                                                                             metas[k][1], k)))}
    extractions, cols = batch.extract_all(positions)
    read_again = [extract_one(key, prep, memory, run.cache) for key, prep in zip(again_keys, again, strict=True)]
    again_cols = columnar((positions[x.key], x.rows) for x in read_again if x.rows is not None)
    extractions += read_again
    t = result.lap("extract", t)
    order_loaded = sorted(extractions, key=lambda x: positions[x.key])
    batch: list[SourceRows] = []
    for x in order_loaded:
        run.tick(1, "extract")
        _meta, path, sid = metas[x.key]
        if x.rows is None:
            run.fail_msg(path, sid, x.crash or "unexpected failure")
            continue
        batch.append(x.rows)
        run.report_problems(x.problems)
    if batch:
        done = {sr.source_id for sr in load_batch(run, batch, concat_columns([cols, again_cols]),
                                                  heading_rows(memory))}
        bad = {metas[x.key][1] for x in order_loaded if x.rows is None or x.rows.source_id not in done}
        bad |= {str(by_input[o.idx].path) for o in outcomes if o.crash is not None or o.failed is not None}
        loaded = {metas[x.key][1] for x in order_loaded if x.key[0] < len(inputs)} - bad
        record_files(run, [file_row(i.path, i.stat, i.source_id) for i in inputs
                           if i.stat is not None and str(i.path) in loaded])
    result.lap("load", t)
