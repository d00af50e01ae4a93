"""Opening a DuckDB database with errors meant for a person: a lock held by another process
(waited for up to ``wait`` seconds), a file that is no database, and a database that can no
longer be written (``store_failure``: a full disk, a folder it may not write)."""

from __future__ import annotations

import os
import re
import time
from typing import Any

import duckdb

from extractor.common import WAIT_ENV, QueryLimit, StoreError
from extractor.store.sandbox import SANDBOX


def default_wait() -> float:
    """``$EXTRACTOR_WAIT`` (seconds to wait for another process's lock), else 0."""
    env = os.environ.get(WAIT_ENV, "").strip()
    if not env:
        return 0.0
    try:
        wait = float(env)
    except ValueError:
        wait = -1.0
    if not wait >= 0:  # also NaN
        raise StoreError(f"${WAIT_ENV}: expected a number of seconds, got {env!r}")
    return wait


_ORIGINAL = re.compile(r'Original error: "(.*)"', re.DOTALL)
_PREFIX = re.compile(r"^(?:[A-Za-z ]*Error: )?(?:Failed(?: to create checkpoint because of error)?: )*")


def store_failure(path: str, exc: BaseException) -> StoreError | None:
    """When ``exc`` is the database itself failing (a full disk, a folder it cannot write, a
    database DuckDB has invalidated), a ``StoreError`` naming the database and the cause in
    words (DuckDB's "Original error", not "database has been invalidated"); else None."""
    if not isinstance(exc, (duckdb.FatalException, duckdb.IOException)):
        return None
    text = str(exc).strip()
    m = _ORIGINAL.search(text)
    cause = (m.group(1) if m else text).strip().splitlines()[0] if text else type(exc).__name__
    return StoreError(f"{path}: cannot write the database: {_PREFIX.sub('', cause)}")


_LOCK_PID = re.compile(r"\(PID (\d+)\)")


def _lock_message(path: str, exc: duckdb.Error, read_only: bool, waited: float) -> str:
    """What a lock held by another process means for this open, in words."""
    msg = str(exc)
    m = _LOCK_PID.search(msg)
    pid = f"process {m.group(1)}" if m else "another process"
    if waited > 0:
        how = f"it was still held after waiting {waited:g} s; retry later, or wait longer with --wait SECONDS"
    else:
        how = f"retry when it has finished, or wait for it with --wait SECONDS (or ${WAIT_ENV})"
    if read_only:  # readers share the file: the holder is a writer
        return f"{path}: an ingest is writing to the database ({pid}); {how}"
    if "read-only mode" in msg:  # DuckDB says a read-only open would work: readers hold it
        return (f"{path}: the database is in use by another process ({pid} is reading it, and an "
                f"ingest needs it to itself); {how}")
    return f"{path}: the database is in use by another process ({pid} is writing to it; one writer at a time); {how}"


def connect(path: str, read_only: bool, wait: float, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open ``path`` (a read-only connection in the sandbox), waiting up to ``wait`` seconds
    while another process holds a conflicting lock."""
    start = time.monotonic()
    delay = 0.05
    config: dict[str, Any] = dict(SANDBOX) if read_only else {}
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=config)
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" not in msg.lower():
                raise StoreError(f"{path}: cannot open the database: {msg.splitlines()[0]}") from exc
            left = wait - (time.monotonic() - start)
            if left <= 0:
                raise StoreError(_lock_message(path, exc, read_only, wait)) from exc
            time.sleep(min(delay, left))
            delay = min(delay * 2, 0.5)
        except duckdb.OutOfMemoryException as exc:
            raise QueryLimit(f"{path}: cannot open the database within the memory limit of {memory_limit} "
                             f"(--memory-limit SIZE): {str(exc).splitlines()[0]}") from exc
        except duckdb.Error as exc:
            raise StoreError(f"{path}: not a DuckDB database, or a damaged one: "
                             f"{str(exc).splitlines()[0]}") from exc
