"""Input files: folders expanded, and each file's status (size, mtime, inode).

Light on purpose (no DuckDB, no parser): the check that every input is already ingested and
unchanged (``extractor.store.seen``) runs on it before the database is opened.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

# A file modified this close to the time its row was recorded is read again: within one
# tick of the file system's clock a change may leave size and modification time alone.
STAT_SLACK_NS = 2_000_000_000

Stat = tuple[int, int, int]  # size, mtime_ns, inode


def expand(paths: Iterable[str | Path], problems: list[tuple[str, str, str]] | None = None) -> Iterator[tuple[Path, bool]]:
    """Files named, and the files below folders named (recursively, hidden ones skipped).

    ``problems`` collects ``(path, severity, message)``: an ``error`` for each folder that
    cannot be read (its files are not there to load), a ``warning`` for a folder named that
    holds no file to ingest. A path that does not exist is yielded (reading it fails)."""
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
            found += [f for f in (Path(root, name) for name in files if not name.startswith(".")) if f.is_file()]
        yield from ((f, False) for f in sorted(found))
        if problems is None:
            continue
        for exc in unreadable:
            problems.append((str(exc.filename or p), "error", f"cannot read folder: {exc.strerror or exc}"))
        if not found and not unreadable:
            note = " (hidden files and folders are skipped)" if hidden else ""
            problems.append((str(p), "warning", f"nothing found here: no files to ingest{note}"))


def file_key(path: Path) -> str:
    """The path ``input_files`` records a file under."""
    return os.path.abspath(path)


def file_stat(path: Path) -> Stat | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino
