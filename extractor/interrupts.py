"""Ctrl-C held back while native modules load, and the exit status of an interrupted command.

Used by the console script's entry point (``extractor.entry``) and by the command line
(``extractor.cli``), which both sit above it.
"""

from __future__ import annotations

import signal
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
