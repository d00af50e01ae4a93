"""The git walk of a run: the commits ``walk.GitWalk`` yields, prepared and extracted one by one, loaded in chunks.

Each commit's files come whole (snapshots), so no remembered layout is needed and a
commit is extracted as soon as it is read: the work between two reads of git's output
stays even. Chunks of ``GIT_CHUNK`` commits (or fewer, once they hold ``GIT_CHUNK_EVENTS``
events) are loaded each in one transaction with their ``git_commits`` rows, so memory
stays flat over long histories and an interrupted walk keeps what it wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extractor.ingest.context import Run
from extractor.ingest.load import heading_rows, load_batch
from extractor.ingest.prepare import InputFile, prepare
from extractor.ingest.rows import Extraction, columnar, extract_one
from extractor.layout import LayoutEntry
from extractor.sources.base import SourceError
from extractor.store import ingest as sql
from extractor.walk import GitOptions, GitWalk

GIT_CHUNK = 1000  # commits loaded together ...
GIT_CHUNK_EVENTS = 20_000  # ... or fewer, once they hold this many events (memory stays flat)


def ingest_git(run: Run, path: str | Path, opts: GitOptions, *, chunk: int = GIT_CHUNK) -> None:
    """Walk the repository at ``path`` into the run's store (see the module docstring)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        walk = GitWalk(run.store, path, opts, now)
    except SourceError as exc:
        run.fail_msg(str(path), None, exc.reason, exc.line)
        return
    memory, matcher, result = run.memory, run.matcher, run.result
    top = walk.top
    pending: list[Extraction] = []
    held = 0  # events in pending
    seen_only: list[dict[str, Any]] = []
    learnt: list[LayoutEntry] = []
    try:
        for c in walk.commits(run.known):
            result.commits += 1
            matcher.learn_parent(c.sha, c.parent)
            if c.source is None:
                result.skipped_known += 1
                seen_only.append(c.row)
                continue
            try:
                prep = prepare(InputFile(walk.repo.top, c.source_id, True), c.source, memory)
                prep.change_id = matcher.resolve(c.source.meta, prep.change_id, single_commit=True)
            except Exception as exc:
                run.fail(top, c.source_id, exc)
                continue
            x = extract_one((c.row["seq"] + 1, 0), prep, memory, run.cache)
            if x.rows is None:
                run.fail_msg(top, c.source_id, x.crash or "unexpected failure")
                continue
            x.rows.tables["git_commits"] = [c.row]
            pending.append(x)
            held += x.rows.events
            if len(pending) >= chunk or held >= GIT_CHUNK_EVENTS:
                _flush(run, pending, seen_only, learnt)
                held = 0
        _flush(run, pending, seen_only, learnt)
    finally:
        memory.new_tables.extend(learnt)  # so that stored reports this walk can now resolve are read again
    for note in walk.notes:
        run.warn(top, note)
        sql.record_warning(run.store, top, note, now)


def _flush(run: Run, pending: list[Extraction], seen_only: list[dict[str, Any]], learnt: list[LayoutEntry]) -> None:
    memory = run.memory
    batch = [x.rows for x in pending if x.rows is not None]
    for x in pending:
        run.report_problems(x.problems)
    load_batch(run, batch, columnar(enumerate(batch)), heading_rows(memory))
    if seen_only:
        sql.record_commits(run.store, seen_only)
    learnt.extend(memory.new_tables)
    memory.new_tables.clear()
    memory.new_headings.clear()
    pending.clear()
    seen_only.clear()
