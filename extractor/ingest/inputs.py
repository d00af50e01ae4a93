"""Inputs stage: expand the paths named, read and hash each file, skip what is already stored.

A file whose path, size, modification time and inode match a file ingested before is not
even read (``input_files``); one whose hash is stored is read and skipped; one found in a
folder that is neither report nor patch is counted and skipped; one that cannot be read is
a failed input with its reason. What stays is an ``Input`` per new file, in command-line
order, handed on one at a time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import select
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.ingest.context import Run
from extractor.sources.detect import kind_of_head
from extractor.sources.found import STAT_SLACK_NS, Stat, expand, file_key, file_stat, special
from extractor.sources.problems import SourceError
from extractor.store import ingest as sql

if TYPE_CHECKING:
    from extractor.sources.base import Source

log = logging.getLogger("extractor")

@dataclass
class Input:
    """A new input file (not ingested before), read and hashed, in command-line order."""

    idx: int
    path: Path
    explicit: bool  # named on the command line (vs found in a folder)
    data: bytes
    source_id: str
    stat: Stat | None = None  # size, mtime_ns, inode when read


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_ids(data: bytes, sid: str, sources: list[Source]) -> list[str]:
    """The ids of the sources one file gives: the file's hash when it gives one source,
    else a hash of the file and each commit (``git log -p`` with several commits)."""
    if len(sources) == 1:
        return [sid]
    return [sha256(data + f"\x00{k}\x00{s.meta.head or ''}".encode()) for k, s in enumerate(sources)]


def read_source(path: Path, text: str, *, date: str | None = None) -> Source | list[Source] | None:
    """Tell what ``text`` is by its content and parse it; None when it is no diff at all.

    A patch holding several commits gives a list, one source per commit (``source_ids``)."""
    from extractor.sources import detect

    return detect.parse(path, text, date=date)


def source_again(path: Path, source_id: str, *, date: str | None = None) -> Source | None:
    """The source ``source_id`` of the file at ``path``, read and parsed again; None when the
    file is gone or unreadable, or no longer gives that source (it changed since)."""
    try:
        data = path.read_bytes()
        parsed = read_source(path, decode(data, path), date=date)
    except Exception:  # it was read once; whatever fails now is told by the None
        log.debug("cannot read %s again", path, exc_info=True)
        return None
    sources = parsed if isinstance(parsed, list) else [parsed] if parsed is not None else []
    for source, sid in zip(sources, source_ids(data, sha256(data), sources), strict=True):
        if sid == source_id:
            return source
    return None


def decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"not UTF-8 text (byte {exc.start})", str(path), line) from exc


def read_inputs(run: Run, paths: Iterable[str | Path]) -> Iterator[Input]:
    """The new inputs among ``paths``, one at a time: read and hashed, those already ingested
    (or read earlier in this run) counted and left out, unreadable files and folders
    recorded once the last path is done.

    Lazy, so that a file's bytes are read just before it is parsed and let go right after
    (held all at once, the bytes of the whole input were most of what grew with it)."""
    problems: list[tuple[str, str, str]] = []
    seen: list[dict[str, Any]] = []
    yield from _read_files(run, expand(paths, problems), seen)
    for path, severity, msg in problems:  # folders that cannot be read, or that hold nothing
        if severity == "error":
            run.result.files += 1
            run.fail_msg(path, None, msg)
        else:
            run.warn(path, msg)
    record_files(run, seen)


def _read_files(run: Run, files: Iterable[tuple[Path, bool]], seen: list[dict[str, Any]]) -> Iterator[Input]:
    """Read and hash each file (see ``read_inputs``); ``seen`` collects ``input_files``
    rows for known files that had none."""
    stats = _trusted_files(run)
    known, result = run.known, run.result
    count = 0
    for path, explicit in files:
        result.files += 1
        refused = _refused(path, run.max_file_size)
        if refused is not None:
            run.tick(1, "parse")
            run.fail_msg(str(path), None, refused)
            continue
        stat = file_stat(path)
        cached = stats.get(file_key(path)) if stat is not None else None
        if cached is not None and cached[:3] == stat and cached[3] in known:
            run.tick(1, "parse")
            result.skipped_known += 1
            continue
        try:
            data = path.read_bytes() if stat is not None and path.is_file() else _read_pipe(path, run.max_file_size)
        except OSError as exc:
            run.tick(1, "parse")
            run.fail_msg(str(path), None, f"cannot read: {exc.strerror or exc}")
            continue
        over = _over_limits(data, run.max_file_size, run.max_line_length)
        if over is not None:
            run.tick(1, "parse")
            run.fail_msg(str(path), None, over[1], over[0])
            continue
        sid = sha256(data)
        if sid in known:
            run.tick(1, "parse")
            result.skipped_known += 1
            if stat is not None:
                seen.append(file_row(path, stat, sid))
            continue
        if not explicit and kind_of_head(data) is None:
            run.tick(1, "parse")
            encoding = _utf16(data)
            if encoding is not None:  # a report or patch, in an encoding that is not read
                run.fail_msg(str(path), None, f"{encoding} text, not UTF-8: convert it to UTF-8 to ingest it")
                continue
            result.skipped_other.append(str(path))  # found in a folder and neither report nor patch (a README, an image)
            continue
        known.add(sid)
        yield Input(count, path, explicit, data, sid, stat)
        count += 1


def _utf16(data: bytes) -> str | None:
    """``UTF-16`` when ``data`` is a report or a patch written in UTF-16 (with its byte order
    mark); None otherwise."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                head = data[2:4098].decode(codec, errors="ignore").encode("utf-8")
            except UnicodeError:
                return None
            return "UTF-16" if kind_of_head(head) is not None else None
    return None


def _size(n: int) -> str:
    return f"{n:,} bytes"


def _refused(path: Path, max_size: int) -> str | None:
    """Why ``path`` is refused before it is read: a device or a socket (a named pipe named on
    the command line is read, up to the size limit), or a file over the size limit."""
    try:
        info = path.stat()
    except OSError:
        return None  # reading it tells why
    what = special(info.st_mode)
    if what is not None and what != "a named pipe":
        return f"{what}, not a file: refused"
    if what is None and info.st_size > max_size:
        return f"{_size(info.st_size)}, over the input limit of {_size(max_size)} (--max-file-size): refused"
    return None


PIPE_WAIT = 30.0  # seconds a named pipe may stay silent (no writer, nothing written) before it is refused


def _read_pipe(path: Path, max_size: int) -> bytes:
    """What a named pipe gives, up to one byte past ``max_size`` (then refused). A pipe that
    no writer opens, or whose writer writes nothing, for ``PIPE_WAIT`` seconds is refused
    (OSError) instead of holding the database for ever."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening does not wait for a writer
    try:
        if not select.select([fd], [], [], PIPE_WAIT)[0]:
            raise OSError(f"a named pipe with nothing written to it in {PIPE_WAIT:g} s: refused")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(max_size + 1)
    finally:
        os.close(fd)


def _over_limits(data: bytes, max_size: int, max_line: int) -> tuple[int | None, str] | None:
    """(line, reason) when ``data`` is over the size limit or holds a line over the line limit."""
    if len(data) > max_size:
        return None, f"more than {_size(max_size)}, the input limit (--max-file-size): refused"
    if len(data) <= max_line:
        return None
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > max_line:
            line = data.count(b"\n", 0, start) + 1
            return line, (f"a line of {_size(end - start)}, over the line limit of {_size(max_line)} "
                          "(--max-line-length): refused")
        start = end + 1
    return None


def _trusted_files(run: Run) -> dict[str, tuple[int, int, int, str]]:
    """Files ingested before whose status can be trusted: path -> (size, mtime_ns, inode, sha256)."""
    rows = sql.trusted_files(run.store, STAT_SLACK_NS)
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]), r[4]) for r in rows}


def file_row(path: Path, stat: Stat, sid: str) -> dict[str, Any]:
    return {"path": file_key(path), "size": stat[0], "mtime_ns": stat[1], "inode": stat[2], "sha256": sid,
            "recorded_ns": time.time_ns()}


def record_files(run: Run, rows: list[dict[str, Any]]) -> None:
    """Remember files fully ingested, so that the next run skips them unread."""
    if not rows:
        return
    try:
        sql.record_files(run.store, rows)
    except Exception:  # only a cache: the next run reads the files again
        log.debug("cannot record input files", exc_info=True)
