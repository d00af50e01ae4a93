"""Input files: folders expanded, and each file's status (size, mtime, inode).

Light on purpose (no DuckDB, no parser): the check that every input is already ingested and
unchanged (``extractor.store.seen``) runs on it before the database is opened.
"""

from __future__ import annotations

import errno
import os
import stat as st
from collections.abc import Iterable, Iterator
from pathlib import Path

from extractor.common import escaped

# A file modified this close to the time its row was recorded is read again: within one
# tick of the file system's clock a change may leave size and modification time alone.
STAT_SLACK_NS = 2_000_000_000

Stat = tuple[int, int, int]  # size, mtime_ns, inode


def expand(paths: Iterable[str | Path], problems: list[tuple[str, str, str]] | None = None) -> Iterator[tuple[Path, bool]]:
    """Files named, and the files below folders named (recursively, hidden ones skipped).

    ``problems`` collects ``(path, severity, message)``: an ``error`` for each folder that
    cannot be read (its files are not there to load) and for each entry of a folder that is
    no regular file (a named pipe, a device, a socket, a broken or looping symbolic link:
    ``not_a_file``), a ``warning`` for a folder named that holds no file to ingest. A path
    named that does not exist is yielded (reading it fails)."""
    for p in map(Path, paths):
        if not p.is_dir():
            yield p, True
            continue
        found: list[Path] = []
        unreadable: list[OSError] = []
        hidden = False
        for root, dirs, files in os.walk(p, onerror=unreadable.append):
            shown = [d for d in dirs if not d.startswith(".")]
            hidden = hidden or len(shown) < len(dirs) or any(f.startswith(".") for f in files)
            dirs[:] = sorted(shown)
            odd: list[tuple[Path, str]] = []
            for f in (Path(root, name) for name in sorted(files) if not name.startswith(".")):
                why = not_a_file(f)
                if why is None:
                    found.append(f)
                else:
                    odd.append((f, why))
            if problems is not None:
                problems += [(str(f), "error", why) for f, why in odd]
        yield from ((f, False) for f in sorted(found))
        if problems is None:
            continue
        for exc in unreadable:
            problems.append((str(exc.filename or p), "error", f"cannot read folder: {exc.strerror or exc}"))
        if not found and not unreadable:
            note = " (hidden files and folders are skipped)" if hidden else ""
            problems.append((str(p), "warning", f"nothing found here: no files to ingest{note}"))


_SPECIAL = ((st.S_ISFIFO, "a named pipe"), (st.S_ISCHR, "a character device"), (st.S_ISBLK, "a block device"),
            (st.S_ISSOCK, "a socket"))


def special(mode: int) -> str | None:
    """What a file of ``mode`` is when it is neither a regular file nor a folder (a named
    pipe, a device, a socket); None for those two."""
    return next((what for test, what in _SPECIAL if test(mode)), None)


def not_a_file(path: Path) -> str | None:
    """Why ``path`` (found in a folder) is not an input: not a regular file, or a symbolic
    link that leads nowhere; None for a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            if exc.errno == errno.ELOOP:
                return "a symbolic link loop: refused"
            return f"a broken symbolic link (to {escaped(os.readlink(path))}): refused"
        return f"cannot read: {exc.strerror or exc}"
    what = special(mode)
    return None if what is None and st.S_ISREG(mode) else f"{what or 'not a regular file'}, not a file: refused"


def file_key(path: Path) -> str:
    """The path ``input_files`` records a file under (bytes that are not UTF-8 escaped)."""
    return escaped(os.path.abspath(path))


def file_stat(path: Path) -> Stat | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino
