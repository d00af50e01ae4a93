"""Benchmark: what each performance mechanism of the ingest buys, each side a whole process.

For every mechanism, the same work is run as a fresh process into a fresh database WITH
the mechanism and WITHOUT it, in turns (with, without, with, without, ...), ``--repeat``
times each, and best and median of each side are printed with the gain (time without /
time with, of the bests and of the medians) and the peak resident memory of the process
(``/usr/bin/time -v``). The work is the ingest of the corpus (``../shared/corpus``) or the git walk
of a generated 2,000-commit repository (``bench_git.make_repo``, shapes ``docs`` and
``dense``).

Both sides run the same child entry point of this script, ``bench_mechanisms.py --child
MECHANISM with|without DB INPUT``, which imports the ingest's modules, on the ``without``
side switches the mechanism off by monkeypatching (no product code is changed), and then
ingests the way the CLI does (``Extractor(db).ingest([...])`` or ``.ingest(git=repo)``):
both sides pay the same start-up. The mechanisms and how they are switched off:

* ``gc``: the pause of the cyclic garbage collector (``ingest.run.collector_paused``);
  without = a context manager that does nothing;
* ``cache-rows`` / ``cache-strings``: the run's caches
  (``ingest.caches.RunCache``: row_facts and row_contexts; json_str and subjects);
  without = the class ``ingest.context.Run`` creates is replaced by a subclass whose
  dicts of that group keep nothing (``__setitem__``, ``setdefault`` and ``update`` do
  nothing);
* ``lru``: the module-level ``functools.lru_cache``s of ``normalize``, ``layout`` and
  ``kinds.*`` (the recognisers); without = each replaced by its ``__wrapped__`` in every loaded
  ``extractor`` module that holds it;
* ``spill``: prepared sources past ``ingest.batch.PREPARED_BUDGET`` wait in a temporary
  file; without = a budget no input reaches;
* ``chunks``: sources loaded about ``ingest.files.CHUNK_EVENTS`` events per transaction;
  without = a chunk no input fills (one transaction);
* ``checkpoint``: loads checkpoint after ``store.db.LOAD_CHECKPOINT`` of log; without =
  DuckDB's default (16 MB);
* ``pipe``: git's output pipe widened to ``sources.git.PIPE_BYTES``; without = 0 (the
  pipe as the system made it, 64 KB on Linux).

The memory mechanisms run on ``x4``: the corpus written four times over (as
``bench_ingest.py --scale 4`` writes it).

Before the timed runs, each pair runs once more with ``--check``: observers (the same on
both sides, never in the timed runs) show that the patch takes effect (processes forked,
collections during the ingest, cache sizes, lru_cache calls,
) and each side's JSONL export is compared: a mechanism
must not change results ("same export" / "DIFFERENT EXPORT").

    python benchmarks/bench_mechanisms.py [CORPUS] [--repeat 5] [--commits 2000] [--only MECH[@INPUT],...]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import importlib
import json
import pkgutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

CORPUS = ROOT.parent / "shared" / "corpus"

# (mechanism, input): the input is "corpus" or a generated repository's shape
COMPARISONS: list[tuple[str, str]] = [
    ("gc", "corpus"), ("cache-rows", "corpus"),
    ("cache-strings", "corpus"), ("lru", "corpus"),
    ("gc", "dense"), ("cache-rows", "dense"), ("cache-strings", "dense"),
    ("cache-rows", "docs"),
    ("spill", "x4"), ("chunks", "x4"), ("checkpoint", "x4"),
    ("pipe", "docs"), ("pipe", "dense"),
]
CACHE_GROUPS = {"cache-rows": ("row_facts", "row_contexts"), "cache-strings": ("json_str", "subjects")}
LRU_HOMES = ("extractor.normalize", "extractor.layout", "extractor.kinds")


# --- the child: patch a mechanism off (or not), then ingest as the CLI does ------------------------


class NoKeep(dict[Any, Any]):
    """A dict that keeps nothing: every lookup misses."""

    dropped = 0  # stores refused, in this process

    def __setitem__(self, key: Any, value: Any) -> None:
        NoKeep.dropped += 1

    def setdefault(self, key: Any, default: Any = None) -> Any:
        NoKeep.dropped += 1
        return default

    def update(self, *args: Any, **kwargs: Any) -> None:
        NoKeep.dropped += 1


def preload() -> None:
    """Import the ingest's modules (both sides alike), so that a patch meets every module
    that holds what it replaces."""
    import extractor.api  # noqa: F401

    for pkg in ("extractor.ingest", "extractor.sources", "extractor.kinds"):
        mod = importlib.import_module(pkg)
        for info in pkgutil.iter_modules(mod.__path__, pkg + "."):
            importlib.import_module(info.name)
    for name in ("extractor.normalize", "extractor.layout", "extractor.walk"):
        importlib.import_module(name)


def _lru_functions() -> list[tuple[Any, str, Any]]:
    """(module, attribute, cached function) for every binding, in a loaded ``extractor``
    module, of an ``lru_cache`` defined in ``LRU_HOMES``."""
    out = []
    for name, mod in list(sys.modules.items()):
        if mod is None or not (name == "extractor" or name.startswith("extractor.")):
            continue
        for attr, value in list(vars(mod).items()):
            home = getattr(value, "__module__", "") or ""
            if (callable(value) and hasattr(value, "cache_info") and hasattr(value, "__wrapped__")
                    and home.startswith(LRU_HOMES)):
                out.append((mod, attr, value))
    return out


def patch_off(mechanism: str) -> None:
    """Switch ``mechanism`` off in this process."""
    from extractor.ingest import context
    from extractor.ingest import run as ingest_run

    if mechanism == "gc":
        @contextlib.contextmanager
        def not_paused() -> Iterator[None]:
            yield

        ingest_run.collector_paused = not_paused
    elif mechanism in CACHE_GROUPS:
        names = CACHE_GROUPS[mechanism]
        base = context.RunCache

        @dataclass
        class Forgetful(base):  # type: ignore[valid-type, misc]
            def __post_init__(self) -> None:
                for name in names:
                    setattr(self, name, NoKeep())

        context.RunCache = Forgetful  # type: ignore[misc]
    elif mechanism == "lru":
        for mod, attr, fn in _lru_functions():
            setattr(mod, attr, fn.__wrapped__)
    elif mechanism == "spill":
        from extractor.ingest import batch

        batch.PREPARED_BUDGET = 10**15
    elif mechanism == "chunks":
        from extractor.ingest import files

        files.CHUNK_EVENTS = 10**15
    elif mechanism == "checkpoint":
        from extractor.store import db

        db.LOAD_CHECKPOINT = "16MB"
    elif mechanism == "pipe":
        from extractor.sources import git

        git.PIPE_BYTES = 0
    else:
        raise SystemExit(f"unknown mechanism {mechanism!r}")


def observe(report: dict[str, Any], lru: list[Any]) -> Callable[[], None]:
    """Observers for ``--check`` (installed after any patch, the same on both sides); the
    function returned fills ``report`` once the ingest is done."""
    import gc

    from extractor.ingest import context

    report.update(collections=[0, 0, 0])

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and report.get("ingesting"):
            report["collections"][info["generation"]] += 1

    gc.callbacks.append(on_gc)
    caches: list[Any] = []
    base = context.RunCache

    @dataclass
    class Recorded(base):  # type: ignore[valid-type, misc]
        def __post_init__(self) -> None:
            if hasattr(base, "__post_init__"):
                base.__post_init__(self)
            caches.append(self)

    context.RunCache = Recorded  # type: ignore[misc]

    from extractor.ingest import load
    from extractor.store import db

    report.update(loads=0, thresholds=[])
    real_load, real_bulk = load.load_batch, db.Store.bulk_load

    def counted(*args: Any, **kwargs: Any) -> Any:
        report["loads"] += 1
        return real_load(*args, **kwargs)

    @contextlib.contextmanager
    def seen(self: Any) -> Iterator[None]:
        with real_bulk(self):
            got = self._con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]
            if got not in report["thresholds"]:
                report["thresholds"].append(got)
            yield

    load.load_batch = counted
    db.Store.bulk_load = seen  # type: ignore[method-assign]

    from extractor.sources import git

    report.update(pipes=[])
    real_widen = git.widen_pipe

    def widened(fd: int, size: int) -> int | None:
        got = real_widen(fd, size)
        import fcntl

        report["pipes"].append(fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ))
        return got

    git.widen_pipe = widened

    def finish() -> None:
        report["ingesting"] = False
        gc.callbacks.remove(on_gc)
        if caches:
            report["cache_sizes"] = {f.name: len(getattr(caches[0], f.name)) for f in dataclasses.fields(caches[0])}
        report["cache_dropped"] = NoKeep.dropped
        report["lru_bound"] = len(_lru_functions())  # bindings of a cached function left in the modules
        report["lru_cached_functions"] = len(lru)
        report["lru_calls"] = sum(fn.cache_info().hits + fn.cache_info().misses for fn in lru)

    return finish


def child(mechanism: str, side: str, db: str, target: str, check: str | None) -> None:
    preload()
    lru = list({id(fn): fn for _mod, _attr, fn in _lru_functions()}.values())
    if side == "without":
        patch_off(mechanism)
    report: dict[str, Any] = {}
    finish = observe(report, lru) if check else None
    from extractor.api import Extractor

    with Extractor(db) as x:
        report["ingesting"] = True
        walk = Path(target, ".git").exists()
        res = x.ingest(git=target) if walk else x.ingest([target])
        if finish is not None and check is not None:
            finish()
            report["spilled"] = res.spilled
            with open(check + ".jsonl", "w", encoding="utf-8") as fh:
                report["events"] = x.write_jsonl(fh)
            report["failed"] = len(res.failed)
            Path(check).write_text(json.dumps(report))
    if res.failed:
        raise SystemExit(1)


# --- the parent: generate the inputs, run the pairs in turns, print -------------------------------


@dataclass
class Side:
    seconds: list[float] = dataclasses.field(default_factory=list)
    max_rss: list[float] = dataclasses.field(default_factory=list)


def _check_line(mechanism: str, w: dict[str, Any], wo: dict[str, Any]) -> str:
    """What the observers saw on each side: evidence that the patch takes effect."""
    if mechanism == "gc":
        return f"collections during the ingest (gen 0/1/2, main process) with {w['collections']}, without {wo['collections']}"
    if mechanism in CACHE_GROUPS:
        names = CACHE_GROUPS[mechanism]
        sizes = "; ".join(f"{n} {w['cache_sizes'][n]} / {wo['cache_sizes'][n]}" for n in names)
        return f"entries kept with / without (main process): {sizes}; stores refused without: {wo['cache_dropped']}"
    if mechanism == "spill":
        return f"prepared sources that waited in the file with {w['spilled']}, without {wo['spilled']}"
    if mechanism == "chunks":
        return f"loads (transactions of sources) with {w['loads']}, without {wo['loads']}"
    if mechanism == "checkpoint":
        return f"checkpoint threshold during the loads with {w['thresholds']}, without {wo['thresholds']}"
    if mechanism == "pipe":
        return f"git's output pipe, bytes, with {w['pipes']}, without {wo['pipes']}"
    if mechanism == "lru":
        return (f"lru_cache bindings in extractor modules with {w['lru_bound']}, without {wo['lru_bound']}; "
                f"calls through the {w['lru_cached_functions']} caches (main process) with {w['lru_calls']}, "
                f"without {wo['lru_calls']}")
    return ""


def _digest(path: Path, *, ordered: bool) -> str:
    """The export's digest; unordered: of its sorted lines (the export's sort key does not
    order every row: a walk's unchanged rows of one day, document, subject and attribute
    from several commits tie, and come in whatever order the database's sort leaves them)."""
    data = path.read_bytes()
    return hashlib.sha256(data if ordered else b"\n".join(sorted(data.split(b"\n")))).hexdigest()


def _mb(values: list[float]) -> str:
    return f"{max(values):.0f}" if values else "n/a"


def compare(measure: Any, mechanism: str, target: str, inputs: dict[str, Path], repeat: int, tmp: Path) -> list[str]:
    src = str(inputs[target])
    me = [sys.executable, str(Path(__file__).resolve()), "--child"]

    def argv(side: str, db: Path, check: Path | None = None) -> list[str]:
        return [*me, mechanism, side, str(db), src, *(["--check", str(check)] if check else [])]

    def fresh(name: str) -> Path:
        db = tmp / f"{mechanism}-{target}-{name}.duckdb"
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)
        return db

    reports: dict[str, dict[str, Any]] = {}
    for side in ("with", "without"):
        check = tmp / f"check-{mechanism}-{target}-{side}.json"
        measure.run(argv(side, fresh(side), check), sample=False)
        reports[side] = json.loads(check.read_text())
        reports[side]["export"] = Path(str(check) + ".jsonl")
    w, wo = reports["with"], reports["without"]
    same = _digest(w["export"], ordered=False) == _digest(wo["export"], ordered=False)
    in_order = _digest(w["export"], ordered=True) == _digest(wo["export"], ordered=True)
    verdict = (f"same export ({w['events']} events{'' if in_order else '; same lines, tied rows in another order'})"
               if same else f"DIFFERENT EXPORT ({w['events']} events with, {wo['events']} without)")
    for r in (w, wo):
        r["export"].unlink()
    sides = {"with": Side(), "without": Side()}
    for k in range(repeat):
        for side in ("with", "without"):
            m = measure.run(argv(side, fresh(f"{side}{k}")), sample=False)
            s = sides[side]
            s.seconds.append(m.seconds)
            if m.max_rss_mb is not None:
                s.max_rss.append(m.max_rss_mb)
            fresh(f"{side}{k}")
    a, b = sides["with"], sides["without"]
    gain_best = min(b.seconds) / min(a.seconds)
    gain_median = statistics.median(b.seconds) / statistics.median(a.seconds)
    return [f"{mechanism:<14} {target:<7} {min(a.seconds):6.2f} {statistics.median(a.seconds):6.2f}   "
            f"{min(b.seconds):6.2f} {statistics.median(b.seconds):6.2f}   {gain_best:5.2f}x {gain_median:5.2f}x   "
            f"{_mb(a.max_rss)} / {_mb(b.max_rss)}",
            f"    check: {_check_line(mechanism, w, wo)}; {verdict}"]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        cp = argparse.ArgumentParser()
        cp.add_argument("mechanism")
        cp.add_argument("side", choices=["with", "without"])
        cp.add_argument("db")
        cp.add_argument("target")
        cp.add_argument("--check", default=None)
        ns = cp.parse_args(sys.argv[2:])
        child(ns.mechanism, ns.side, ns.db, ns.target, ns.check)
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each side (best and median are shown)")
    ap.add_argument("--commits", type=int, default=2000, help="commits of each generated repository")
    ap.add_argument("--only", default="",
                    help="comma-separated MECHANISM (on its default inputs) or MECHANISM@INPUT (corpus, x4, docs, dense)")
    args = ap.parse_args()
    import measure

    measure.compile_package()
    from bench_git import make_repo

    wanted = [w for w in args.only.split(",") if w]
    comparisons = [(m, t) for m, t in COMPARISONS if not wanted or m in wanted]
    comparisons += [(m, t) for m, t in (w.split("@", 1) for w in wanted if "@" in w) if (m, t) not in comparisons]
    for _m, t in comparisons:
        if t not in ("corpus", "x4", "docs", "dense"):
            raise SystemExit(f"unknown input {t!r} (corpus, x4, docs, dense)")
    if not comparisons:
        raise SystemExit(f"nothing matches --only {args.only!r}")
    repeat = max(1, args.repeat)
    with open("/proc/loadavg") as fh:
        print(f"load before: {fh.read().strip()}", flush=True)
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        inputs: dict[str, Path] = {"corpus": args.corpus}
        if any(t == "x4" for _m, t in comparisons):
            from bench_ingest import files_of, scaled_copies

            scaled_copies(files_of([str(args.corpus)]), 4, tmp / "x4")
            inputs["x4"] = tmp / "x4"
        for shape in sorted({t for _m, t in comparisons} - {"corpus", "x4"}):
            t0 = time.perf_counter()
            make_repo(tmp / shape, args.commits, shape=shape)
            inputs[shape] = tmp / shape
            print(f"generated the {shape} repository: {args.commits} commits in {time.perf_counter() - t0:.1f} s",
                  flush=True)
        files = [p for p in args.corpus.rglob("*") if p.is_file()]
        for f in files:  # the page cache, warm for both sides
            f.read_bytes()
        print(f"corpus: {len(files)} files, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB; "
              f"{repeat} timed runs of each side, in turns; seconds of whole processes, fresh databases; "
              f"gain = without / with", flush=True)
        print(f"{'mechanism':<14} {'input':<7} {'with: best median':>17}   {'without: best median':>19}   "
              f"{'gain: best median':>17}   peak MB largest process with / without", flush=True)
        for mechanism, target in comparisons:
            for line in compare(measure, mechanism, target, inputs, repeat, tmp):
                print(line, flush=True)
    with open("/proc/loadavg") as fh:
        print(f"load after: {fh.read().strip()}  ({(time.perf_counter() - t_start) / 60:.1f} min in all)")


if __name__ == "__main__":
    main()
