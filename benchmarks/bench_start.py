"""Benchmark: cold start, each command run as a fresh process.

Times, as whole processes (wall clock), ``extract --version``, ``extract --help``,
``extract stats`` on a small database, ``extract query --list`` and the re-ingest of a
corpus into a database that already holds it (every file skipped), with the bare
``python -c pass`` as the floor. ``stats`` and the re-ingest are told from the list their
database's last writer left beside it (``extractor.store.seen``); each is also timed on a
copy of the database, whose list does not match the copy's file, so DuckDB is opened (the
ordinary path). The commands run in turn, ``--repeat`` rounds, so that a
busy moment of the machine falls on all of them alike; best and median are printed.

    python benchmarks/bench_start.py [CORPUS] [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import measure  # (this folder is on the path when a benchmark runs)

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = [sys.executable, "-c", "from extractor.entry import run; run()"]


def timed(argv: list[str]) -> float:
    """Seconds of one whole process running ``argv`` (it must succeed)."""
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=10)
    ns = ap.parse_args()
    measure.compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        small = str(Path(tmp) / "small.duckdb")
        full = str(Path(tmp) / "full.duckdb")
        subprocess.run([*EXTRACT, "-q", "--db", small, "ingest"], check=True)  # the shipped sample
        subprocess.run([*EXTRACT, "-q", "--db", full, "ingest", str(ns.corpus)], check=True)
        small_copy, full_copy = f"{small}.copy", f"{full}.copy"
        shutil.copyfile(small, small_copy)
        shutil.copyfile(full, full_copy)
        commands: dict[str, list[str]] = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "extract --version": [*EXTRACT, "--version"],
            "extract --help": [*EXTRACT, "--help"],
            "extract stats": [*EXTRACT, "--db", small, "stats"],
            "extract stats (database opened)": [*EXTRACT, "--db", small_copy, "stats"],
            "extract query --list": [*EXTRACT, "query", "--list"],
            "re-ingest (all skipped)": [*EXTRACT, "--db", full, "ingest", str(ns.corpus)],
            "re-ingest (database opened)": [*EXTRACT, "--db", full_copy, "ingest", str(ns.corpus)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(ns.repeat):
            for name, argv in commands.items():
                if name == "re-ingest (database opened)":  # its own close lists the files again
                    Path(f"{full_copy}.seen.json").unlink(missing_ok=True)
                times[name].append(timed(argv))
    width = max(len(n) for n in commands)
    for name, ts in times.items():
        print(f"{name:<{width}}  best {min(ts):.3f} s  median {statistics.median(ts):.3f} s")


if __name__ == "__main__":
    main()
