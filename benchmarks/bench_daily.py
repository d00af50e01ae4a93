"""Benchmark: the daily case, one new report ingested into a database of all the others.

A new file can teach the layout of a document, and then the stored changes of that
document are read again so that the facts are what one bulk ingest gives (FACTS.md:
ingest order changes nothing). This measures what that costs: the corpus but its newest
reports is ingested once; then each of the newest reports, in turn, is ingested as a whole
process (``extract ingest FILE``) into a copy of that database, and the time and the
number of stored sources read again are printed, best and median over ``--repeat`` runs.
A one-file ingest into an empty database is timed beside it as the floor.

    python benchmarks/bench_daily.py [FOLDER ...] [--last N] [--repeat N]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import measure  # (this folder is on the path when a benchmark runs)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.api import Extractor  # noqa: E402
from extractor.ingest import expand  # noqa: E402

EXTRACT = [sys.executable, "-c", "from extractor.entry import run; run()"]


def by_date(files: list[Path]) -> list[Path]:
    def key(p: Path) -> tuple[str, str]:
        m = re.search(r"^date:\s*'?(\d{4}-\d{2}-\d{2})", p.read_text(encoding="utf-8", errors="replace")[:500], re.M)
        return (m.group(1) if m else "", p.name)
    return sorted(files, key=key)


def timed(args: list[str]) -> tuple[float, int]:
    """Seconds of one whole ``extract`` process, and the stored sources it read again."""
    t0 = time.perf_counter()
    out = subprocess.run(EXTRACT + args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    m = re.search(r"(\d+) stored sources read again", out.stderr)
    return seconds, int(m.group(1)) if m else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path,
                    default=[ROOT.parent / "shared" / "corpus", ROOT.parent / "shared" / "seeds"])
    ap.add_argument("--last", type=int, default=5, help="how many of the newest reports to add one by one")
    ap.add_argument("--repeat", type=int, default=3)
    ns = ap.parse_args()
    measure.compile_package()
    files = by_date([p for p, _ in expand(ns.folders)])
    base, new = files[:-ns.last], files[-ns.last:]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "base.duckdb"
        with Extractor(db) as x:
            x.ingest(base)
        print(f"{len(base)} reports stored; adding each of the {len(new)} newest alone")
        for f in new:
            daily, floor = [], []
            for i in range(ns.repeat):
                copy = Path(tmp) / f"copy{i}.duckdb"
                shutil.copy(db, copy)
                seconds, again = timed(["--db", str(copy), "ingest", str(f)])
                daily.append(seconds)
                copy.unlink()
                empty = Path(tmp) / f"empty{i}.duckdb"
                floor.append(timed(["--db", str(empty), "ingest", str(f)])[0])
                empty.unlink()
            print(f"{f.name}: into the stored corpus best {min(daily):.2f} s, median {statistics.median(daily):.2f} s;"
                  f" into an empty database best {min(floor):.2f} s; {again} stored sources read again")


if __name__ == "__main__":
    main()
