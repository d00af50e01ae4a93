"""Benchmark: ``extract ingest`` as a whole process against a bare unidiff pass as a process.

Both sides run as fresh processes, in turns (so that a busy moment of the machine falls on
both alike), ``--repeat`` times; best and median are printed and the ratios are taken of
the bests (and of the medians):

* the bare pass: ``python bench_ingest.py --bare FOLDERS`` starts Python, imports unidiff,
  reads every file and parses every report diff block with ``unidiff.PatchSet`` (nothing
  else: no facts, no database);
* the ingest: ``extract -q --db FRESH ingest FOLDERS``, a fresh database each time;
* the re-ingest: the same command into the database that already holds the files (the
  daily case when nothing is new: every file skipped).

Memory, for the ingest: the peak resident memory of its largest process as
``/usr/bin/time -v`` reports it, and the sampled peak of the sum over the process and any
children it starts (see ``measure``). With ``--scale 4`` the corpus is
also written four times into a temporary folder (each copy under its own name, its
front-matter dates moved two years earlier per copy and its compare range renamed, so that
every copy is new input) and that ingest's memory is printed too: it must not grow with
the input.

    python benchmarks/bench_ingest.py [FOLDER ...] [--repeat N] [--scale K]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402
from measure import Measured, best_median, run  # noqa: E402

EXTRACT = [sys.executable, "-c", "from extractor.entry import run; run()"]
_DATE = re.compile(r"^(date:\s*'?)(\d{4}-\d{2}-\d{2})", re.M)
_FILE_DATE = re.compile(r"report-(\d{4})(\d{2})(\d{2})")
_COMPARE = re.compile(r"(MicrosoftDocs:)([0-9a-f]{7,40})")


def files_of(folders: list[str]) -> list[Path]:
    out: list[Path] = []
    for f in map(Path, folders):
        out += sorted(p for p in f.rglob("*") if p.is_file()) if f.is_dir() else [f]
    return out


def bare_pass(folders: list[str]) -> None:
    """Read every file and parse every report diff block with unidiff (nothing else)."""
    import unidiff

    t0 = time.perf_counter()
    blocks = 0
    for f in files_of(folders):
        text = f.read_bytes().decode("utf-8-sig", "replace")
        inside = False
        buf: list[str] = []
        path = "doc.md"
        for ln in text.split("\n"):
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
    print(f"{blocks} blocks in {time.perf_counter() - t0:.3f} s")


def scaled_copies(files: list[Path], k: int, dest: Path) -> list[str]:
    """``k`` copies of ``files`` under ``dest``; copy ``i`` is dated ``2 * i`` years earlier (its
    front matter and the date in its file names: earlier, because a source dated after today is
    refused) and its compare SHAs are renamed, so that no copy repeats another's sources or changes."""
    folders = []
    for i in range(k):
        folder = dest / f"copy{i}"
        for n, f in enumerate(files):
            text = f.read_bytes().decode("utf-8-sig", "replace")
            if i:
                text = _DATE.sub(lambda m, i=i: m.group(1) + (date.fromisoformat(m.group(2))
                                                              - timedelta(days=730 * i)).isoformat(), text)
                text = _COMPARE.sub(lambda m, i=i: m.group(1) + hashlib.sha1(
                    f"{i}:{m.group(2)}".encode()).hexdigest()[:len(m.group(2))], text)
            name = _FILE_DATE.sub(lambda m, i=i: "report-" + (date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                                                             - timedelta(days=730 * i)).strftime("%Y%m%d"), f.name)
            out = folder / f"{n:04d}-{name}"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        folders.append(str(folder))
    return folders


def _mb(value: float | None) -> str:
    return f"{value:.0f} MB" if value is not None else "n/a"


def memory_line(label: str, m: Measured) -> str:
    return (f"{label:<16} {_mb(m.max_rss_mb)} largest process (time -v), {_mb(m.sum_rss_mb)} summed over "
            f"the process and its children  ({m.seconds:.2f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    ap.add_argument("--repeat", type=int, default=5, help="runs of each side (best and median are shown)")
    ap.add_argument("--scale", type=int, default=4, help="also ingest the input this many times over (0: no)")
    ap.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    measure.compile_package()
    if args.bare:
        bare_pass(args.folders)
        return
    files = files_of(args.folders)
    mb = sum(f.stat().st_size for f in files) / 1e6
    for f in files:  # the page cache, warm for both sides
        f.read_bytes()
    bare_cmd = [sys.executable, __file__, "--bare", *args.folders]
    ingests: list[Measured] = []
    bares: list[Measured] = []
    reingests: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(max(1, args.repeat)):
            db = str(Path(tmp) / f"bench{k}.duckdb")
            bares.append(run(bare_cmd, sample=False))
            ingests.append(run([*EXTRACT, "-q", "--db", db, "ingest", *args.folders]))
            reingests.append(run([*EXTRACT, "-q", "--db", db, "ingest", *args.folders], sample=False).seconds)
        counts = run([*EXTRACT, "--db", db, "sql", "--format", "csv",
                      "SELECT kind, count(*) FILTER (WHERE change <> 'unchanged') AS changes, "
                      "count(*) FILTER (WHERE change = 'unchanged') AS observations FROM events "
                      "GROUP BY kind ORDER BY kind"], sample=False).stdout
        scaled = None
        if args.scale > 1:
            folders = scaled_copies(files, args.scale, Path(tmp) / "scaled")
            scaled = run([*EXTRACT, "-q", "--db", str(Path(tmp) / "scaled.duckdb"), "ingest", *folders])
    times = [m.seconds for m in ingests]
    bare_times = [m.seconds for m in bares]
    bare_s, ingest_s, reingest_s = min(bare_times), min(times), min(reingests)
    print(f"input            {len(files)} files, {mb:.1f} MB")
    bare_cpu = measure.least_cpu(bares)
    print(f"bare unidiff     {best_median(bare_times)}  (whole process"
          + (f"; cpu {bare_cpu:.3f} s best)" if bare_cpu is not None else ")"))
    print(f"ingest           {best_median(times)}  (whole process, fresh database)")
    print(f"  ratio          {ingest_s / bare_s:.2f} best / best, {statistics.median(times) / statistics.median(bare_times):.2f}"
          " median / median")
    print(f"  cpu            {measure.cpu_bound(ingests, bare_s, 'the bare pass best')}")
    print(f"re-ingest        {best_median(reingests)}  (every file skipped)")
    print(f"  ratio          {reingest_s / bare_s:.3f} best / best bare pass")
    worst = max(ingests, key=lambda m: m.max_rss_mb or 0)
    print(memory_line("memory 1x", worst) + "  (the highest of the runs)")
    if scaled is not None:
        print(memory_line(f"memory {args.scale}x", scaled) + f"  ({len(files) * args.scale} files, {mb * args.scale:.0f} MB)")
    print("events by kind   " + "; ".join(line.replace(",", ": ", 1).replace(",", " changes, ") + " observations"
                                          for line in counts.strip().splitlines()[1:]))


if __name__ == "__main__":
    main()
