"""Ingest a git repository: the walk's commits through the pipeline, in chunks, incrementally.

Each walked commit is a source (``kind='git'``, ``path`` the work tree, ``source_id`` a hash
of the repository, the ``--paths`` scope and the commit), dated by its commit date, whose
change is ``parent...commit`` (7-hex SHAs, the repository named by ``--repo`` or its
``origin`` remote). Commits are written in chunks (1,000 commits, or fewer holding 20,000
events), each chunk in one transaction together with its ``git_commits`` rows, so memory
stays flat over long histories and an interrupted walk keeps what it wrote. A second walk
of the same repository and scope continues after the last commit recorded (when that commit
is still in the history; otherwise it walks the range again and skips the commits already
stored).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.sources.base import SourceError
from extractor.sources.git import GitRepo, Walk

if TYPE_CHECKING:
    from extractor.layout import LayoutEntry, LayoutMemory
    from extractor.pipeline import Extraction, IngestResult
    from extractor.sources.identity import ChangeMatcher
    from extractor.store.db import Store

__all__ = ["GitOptions", "ingest_git", "last_walked"]

CHUNK = 1000  # commits loaded together ...
CHUNK_EVENTS = 20_000  # ... or fewer, once they hold this many events (memory stays flat)


@dataclass
class GitOptions:
    """What to walk: ``since`` / ``until`` (``YYYY-MM-DD``, by commit date), ``paths`` (globs)
    and ``repo`` (``OWNER/NAME``, else taken from the ``origin`` remote)."""

    since: str | None = None
    until: str | None = None
    paths: Sequence[str] = ()
    repo: str | None = None


def scope_of(paths: Sequence[str]) -> str:
    return json.dumps(sorted(set(paths)))


def commit_source_id(identity: str, scope: str, sha: str) -> str:
    return hashlib.sha256(f"git\x00{identity}\x00{scope}\x00{sha}".encode()).hexdigest()


def last_walked(store: Store, repo_path: str, scope: str) -> tuple[str, int] | None:
    rows = store.rows("SELECT commit_sha, seq FROM git_commits WHERE repo_path = ? AND scope = ? "
                      "ORDER BY seq DESC LIMIT 1", [repo_path, scope])
    return (rows[0][0], int(rows[0][1])) if rows else None


def ingest_git(store: Store, path: str | Path, opts: GitOptions, *, result: IngestResult,
               memory: LayoutMemory, known: set[str], matcher: ChangeMatcher,
               say: Callable[[str, int | None, str, str], None], chunk: int = CHUNK) -> None:
    """Walk the repository at ``path`` into ``store``; counts and problems go to ``result``."""
    from extractor.pipeline import InputFile, _fail, _fail_msg, extract_one, prepare

    try:
        repo = GitRepo.open(path, name=opts.repo)
    except SourceError as exc:
        _fail_msg(store, result, say, str(path), None, exc.reason, exc.line)
        return
    top = str(repo.top)
    scope = scope_of(opts.paths)
    identity = repo.name or top
    walk = Walk(repo, opts.since, opts.until, list(opts.paths))
    seq = 0
    last = last_walked(store, top, scope)
    if last is not None:
        seq = last[1] + 1
        if repo.is_ancestor(last[0]):
            walk.after = last[0]
        else:
            walk.notes.append(f"the last commit walked, {last[0][:12]}, is no longer in the history; "
                              "walking the whole range again (commits already stored are skipped)")
    pending: list[Extraction] = []
    held = 0  # events in pending
    seen_only: list[dict[str, Any]] = []
    learnt: list[LayoutEntry] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        for commit in walk.commits():
            result.commits += 1
            matcher.learn_parent(commit.sha, commit.parent)
            sid = commit_source_id(identity, scope, commit.sha)
            row = {"repo_path": top, "scope": scope, "commit_sha": commit.sha, "parent_sha": commit.parent,
                   "seq": seq, "observed_at": commit.source.meta.observed_at, "source_id": sid, "walked_at": now}
            seq += 1
            if sid in known:
                result.skipped_known += 1
                seen_only.append(row)
                continue
            known.add(sid)
            try:
                prep = prepare(InputFile(repo.top, b"", sid, True), commit.source, memory)
                prep.change_id = matcher.resolve(commit.source.meta, prep.change_id, single_commit=True)
            except Exception as exc:
                _fail(store, result, say, top, sid, exc)
                continue
            # extracted at once (whole files: no remembered layout needed), so that the work
            # between two reads of git's output stays even and the chunk's load is short
            x = extract_one((seq, 0), prep, memory)
            if x.rows is None:
                _fail_msg(store, result, say, top, sid, x.crash or "unexpected failure")
                continue
            x.rows.tables["git_commits"] = [row]
            pending.append(x)
            held += x.rows.events
            if len(pending) >= chunk or held >= CHUNK_EVENTS:
                _flush(store, pending, seen_only, memory, learnt, result, say)
                held = 0
        _flush(store, pending, seen_only, memory, learnt, result, say)
    finally:
        memory.new_tables.extend(learnt)  # so that stored reports this walk can now resolve are read again
    for note in walk.notes:
        result.warnings.append((top, None, note))
        say(top, None, "warning", note)
        store.insert_rows("errors", [{"source_id": None, "path": top, "line": None,
                                      "severity": "warning", "message": note, "logged_at": now}])


def _flush(store: Store, pending: list[Extraction], seen_only: list[dict[str, Any]],
           memory: LayoutMemory, learnt: list[LayoutEntry], result: IngestResult,
           say: Callable[[str, int | None, str, str], None]) -> None:
    from extractor.pipeline import columnar, heading_rows, load_batch, report_problems

    batch = [x.rows for x in pending if x.rows is not None]
    for x in pending:
        report_problems(x.problems, result, say)
    load_batch(store, batch, columnar(enumerate(batch)), heading_rows(memory), result, say)
    if seen_only:
        store.insert_rows("git_commits", seen_only, key=["repo_path", "scope", "commit_sha"])
    learnt.extend(memory.new_tables)
    memory.new_tables.clear()
    memory.new_headings.clear()
    pending.clear()
    seen_only.clear()
