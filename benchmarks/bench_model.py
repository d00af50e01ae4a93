"""Benchmark: the model level's views on the corpus database (schemas/010_model_level.sql).

The model level is plain views over the per-document history, recomputed at each query, so
re-ingesting never leaves them stale. This measures what a query of each costs against the
per-document views it is built on (``fact_changes``, ``fact_as_of``), best and median of
``--repeat`` runs in one process, to tell whether materialising them at the end of an
ingest would pay.

    python benchmarks/bench_model.py [FOLDER ...] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import measure  # (this folder is on the path when a benchmark runs)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.api import Extractor  # noqa: E402

QUERIES = {
    "fact_changes (per document)": "SELECT count(*) FROM fact_changes",
    "model_states": "SELECT count(*) FROM model_states",
    "model_changes": "SELECT count(*) FROM model_changes",
    "fact_as_of(d) (per document)": "SELECT count(*) FROM fact_as_of(DATE '2025-03-01')",
    "model_facts_as_of(d)": "SELECT count(*) FROM model_facts_as_of(DATE '2025-03-01')",
    "model_facts_as_of(NULL)": "SELECT count(*) FROM model_facts_as_of(NULL)",
    "model_subjects": "SELECT count(*) FROM model_subjects",
    "area_coverage": "SELECT count(*) FROM area_coverage",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path,
                    default=[ROOT.parent / "shared" / "corpus", ROOT.parent / "shared" / "seeds"])
    ap.add_argument("--repeat", type=int, default=5)
    ns = ap.parse_args()
    measure.compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.duckdb"
        with Extractor(path) as db:
            db.ingest([f for f in ns.folders if f.exists()])
        with Extractor(path, read_only=True) as db:
            con = db.store.con
            for name, sql in QUERIES.items():
                times, n = [], None
                for _ in range(ns.repeat):
                    t0 = time.perf_counter()
                    n = con.execute(sql).fetchone()[0]
                    times.append(time.perf_counter() - t0)
                print(f"{name:32s} {n:>7} rows  best {min(times):6.3f} s  median {statistics.median(times):6.3f} s")


if __name__ == "__main__":
    main()
