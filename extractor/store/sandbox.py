"""The sandbox of a read-only store: which statements it runs, and DuckDB's refusals in words.

A read-only connection is opened with the settings ``SANDBOX`` (external access disabled,
configuration locked); ``check_read_only`` refuses statements other than queries before
DuckDB sees them, and ``refusal`` tells what DuckDB itself stopped.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb

from extractor.common import SqlRefused

# The settings of a read-only connection, given when it is opened: the database file
# itself stays readable, nothing else is: no temporary folder (``<db>.tmp/``, which DuckDB
# would allow reading and listing; a query past the memory limit fails rather than spill)
# and no folder of the host named in the settings (``duckdb_settings()`` shows the database's
# own files only). ``lock_configuration`` comes into force last, so that no SET, RESET or
# PRAGMA can change any setting afterwards.
SANDBOX: dict[str, Any] = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,
    "lock_configuration": True,
    "temp_directory": "",
    "secret_directory": "none",
}
# Statements a read-only connection runs (DuckDB's statement types): queries only. DESCRIBE,
# SHOW, SUMMARIZE, WITH, VALUES, FROM and PIVOT-free UNPIVOT are SELECTs to DuckDB.
READ_STATEMENTS = ("SELECT", "EXPLAIN", "PRAGMA", "CALL")


_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+(?:ANALYZE\s+|\([^)]*\)\s*)?", re.IGNORECASE)


def _first_words(text: str) -> str:
    words = _COMMENTS.sub(" ", text).split()
    if not words:
        return "an empty statement"
    two = " ".join(words[:2]).upper()
    return two if two in ("EXPORT DATABASE", "IMPORT DATABASE", "FORCE INSTALL", "UPDATE EXTENSIONS") else words[0].upper()


def _types(sql: str) -> list[tuple[str, str]]:
    """``(statement type, text)`` of each statement of ``sql``; a type this DuckDB's Python
    client cannot name is ``UNKNOWN``. Syntax errors raise DuckDB's ``ParserException``."""
    out = []
    for st in duckdb.extract_statements(sql):
        try:
            kind = st.type.name
        except ValueError:
            kind = "UNKNOWN"
        out.append((kind, st.query))
    return out


def check_read_only(sql: str) -> None:
    """Raise ``SqlRefused`` unless every statement of ``sql`` is a query (``READ_STATEMENTS``;
    the statement that ``EXPLAIN`` explains must be a SELECT too). Syntax errors are DuckDB's."""
    statements = _types(sql)
    if not statements:
        raise SqlRefused("no SQL statement given")
    for kind, text in statements:
        if kind == "EXPLAIN":
            inner = _EXPLAIN.sub("", _COMMENTS.sub(" ", text), count=1)
            try:
                inner_types = [k for k, _ in _types(inner)]
            except duckdb.Error:
                inner_types = ["SELECT"]  # not separable: DuckDB's sandbox still holds
            if any(t != "SELECT" for t in inner_types):
                kind, text = next(t for t in inner_types if t != "SELECT"), inner
        if kind == "SET":
            raise SqlRefused(f"{_first_words(text)} is not allowed: the settings of this connection are locked "
                             "(it only reads the database)")
        if kind not in READ_STATEMENTS:
            raise SqlRefused(f"{_first_words(text)} is not allowed: this connection only reads the database "
                             "(it runs queries: SELECT, WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, PRAGMA, CALL)")


def refusal(exc: duckdb.Error) -> str | None:
    """The reason, when DuckDB refused a statement because of the sandbox; else None."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = re.sub(r"^[A-Za-z ]*Error: ", "", first)
    if isinstance(exc, duckdb.PermissionException):
        return f"{text} (this connection may read the database and nothing else)"
    if "configuration has been locked" in first or "while database is running" in first:
        return f"{text} (the settings of this connection are locked)"
    if "attached in read-only mode" in first or "in read-only mode" in first:
        return f"{text} (this connection only reads the database)"
    return None
