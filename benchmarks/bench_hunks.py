"""Benchmark: one document section of many hunks (time must grow linearly with the hunks).

A report holds one section of ``quotas-limits.md`` with N hunks; each shows a table's header
row (no heading: the headings are looked up in the layout memory) and changes one row. A
second report of the next day shows the same rows as header-less hunks (their header is
resolved from the memory). Each size is ingested as a fresh process into a fresh database
(``extract -q --db FRESH ingest``), ``--repeat`` times; the best and median wall times and
the time per hunk are printed. A size that takes longer than ``--timeout`` seconds is
stopped and shown as such.

    python benchmarks/bench_hunks.py [--sizes 200,2000,20000] [--repeat N] [--timeout S]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXTRACT = [sys.executable, "-c", "from extractor.entry import run; run()"]
DOC = "articles/ai-services/openai/quotas-limits.md"
HEADER = "| Model | Tier | Quota Limit in tokens per minute (TPM) | Requests per minute |"


def _hunk(i: int, with_header: bool) -> list[str]:
    line = 10 + 20 * i
    rows = [f" {HEADER}", " |---|---|---|---|"] if with_header else []
    rows += [f" | `m{i}` | Enterprise agreement | 10 M | 1 K |",
             f"-| `m{i}` | Default | 1 M | 100 |", f"+| `m{i}` | Default | 2 M | 200 |"]
    n_old = sum(r[0] in " -" for r in rows)
    n_new = sum(r[0] in " +" for r in rows)
    return [f"@@ -{line},{n_old} +{line},{n_new} @@ intro", *rows]


def report(n: int, day: str, head: str, with_header: bool) -> str:
    body = [ln for i in range(n) for ln in _hunk(i, with_header)]
    a, d = sum(ln.startswith("+") for ln in body), sum(ln.startswith("-") for ln in body)
    cmp = f"https://github.com/MicrosoftDocs/azure-ai-docs/compare/MicrosoftDocs:aaaaaaa...MicrosoftDocs:{head}"
    return "\n".join([
        "---", f"date: '{day}'", f"permalink: {cmp}", "summary: s", "title: Diff Insight Report - openai", "---", "",
        f"[View Diff on GitHub]({cmp}){{target=\"_blank\"}}", "", "# Summary Table",
        "|  Filename  | Type |    Title    | Status | A  | D  | M  |",
        "|------------|------|-------------|--------|----|----|----|",
        f"| [quotas-limits.md](#item-1) | minor update | t | modified | {a} | {d} | {a + d} |", "", "",
        "# Modified Contents", f"## {DOC}{{#item-1}}", "", "<details>", "<summary>Diff</summary>", "````diff",
        *body, "````", "</details>", "", "### Summary", "```json", '{"modification_type": "minor update"}', "```", "",
        "### Explanation", "x", ""])


def one_run(folder: Path, timeout: float) -> float | None:
    db = folder / "x.duckdb"
    for p in folder.glob("x.duckdb*"):
        p.unlink()
    t0 = time.perf_counter()
    try:
        subprocess.run([*EXTRACT, "-q", "--db", str(db), "ingest", str(folder / "in")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="200,2000,20000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "in").mkdir()
            (folder / "in" / "report-20250601-openai.md").write_text(report(n, "2025-06-01", "1111111", True))
            (folder / "in" / "report-20250602-openai.md").write_text(report(n, "2025-06-02", "2222222", False))
            times = []
            for _ in range(args.repeat):
                t = one_run(folder, args.timeout)
                if t is None:
                    print(f"{n:6d} hunks: stopped after {args.timeout:.0f} s", flush=True)
                    break
                times.append(t)
            if times:
                best, med = min(times), statistics.median(times)
                print(f"{n:6d} hunks (x2 reports): best {best:7.2f} s, median {med:7.2f} s, "
                      f"{1000 * best / n:6.2f} ms per hunk", flush=True)


if __name__ == "__main__":
    main()
