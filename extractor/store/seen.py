"""What an ingest can tell without opening the database: which input files it already holds.

When a writable store closes, the files it holds as ingested and trusted (``input_files``
rows of stored sources, recorded well after the file's last change: see
``extractor.sources.found.STAT_SLACK_NS``) are written beside it, with the database file's
own status, to ``<database>.seen.json``. An ingest whose every input is listed there with
the same size, modification time and inode (or, found in a folder, is no diff at all by
its first 8 KB), while the database file is unchanged (same status, no write-ahead log),
is the run that would skip every file: it reports so without loading DuckDB (about 0.3 s
of a 0.35 s run; ``extractor.api.ingested_already``). Anything else (a file not listed or
changed, a database written since, an unreadable or missing list) takes the ordinary
path. Only a cache: deleting it costs one ordinary run.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from extractor.sources.found import Stat, file_stat

log = logging.getLogger("extractor")

VERSION = 1


def seen_path(db: str | Path) -> Path:
    return Path(f"{db}.seen.json")


def _db_state(db: str | Path) -> Stat | None:
    """The database file's status, or None when it is missing or has a write-ahead log."""
    if Path(f"{db}.wal").exists():
        return None
    return file_stat(Path(db))


def write(db: str | Path, files: Iterable[tuple[str, int, int, int]]) -> None:
    """After the store at ``db`` closed: record ``files`` (path, size, mtime_ns, inode)."""
    out = seen_path(db)
    try:
        state = _db_state(db)
        if state is None:
            out.unlink(missing_ok=True)
            return
        text = json.dumps({"version": VERSION, "db": list(state),
                           "files": {p: [s, m, i] for p, s, m, i in files}})
        tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError:
        log.debug("cannot write %s", out, exc_info=True)


def listed(db: str | Path) -> dict[str, Stat] | None:
    """The files the database at ``db`` holds (path key -> status), or None when the list is
    missing, unreadable or older than the database file."""
    try:
        data = json.loads(seen_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    state = _db_state(db)
    if state is None or data.get("db") != list(state):
        return None
    return {k: tuple(v) for k, v in (data.get("files") or {}).items()}
