"""Benchmark: walk a generated 2,000-commit documentation repository, against ``git log -p``.

Generates (with ``git fast-import``) a repository whose commits edit a quotas document, a
retirement table, a region matrix and an unrelated page, the way the Azure docs change.
Then times, over the same range:

* ``git log -p --first-parent`` alone (its output read and thrown away), best of a few;
* ``extract ingest --git`` into a fresh database (the whole walk: git, parsing, facts, store);
* after 10 more commits, the incremental walk (must process only those 10).

Prints the figures and the ratio walk / git log -p.

    python benchmarks/bench_git.py [--commits 2000] [--keep DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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


@dataclass
class Docs:
    """The documents' state; each edit mutates it and ``render`` writes the files."""

    rng: random.Random
    quotas: dict[str, list[list[str]]] = field(default_factory=dict)  # heading -> rows
    retire: list[list[str]] = field(default_factory=list)
    matrix_cols: list[str] = field(default_factory=list)
    matrix: dict[str, list[bool]] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)
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

    def _qty(self, small: bool = False) -> str:
        n = self.rng.choice([1, 2, 3, 5, 10, 30, 50, 150])
        return f"{n} K" if small else f"{n} M"

    def _date(self) -> str:
        month = self.rng.choice(["March", "May", "June", "October"])
        return f"{month} {self.rng.randint(1, 28)}, {self.rng.choice([2025, 2026])}"

    def edit(self) -> list[str]:
        """One commit's worth of edits; returns the paths it touched."""
        self.serial += 1
        r = self.rng.random()
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
        return "# Overview\n\n" + "\n\n".join(self.other) + "\n"


def _blob(text: str) -> bytes:
    data = text.encode()
    return b"data %d\n%s\n" % (len(data), data)


def make_repo(path: Path, commits: int, *, seed: int = 7, start: int = 1_735_689_600,
              docs: Docs | None = None, first_mark: int = 1, branch: str = "main") -> Docs:
    """Create (or extend) a repository at ``path`` with ``commits`` commits; one hour apart."""
    new = docs is None
    if new:
        subprocess.run(["git", "init", "-q", "-b", branch, str(path)], check=True)
        subprocess.run(["git", "-C", str(path), "remote", "add", "origin",
                        "https://github.com/MicrosoftDocs/azure-ai-docs.git"], check=True)
        docs = Docs(random.Random(seed))
        docs.seed()
    assert docs is not None
    stream: list[bytes] = []
    for i in range(commits):
        mark = first_mark + i
        when = start + 3600 * (mark - 1)
        touched = [QUOTAS, RETIRE, MATRIX, OTHER] if new and i == 0 else docs.edit()
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


def time_git_log(repo: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(["git", "-C", str(repo), "log", "-p", "--first-parent", "HEAD"],
                       stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commits", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3, help="git log -p repetitions (best is kept)")
    ap.add_argument("--keep", type=Path, default=None, help="build the repository here and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.keep or Path(tmp) / "repo"
        t0 = time.perf_counter()
        docs = make_repo(repo, args.commits)
        print(f"generated {args.commits} commits in {time.perf_counter() - t0:.2f} s at {repo}")
        log_s = time_git_log(repo, args.repeat)
        db_path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        with Extractor(db_path) as db:
            res = db.ingest(git=repo)
        walk_s = time.perf_counter() - t0
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(res.events.items()))
        print(f"git log -p:  {log_s:.2f} s")
        print(f"walk:        {walk_s:.2f} s  ({res.loaded} commits loaded; {res.events_new} new events; {kinds};"
              f" {res.unresolved} unresolved)")
        print(f"ratio:       {walk_s / log_s:.2f}x")
        make_repo(repo, 10, docs=docs, first_mark=args.commits + 1)
        t0 = time.perf_counter()
        with Extractor(db_path) as db:
            res2 = db.ingest(git=repo)
        inc_s = time.perf_counter() - t0
        print(f"incremental: {inc_s:.2f} s for 10 new commits ({res2.loaded} commits loaded, "
              f"{res2.skipped_known} already known)")


if __name__ == "__main__":
    main()
