"""Where the commands write: stdout and ``-o`` files, their errors as ``OutputError``.

Data goes to stdout; a broken pipe there (the reader has gone, as ``| head`` does) stays a
``BrokenPipeError``, which ends the command quietly with status 0 (``extractor.cli.errors``).

An ``-o`` file is checked before any work (``check_output``): never the database or a file
beside it that the command reads (its WAL, its ``.seen.json``), however named (``./``, a
symbolic link, a hard link); a symbolic link only with ``--follow-symlinks``; an existing
file only with ``--force``. It is written to a temporary file in the same folder, renamed
over the target once complete (``output_file``): a failed or interrupted write leaves the
target as it was and no half file.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from extractor.cli.errors import ClosedStdout, OutputError, one_line


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


class OutputRefused(Exception):
    """An ``-o`` target the command will not write to (a usage error: exit status 2)."""


def _same_file(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def read_by(db: Path) -> list[Path]:
    """The files a command reading the database ``db`` reads: the database, its WAL and the
    list of what it holds written beside it (``extractor.store.seen``)."""
    return [db, Path(f"{db}.wal"), Path(f"{db}.seen.json")]


def check_output(path: Path, *, reads: list[Path], force: bool, follow_symlinks: bool) -> Path:
    """The file to write for ``-o path``: ``path``, or with ``follow_symlinks`` the file its
    link names. ``OutputRefused`` (in words) when it is one of the files the command
    ``reads``, a symbolic link not to be followed, a folder, or an existing file without
    ``force``."""
    target = path
    if path.is_symlink():
        if not follow_symlinks:
            raise OutputRefused(f"{path} is a symbolic link (to {os.readlink(path)}); give --follow-symlinks "
                                "to write to the file it names, or choose another file")
        target = Path(os.path.realpath(path))
    for read in reads:
        if _same_file(target, read):
            what = "the database" if read == reads[0] else "a file the command reads"
            raise OutputRefused(f"{path} is {what} ({read}); choose another file")
    if target.is_dir():
        raise OutputRefused(f"{path} is a folder")
    if target.exists() and not force:
        raise OutputRefused(f"{path} exists; give --force to overwrite it")
    return target


@contextmanager
def output_file(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """A temporary file beside ``path`` opened for writing, renamed to ``path`` when the block
    ends without error (removed otherwise); its errors (on creating, writing, renaming)
    ``OutputError``."""
    import tempfile  # (only where a file is written: not on every start)

    folder = path.parent
    with writing(path):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with writing(path):
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
            fh = os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"}))
        with writing(path):
            with fh:
                yield fh
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def stdout() -> IO[str]:
    """``sys.stdout``; a closed one (``>&-``) is an ``OutputError``."""
    if sys.stdout is None or isinstance(sys.stdout, ClosedStdout):
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
