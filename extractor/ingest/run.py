"""The whole ingest run: a git walk (when asked), then the file inputs, driven by one ``Run``.

The cyclic garbage collector is paused for the run (``collector_paused``).
"""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from extractor.ingest.context import IngestResult, Run, Say
from extractor.ingest.inputs import read_inputs
from extractor.ingest.result import IngestInterrupted
from extractor.interrupts import interrupts_deferred, is_interrupt
from extractor.store.db import Store


def ingest(store: Store, paths: Iterable[str | Path], *, date: str | None = None,
           progress: Callable[[int, str], Any] | None = None, on_problem: Say | None = None,
           git: str | Path | None = None, since: str | None = None, until: str | None = None,
           git_paths: Iterable[str] = (), repo: str | None = None, max_file_size: int | None = None,
           max_line_length: int | None = None) -> IngestResult:
    """Ingest files and folders into ``store``; see ``extractor.ingest``.

    ``git``: also walk that repository (``since`` / ``until`` / ``git_paths`` narrow the
    walk; see ``extractor.walk``), before the files, so their layouts serve the files.
    ``repo`` (``OWNER/NAME``) names the repository of patches and of the walk. Ctrl-C raises
    ``IngestInterrupted``, whose ``result`` counts what was stored before it.
    ``max_file_size`` / ``max_line_length`` (bytes; None: ``context.MAX_FILE_SIZE`` /
    ``MAX_LINE_LENGTH``): an input file over either is refused, a recorded failure.
    """
    run = Run(store, say=on_problem, tick=progress, date=date, repo=repo, max_file_size=max_file_size,
              max_line_length=max_line_length)
    try:
        with collector_paused():
            _run(run, paths, git, since, until, git_paths)
    except IngestInterrupted:
        raise
    except BaseException as exc:
        if is_interrupt(exc):  # Ctrl-C: what was stored before it, as the result
            raise IngestInterrupted(run.result) from exc
        raise
    return run.result


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, and restore it afterwards.

    An ingest allocates hundreds of thousands of small objects that live until the load
    (cells, facts, rows) and makes no reference cycles (a test checks that it leaves no
    cyclic garbage). With the collector on, the growing population triggers full
    collections that scan all of it again and again and free nothing; paused, memory is
    still freed by reference counting. The switch is process-wide: other threads' cycles
    wait for the end of the run.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(run: Run, paths: Iterable[str | Path], git: str | Path | None, since: str | None, until: str | None,
         git_paths: Iterable[str]) -> None:
    result = run.result
    t = time.perf_counter()
    if git is not None:
        with interrupts_deferred():  # see below
            from extractor.ingest.gitwalk import ingest_git
            from extractor.walk import GitOptions

        ingest_git(run, git, GitOptions(since, until, tuple(git_paths), run.repo))
        t = result.lap("walk", t)
    inputs = read_inputs(run, paths)
    first = next(inputs, None)  # the rest are read as they are parsed
    result.lap("read", t)
    walked = git is not None
    if first is None and not walked:
        return
    # The parsing stages load only for new input, and with Ctrl-C held back: a module
    # interrupted while it loads is left half made in sys.modules, and a notebook that goes
    # on would meet it broken.
    with interrupts_deferred():
        from extractor.ingest.files import ingest_files

    ingest_files(run, inputs if first is None else itertools.chain([first], inputs), walked=walked)
