"""The patch source: unified diffs and patches written here, ingested, their exact events asserted.

Covers ``git diff``, ``git log -p`` with two commits (each dated by its own header),
``git format-patch`` mails, a compare page's ``.diff``, renames, new and deleted files,
binary markers, ``\\ No newline at end of file``, CRLF, and patches with no date (an error
naming the file, unless ``--date`` is given).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import QUOTAS, RETIREMENTS, av, change_tuples, changes, hunk, q, ret

import extractor
from extractor.cli import main
from extractor.sources.patch import parse_header_date, parse_patch, unquote_path

MATRIX = "articles/ai-services/openai/includes/model-matrix/standard-global.md"
HEADER = "| Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |"

QUOTA_HUNK = hunk("""
     ### o-series global standard
    .
     | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
     |---|---|:---:|:---:|
    -| `o3-mini` | Enterprise agreement | 50 M | 5 K |
    +| `o3-mini` | Enterprise agreement | 60 M | 5 K |
    +| `o4-mini` | Default | 1 M | 100 |
     | `o3-mini` | Default | 5 M | 500 |
""", old=20)

QUOTA_CHANGES = sorted([
    ("quota", q("o3-mini", "global-standard", "enterprise"), "tpm", "changed", 50000000, 60000000, None),
    ("quota", q("o4-mini", "global-standard", "default"), "tpm", "added", None, 1000000, None),
    ("quota", q("o4-mini", "global-standard", "default"), "rpm", "added", None, 100, None),
], key=repr)

RETIRE_HUNK = hunk("""
     | Model | Version | Retirement date | Suggested replacements |
     | ---- | ---- | ---- | --- |
    -| `gpt-4o` | 2024-05-13 | No earlier than March 31, 2025 | `gpt-4o` (2024-11-20) |
    +| `gpt-4o` | 2024-05-13 | No earlier than May 20, 2025 | `gpt-4o` (2024-11-20) |
""", old=5)

RETIRE_CHANGES = [("retirement", ret("gpt-4o", "2024-05-13"), "retirement_date", "changed", "2025-03-31",
                   "2025-05-20", "no-earlier-than")]


def git_file(path: str, *hunks: str, old: str | None = None, extra: tuple[str, ...] = ()) -> str:
    """One file of a ``git diff``: header, ``index`` line, ``---``/``+++`` and hunks."""
    old = old or path
    return "\n".join([f"diff --git a/{old} b/{path}", *extra, "index 1111111..2222222 100644",
                      f"--- a/{old}", f"+++ b/{path}", *hunks])


def write(tmp_path: Path, name: str, text: str, newline: str = "\n") -> Path:
    p = tmp_path / name
    p.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return p


def ingest(tmp_path: Path, *files: Path, **kw: Any) -> Any:
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest(list(files), **kw)
    assert res.ok, res.failed
    return db


def dated(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in db.records():
        out.setdefault(r["observed_at"], []).append(r)
    return {d: change_tuples(rs) for d, rs in sorted(out.items()) if change_tuples(rs)}


# --- git diff and dates -----------------------------------------------------------------------------


def test_git_diff_without_a_date_fails_naming_the_file(tmp_path: Path) -> None:
    p = write(tmp_path, "change.diff", git_file(QUOTAS, QUOTA_HUNK) + "\n")
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest([p])
    assert not res.ok
    path, line, reason = res.failed[0]
    assert path == str(p) and line == 1 and "no date" in reason and "--date" in reason
    assert db.records() == []
    errors = db.sql("SELECT path, message FROM errors")
    assert list(errors["path"]) == [str(p)]


def test_git_diff_with_date(tmp_path: Path) -> None:
    p = write(tmp_path, "change.diff", git_file(QUOTAS, QUOTA_HUNK) + "\n")
    db = ingest(tmp_path, p, date="2025-06-01")
    assert dated(db) == {"2025-06-01": QUOTA_CHANGES}
    rec = next(r for r in db.records() if r["change"] == "changed")
    assert rec["source"] == {"file": "change.diff", "line": 11, "repo": None, "base": None, "head": None}
    assert rec["doc"] == QUOTAS


def test_cli_no_date_exits_1_and_date_option_works(tmp_path: Path) -> None:
    p = write(tmp_path, "change.diff", git_file(QUOTAS, QUOTA_HUNK) + "\n")
    runner = CliRunner()
    res = runner.invoke(main, ["--db", str(tmp_path / "x.duckdb"), "ingest", str(p)])
    assert res.exit_code == 1 and f"{p}:1" in res.stderr and "--date" in res.stderr
    res = runner.invoke(main, ["--db", str(tmp_path / "x.duckdb"), "ingest", "--date", "2025-06-01", str(p)])
    assert res.exit_code == 0, res.output


# --- git log -p ----------------------------------------------------------------------------------------

LOG = f"""commit 2222222222222222222222222222222222222222
Author: A U Thor <a@example.com>
Date:   Thu Jun 12 18:30:00 2025 -0700

    Move the gpt-4o retirement

{git_file(RETIREMENTS, RETIRE_HUNK)}

commit 1111111111111111111111111111111111111111
Author: A U Thor <a@example.com>
Date:   Tue Jun 10 09:00:00 2025 +0200

    Raise o3-mini quota

    commit 0123456 in a message is not a header: it is indented.

{git_file(QUOTAS, QUOTA_HUNK)}
"""


def test_git_log_p_gives_one_source_per_commit_dated_by_its_header(tmp_path: Path) -> None:
    p = write(tmp_path, "history.patch", LOG)
    db = ingest(tmp_path, p, date="2001-01-01")  # --date is only for patches that carry none
    assert dated(db) == {"2025-06-10": QUOTA_CHANGES, "2025-06-12": RETIRE_CHANGES}  # the date as written
    sources = db.sql("SELECT kind, head, base, change_id, title, CAST(observed_at AS VARCHAR) AS d "
                     "FROM sources ORDER BY d")
    assert list(sources["kind"]) == ["patch", "patch"]
    assert list(sources["head"]) == ["1111111", "2222222"]
    assert list(sources["change_id"]) == ["@1111111^...1111111", "@2222222^...2222222"]
    assert list(sources["title"]) == ["Raise o3-mini quota", "Move the gpt-4o retirement"]
    again = extractor.connect(tmp_path / "x.duckdb").ingest([p])
    assert again.loaded == 0 and again.events_new == 0  # both commits known


def test_git_log_with_parents_and_fuller_dates(tmp_path: Path) -> None:
    text = f"""commit 3333333333333333333333333333333333333333 4444444444444444444444444444444444444444
Author:     A U Thor <a@example.com>
AuthorDate: Mon Jun 2 10:00:00 2025 +0000
Commit:     C O Mitter <c@example.com>
CommitDate: Wed Jun 4 10:00:00 2025 +0000

    Raise o3-mini quota

{git_file(QUOTAS, QUOTA_HUNK)}
"""
    db = ingest(tmp_path, write(tmp_path, "one.patch", text), repo="MicrosoftDocs/azure-ai-docs")
    assert dated(db) == {"2025-06-04": QUOTA_CHANGES}  # the commit date, not the author date
    src = db.sql("SELECT repo, base, head, change_id FROM sources").iloc[0].to_dict()
    assert src == {"repo": "MicrosoftDocs/azure-ai-docs", "base": "4444444", "head": "3333333",
                   "change_id": "MicrosoftDocs/azure-ai-docs@4444444...3333333"}


# --- format-patch ---------------------------------------------------------------------------------------

SIGNATURE = "-- \n2.39.5"  # a mail signature: "-- " is no diff line

MAIL = f"""From 5555555555555555555555555555555555555555 Mon Sep 17 00:00:00 2001
From: A U Thor <a@example.com>
Date: Tue, 10 Jun 2025 09:00:00 +0200
Subject: [PATCH 1/2] Raise o3-mini quota and
 add o4-mini

Body text.
---
 articles/ai-services/openai/quotas-limits.md | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

{git_file(QUOTAS, QUOTA_HUNK)}
{SIGNATURE}


From 6666666666666666666666666666666666666666 Mon Sep 17 00:00:00 2001
From: A U Thor <a@example.com>
Date: Thu, 12 Jun 2025 18:30:00 -0700
Subject: [PATCH 2/2] Move the gpt-4o retirement

---
{git_file(RETIREMENTS, RETIRE_HUNK)}
{SIGNATURE}
"""


def test_format_patch_mails(tmp_path: Path) -> None:
    db = ingest(tmp_path, write(tmp_path, "0001-series.patch", MAIL))
    assert dated(db) == {"2025-06-10": QUOTA_CHANGES, "2025-06-12": RETIRE_CHANGES}
    titles = list(db.sql("SELECT title FROM sources ORDER BY observed_at")["title"])
    assert titles == ["Raise o3-mini quota and add o4-mini", "Move the gpt-4o retirement"]
    assert db.sql("SELECT count(*) AS n FROM errors")["n"][0] == 0  # the "-- " signature is no diff line


def test_single_mail_is_one_source(tmp_path: Path) -> None:
    one = MAIL.split("\n\n\nFrom ")[0] + "\n"
    db = ingest(tmp_path, write(tmp_path, "0001.patch", one))
    assert dated(db) == {"2025-06-10": QUOTA_CHANGES}
    assert list(db.sql("SELECT head FROM sources")["head"]) == ["5555555"]


# --- a compare page's .diff: new, deleted, renamed, binary ---------------------------------------------

NEW_MATRIX = hunk("""
    +| **Region** | **gpt-4o**, **2024-11-20** | **o1**, **2024-12-17** |
    +|:---|:---:|:---:|
    +| eastus | ✅ | - |
    +| swedencentral | ✅ | ✅ |
""", old=0, new=1)

GONE = "articles/ai-services/openai/includes/model-matrix/datazone-standard.md"
GONE_HUNK = hunk("""
    -| **Region** | **gpt-4o**, **2024-11-20** |
    -|:---|:---:|
    -| westeurope | ✅ |
""", old=1, new=0)

COMPARE = "\n".join([
    git_file(MATRIX, NEW_MATRIX, extra=("new file mode 100644",)).replace("--- a/" + MATRIX, "--- /dev/null"),
    git_file(GONE, GONE_HUNK, extra=("deleted file mode 100644",)).replace("+++ b/" + GONE, "+++ /dev/null"),
    "diff --git a/articles/media/diagram.png b/articles/media/diagram.png",
    "index 1111111..2222222 100644",
    "Binary files a/articles/media/diagram.png and b/articles/media/diagram.png differ",
    git_file(QUOTAS, QUOTA_HUNK),
]) + "\n"


def test_compare_diff_with_new_deleted_and_binary_files(tmp_path: Path) -> None:
    p = write(tmp_path, "fc0b900...fb526ea.diff", COMPARE)
    assert not extractor.connect(tmp_path / "y.duckdb").ingest([p]).ok  # no date anywhere
    db = ingest(tmp_path, p, date="2025-06-21")
    added = [
        ("region_availability", av("gpt-4o", "eastus", "global-standard", "2024-11-20"), "available", "added", None,
         True, None),
        ("region_availability", av("gpt-4o", "swedencentral", "global-standard", "2024-11-20"), "available", "added",
         None, True, None),
        ("region_availability", av("o1", "swedencentral", "global-standard", "2024-12-17"), "available", "added", None,
         True, None),
        ("region_availability", av("gpt-4o", "westeurope", "data-zone-standard", "2024-11-20"), "available",
         "removed", True, None, None),
    ]
    assert dated(db) == {"2025-06-21": sorted([*QUOTA_CHANGES, *added], key=repr)}
    docs = db.sql("SELECT doc, status, has_diff, added, deleted FROM doc_changes ORDER BY doc")
    assert docs.to_dict("records") == [
        {"doc": "articles/ai-services/openai/includes/model-matrix/datazone-standard.md", "status": "removed",
         "has_diff": True, "added": 0, "deleted": 3},
        {"doc": MATRIX, "status": "added", "has_diff": True, "added": 4, "deleted": 0},
        {"doc": QUOTAS, "status": "modified", "has_diff": True, "added": 2, "deleted": 1},
        {"doc": "articles/media/diagram.png", "status": "modified", "has_diff": False, "added": 0, "deleted": 0},
    ]


def test_rename_with_an_edit_gives_the_edit_under_the_new_path(tmp_path: Path) -> None:
    new = "articles/ai-services/openai/concepts/legacy-models.md"
    text = git_file(new, RETIRE_HUNK, old=RETIREMENTS, extra=(
        "similarity index 91%", f"rename from {RETIREMENTS}", f"rename to {new}")) + "\n"
    db = ingest(tmp_path, write(tmp_path, "rename.diff", text), date="2025-06-01")
    assert changes(db) == RETIRE_CHANGES
    assert {r["doc"] for r in db.records()} == {new}
    row = db.sql("SELECT doc, old_doc, status FROM doc_changes").iloc[0].to_dict()
    assert row == {"doc": new, "old_doc": RETIREMENTS, "status": "renamed"}


def test_pure_rename_gives_no_event(tmp_path: Path) -> None:
    new = "articles/ai-services/openai/concepts/legacy-models.md"
    text = (f"diff --git a/{RETIREMENTS} b/{new}\nsimilarity index 100%\n"
            f"rename from {RETIREMENTS}\nrename to {new}\n")
    db = ingest(tmp_path, write(tmp_path, "mv.diff", text), date="2025-06-01")
    assert db.records() == []
    assert db.sql("SELECT status, old_doc FROM doc_changes").iloc[0].to_dict() == {"status": "renamed",
                                                                                   "old_doc": RETIREMENTS}


def test_quoted_paths_and_plain_diff_u(tmp_path: Path) -> None:
    assert unquote_path('"a/caf\\303\\251 menu.md"') == "a/café menu.md"
    plain = (f"--- {QUOTAS}\t2025-06-01 10:00:00.000000000 +0200\n"
             f"+++ {QUOTAS}\t2025-06-02 10:00:00.000000000 +0200\n{QUOTA_HUNK}\n")
    db = ingest(tmp_path, write(tmp_path, "plain.diff", plain), date="2025-06-02")
    assert changes(db) == QUOTA_CHANGES


# --- line ends ---------------------------------------------------------------------------------------------


def test_no_newline_at_end_of_file(tmp_path: Path) -> None:
    body = hunk("""
         | Model | Version | Retirement date | Suggested replacements |
         | ---- | ---- | ---- | --- |
        -| `gpt-4o` | 2024-05-13 | No earlier than March 31, 2025 | `gpt-4o` (2024-11-20) |
        \\ No newline at end of file
        +| `gpt-4o` | 2024-05-13 | No earlier than May 20, 2025 | `gpt-4o` (2024-11-20) |
        \\ No newline at end of file
    """, old=5)
    db = ingest(tmp_path, write(tmp_path, "eof.diff", git_file(RETIREMENTS, body) + "\n"), date="2025-06-01")
    assert changes(db) == RETIRE_CHANGES
    toggle = hunk("""
         | ---- | ---- | ---- | --- |
        -| `gpt-4o` | 2024-05-13 | No earlier than March 31, 2025 | `gpt-4o` (2024-11-20) |
        \\ No newline at end of file
        +| `gpt-4o` | 2024-05-13 | No earlier than March 31, 2025 | `gpt-4o` (2024-11-20) |
    """, old=6)
    db2 = extractor.connect(tmp_path / "t.duckdb")
    assert db2.ingest([write(tmp_path, "toggle.diff", git_file(RETIREMENTS, toggle) + "\n")], date="2025-06-01").ok
    assert changes(db2) == []


def test_crlf_document_and_crlf_patch_file(tmp_path: Path) -> None:
    crlf_doc = "\n".join(ln + "\r" if ln[:1] in (" ", "+", "-") else ln for ln in QUOTA_HUNK.split("\n"))
    db = ingest(tmp_path, write(tmp_path, "doc-crlf.diff", git_file(QUOTAS, crlf_doc) + "\n"), date="2025-06-01")
    assert changes(db) == QUOTA_CHANGES
    whole = write(tmp_path, "file-crlf.diff", LOG, newline="\r\n")
    db2 = extractor.connect(tmp_path / "w.duckdb")
    assert db2.ingest([whole]).ok
    assert dated(db2) == {"2025-06-10": QUOTA_CHANGES, "2025-06-12": RETIRE_CHANGES}


# --- damaged input ----------------------------------------------------------------------------------------


def test_cut_short_hunk_is_a_problem_and_the_rest_loads(tmp_path: Path) -> None:
    cut = "\n".join(QUOTA_HUNK.split("\n")[:-2])  # two lines missing
    text = git_file(RETIREMENTS, RETIRE_HUNK) + "\n" + git_file(QUOTAS, cut) + "\n"
    db = extractor.connect(tmp_path / "x.duckdb")
    p = write(tmp_path, "cut.diff", text)
    res = db.ingest([p], date="2025-06-01")
    assert res.loaded == 1 and changes(db) == RETIRE_CHANGES
    assert res.failed == [(str(p), 14, f"{QUOTAS}: unreadable hunk: Hunk is shorter than expected")]


def test_not_a_diff_is_left_alone(tmp_path: Path) -> None:
    notes = write(tmp_path, "notes.txt", "Just text.\n")
    res = extractor.connect(tmp_path / "x.duckdb").ingest([notes])
    assert not res.ok and "neither" in res.failed[0][2]


@pytest.mark.parametrize(("value", "iso"), [
    ("Thu Jun 12 18:30:00 2025 -0700", "2025-06-12"),
    ("Tue, 10 Jun 2025 09:00:00 +0200", "2025-06-10"),
    ("2025-06-10 09:00:00 +0200", "2025-06-10"),
    ("2025-06-10T23:30:00-05:00", "2025-06-10"),
    ("1749546000 +0000", "2025-06-10"),
    ("3 days ago", None),
])
def test_header_dates(value: str, iso: str | None) -> None:
    assert parse_header_date(value) == iso


def test_parse_patch_api() -> None:
    sources = parse_patch(LOG, "history.patch")
    assert isinstance(sources, list) and [s.meta.observed_at for s in sources] == ["2025-06-10", "2025-06-12"]
    single = parse_patch(git_file(QUOTAS, QUOTA_HUNK), "one.diff", date="2025-01-01")
    assert not isinstance(single, list)
    sec = single.sections[0]
    assert (sec.doc, sec.status, sec.first_line, sec.added, sec.deleted) == (QUOTAS, "modified", 5, 2, 1)
    assert HEADER in (sec.diff_text or "")
