"""Benchmark: walk a generated 2,000-commit documentation repository, against ``git log -p``.

Generates (with ``git fast-import``) a repository whose commits edit a quotas document, a
retirement table, a 36-column region matrix and prose articles, the way the Azure docs
change, in one of two shapes:

* ``dense``: every commit edits a fact table (or the one prose page) — the worst case,
  each commit giving events;
* ``docs``: a documentation repository — 120 prose articles of 8-16 KB (headings, code,
  parameter tables) and the fact documents; each commit (a merged pull request) edits 1-5
  articles, and one commit in five also edits a fact table.

Then times, over the same range (all of first-parent history), in turns so that both
sides meet the same state of the machine, ``--repeat`` times each:

* ``git log -p --first-parent`` alone (its output read and thrown away);
* the walk as a whole process, ``extract -q --db FRESH ingest --git REPO`` (git, parsing,
  facts, store; Python's start and imports included);

and, after 10 more commits, the incremental walk (it must process only those 10). With
``--export DIR`` each walk's JSONL export is written there, to compare two versions.

Prints best and median of each side and the ratio of the bests (walk / git log -p).

    python benchmarks/bench_git.py [--shape docs|dense|both] [--commits 2000] [--keep DIR] [--export DIR]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

import measure  # noqa: E402

from extractor.api import Extractor  # noqa: E402

OPENAI = "articles/ai-services/openai/"
QUOTAS = OPENAI + "quotas-limits.md"
RETIRE = OPENAI + "concepts/model-retirements.md"
MATRIX = OPENAI + "includes/model-matrix/standard-global.md"
OTHER = OPENAI + "how-to/overview.md"

REGIONS = ["australiaeast", "brazilsouth", "canadaeast", "eastus", "eastus2", "francecentral",
           "germanywestcentral", "japaneast", "koreacentral", "northcentralus", "norwayeast",
           "polandcentral", "southafricanorth", "southcentralus", "southindia", "spaincentral",
           "swedencentral", "switzerlandnorth", "uaenorth", "uksouth", "westeurope", "westus",
           "westus3", "italynorth", "eastasia", "centralus", "centralindia", "qatarcentral"]
TIERS = ["Enterprise agreement", "Default", "Tier 1", "Tier 2", "Tier 3"]
FAMILIES = ["o-series", "gpt-4.1 series", "gpt-4o", "gpt-4.5 preview", "gpt-4 turbo", "embeddings",
            "dall-e", "whisper"]
DTYPES = ["global standard", "data zone standard", "standard"]
WORDS = ("deployment", "model", "endpoint", "resource", "quota", "region", "token", "request", "response",
         "client", "api", "version", "content", "filter", "fine-tune", "embedding", "completion", "prompt",
         "system", "user", "assistant", "batch", "file", "index", "search", "vector", "store", "network",
         "private", "link", "managed", "identity", "key", "vault", "monitor", "metric")


@dataclass
class Docs:
    """The documents' state; each edit mutates it and ``render`` writes the files."""

    rng: random.Random
    quotas: dict[str, list[list[str]]] = field(default_factory=dict)  # heading -> rows
    retire: list[list[str]] = field(default_factory=list)
    matrix_cols: list[str] = field(default_factory=list)
    matrix: dict[str, list[bool]] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)
    articles: dict[str, list[str]] = field(default_factory=dict)  # path -> paragraphs / blocks
    shape: str = "dense"
    serial: int = 0

    def seed(self) -> None:
        for fam in FAMILIES:
            for dt in DTYPES:
                rows = []
                for m in range(3):
                    for tier in TIERS:
                        rows.append([f"`{fam.split()[0].lower()}-m{m}`", tier, self._qty(), self._qty(small=True)])
                self.quotas[f"{fam} {dt}"] = rows
        for i in range(30):
            self.retire.append([f"`model-{i}`", f"{2024 + i % 2}-{1 + i % 12:02d}-01", self._date(),
                                f"`model-{i + 1}`"])
        self.matrix_cols = [f"**gpt-{i}**, **2024-{1 + i % 12:02d}-{1 + i % 28:02d}**" for i in range(36)]
        self.matrix = {r: [self.rng.random() < 0.6 for _ in self.matrix_cols] for r in REGIONS}
        self.other = [f"Paragraph {i} about deployments and how to use them." for i in range(60)]
        if self.shape == "docs":
            for i in range(120):
                folder = ("how-to", "concepts", "includes", "reference")[i % 4]
                self.articles[f"{OPENAI}{folder}/article-{i:03d}.md"] = self._article(i)

    def _words(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def _article(self, i: int) -> list[str]:
        blocks = [f"# Article {i}: {self._words(4)}"]
        for sec in range(self.rng.randint(4, 8)):
            blocks.append(f"## {self._words(3).capitalize()} {sec}")
            blocks += [self._words(self.rng.randint(40, 90)) + "." for _ in range(self.rng.randint(2, 4))]
            if sec % 3 == 1:
                blocks.append("```python\nclient = AzureOpenAI(api_version=\"2024-10-21\")\n"
                              f"response = client.chat.completions.create(model=\"gpt-4o\", n={sec})\n```")
            if sec % 3 == 2:
                rows = "\n".join(f"| `{self._words(1)}_{k}` | string | {self._words(8)} |" for k in range(6))
                blocks.append(f"| Parameter | Type | Description |\n|---|---|---|\n{rows}")
        return blocks

    def _qty(self, small: bool = False) -> str:
        n = self.rng.choice([1, 2, 3, 5, 10, 30, 50, 150])
        return f"{n} K" if small else f"{n} M"

    def _date(self) -> str:
        month = self.rng.choice(["March", "May", "June", "October"])
        return f"{month} {self.rng.randint(1, 28)}, {self.rng.choice([2025, 2026])}"

    def edit(self) -> list[str]:
        """One commit's worth of edits; returns the paths it touched."""
        self.serial += 1
        if self.shape == "docs":
            touched = []
            for path in self.rng.sample(sorted(self.articles), self.rng.randint(1, 5)):
                blocks = self.articles[path]
                k = self.rng.randrange(1, len(blocks))
                if blocks[k].startswith(("#", "```")):
                    blocks.insert(k, self._words(50) + ".")
                elif blocks[k].startswith("|"):
                    lines = blocks[k].split("\n")
                    lines[self.rng.randrange(2, len(lines))] = f"| `{self._words(1)}` | int | {self._words(8)} |"
                    blocks[k] = "\n".join(lines)
                else:
                    blocks[k] = self._words(self.rng.randint(40, 90)) + "."
                touched.append(path)
            if self.rng.random() < 0.2:
                touched += self._fact_edit(self.rng.random() * 0.9)
            return touched
        return self._fact_edit(self.rng.random())

    def _fact_edit(self, r: float) -> list[str]:
        if r < 0.45:
            rows = self.quotas[self.rng.choice(sorted(self.quotas))]
            op = self.rng.random()
            if op < 0.6 or len(rows) < 4:
                row = self.rng.choice(rows)
                row[2] = self._qty()
            elif op < 0.8:
                rows.insert(self.rng.randrange(len(rows)), [f"`new-{self.serial}`", self.rng.choice(TIERS),
                                                              self._qty(), self._qty(small=True)])
            else:
                rows.pop(self.rng.randrange(len(rows)))
            return [QUOTAS]
        if r < 0.65:
            row = self.rng.choice(self.retire)
            row[2] = self._date()
            return [RETIRE]
        if r < 0.9:
            region = self.rng.choice(REGIONS)
            cells = self.matrix[region]
            i = self.rng.randrange(len(cells))
            cells[i] = not cells[i]
            return [MATRIX]
        self.other[self.rng.randrange(len(self.other))] = f"Paragraph edited in change {self.serial}."
        return [OTHER]

    def render(self, path: str) -> str:
        if path == QUOTAS:
            out = ["---", "title: Azure OpenAI quotas and limits", "---", "",
                   "# Azure OpenAI quotas and limits", "",
                   "This article contains a quick reference and a detailed description of the quotas.", "",
                   "## Regional quota capacity limits", ""]
            for heading, rows in self.quotas.items():
                out += [f"### {heading}", "", "Some prose that explains the table below.", "",
                        "| Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |",
                        "|---|---|:---:|:---:|"]
                out += [f"| {' | '.join(r)} |" for r in rows]
                out.append("")
            return "\n".join(out) + "\n"
        if path == RETIRE:
            out = ["# Model deprecations and retirements", "", "## Current models", "",
                   "| Model | Version | Retirement date | Suggested replacements |",
                   "| ---- | ---- | ---- | --- |"]
            out += [f"| {' | '.join(r)} |" for r in self.retire]
            return "\n".join(out) + "\n"
        if path == MATRIX:
            out = ["| **Region** | " + " | ".join(self.matrix_cols) + " |",
                   "|:---|" + ":---:|" * len(self.matrix_cols)]
            out += [f"| {reg} | " + " | ".join("✅" if c else "-" for c in cells) + " |"
                    for reg, cells in self.matrix.items()]
            return "\n".join(out) + "\n"
        if path in self.articles:
            return "\n\n".join(self.articles[path]) + "\n"
        return "# Overview\n\n" + "\n\n".join(self.other) + "\n"

    def paths(self) -> list[str]:
        return [QUOTAS, RETIRE, MATRIX, OTHER, *self.articles]


def _blob(text: str) -> bytes:
    data = text.encode()
    return b"data %d\n%s\n" % (len(data), data)


def make_repo(path: Path, commits: int, *, seed: int = 7, start: int = 1_735_689_600,
              docs: Docs | None = None, first_mark: int = 1, branch: str = "main", shape: str = "dense") -> Docs:
    """Create (or extend) a repository at ``path`` with ``commits`` commits; one hour apart."""
    new = docs is None
    if new:
        subprocess.run(["git", "init", "-q", "-b", branch, str(path)], check=True)
        subprocess.run(["git", "-C", str(path), "remote", "add", "origin",
                        "https://github.com/MicrosoftDocs/azure-ai-docs.git"], check=True)
        docs = Docs(random.Random(seed), shape=shape)
        docs.seed()
    assert docs is not None
    stream: list[bytes] = []
    for i in range(commits):
        mark = first_mark + i
        when = start + 3600 * (mark - 1)
        touched = docs.paths() if new and i == 0 else docs.edit()
        msg = f"change {mark}"
        stream.append(f"commit refs/heads/{branch}\nmark :{mark}\n".encode())
        stream.append(f"author Bench <bench@example.com> {when} +0000\n".encode())
        stream.append(f"committer Bench <bench@example.com> {when} +0000\n".encode())
        stream.append(_blob(msg))
        if not (new and i == 0):
            parent = f"refs/heads/{branch}^0" if i == 0 else f":{mark - 1}"
            stream.append(f"from {parent}\n".encode())
        for p in touched:
            stream.append(f"M 100644 inline {p}\n".encode() + _blob(docs.render(p)))
        stream.append(b"\n")
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(path), "reset", "-q", "--hard", branch], check=True)
    return docs


def time_git_log(repo: Path) -> measure.Measured:
    """``git log -p --first-parent`` as a process (its output read and thrown away)."""
    return measure.run(["git", "-C", str(repo), "log", "-p", "--first-parent", "HEAD"], sample=False, discard=True)


EXTRACT = [sys.executable, "-c", "from extractor.entry import run; run()"]


def walk_process(repo: Path, db_path: Path) -> measure.Measured:
    """One walk as a whole process (``extract ingest --git``) into ``db_path``; its CPU
    time includes the git processes it runs."""
    return measure.run([*EXTRACT, "-q", "--db", str(db_path), "ingest", "--git", str(repo)], sample=False)


def run(shape: str, commits: int, repeat: int, keep: Path | None, export: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = (keep / shape) if keep else Path(tmp) / "repo"
        t0 = time.perf_counter()
        docs = make_repo(repo, commits, shape=shape)
        size = sum(f.stat().st_size for f in repo.rglob("*.md") if ".git" not in f.parts) / 1e6
        print(f"[{shape}] generated {commits} commits in {time.perf_counter() - t0:.2f} s "
              f"({len(docs.paths())} documents, {size:.1f} MB at HEAD)")
        log_runs: list[measure.Measured] = []
        walk_runs: list[measure.Measured] = []
        for k in range(max(1, repeat)):
            log_runs.append(time_git_log(repo))
            db_path = Path(tmp) / f"bench{k}.duckdb"
            walk_runs.append(walk_process(repo, db_path))
        logs, walks = [m.seconds for m in log_runs], [m.seconds for m in walk_runs]
        with Extractor(db_path, read_only=True) as db:
            events = db.sql("SELECT kind, count(*) AS n FROM events WHERE change <> 'unchanged' "
                            "GROUP BY kind ORDER BY kind")
            walked = db.sql("SELECT count(*) AS n FROM git_commits")["n"].iloc[0]
            if export is not None:
                export.mkdir(parents=True, exist_ok=True)
                with open(export / f"walk-{shape}.jsonl", "w", encoding="utf-8") as fh:
                    db.write_jsonl(fh)
        log_s, walk_s = min(logs), min(walks)
        kinds = ", ".join(f"{r.kind} {r.n}" for r in events.itertuples(index=False))
        log_cpu = measure.least_cpu(log_runs)
        print(f"  git log -p:  {measure.best_median(logs)}"
              + (f"  (cpu {log_cpu:.3f} s best)" if log_cpu is not None else ""))
        print(f"  walk:        {measure.best_median(walks)}  (whole process, fresh database; {walked} commits; "
              f"changes: {kinds})")
        print(f"  ratio:       {walk_s / log_s:.2f}x best / best, {statistics.median(walks) / statistics.median(logs):.2f}x"
              " median / median")
        print(f"  cpu:         {measure.cpu_bound(walk_runs, log_s, 'git log -p best')}"
              " (git's own included)")
        make_repo(repo, 10, docs=docs, first_mark=commits + 1)
        inc_s = walk_process(repo, db_path).seconds
        with Extractor(db_path, read_only=True) as db:
            now = db.sql("SELECT count(*) AS n FROM git_commits")["n"].iloc[0]
        print(f"  incremental: {inc_s:.2f} s after 10 new commits (whole process; {now - walked} commits walked)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", choices=["docs", "dense", "both"], default="both")
    ap.add_argument("--commits", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side (best and median are shown)")
    ap.add_argument("--keep", type=Path, default=None, help="build the repositories under this folder and keep them")
    ap.add_argument("--export", type=Path, default=None,
                    help="write each walk's JSONL export to this folder (walk-SHAPE.jsonl), to compare versions")
    args = ap.parse_args()
    measure.compile_package()
    for shape in (["docs", "dense"] if args.shape == "both" else [args.shape]):
        run(shape, args.commits, args.repeat, args.keep, args.export)


if __name__ == "__main__":
    main()
