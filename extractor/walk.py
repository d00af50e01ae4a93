"""The commits of a git repository still to ingest, oldest first: a producer the ingest consumes.

Each walked commit is a source (``kind='git'``, ``path`` the work tree, ``source_id`` a hash
of the repository, the ``--paths`` scope and the commit), dated by its commit date, whose
change is ``parent...commit`` (7-hex SHAs, the repository named by ``--repo`` or its
``origin`` remote). Commits are written in chunks (1,000 commits, or fewer holding 20,000
events), each chunk in one transaction together with its ``git_commits`` rows, so memory
stays flat over long histories and an interrupted walk keeps what it wrote. A second walk
of the same repository and scope continues after the last commit recorded (when that commit
is still in the history; otherwise it walks the range again and skips the commits already
stored). The ingest (``extractor.ingest.gitwalk``) prepares, extracts and loads what
``GitWalk`` yields.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.sources.base import Source
from extractor.sources.git import GitRepo, Walk
from extractor.store.ingest import last_walked

if TYPE_CHECKING:
    from extractor.store.db import Store

__all__ = ["GitOptions", "GitWalk", "WalkedCommit", "last_walked"]


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


@dataclass
class WalkedCommit:
    """One commit of the walk: its ``git_commits`` row, its source id, and its source
    (None when the commit is already stored: only its row is recorded again)."""

    row: dict[str, Any]
    source_id: str
    source: Source | None
    sha: str
    parent: str | None


class GitWalk:
    """The walk of one repository and scope, continuing after the last commit recorded.

    Opening raises ``SourceError`` for a path that is no repository. ``commits(known)``
    yields every commit in the range, oldest first; ``notes`` are warnings for the run.
    """

    def __init__(self, store: Store, path: str | Path, opts: GitOptions, now: datetime) -> None:
        self.repo = GitRepo.open(path, name=opts.repo)
        self.top = str(self.repo.top)
        self.scope = scope_of(opts.paths)
        self.identity = self.repo.name or self.top
        self.walk = Walk(self.repo, opts.since, opts.until, list(opts.paths))
        self.now = now
        self.seq = 0
        last = last_walked(store, self.top, self.scope)
        if last is not None:
            self.seq = last[1] + 1
            if self.repo.is_ancestor(last[0]):
                self.walk.after = last[0]
            else:
                self.walk.notes.append(f"the last commit walked, {last[0][:12]}, is no longer in the history; "
                                       "walking the whole range again (commits already stored are skipped)")

    @property
    def notes(self) -> list[str]:
        return self.walk.notes

    def commits(self, known: set[str]) -> Iterator[WalkedCommit]:
        """The commits in order; those whose source id is in ``known`` come without their
        source, the others are added to ``known``."""
        for commit in self.walk.commits():
            sid = commit_source_id(self.identity, self.scope, commit.sha)
            row = {"repo_path": self.top, "scope": self.scope, "commit_sha": commit.sha,
                   "parent_sha": commit.parent, "seq": self.seq, "observed_at": commit.source.meta.observed_at,
                   "source_id": sid, "walked_at": self.now}
            self.seq += 1
            if sid in known:
                yield WalkedCommit(row, sid, None, commit.sha, commit.parent)
                continue
            known.add(sid)
            yield WalkedCommit(row, sid, commit.source, commit.sha, commit.parent)
