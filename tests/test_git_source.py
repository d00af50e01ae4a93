"""The git source: real repositories built in a temporary folder, walked commit by commit.

The repository's commits edit a quotas table (header far above the edited row), a
retirement table and a region matrix include, rename a document while editing it, and
delete an include. The exact events of the walk are asserted; then the same history is
read as ``git log -p`` output and one commit as a Diff Insight Report, and all three
together must store each change once, with every source listed. Also: incremental walks,
``--paths``, ``--since``, shallow clones and the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import av, change_tuples, make_report, q, ret

import extractor
from extractor.cli import main

pytestmark = pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
                                reason="git is not installed")

OPENAI = "articles/ai-services/openai/"
QUOTAS = OPENAI + "quotas-limits.md"
RETIRE = OPENAI + "concepts/model-retirements.md"
RETIRE2 = OPENAI + "concepts/legacy-model-retirements.md"
GLOBAL = OPENAI + "includes/model-matrix/standard-global.md"
DATAZONE = OPENAI + "includes/model-matrix/datazone-standard.md"
README = "README.md"
ORIGIN = "https://github.com/MicrosoftDocs/azure-ai-docs.git"
REPO = "MicrosoftDocs/azure-ai-docs"

# --- documents ------------------------------------------------------------------------------

QUOTA_ROWS = [("o3-mini", "Enterprise agreement", "50 M", "5 K"), ("o3-mini", "Default", "5 M", "500"),
              ("o1", "Enterprise agreement", "30 M", "5 K"), ("o1", "Default", "3 M", "500"),
              ("o1-mini", "Enterprise agreement", "50 M", "5 K"), ("o1-mini", "Default", "5 M", "500"),
              ("o1-preview", "Enterprise agreement", "30 M", "5 K"), ("o1-preview", "Default", "3 M", "500")]


def quotas(rows: list[tuple[str, str, str, str]]) -> str:
    body = "\n".join(f"| `{m}` | {t} | {tpm} | {rpm} |" for m, t, tpm, rpm in rows)
    return f"""---
title: Azure OpenAI quotas and limits
---
# Azure OpenAI quotas and limits

This article is a quick reference for quotas.

## Regional quota capacity limits

### o-series global standard

| Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |
|---|---|:---:|:---:|
{body}

## Next steps

Read more.
"""


RETIRE_ROWS = [("gpt-35-turbo", "0301", "February 13, 2025", "`gpt-4o-mini`"),
               ("gpt-4o", "2024-05-13", "No earlier than March 31, 2025", "`gpt-4o` (2024-11-20)"),
               ("gpt-4", "0613", "June 6, 2025", "`gpt-4o`")]


def retirements(rows: list[tuple[str, str, str, str]]) -> str:
    body = "\n".join(f"| `{m}` | {v} | {d} | {r} |" for m, v, d, r in rows)
    return f"""# Azure OpenAI model deprecations and retirements

## Current models

| Model | Version | Retirement date | Suggested replacements |
| ---- | ---- | ---- | --- |
{body}
"""


MATRIX_COLS = ["**gpt-4o**, **2024-05-13**", "**gpt-4o**, **2024-11-20**", "**o1**, **2024-12-17**"]


def matrix(rows: dict[str, str]) -> str:
    out = ["| **Region** | " + " | ".join(MATRIX_COLS) + " |", "|:---|:---:|:---:|:---:|"]
    out += [f"| {region} | " + " | ".join("✅" if c == "y" else "-" for c in marks) + " |"
            for region, marks in rows.items()]
    return "\n".join(out) + "\n"


C2_ROWS = [*QUOTA_ROWS[:2], ("o3", "Enterprise agreement", "10 M", "10 K"), *QUOTA_ROWS[2:7],
           ("o1-preview", "Default", "4 M", "500")]  # the last row: its header is 10 lines above
GLOBAL_ROWS = {"eastus": "yyn", "eastus2": "ynn", "swedencentral": "yyy", "westus": "nyn"}
DATAZONE_ROWS = {"eastus": "yny", "westeurope": "nyn"}

# --- building repositories --------------------------------------------------------------------


def git(repo: Path, *args: str, date: str | None = None, **kw: Any) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.parent), "GIT_AUTHOR_NAME": "Test",
           "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.com"}
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T10:00:00+00:00"
    res = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True, **kw)
    return res.stdout


def commit(repo: Path, date: str, message: str, files: dict[str, str | None],
           moves: dict[str, str] | None = None) -> str:
    """Write ``files`` (None deletes), ``git mv`` the ``moves``, commit on ``date``; the SHA."""
    for old, new in (moves or {}).items():
        (repo / new).parent.mkdir(parents=True, exist_ok=True)
        git(repo, "mv", old, new)
    for path, text in files.items():
        p = repo / path
        if text is None:
            git(repo, "rm", "-q", path)
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        git(repo, "add", path)
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def init(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "remote", "add", "origin", ORIGIN)
    return path


def build(path: Path) -> dict[str, str]:
    """The test history; returns the commit SHAs by name."""
    repo = init(path)
    c: dict[str, str] = {}
    c["c1"] = commit(repo, "2025-01-10", "initial docs", {
        README: "# Docs\n", QUOTAS: quotas(QUOTA_ROWS), RETIRE: retirements(RETIRE_ROWS),
        GLOBAL: matrix(GLOBAL_ROWS), DATAZONE: matrix(DATAZONE_ROWS)})
    c["c2"] = commit(repo, "2025-01-11", "quotas: o3, o1-preview", {QUOTAS: quotas(C2_ROWS)})
    ret_rows = list(RETIRE_ROWS)
    ret_rows[1] = ("gpt-4o", "2024-05-13", "No earlier than May 20, 2025", "`gpt-4o` (2024-11-20)")
    glob = dict(GLOBAL_ROWS, eastus2="yny", westus3="nyn")
    c["c3"] = commit(repo, "2025-01-12", "retirements and regions", {RETIRE: retirements(ret_rows), GLOBAL: matrix(glob)})
    ret_rows[2] = ("gpt-4", "0613", "June 30, 2025", "`gpt-4o`")
    c["c4"] = commit(repo, "2025-01-13", "rename the retirements page", {RETIRE2: retirements(ret_rows)},
                     moves={RETIRE: RETIRE2})
    c["c5"] = commit(repo, "2025-01-14", "drop the data zone matrix", {DATAZONE: None})
    c["c6"] = commit(repo, "2025-01-15", "readme only", {README: "# Docs\n\nMore.\n"})
    return c


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("git")
    return root / "repo", build(root / "repo")


# --- expected events ------------------------------------------------------------------------------


def _tier(t: str) -> str:
    return "enterprise" if t.startswith("Enterprise") else "default"


def _qty(v: str) -> int:
    n, unit = v.split()
    return int(n) * {"K": 1000, "M": 1000000}[unit]


def _quota_added(rows: list[tuple[str, str, str, str]]) -> list[tuple[Any, ...]]:
    out = []
    for m, t, tpm, rpm in rows:
        subj = q(m, "global-standard", _tier(t))
        out += [("quota", subj, "tpm", "added", None, _qty(tpm), None),
                ("quota", subj, "rpm", "added", None, int(rpm) if rpm.isdigit() else _qty(rpm), None)]
    return out


def _matrix_facts(rows: dict[str, str], dtype: str) -> list[tuple[dict[str, str], bool]]:
    models = [("gpt-4o", "2024-05-13"), ("gpt-4o", "2024-11-20"), ("o1", "2024-12-17")]
    return [(av(m, region, dtype, v), True) for region, marks in rows.items()
            for (m, v), mark in zip(models, marks, strict=True) if mark == "y"]


EXPECTED_C1 = sorted(
    _quota_added(QUOTA_ROWS)
    + [("retirement", ret("gpt-35-turbo", "0301"), "retirement_date", "added", None, "2025-02-13", None),
       ("retirement", ret("gpt-35-turbo", "0301"), "replacement", "added", None, "gpt-4o-mini", None),
       ("retirement", ret("gpt-4o", "2024-05-13"), "retirement_date", "added", None, "2025-03-31", "no-earlier-than"),
       ("retirement", ret("gpt-4o", "2024-05-13"), "replacement", "added", None, "gpt-4o (2024-11-20)", None),
       ("retirement", ret("gpt-4", "0613"), "retirement_date", "added", None, "2025-06-06", None),
       ("retirement", ret("gpt-4", "0613"), "replacement", "added", None, "gpt-4o", None)]
    + [("retirement", ret(m, v), "lifecycle_status", "added", None, "current", None)  # "## Current models"
       for m, v in (("gpt-35-turbo", "0301"), ("gpt-4o", "2024-05-13"), ("gpt-4", "0613"))]
    + [("region_availability", s, "available", "added", None, True, None)
       for s, _ in _matrix_facts(GLOBAL_ROWS, "global-standard") + _matrix_facts(DATAZONE_ROWS, "data-zone-standard")],
    key=repr)

EXPECTED = {
    "2025-01-11": sorted([
        ("quota", q("o3", "global-standard", "enterprise"), "tpm", "added", None, 10000000, None),
        ("quota", q("o3", "global-standard", "enterprise"), "rpm", "added", None, 10000, None),
        ("quota", q("o1-preview", "global-standard", "default"), "tpm", "changed", 3000000, 4000000, None),
    ], key=repr),
    "2025-01-12": sorted([
        ("retirement", ret("gpt-4o", "2024-05-13"), "retirement_date", "changed", "2025-03-31", "2025-05-20",
         "no-earlier-than"),
        ("region_availability", av("o1", "eastus2", "global-standard", "2024-12-17"), "available", "added", None, True,
         None),
        ("region_availability", av("gpt-4o", "westus3", "global-standard", "2024-11-20"), "available", "added", None,
         True, None),
    ], key=repr),
    "2025-01-13": [
        ("retirement", ret("gpt-4", "0613"), "retirement_date", "changed", "2025-06-06", "2025-06-30", None),
    ],
    "2025-01-14": sorted([("region_availability", s, "available", "removed", True, None, None)
                          for s, _ in _matrix_facts(DATAZONE_ROWS, "data-zone-standard")], key=repr),
}


def by_date(records: list[dict[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        out.setdefault(r["observed_at"], []).append(r)
    return {d: change_tuples(rs) for d, rs in sorted(out.items()) if change_tuples(rs)}


def docs_by_date(records: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(r["observed_at"], r["doc"]) for r in records if r["change"] != "unchanged"}


def walk(db_path: Path, repo_path: Path, **kw: Any) -> tuple[Any, Any]:
    db = extractor.connect(db_path)
    res = db.ingest(git=repo_path, **kw)
    assert res.ok, res.failed
    return db, res


# --- the walk -------------------------------------------------------------------------------------


def test_walk_gives_the_exact_events(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    db, res = walk(tmp_path / "x.duckdb", repo)
    assert (res.commits, res.loaded, res.unresolved) == (6, 6, 0)
    records = db.records()
    got = by_date(records)
    assert got.pop("2025-01-10") == EXPECTED_C1
    assert got == EXPECTED
    # the rename carries the facts: later events name the new path, the move itself gives none
    assert ("2025-01-13", RETIRE2) in docs_by_date(records)
    assert not [r for r in records if r["doc"] == RETIRE and r["observed_at"] >= "2025-01-13"]
    # provenance: the commit range, the repository from the origin remote, the commit date
    src = next(r["source"] for r in records if r["observed_at"] == "2025-01-12")
    assert src == {"file": "repo", "line": src["line"], "repo": REPO, "base": c["c2"][:7], "head": c["c3"][:7]}
    sources = db.sql("SELECT kind, path, change_id, CAST(observed_at AS VARCHAR) AS d FROM sources ORDER BY d")
    assert list(sources["kind"]) == ["git"] * 6
    assert set(sources["path"]) == {str(repo.resolve())}
    assert sources["change_id"].iloc[2] == f"{REPO}@{c['c2'][:7]}...{c['c3'][:7]}"
    assert sources["change_id"].iloc[0] == f"{REPO}@{c['c1'][:7]}^...{c['c1'][:7]}"  # a root commit
    # whole tables were read: the quota row far below its header is resolved, nothing is unresolved
    assert db.sql("SELECT count(*) AS n FROM unresolved")["n"][0] == 0


def test_walk_observations_are_the_rows_git_shows(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    db, _ = walk(tmp_path / "x.duckdb", repo)
    seen = sorted((r["subject"]["model"], r["subject"]["tier"], r["attribute"])
                  for r in db.records() if r["change"] == "unchanged" and r["observed_at"] == "2025-01-11")
    # git's hunk starts at the alignment row (the header is outside it) and shows every row;
    # the unchanged cells of those rows are observations, read with the header of the file
    rows = [("o3-mini", "enterprise"), ("o3-mini", "default"), ("o1", "enterprise"), ("o1", "default"),
            ("o1-mini", "enterprise"), ("o1-mini", "default"), ("o1-preview", "enterprise")]
    assert seen == sorted([(m, t, a) for m, t in rows for a in ("tpm", "rpm")] + [("o1-preview", "default", "rpm")])


def test_walk_is_idempotent_and_incremental(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build(repo)
    db_path = tmp_path / "x.duckdb"
    db, res = walk(db_path, repo)
    first = db.records()
    db.close()
    db, res = walk(db_path, repo)
    assert (res.commits, res.loaded, res.events_new) == (0, 0, 0)  # continues after the last commit: nothing
    assert db.records() == first
    db.close()
    rows = list(C2_ROWS)
    for i in range(10):
        rows[0] = ("o3-mini", "Enterprise agreement", f"{51 + i} M", "5 K")
        commit(repo, f"2025-02-{i + 1:02d}", f"bump {i}", {QUOTAS: quotas(rows)})
    db, res = walk(db_path, repo)
    assert (res.commits, res.loaded, res.skipped_known) == (10, 10, 0)  # only the 10 new commits
    changed = [r for r in db.records() if r["observed_at"] >= "2025-02-01" and r["change"] != "unchanged"]
    assert [(r["observed_at"], r["old"], r["new"]) for r in changed] == [
        (f"2025-02-{i + 1:02d}", (50 + i) * 1000000, (51 + i) * 1000000) for i in range(10)]
    assert db.sql("SELECT count(*) AS n FROM git_commits")["n"][0] == 16
    db.close()


def test_paths_and_dates_narrow_the_walk(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    db, res = walk(tmp_path / "a.duckdb", repo, git_paths=["articles/**/model-matrix/*.md"])
    assert res.commits == 3  # c1, c3, c5 touch the matrices
    assert {r["kind"] for r in db.records()} == {"region_availability"}
    db, res = walk(tmp_path / "b.duckdb", repo, since="2025-01-12", until="2025-01-13")
    assert res.commits == 2
    assert set(by_date(db.records())) == {"2025-01-12", "2025-01-13"}
    assert by_date(db.records())["2025-01-12"] == EXPECTED["2025-01-12"]


def test_shallow_clone_walks_what_it_has_with_a_note(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "4", f"file://{repo}", str(clone)], check=True,
                   capture_output=True)
    db, res = walk(tmp_path / "x.duckdb", clone, repo=REPO)
    assert res.commits == 3  # c4, c5, c6: c3 is the boundary, its parent is missing
    notes = [m for _, _, m in res.warnings]
    assert any("shallow clone" in m and c["c3"] in m for m in notes), notes
    got = by_date(db.records())
    assert got == {d: EXPECTED[d] for d in ("2025-01-13", "2025-01-14")}


def test_not_a_repository_fails_clearly(tmp_path: Path) -> None:
    db = extractor.connect(tmp_path / "x.duckdb")
    (tmp_path / "plain").mkdir()
    res = db.ingest(git=tmp_path / "plain")
    assert not res.ok and "not a git repository" in res.failed[0][2]
    empty = init(tmp_path / "empty")
    res = db.ingest(git=empty)
    assert res.ok and res.commits == 0 and any("no commits" in m for _, _, m in res.warnings)


# --- one change, one record -----------------------------------------------------------------------


def log_patch(repo: Path, path: Path) -> Path:
    path.write_text(git(repo, "log", "-p"), encoding="utf-8")
    return path


def report_of(repo: Path, base: str, head: str, date: str, folder: Path) -> Path:
    names = git(repo, "diff", "--name-status", base, head).split("\n")
    sections = []
    for line in filter(None, names):
        status, path = line.split("\t")[0], line.split("\t")[-1]
        body = git(repo, "diff", base, head, "--", path).split("\n")
        start = next(i for i, ln in enumerate(body) if ln.startswith("@@"))
        sections.append((path, {"M": "modified", "A": "added", "D": "removed"}[status[0]],
                         "\n".join(body[start:]).rstrip("\n")))
    text = make_report(date, sections, base=base[:7], head=head[:7])
    out = folder / f"report-{date.replace('-', '')}-openai.md"
    out.write_text(text, encoding="utf-8")
    return out


def test_git_log_p_gives_the_same_events_as_the_walk(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    walked, _ = walk(tmp_path / "w.duckdb", repo)
    patch = log_patch(repo, tmp_path / "history.patch")
    db = extractor.connect(tmp_path / "p.duckdb")
    res = db.ingest([patch])
    assert res.ok and res.loaded == 6 and res.unresolved == 0
    got = db.records()
    assert by_date(got) == by_date(walked.records())
    assert docs_by_date(got) == docs_by_date(walked.records())
    # observations: a patch shows git's context rows, the walk the same rows (more where it
    # read a document whole: the renamed page)
    def obs(rs: list[dict[str, Any]]) -> set[str]:
        return {repr((r["observed_at"], r["doc"], r["kind"], r["subject"], r["attribute"], r["new"]))
                for r in rs if r["change"] == "unchanged"}
    assert obs(got) <= obs(walked.records())
    assert {o for o in obs(walked.records()) if "2025-01-13" not in o} == {o for o in obs(got) if "2025-01-13" not in o}
    sources = db.sql("SELECT kind, head, CAST(observed_at AS VARCHAR) AS d FROM sources ORDER BY d")
    assert list(sources["kind"]) == ["patch"] * 6


def test_report_of_one_commit_gives_its_events(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    rep = report_of(repo, c["c2"], c["c3"], "2025-01-12", tmp_path)
    db = extractor.connect(tmp_path / "r.duckdb")
    res = db.ingest([rep])
    assert res.ok, res.failed
    assert by_date(db.records()) == {"2025-01-12": EXPECTED["2025-01-12"]}


@pytest.mark.parametrize("order", ["git-patch-report", "report-git-patch", "patch-git-report", "one-run"])
def test_three_sources_store_each_change_once(tmp_path: Path, history: tuple[Path, dict[str, str]],
                                              order: str) -> None:
    repo, c = history
    patch = log_patch(repo, tmp_path / "history.patch")
    rep = report_of(repo, c["c2"], c["c3"], "2025-01-12", tmp_path)
    db = extractor.connect(tmp_path / "x.duckdb")
    steps = {"git": lambda: db.ingest(git=repo), "patch": lambda: db.ingest([patch]),
             "report": lambda: db.ingest([rep])}
    one_run = order == "one-run"
    results = [db.ingest([patch, rep], git=repo)] if one_run else [steps[s]() for s in order.split("-")]
    assert all(r.ok for r in results), [r.failed for r in results]
    records = db.records()
    got = by_date(records)
    assert got.pop("2025-01-10") == EXPECTED_C1
    assert got == EXPECTED  # each change once, whatever the order
    assert db.sql("SELECT count(*) AS n FROM changes")["n"][0] == 6
    per_change = db.sql("SELECT change_id, list(DISTINCT s.kind ORDER BY s.kind) AS kinds FROM sources s "
                        "GROUP BY change_id ORDER BY min(s.observed_at)")
    kinds = [list(k) for k in per_change["kinds"]]
    assert kinds == [["git", "patch"], ["git", "patch"], ["git", "patch", "report"], ["git", "patch"],
                     ["git", "patch"], ["git", "patch"]]
    # every change event of the reported commit lists its three sources
    srcs = db.sql("""SELECT e.event_id, count(DISTINCT es.source_id) AS n FROM events e
                     JOIN event_sources es USING (event_id)
                     WHERE e.change <> 'unchanged' AND CAST(e.observed_at AS VARCHAR) = '2025-01-12'
                     GROUP BY e.event_id""")
    assert len(srcs) == 3 and set(srcs["n"]) == {3}
    others = db.sql("""SELECT count(DISTINCT es.source_id) AS n FROM events e JOIN event_sources es USING (event_id)
                       WHERE e.change <> 'unchanged' AND CAST(e.observed_at AS VARCHAR) <> '2025-01-12'
                       GROUP BY e.event_id""")
    assert set(others["n"]) == {2}
    assert Counter(r["change"] for r in records if r["change"] != "unchanged")["changed"] == 3


def test_report_spanning_several_commits_stays_its_own_change(tmp_path: Path,
                                                              history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    rep = report_of(repo, c["c1"], c["c3"], "2025-01-12", tmp_path)
    db = extractor.connect(tmp_path / "x.duckdb")
    assert db.ingest(git=repo).ok and db.ingest([rep]).ok
    assert db.sql("SELECT count(*) AS n FROM changes")["n"][0] == 7


# --- command line ---------------------------------------------------------------------------------


def test_cli_walk(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    runner = CliRunner()
    db = tmp_path / "x.duckdb"
    res = runner.invoke(main, ["--db", str(db), "ingest", "--git", str(repo), "--paths", "articles/**/quotas-limits.md",
                               "--paths", "README.md"])
    assert res.exit_code == 0, res.output
    assert "3 commits walked" in res.stderr and res.stdout == ""
    res = runner.invoke(main, ["--db", str(db), "ingest", "--since", "2025-01-01"])
    assert res.exit_code == 2 and "--git" in res.output
    res = runner.invoke(main, ["--db", str(db), "ingest", "--git", str(repo), "--since", "soon"])
    assert res.exit_code == 2


# --- merges, damaged history, layouts for later reports -------------------------------------------


def test_merge_commits_are_walked_as_first_parent_diffs(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, "2025-03-01", "docs", {RETIRE: retirements(RETIRE_ROWS)})
    git(repo, "checkout", "-q", "-b", "topic")
    rows = list(RETIRE_ROWS)
    rows[0] = ("gpt-35-turbo", "0301", "March 13, 2025", "`gpt-4o-mini`")
    commit(repo, "2025-03-02", "on a branch", {RETIRE: retirements(rows)})
    git(repo, "checkout", "-q", "main")
    commit(repo, "2025-03-03", "readme on main", {README: "# Docs\n"})
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge topic", "topic", date="2025-03-04")
    db, res = walk(tmp_path / "x.duckdb", repo)
    assert res.commits == 3  # the branch's own commit is not on the first-parent line
    assert by_date(db.records()) == {
        "2025-03-01": by_date(db.records())["2025-03-01"],
        "2025-03-04": [("retirement", ret("gpt-35-turbo", "0301"), "retirement_date", "changed", "2025-02-13",
                        "2025-03-13", None)],
    }


def test_history_that_git_cannot_read_stops_with_a_note(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, "2025-03-01", "docs", {QUOTAS: quotas(QUOTA_ROWS)})
    c2 = commit(repo, "2025-03-02", "edit", {QUOTAS: quotas(C2_ROWS)})
    rows = list(C2_ROWS)
    rows[0] = ("o3-mini", "Enterprise agreement", "70 M", "5 K")
    commit(repo, "2025-03-03", "edit again", {QUOTAS: quotas(rows)})
    blob = git(repo, "rev-parse", f"HEAD:{QUOTAS}").strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # as if a partial clone could not fetch it
    db, res = walk(tmp_path / "x.duckdb", repo)
    assert (res.commits, res.loaded) == (2, 2)
    notes = [m for _, _, m in res.warnings]
    assert any(m.startswith(f"git log stopped after commit {c2[:12]}") for m in notes), notes
    assert set(by_date(db.records())) == {"2025-03-01", "2025-03-02"}


def test_walk_layout_serves_later_reports(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    db, _ = walk(tmp_path / "x.duckdb", repo)
    # a later report whose hunk shows the last quota rows only: header and heading are 10+ lines up
    body = "\n".join([
        "@@ -21,3 +21,3 @@ This article is a quick reference for quotas.",
        " | `o1-mini` | Default | 5 M | 500 |",
        " | `o1-preview` | Enterprise agreement | 30 M | 5 K |",
        "-| `o1-preview` | Default | 4 M | 500 |",
        "+| `o1-preview` | Default | 6 M | 500 |",
    ])
    rep = tmp_path / "report-20250301-openai.md"
    rep.write_text(make_report("2025-03-01", [(QUOTAS, "modified", body)], base="aaaaaaa", head="bbbbbbb"),
                   encoding="utf-8")
    res = db.ingest([rep])
    assert res.ok and res.unresolved == 0
    assert by_date(db.records())["2025-03-01"] == [
        ("quota", q("o1-preview", "global-standard", "default"), "tpm", "changed", 4000000, 6000000, None)]


def test_bare_clone_is_walked(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], check=True, capture_output=True)
    db, res = walk(tmp_path / "x.duckdb", bare, repo=REPO)
    assert res.commits == 6
    got = by_date(db.records())
    assert got.pop("2025-01-10") == EXPECTED_C1 and got == EXPECTED


# --- file headers --------------------------------------------------------------------------------


@pytest.mark.parametrize("head, plain", [
    ("diff --git a/docs/quotas.md b/docs/quotas.md\nindex 1111111..2222222 100644\n--- a/docs/quotas.md\n"
     "+++ b/docs/quotas.md", True),
    ("diff --git a/my docs/a b.md b/my docs/a b.md\nindex 1111111..2222222 100644\n--- a/my docs/a b.md\n"
     "+++ b/my docs/a b.md", True),
    ("diff --git a/old.md b/new.md\nsimilarity index 90%\nrename from old.md\nrename to new.md\n"
     "index 1111111..2222222 100644\n--- a/old.md\n+++ b/new.md", False),
    ("diff --git a/x.md b/x.md\nold mode 100644\nnew mode 100755\nindex 1111111..2222222\n--- a/x.md\n+++ b/x.md", False),
    ("diff --git a/x.md b/x.md\nnew file mode 100644\nindex 0000000..2222222\n--- /dev/null\n+++ b/x.md", False),
    ("diff --git a/x.md b/x.md\ndeleted file mode 100644\nindex 1111111..0000000\n--- a/x.md\n+++ /dev/null", False),
    ('diff --git "a/f\\303\\244.md" "b/f\\303\\244.md"\nindex 1111111..2222222 100644\n--- "a/f\\303\\244.md"\n'
     '+++ "b/f\\303\\244.md"', False),
    ("diff --git a/a.md b/b.md\nindex 1111111..2222222 100644\n--- a/a.md\n+++ b/b.md", False),
])
def test_a_plain_file_header_is_read_as_the_general_parser_reads_it(head: str, plain: bool) -> None:
    from extractor.sources.git import _plain_modification
    from extractor.sources.patch import parse_files

    fast = _plain_modification(head)
    assert (fast is not None) == plain
    if fast is not None:
        (full,) = parse_files(head.split("\n"))
        assert (fast.old_path, fast.new_path, fast.status, fast.binary, fast.doc) == (
            full.old_path, full.new_path, full.status, full.binary, full.doc)
        assert fast.status == "modified" and fast.doc == head.split("\n")[2][6:]


def test_commits_holding_many_events_are_loaded_in_smaller_chunks(tmp_path: Path, history: tuple[Path, dict[str, str]],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import extractor.ingest.gitwalk as walk_module

    repo, _ = history
    db, _ = walk(tmp_path / "whole.duckdb", repo)
    whole = db.records()
    events = list(db.sql("SELECT n_events FROM sources JOIN git_commits USING (source_id) ORDER BY seq")["n_events"])
    db.close()
    assert events == [35, 18, 18, 9, 3, 0]  # (the last commit changes only a readme)
    loads: list[int] = []
    flush = walk_module._flush
    monkeypatch.setattr(walk_module, "_flush", lambda run, pending, *a: (loads.append(len(pending)),
                                                                     flush(run, pending, *a)))
    monkeypatch.setattr(walk_module, "GIT_CHUNK_EVENTS", 30)
    db, res = walk(tmp_path / "chunked.duckdb", repo)
    # 35 events: loaded at once; 18 + 18: loaded once the second is read; the rest (12) at the end
    assert loads == [1, 2, 3]
    assert (res.commits, res.loaded) == (6, 6)
    assert db.records() == whole


def test_same_day_changes_of_one_fact_export_in_commit_order(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, "2025-03-01", "quotas", {QUOTAS: quotas(QUOTA_ROWS)})
    rows = list(QUOTA_ROWS)
    for tpm in ("7 M", "9 M", "6 M"):  # three commits of one day (same time), one row each
        rows[1] = ("o3-mini", "Default", tpm, "500")
        commit(repo, "2025-03-02", f"o3-mini default {tpm}", {QUOTAS: quotas(rows)})
    db, _ = walk(tmp_path / "x.duckdb", repo)
    steps = [(r["old"], r["new"]) for r in db.records()
             if r["observed_at"] == "2025-03-02" and r["attribute"] == "tpm" and r["change"] == "changed"]
    assert steps == [(5_000_000, 7_000_000), (7_000_000, 9_000_000), (9_000_000, 6_000_000)]
    with (tmp_path / "a.jsonl").open("w", encoding="utf-8") as fh:
        db.write_jsonl(fh)
    again = extractor.connect(tmp_path / "y.duckdb")
    again.ingest(git=repo)
    with (tmp_path / "b.jsonl").open("w", encoding="utf-8") as fh:
        again.write_jsonl(fh)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_git_output_pipe_is_widened_and_a_walk_on_the_default_pipe_gives_the_same_records(
        tmp_path: Path, history: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    from extractor.sources import git as git_source

    r, w = os.pipe()
    default = fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)  # 64 KB with 4 KB pages
    assert default < 1 << 20
    try:
        assert git_source.widen_pipe(r, 0) is None
        assert fcntl.fcntl(r, fcntl.F_GETPIPE_SZ) == default  # left as the system made it
        assert git_source.widen_pipe(r, 1 << 20) == 1 << 20
        assert fcntl.fcntl(w, fcntl.F_GETPIPE_SZ) == 1 << 20
        assert git_source.widen_pipe(r, 4096) == 1 << 20  # never narrowed
        assert fcntl.fcntl(r, fcntl.F_GETPIPE_SZ) == 1 << 20
    finally:
        os.close(r)
        os.close(w)
    repo, _c = history
    sizes: list[int] = []
    real = git_source.widen_pipe

    def widened(fd: int, size: int) -> int | None:
        got = real(fd, size)
        sizes.append(fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ))
        return got

    monkeypatch.setattr(git_source, "widen_pipe", widened)
    wide, _ = walk(tmp_path / "wide.duckdb", repo)
    monkeypatch.setattr(git_source, "PIPE_BYTES", 0)
    narrow, _ = walk(tmp_path / "narrow.duckdb", repo)
    assert sizes == [1 << 20, default]
    assert by_date(wide.records()) == by_date(narrow.records())
    assert by_date(wide.records()).pop("2025-01-10") == EXPECTED_C1
