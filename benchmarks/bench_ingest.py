"""Benchmark: ingest a folder into a fresh database and compare with a bare unidiff pass.

Prints files, MB, seconds, MB/s, peak memory, events per kind; then the time of a bare
pass that only reads the files and parses every diff block with unidiff, the ratio of
the two, and the time of a re-ingest of the same files (all skipped by content hash).

    python benchmarks/bench_ingest.py [FOLDER ...] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

import unidiff

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.api import Extractor  # noqa: E402
from extractor.pipeline import expand  # noqa: E402
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    ap.add_argument("--repeat", type=int, default=3, help="bare-pass repetitions (best is kept)")
    args = ap.parse_args()
    files = [p for p, _ in expand(args.folders)]
    mb = sum(f.stat().st_size for f in files) / 1e6
    # warm the page cache and the imports so neither side pays for them
    parse_report("---\ndate: '2025-01-01'\n---\n# Modified Contents\n", "warm.md")
    for f in files:
        f.read_bytes()

    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.duckdb"
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        with Extractor(db_path) as db:
            res = db.ingest(args.folders)
        ingest_s = time.perf_counter() - t0
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        with Extractor(db_path) as db:
            again = db.ingest(args.folders)
        reingest_s = time.perf_counter() - t0
        with Extractor(db_path, read_only=True) as db:
            kinds = db.sql("SELECT kind, count(*) FILTER (WHERE change <> 'unchanged') AS changes, "
                           "count(*) FILTER (WHERE change = 'unchanged') AS observations "
                           "FROM events GROUP BY kind ORDER BY kind")
            unresolved = db.sql("SELECT count(*) AS n FROM unresolved")["n"].iloc[0]

    bare_s = min(bare_pass(files)[0] for _ in range(max(1, args.repeat)))
    _, blocks = bare_pass(files)

    print(f"files            {len(files)} ({res.loaded} loaded, {len(res.skipped_other)} not diffs, "
          f"{len(res.failed)} failed)")
    print(f"size             {mb:.1f} MB")
    print(f"ingest           {ingest_s:.2f} s  ({mb / ingest_s:.1f} MB/s)")
    print(f"peak memory      {rss_after:.0f} MB RSS (process peak after ingest; {rss_before:.0f} MB "
          f"before it, with the libraries loaded)")
    print(f"bare unidiff     {bare_s:.2f} s  ({blocks} diff blocks)")
    print(f"ratio            {ingest_s / bare_s:.2f}  (ingest / bare unidiff pass)")
    print(f"re-ingest        {reingest_s:.2f} s  ({again.skipped_known} skipped)  "
          f"ratio {reingest_s / bare_s:.3f}")
    print(f"unresolved rows  {unresolved}")
    for r in kinds.itertuples(index=False):
        print(f"events {r.kind:<20} {r.changes} changes, {r.observations} observations")


if __name__ == "__main__":
    main()
