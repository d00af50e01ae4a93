"""What the command line needs before DuckDB is loaded: the library's exceptions, the store's
environment variables and its default path (``extractor.store.db`` re-exports them), and
``debug`` for the modules of a command's start.

Kept free of heavy imports, so that ``extract --version`` and ``--help`` start fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

WAIT_ENV = "EXTRACTOR_WAIT"


class StoreError(RuntimeError):
    """A database that cannot be used, with a message meant for a person."""


class SqlRefused(ValueError):
    """A statement a read-only (sandboxed) connection does not run, with the reason."""


class QueryLimit(StoreError):
    """A query stopped by its time limit or its memory limit, in words."""


class QueryError(ValueError):
    """A named query that does not exist, a bad parameter, or a malformed query file."""


def escaped(name: str) -> str:
    """A file name as UTF-8 text that can be stored and printed: a name from the file system
    may hold bytes that are not UTF-8 (Python keeps them as surrogates), which are written
    ``\\xNN``, so that ``latin1-\\xe9.md`` is recorded and shown as such."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def default_db_path() -> Path:
    """``$EXTRACTOR_DB``, else ``$XDG_DATA_HOME/extractor/facts.duckdb``."""
    env = os.environ.get("EXTRACTOR_DB")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "extractor" / "facts.duckdb"


def debug(msg: str, *args: object, exc_info: bool = False) -> None:
    """Log a debug message to the ``extractor`` logger, for the modules every command starts
    with: they do not import logging (about 10 ms of a start that is 0.1 s in all). The
    message can only be shown once logging is set up (``extract -v``), which imports it."""
    if "logging" in sys.modules:
        import logging

        logging.getLogger("extractor").debug(msg, *args, exc_info=exc_info)


def sql_error_text(exc: BaseException) -> str:
    """A DuckDB error as one line: its first line, with the hint DuckDB gives on the lines after
    it kept (``Candidate bindings: ...``, ``Did you mean ...``)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    hints = [line for line in lines[1:] if line.lower().startswith(("candidate bindings", "did you mean", "candidate "))]
    return "; ".join([lines[0], *hints])
