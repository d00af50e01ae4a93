"""Where the commands write: stdout and ``-o`` files, their errors as ``OutputError``.

Data goes to stdout; a broken pipe there (the reader has gone, as ``| head`` does) stays a
``BrokenPipeError``, which ends the command quietly with status 0 (``extractor.cli.errors``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from extractor.cli.errors import OutputError, one_line


@contextmanager
def writing(target: Path | None) -> Iterator[None]:
    """Turn the OSError of writing ``target`` (None: stdout) into an ``OutputError``; a broken
    pipe on stdout stays a ``BrokenPipeError`` (the reader has gone: not an error)."""
    try:
        yield
    except BrokenPipeError:
        if target is None:
            raise
        raise OutputError(f"cannot write {target}: broken pipe") from None
    except OSError as exc:
        where = "to stdout" if target is None else str(target)
        raise OutputError(f"cannot write {where}: {exc.strerror or one_line(str(exc))}") from exc


@contextmanager
def output_file(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """``path`` opened for writing, its errors (on opening, writing, closing) ``OutputError``."""
    with writing(path), open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
        yield fh


def stdout() -> IO[str]:
    """``sys.stdout``; a closed one (``>&-``) is an ``OutputError``."""
    if sys.stdout is None:
        raise OutputError("cannot write to stdout: it is closed")
    return sys.stdout


def stdout_width() -> int:
    """The width rich gives a console on stdout when it is not a terminal: ``COLUMNS``, else
    the size of the first standard stream that is a terminal, else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def stdout_plain() -> bool:
    """Whether rich would write stdout as plain text: it is not a terminal (nor forced to act
    as one), so no style codes, and the width is ``stdout_width``."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return False
    try:
        return not sys.stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return True
