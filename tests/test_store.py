"""Store behaviour: idempotent re-ingest, one change through several reports, clear errors."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pytest

import extractor
from extractor.api import SAMPLE_DIR
from extractor.store import Store, StoreError
from extractor.store.db import SCHEMA_VERSION

REPORT = textwrap.dedent("""\
    ---
    date: '2025-03-01'
    permalink: https://github.com/MicrosoftDocs/azure-ai-docs/compare/MicrosoftDocs:aaaaaaa...MicrosoftDocs:bbbbbbb
    summary: {summary}
    title: Diff Insight Report - openai
    ---

    # Summary Table
    |  Filename  | Type |    Title    | Status | A  | D  | M  |
    |------------|------|-------------|--------|----|----|----|
    | [quotas-limits.md](#item-aaaaaa) | minor update | {summary} | modified | 1 | 1 | 2 |

    # Modified Contents
    ## articles/ai-services/openai/quotas-limits.md{{#item-aaaaaa}}

    <details>
    <summary>Diff</summary>
    ````diff
    @@ -10,5 +10,5 @@ Intro
     ### o-series global standard
     Quotas below.
     | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
     |---|---|:---:|:---:|
    -| `o3` | Default | 1 M | 1 K |
    +| `o3` | Default | 2 M | 1 K |
    ````
    </details>

    ### Summary

    ```json
    {{"modification_type": "minor update"}}
    ```

    ### Explanation
    {summary}
    """)


def write_report(path: Path, summary: str = "English prose") -> Path:
    path.write_text(REPORT.format(summary=summary), encoding="utf-8")
    return path


def changes(db: extractor.Extractor) -> list[tuple]:
    return [(r["kind"], r["subject"]["model"], r["attribute"], r["change"], r["old"], r["new"])
            for r in db.records() if r["change"] != "unchanged"]


def test_reingest_is_a_noop(tmp_path: Path) -> None:
    with extractor.connect(tmp_path / "x.duckdb") as db:
        first = db.ingest()
        exported = db.records()
        again = db.ingest()
        assert first.loaded == 2 and first.events_new > 0
        assert again.loaded == 0 and again.skipped_known == 2 and again.events_new == 0
        assert db.records() == exported


def test_one_range_through_two_reports_is_stored_once(tmp_path: Path) -> None:
    a = write_report(tmp_path / "report-ja.md", "日本語の要約")
    b = write_report(tmp_path / "report-en.md", "English summary")
    with extractor.connect(tmp_path / "x.duckdb") as db:
        res = db.ingest([a, b])
        assert res.loaded == 2
        assert changes(db) == [("quota", "o3", "tpm", "changed", 1_000_000, 2_000_000)]
        n_events, n_links = db.sql("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_sources)").iloc[0]
        assert n_links == 2 * n_events
        assert db.sql("SELECT count(*) AS n FROM changes")["n"].iloc[0] == 1
        langs = sorted(db.sql("SELECT language FROM sources")["language"])
        assert langs == ["en_US", "ja"]
        # the export names the source with the smallest file name
        assert {r["source"]["file"] for r in db.records()} == {"report-en.md"}


def test_bad_file_is_recorded_and_others_load(tmp_path: Path) -> None:
    good = write_report(tmp_path / "good.md")
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: no date here\n---\n# Modified Contents\n", encoding="utf-8")
    with extractor.connect(tmp_path / "x.duckdb") as db:
        res = db.ingest([good, bad])
        assert res.loaded == 1
        assert [(Path(f).name, line) for f, line, _ in res.failed] == [("bad.md", 1)]
        errors = db.sql("SELECT path, line, severity FROM errors")
        assert [(Path(p).name, ln, s) for p, ln, s in errors.itertuples(index=False)] == [("bad.md", 1, "error")]
        assert changes(db) == [("quota", "o3", "tpm", "changed", 1_000_000, 2_000_000)]
        # a second run retries the bad file, and records its error once
        db.ingest([good, bad])
        assert db.sql("SELECT count(*) AS n FROM errors")["n"].iloc[0] == 1


def test_broken_hunk_is_an_error_but_the_rest_loads(tmp_path: Path) -> None:
    text = REPORT.format(summary="x").replace("@@ -10,5 +10,5 @@", "@@ -10,9 +10,9 @@")
    path = tmp_path / "short.md"
    path.write_text(text, encoding="utf-8")
    with extractor.connect(tmp_path / "x.duckdb") as db:
        res = db.ingest([path])
        assert res.loaded == 1
        assert len(res.failed) == 1 and "unreadable hunk" in res.failed[0][2]
        assert res.failed[0][1] == text.split("\n").index("@@ -10,9 +10,9 @@ Intro") + 1


def test_newer_schema_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_info VALUES (999, 'extractor', now())")
    con.close()
    with pytest.raises(StoreError, match="newer extractor"):
        Store(path)


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE things (a INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not an extractor database"):
        Store(path)


def test_locked_database_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(30)",
         str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="in use by another process"):
            Store(path)
    finally:
        holder.kill()
        holder.wait()


def test_a_program_that_never_closes_a_new_database_ends_cleanly(tmp_path: Path) -> None:
    # the views of a new database are created in a background thread; exiting must wait for it
    path = tmp_path / "x.duckdb"
    run = subprocess.run([sys.executable, "-c", "import sys, extractor; extractor.connect(sys.argv[1])", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stderr) == (0, "")
    con = duckdb.connect(str(path), read_only=True)
    try:
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    finally:
        con.close()
    assert {"fact_history", "fact_timeline", "event_provenance"} <= views


def test_read_only_open_of_missing_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_sample_ships_with_the_package() -> None:
    assert sorted(p.name for p in SAMPLE_DIR.glob("*.md")) == [
        "report-20250110-sample.md", "report-20250205-sample.md"]


def test_insert_new_keeps_the_first_row_of_a_key_by_load_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.duckdb")
    try:
        rows = {"change_id": ["c1", "c2", "c1", "c3"], "repo": ["late", "b", "early", "c"],
                         "base": [None] * 4, "head": [None] * 4,
                         "observed_at": ["2025-01-01"] * 4, "_pos": [5, 1, 2, 3]}
        assert store.insert_new("changes", rows, ["change_id"], order="_pos") == 3
        assert store.read("SELECT change_id, repo FROM changes ORDER BY change_id").rows() == [
            ("c1", "early"), ("c2", "b"), ("c3", "c")]
        in_order = {"change_id": ["c3", "c4", "c5"], "repo": ["again", "d", "e"], "base": [None] * 3,
                             "head": [None] * 3, "observed_at": ["2025-01-02"] * 3, "_pos": [0, 1, 2]}
        assert store.insert_new("changes", in_order, ["change_id"], order="_pos") == 2  # c3 is stored
        assert store.read("SELECT repo FROM changes WHERE change_id = 'c3'").rows() == [("c",)]
        two_keys = {"change_id": ["c1", "c1", "c1"], "doc": ["a.md", "b.md", "a.md"],
                             "old_doc": [None] * 3, "status": ["modified", "added", "removed"],
                             "added": [1, 2, 3], "deleted": [0, 0, 0], "has_diff": [True] * 3,
                             "source_id": ["s"] * 3, "line": [1, 2, 3], "_pos": [0, 1, 2]}
        assert store.insert_new("doc_changes", two_keys, ["change_id", "doc"], order="_pos") == 2
        assert store.read("SELECT doc, status FROM doc_changes ORDER BY doc").rows() == [("a.md", "modified"), ("b.md", "added")]
    finally:
        store.close()


def test_a_version_5_database_is_migrated_to_plain_keys_with_its_rows(tmp_path: Path) -> None:
    from extractor.paths import sql_dir

    path = tmp_path / "v5.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_info (version INTEGER NOT NULL, app VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
    for n, name in enumerate(["001_init.sql", "002_views.sql", "003_git.sql", "004_layout_side.sql",
                              "005_input_files.sql"], 1):
        con.execute((sql_dir("schemas") / name).read_text(encoding="utf-8"))
        con.execute("INSERT INTO schema_info VALUES (?, 'extractor', now())", [n])
    for table, key in [("sources", "source_id"), ("changes", "change_id"), ("doc_changes", "change_id, doc"),
                       ("events", "event_id"), ("event_sources", "event_id, source_id"),
                       ("unresolved", "change_id, doc, side, doc_line"), ("git_commits", "repo_path, scope, commit_sha")]:
        con.execute(f"ALTER TABLE {table} ADD PRIMARY KEY ({key})")  # as versions 1 to 5 made them
    con.execute("INSERT INTO changes VALUES ('c1', 'o/r', 'aaaaaaa', 'bbbbbbb', DATE '2025-01-10')")
    with pytest.raises(duckdb.ConstraintException):  # version 5 had primary keys
        con.execute("INSERT INTO changes VALUES ('c1', NULL, NULL, NULL, DATE '2025-01-11')")
    con.close()

    store = Store(path)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.read("SELECT * FROM changes").rows() == [("c1", "o/r", "aaaaaaa", "bbbbbbb", dt.date(2025, 1, 10))]
        assert store.read("SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                          "AND table_name <> 'schema_scripts'").rows() == []
        with pytest.raises(duckdb.ConstraintException):  # the keys stay NOT NULL
            store.read("INSERT INTO events (event_id) VALUES (NULL)").rows()
    finally:
        store.close()
    with extractor.connect(path) as db:  # and the views work over the rebuilt tables
        assert db.sql("SELECT count(*) AS n FROM fact_changes")["n"][0] == 0


def test_a_new_database_is_made_with_plain_keys_and_skips_their_repair(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from extractor.store import db as store_db

    ran: dict[int, bool] = {}
    real = store_db._applies

    def spying(con: duckdb.DuckDBPyConnection, text: str) -> bool:
        out = real(con, text)
        m = re.search(r"schema, version (\d+)", text)
        assert m is not None
        ran[int(m.group(1))] = out
        return out

    monkeypatch.setattr(store_db, "_applies", spying)
    store = Store(tmp_path / "new.duckdb")
    try:
        assert store.schema_version() == SCHEMA_VERSION
        assert ran == {1: True, 3: True, 4: True, 5: True, 6: False, 7: True, 8: True, 9: True}  # 2 and 10 are repeatable views
        assert store.read("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                          "AND table_name <> 'schema_scripts'").rows() == [(0,)]
    finally:
        store.close()


def test_insert_new_casts_every_value_to_its_column_type(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.duckdb")
    try:
        n = 3000
        changes = {"change_id": [f"c{i}" for i in range(n)], "repo": [None] * n, "base": ["a"] * n,
                   "head": ["b"] * n, "observed_at": ["2025-01-10"] * (n - 1) + [dt.date(2025, 1, 11)]}
        assert store.insert_new("changes", changes, ["change_id"]) == n  # NULLs only, dates as text and as dates
        assert store.read("SELECT count(repo), min(observed_at), max(observed_at), typeof(any_value(observed_at)) "
                          "FROM changes").rows() == [(0, dt.date(2025, 1, 10), dt.date(2025, 1, 11), "DATE")]
        # a wide integer and a lone text far past the rows DuckDB would otherwise sample to type a column
        files = {"path": [f"/f{i}" for i in range(n)], "size": [1] * (n - 1) + [2**40],
                 "mtime_ns": [2**62] * n, "inode": [7] * n, "sha256": ["h"] * n, "recorded_ns": [0] * n}
        errors = {"source_id": [None] * n, "path": ["p"] * n, "line": [1] * n, "severity": ["error"] * n,
                  "message": [f"m{i}" for i in range(n)], "logged_at": [dt.datetime(2025, 1, 1)] * n}
        errors["source_id"][n - 7] = "s1"
        assert store.insert_new("input_files", files, ["path"]) == n
        assert store.insert_new("errors", errors) == n
        assert store.read("SELECT max(size), max(mtime_ns) FROM input_files").rows() == [(2**40, 2**62)]
        assert store.read("SELECT count(source_id), max(source_id) FROM errors").rows() == [(1, "s1")]
    finally:
        store.close()


def test_an_ingest_runs_duckdb_on_one_thread_and_leaves_the_setting_as_it_was(tmp_path: Path) -> None:
    def threads(d: extractor.Extractor) -> int:
        return int(d.store.con.execute("SELECT current_setting('threads')").fetchone()[0])

    def threshold(d: extractor.Extractor) -> str:
        return str(d.store.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0])

    with extractor.connect(tmp_path / "t.duckdb") as d:
        d.store.con.execute("SET threads = 3")
        default = threshold(d)
        with d.store.bulk_load():
            assert threads(d) == 1
            assert threshold(d) == "3.8 MiB"  # 4 MB: a checkpoint after less log
        assert threads(d) == 3
        assert threshold(d) == default == "16.0 MiB"
        seen: list[int] = []
        insert_new = d.store.insert_new

        def watched(*args: Any, **kwargs: Any) -> int:
            seen.append(threads(d))
            return insert_new(*args, **kwargs)

        d.store.insert_new = watched  # type: ignore[method-assign]
        res = d.ingest()  # the shipped sample
        assert res.events_new > 0 and threads(d) == 3
        assert seen and set(seen) == {1}  # every load of the ingest ran on one thread
