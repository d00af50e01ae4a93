"""Whole-process measurements the benchmarks share: wall time and peak memory of a command.

``run(argv)`` runs ``argv`` as a fresh process under ``/usr/bin/time -v`` (when present) and
returns its wall seconds, its CPU seconds (user and system, with those of the children it
waited for, such as ``git``), the peak resident memory of its largest process as ``time -v``
reports it, and the peak of the summed resident memory of the process and its children,
sampled from ``/proc`` every few milliseconds. The sum counts pages that a parent and its
forked children share once per process, so it overstates what they use together; it is
shown beside the largest process, not instead of it.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None  # GNU time, for -v
_MAX_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
_CPU = re.compile(r"(?:User|System) time \(seconds\): ([\d.]+)")


def cores() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def compile_package() -> None:
    """Byte-compile the ``extractor`` package, as installing a package does. From an editable
    install with ``PYTHONDONTWRITEBYTECODE`` set (as on this machine), every process would
    otherwise compile each module it imports, which is not what a user's start costs."""
    import compileall

    compileall.compile_dir(str(ROOT / "extractor"), quiet=1)


@dataclass
class Measured:
    seconds: float
    cpu_seconds: float | None  # user + system, the process and the children it waited for (``time -v``)
    max_rss_mb: float | None  # the largest process (``/usr/bin/time -v``)
    sum_rss_mb: float | None  # the largest sum over the process tree, sampled
    stdout: str
    stderr: str


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(argv: list[str], *, env: dict[str, str] | None = None, sample: bool = True,
        discard: bool = False) -> Measured:
    """Run ``argv`` (it must succeed) and measure it; see the module's docstring.
    ``discard``: its standard output goes to ``/dev/null`` (not read)."""
    cmd = [TIME, "-v", *argv] if TIME else argv
    peak = [0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL if discard else subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    done = threading.Event()

    def sampler() -> None:
        while not done.is_set():
            total = sum(_rss_kb(p) for p in _tree(proc.pid) if p != proc.pid or not TIME)
            peak[0] = max(peak[0], total)
            done.wait(0.005)

    thread = threading.Thread(target=sampler, daemon=True)
    if sample and Path("/proc").is_dir():
        thread.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    if thread.is_alive():
        thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err[-2000:]}")
    m = _MAX_RSS.search(err)
    cpu = [float(v) for v in _CPU.findall(err)]
    return Measured(seconds, sum(cpu) if len(cpu) == 2 else None, int(m.group(1)) / 1024 if m else None,
                    peak[0] / 1024 if peak[0] else None, out, err)


def least_cpu(runs: list[Measured]) -> float | None:
    """The least CPU time of ``runs``; None when ``time -v`` told none."""
    return min((m.cpu_seconds for m in runs if m.cpu_seconds is not None), default=None)


def cpu_bound(runs: list[Measured], wall: float, what: str) -> str:
    """A line on the least CPU time of ``runs`` and what it means on this machine's cores: no
    way of spreading that work over them could take less wall time than the CPU time divided
    by the cores, shown against ``wall`` (the baseline's best, ``what``)."""
    least, n = least_cpu(runs), cores()
    if least is None:
        return "n/a (no /usr/bin/time)"
    return (f"{least:.3f} s best (user + system); on {n} core{'s' if n > 1 else ''} no split of this "
            f"work takes under {least / n:.3f} s: {least / n / wall:.2f}x {what}")


def best_median(values: list[float]) -> str:
    return f"{min(values):.3f} s best, {statistics.median(values):.3f} s median of {len(values)}"
