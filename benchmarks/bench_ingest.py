"""Benchmark: ingest a folder into a fresh database and compare with a bare unidiff pass.

Prints files, MB, seconds, MB/s, peak memory, events per kind; then the time of a bare
pass that only reads the files and parses every diff block with unidiff, the ratio of
the two, and the time of a re-ingest of the same files (all skipped, unread).

The ingest (each into a fresh database, in a fresh process: no cache of a previous run
helps it; the imports are done before the clock starts) and the bare pass run
``--repeat`` times, alternately, so that a busy machine slows both alike; the best and
the median of each are printed and the ratio is taken of the best. Peak memory is the
ingest process's and, separately, its largest worker's; a worker shares the parent's
pages until either writes them, so the two do not simply add up.

    python benchmarks/bench_ingest.py [FOLDER ...] [--repeat N] [--workers N]
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import unidiff

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.api import Extractor  # noqa: E402
from extractor.ingest import expand  # noqa: E402
from extractor.sources.report import parse_report  # noqa: E402


def bare_pass(files: list[Path]) -> tuple[float, int]:
    """Read every file and parse every report diff block with unidiff (nothing else)."""
    t0 = time.perf_counter()
    blocks = 0
    for f in files:
        text = f.read_bytes().decode("utf-8-sig")
        lines = text.split("\n")
        inside = False
        buf: list[str] = []
        path = "doc.md"
        for ln in lines:
            if not inside:
                if ln.startswith("## ") and "{#item-" in ln:
                    path = ln[3:].split("{#", 1)[0]
                elif ln.startswith("````diff"):
                    inside, buf = True, []
                continue
            if ln.rstrip("\r ") == "````":
                inside = False
                body = "\n".join(x.rstrip("\r") for x in buf)
                if body.strip():
                    unidiff.PatchSet(f"--- a/{path}\n+++ b/{path}\n{body}\n")
                    blocks += 1
                continue
            buf.append(ln)
    return time.perf_counter() - t0, blocks


def _ingest_in_a_process(db_path: Path, folders: list[str], workers: int | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--one", str(db_path), *folders]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def one_ingest(db_path: Path, folders: list[str], workers: int | None) -> None:
    """One timed ingest in this (fresh) process; prints its figures as JSON."""
    parse_report("---\ndate: '2025-01-01'\n---\n# Modified Contents\n", "warm.md")
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    with Extractor(db_path) as db:
        t1 = time.perf_counter()
        res = db.ingest(folders, workers=workers)
        t2 = time.perf_counter()
    seconds = time.perf_counter() - t0
    phases = {"open": t1 - t0, **res.seconds, "close": seconds - (t2 - t0)}
    print(json.dumps({"seconds": seconds, "phases": phases, "rss_before": rss_before,
                      "rss_after": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "rss_child": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                      "loaded": res.loaded, "skipped_other": res.skipped_other, "failed": res.failed}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side (best and median are shown)")
    ap.add_argument("--workers", type=int, default=None, help="ingest processes (default: chosen by extract)")
    ap.add_argument("--one", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        one_ingest(args.one, args.folders, args.workers)
        return
    files = [p for p, _ in expand(args.folders)]
    mb = sum(f.stat().st_size for f in files) / 1e6
    # warm the page cache and the imports so neither side pays for them
    parse_report("---\ndate: '2025-01-01'\n---\n# Modified Contents\n", "warm.md")
    for f in files:
        f.read_bytes()

    ingest_times: list[float] = []
    bare_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(max(1, args.repeat)):
            db_path = Path(tmp) / f"bench{run}.duckdb"
            one = _ingest_in_a_process(db_path, args.folders, args.workers)
            ingest_times.append(one["seconds"])
            if run == 0:
                first = one
            if one["seconds"] == min(ingest_times):
                best = one
            gc.collect()
            bare_s, blocks = bare_pass(files)
            bare_times.append(bare_s)
        reingest_times: list[float] = []
        for _ in range(max(1, args.repeat)):  # a no-op each time: best of as many runs as the others
            t0 = time.perf_counter()
            with Extractor(db_path) as db:
                again = db.ingest(args.folders)
            reingest_times.append(time.perf_counter() - t0)
        reingest_s = min(reingest_times)
        with Extractor(db_path, read_only=True) as db:
            kinds = db.sql("SELECT kind, count(*) FILTER (WHERE change <> 'unchanged') AS changes, "
                           "count(*) FILTER (WHERE change = 'unchanged') AS observations "
                           "FROM events GROUP BY kind ORDER BY kind")
            unresolved = db.sql("SELECT count(*) AS n FROM unresolved")["n"].iloc[0]
    rss_before, rss_after, rss_child = first["rss_before"], first["rss_after"], first["rss_child"]
    res = argparse.Namespace(loaded=first["loaded"], skipped_other=first["skipped_other"], failed=first["failed"])

    ingest_s, bare_s = min(ingest_times), min(bare_times)
    print(f"files            {len(files)} ({res.loaded} loaded, {len(res.skipped_other)} not diffs, "
          f"{len(res.failed)} failed)")
    print(f"size             {mb:.1f} MB")
    print(f"ingest           {ingest_s:.2f} s best, {statistics.median(ingest_times):.2f} s median of "
          f"{len(ingest_times)}  ({mb / ingest_s:.1f} MB/s)")
    print("  phases         " + ", ".join(f"{k} {v:.2f}" for k, v in best["phases"].items())
          + "  (the best run, wall seconds)")
    print(f"peak memory      {rss_after:.0f} MB RSS in the ingest process ({rss_before:.0f} MB before it, "
          f"with the libraries loaded); largest worker {rss_child:.0f} MB RSS" if rss_child else
          f"peak memory      {rss_after:.0f} MB RSS ({rss_before:.0f} MB before the ingest); no workers")
    print(f"bare unidiff     {bare_s:.2f} s best, {statistics.median(bare_times):.2f} s median  "
          f"({blocks} diff blocks)")
    print(f"ratio            {ingest_s / bare_s:.2f}  (best ingest / best bare unidiff pass)")
    print(f"re-ingest        {reingest_s:.3f} s best, {statistics.median(reingest_times):.3f} s median  "
          f"({again.skipped_known} skipped)  ratio {reingest_s / bare_s:.3f}")
    print(f"unresolved rows  {unresolved}")
    for r in kinds.itertuples(index=False):
        print(f"events {r.kind:<20} {r.changes} changes, {r.observations} observations")


if __name__ == "__main__":
    main()
