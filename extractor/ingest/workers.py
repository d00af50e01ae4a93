"""Worker processes for the file part of an ingest: parse and extract in parallel, load in one.

This process forks one child per extra worker (Linux only; elsewhere, or for small runs,
everything stays in this process). All of them take the inputs to parse from shared
``Tickets``, the largest first, so a process that runs faster takes more. A child holds the
sources it parsed for the whole run and answers calls of its ``Shard`` (``extractor.ingest.shard.Shard``)
over a pipe: prepare, sync, prepare deferred, extract. Only small things cross the pipe
(layout ops, change ids, the finished rows as Arrow columns) and only this process
touches the database. A child that dies or fails raises ``WorkerLost`` here, and the
caller ingests again in one process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Protocol


class Sized(Protocol):
    """An input as ``choose`` sees it: its bytes."""

    data: bytes


# A shard is any object whose methods the child calls by name (``extractor.ingest.shard.Shard``); this
# module knows nothing of the ingest, so that the ingest imports it and not the other way.
Shard = Any

# Below these a run stays in one process: forking and merging would cost more than they save.
MIN_FILES = 16
MIN_BYTES = 2_000_000
MAX_AUTO = 4


class WorkerLost(RuntimeError):
    """A worker process died or failed; nothing of the run has been written yet."""


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def choose(workers: int | None, inputs: Sequence[Sized]) -> int:
    """How many processes to use: ``workers`` (else ``$EXTRACTOR_WORKERS``), else one per CPU
    (at most ``MAX_AUTO``) when the run is big enough to gain from it; never more than inputs."""
    env = os.environ.get("EXTRACTOR_WORKERS", "").strip()
    if workers is None and env.isdigit():
        workers = int(env)
    if workers is None:
        big = len(inputs) >= MIN_FILES and sum(len(i.data) for i in inputs) >= MIN_BYTES
        workers = min(cpus(), MAX_AUTO) if big else 1
    if not can_fork():
        return 1
    return max(1, min(workers, len(inputs)))


class Tickets:
    """Hands out 0, 1, 2, … up to ``n`` to whichever process asks first: with ``shared``, a
    counter in shared memory, made before the fork, so that the processes share out the
    inputs as they go; without, a plain counter (one process: no shared memory needed)."""

    def __init__(self, n: int, *, shared: bool = True) -> None:
        self.n = n
        self._next = multiprocessing.Value("i", 0) if shared else None
        self._local = 0

    def take(self) -> int | None:
        if self._next is None:
            k, self._local = self._local, self._local + 1
            return k if k < self.n else None
        with self._next.get_lock():
            k = int(self._next.value)
            if k >= self.n:
                return None
            self._next.value = k + 1
            return k


class Pool:
    """One forked child per shard, started on ``__enter__`` and stopped on ``__exit__``."""

    def __init__(self, shards: list[Shard]) -> None:
        self.shards = shards
        self.children: list[tuple[int, Connection]] = []

    def __enter__(self) -> Pool:
        for shard in self.shards:
            mine, theirs = Pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = _fork()
            if pid == 0:  # the child: serve the shard, then leave without running any cleanup
                code = 0
                try:
                    mine.close()
                    _serve(theirs, shard)
                except BaseException:  # leave with a code; the parent sees the pipe close
                    code = 1
                finally:
                    os._exit(code)
            theirs.close()
            self.children.append((pid, mine))
        self.shards = []  # the children hold them now
        return self

    def start(self, method: str, *args: Any) -> None:
        """Ask every child to run ``method``; ``results`` collects what they return, so this
        process can do its own share in between."""
        for pid, conn in self.children:
            try:
                conn.send((method, args))
            except OSError as exc:
                raise WorkerLost(f"worker {pid} is gone: {exc}") from exc

    def results(self, method: str) -> list[Any]:
        out: list[Any] = []
        for pid, conn in self.children:
            try:
                status, value = conn.recv()
            except (EOFError, OSError) as exc:
                raise WorkerLost(f"worker {pid} ended unexpectedly") from exc
            if status != "ok":
                raise WorkerLost(f"worker {pid} failed in {method}: {value}")
            if value is not None:
                out.extend(value)
        return out

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for _pid, conn in self.children:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        for pid, _conn in self.children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.children = []


def _fork() -> int:
    """``os.fork()`` with SIGINT held back while it runs: a Ctrl-C raised inside the fork
    handlers (logging's, threading's) cannot reach anyone and is printed as "Exception
    ignored"; held, it is raised in this process just after, like any other."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return os.fork()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _serve(conn: Connection, shard: Shard) -> None:
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        method, args = msg
        try:
            conn.send(("ok", getattr(shard, method)(*args)))
        except Exception:  # the parent decides what to do
            conn.send(("error", traceback.format_exc(limit=5)))
