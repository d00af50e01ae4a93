"""The statements an ingest runs, behind one function each: no other module writes SQL for it.

Reading what the layout memory, the change matcher and the skip checks need; loading a
batch of sources (with the rows of changes read again replacing their old ones); recording
errors, warnings, input files and walked commits; choosing the stored changes to read again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from extractor.common import escaped
from extractor.store.db import Store

# --- what an ingest reads ---------------------------------------------------------------------


def _rows(store: Store, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows of ``sql``, read from the tables (not waiting for the views being created)."""
    return store.read(sql, params, tables_only=True).rows()


def layout_rows(store: Store) -> list[tuple[Any, ...]]:
    """Remembered tables: doc, header_json, ncols, line_no, headings_json, lead, source_id,
    observed_at (text), side."""
    return _rows(store, "SELECT doc, header_json, ncols, line_no, headings_json, lead, source_id, "
                      "CAST(observed_at AS VARCHAR) AS observed_at, side FROM layouts")


def heading_rows(store: Store) -> list[tuple[Any, ...]]:
    """Remembered headings: doc, line_no, level, text, source_id, side, and the observed date of
    their source ('' when unknown)."""
    return _rows(store, "SELECT h.doc, h.line_no, h.level, h.text, h.source_id, h.side, "
                      "coalesce(CAST(s.observed_at AS VARCHAR), '') FROM headings h LEFT JOIN sources s USING (source_id)")


def change_rows(store: Store) -> list[tuple[Any, ...]]:
    """Known changes: change_id, repo, base, head."""
    return _rows(store, "SELECT change_id, repo, base, head FROM changes")


def parent_rows(store: Store) -> list[tuple[Any, ...]]:
    """Known first parents: (commit, parent) of walked commits and of patches that name one."""
    return (_rows(store, "SELECT commit_sha, parent_sha FROM git_commits")
            + _rows(store, "SELECT head, base FROM sources WHERE kind IN ('git', 'patch') AND base IS NOT NULL"))


def trusted_files(store: Store, slack_ns: int) -> list[tuple[Any, ...]]:
    """Input files recorded at least ``slack_ns`` after their modification: path, size,
    mtime_ns, inode, sha256 (of a path recorded more than once, the latest last)."""
    return _rows(store, "SELECT path, size, mtime_ns, inode, sha256 FROM input_files "
                      "WHERE mtime_ns + ? < recorded_ns ORDER BY path, recorded_ns", [slack_ns])


def walked_changes(store: Store) -> set[str]:
    """Changes a git walk has read whole."""
    return {r[0] for r in _rows(store, "SELECT DISTINCT change_id FROM sources WHERE kind = 'git'")}


def last_walked(store: Store, repo_path: str, scope: str) -> tuple[str, int] | None:
    """The last commit recorded for a walk of ``repo_path`` and ``scope``, and its place."""
    rows = _rows(store, "SELECT commit_sha, seq FROM git_commits WHERE repo_path = ? AND scope = ? "
                      "ORDER BY seq DESC LIMIT 1", [repo_path, scope])
    return (rows[0][0], int(rows[0][1])) if rows else None


# --- stored changes to read again ---------------------------------------------------------------


def changes_showing(store: Store, docs: Sequence[str]) -> list[tuple[Any, ...]]:
    """(change_id, doc) of every stored change that shows a diff of one of ``docs``."""
    marks = ", ".join("?" for _ in docs)
    return _rows(store, f"SELECT DISTINCT change_id, doc FROM doc_changes WHERE has_diff AND doc IN ({marks})",
                      list(docs))


def sources_of(store: Store, change_ids: Sequence[str]) -> list[tuple[Any, ...]]:
    """(source_id, path, change_id, observed_at) of the file sources of ``change_ids``."""
    marks = ", ".join("?" for _ in change_ids)
    return _rows(store, f"SELECT source_id, path, change_id, CAST(observed_at AS VARCHAR) FROM sources "
                      f"WHERE kind <> 'git' AND change_id IN ({marks}) ORDER BY path, source_id", list(change_ids))


# --- what an ingest writes ----------------------------------------------------------------------


def forget(store: Store, change_id: str, doc: str) -> None:
    """Drop what a change said about a document, before its sources' new rows are loaded."""
    store.con.execute("DELETE FROM event_sources WHERE event_id IN "
                      "(SELECT event_id FROM events WHERE change_id = ? AND doc = ?)", [change_id, doc])
    store.con.execute("DELETE FROM events WHERE change_id = ? AND doc = ?", [change_id, doc])
    store.con.execute("DELETE FROM unresolved WHERE change_id = ? AND doc = ?", [change_id, doc])


def load(store: Store, replace: Iterable[tuple[str, str]], tables: Mapping[str, Any],
         keys: Mapping[str, Sequence[str] | None], headings: list[dict[str, Any]]) -> int:
    """Load whole sources in one transaction: what the changes in ``replace`` said of their
    documents goes first; each table of ``keys`` (in that order) gets its new rows
    (``tables``: columns with a ``_pos`` load order; ``headings``: dict rows); a change
    shown by ranges sharing a head is stored once. Returns the number of new events."""
    with store.bulk_load(), store.transaction():
        new_events = 0
        for change_id, doc in dict.fromkeys(replace):
            forget(store, change_id, doc)
        for table, key in keys.items():
            if table == "headings":
                n = store.insert_rows(table, headings, key=key)
            else:
                n = store.insert_new(table, tables.get(table), key=key, order="_pos")
            if table == "events":
                new_events = n
        return new_events - store.merge_shared_heads()


def record_error(store: Store, path: str, source_id: str | None, line: int | None, message: str) -> None:
    """An input that failed, once per path, message and source."""
    now = datetime.now(UTC).replace(tzinfo=None)
    path = escaped(path)
    exists = _rows(store, "SELECT 1 FROM errors WHERE path = ? AND message = ? AND source_id IS NOT DISTINCT FROM ?",
                        [path, message, source_id])
    if not exists:
        store.con.execute("INSERT INTO errors VALUES (?, ?, ?, 'error', ?, ?)", [source_id, path, line, message, now])


def record_warning(store: Store, path: str, message: str, now: datetime) -> None:
    store.insert_rows("errors", [{"source_id": None, "path": path, "line": None,
                                  "severity": "warning", "message": message, "logged_at": now}])


def record_files(store: Store, rows: list[dict[str, Any]]) -> None:
    """Files fully ingested (path, size, mtime_ns, inode, sha256, recorded_ns)."""
    with store.bulk_load(), store.transaction():
        store.insert_rows("input_files", rows, key=["path", "size", "mtime_ns", "inode", "sha256"])


def record_commits(store: Store, rows: list[dict[str, Any]]) -> None:
    """Walked commits already stored: their ``git_commits`` rows."""
    store.insert_rows("git_commits", rows, key=["repo_path", "scope", "commit_sha"])
