"""Ctrl-C held back while native modules load, and the exit status of an interrupted command.

Used by the console script's entry point (``extractor.entry``), by the command line
(``extractor.cli``), and by the ingest, whose recovery from a failed load must not take
Ctrl-C for a failure (``reraise_interrupt``).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

EXIT_INTERRUPTED = 130


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT back for the block; one that came meanwhile is raised as KeyboardInterrupt
    at its end. Outside the main thread (where signals cannot be handled) a plain block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []

    def hold(signum: int, frame: Any) -> None:
        came.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if came:
        raise KeyboardInterrupt


def is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is Ctrl-C: a KeyboardInterrupt, or what DuckDB makes of one raised inside
    a query (its ``InterruptException``, or a RuntimeError saying the query was interrupted)."""
    duckdb = sys.modules.get("duckdb")  # an exception of DuckDB's only once it is loaded
    interrupts = (KeyboardInterrupt,) if duckdb is None else (KeyboardInterrupt, duckdb.InterruptException)
    return (isinstance(exc, interrupts)
            or (isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower()))


def reraise_interrupt(exc: BaseException) -> None:
    """Raise KeyboardInterrupt when ``exc`` is Ctrl-C (``is_interrupt``): code that recovers
    from a failure does not recover from being asked to stop."""
    if is_interrupt(exc):
        raise KeyboardInterrupt from exc
