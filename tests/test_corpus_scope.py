"""The real corpus read block by block: no row of a claimed table is dropped without a word, and
no unchanged row changes scope between the views.

FACTS.md: every table row inside a claimed block yields facts (events or observations) or an
unresolved row with its reason; a context line is an observation, never a change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.blocks import Table
from extractor.checks import scope_flips
from extractor.ingest.caches import RunCache
from extractor.ingest.extract import doc_facts, states
from extractor.ingest.inputs import read_source
from extractor.ingest.prepare import InputFile, Prepared, prepare, prepare_deferred
from extractor.layout import LayoutMemory

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


def _prepared() -> tuple[list[Prepared], LayoutMemory]:
    memory = LayoutMemory()
    preps = []
    files = sorted(p for p in CORPUS.rglob("*.md") if p.name.startswith("report-"))
    files += sorted(p for p in SEEDS.iterdir() if p.is_file()) if SEEDS.is_dir() else []
    for path in files:
        source = read_source(path, path.read_text(encoding="utf-8"))
        for k, one in enumerate(source if isinstance(source, list) else [source] if source else []):
            preps.append(prepare(InputFile(path, f"{path.name}:{k}", True), one, memory))
    for prep in preps:
        prepare_deferred(prep, memory)
    return preps, memory


def test_every_row_of_a_claimed_table_gives_facts_or_an_unresolved_row() -> None:
    preps, memory = _prepared()
    cache = RunCache()
    checked = silent = 0
    examples = []
    for prep in preps:
        for doc in prep.docs:
            unresolved: list[dict[str, object]] = []
            facts = doc_facts(prep, doc, memory, cache, unresolved)
            kept = {(r["side"], r["doc_line"]) for r in unresolved}
            read = {id(f.line) for side in facts for f in facts[side]}
            for side in ("before", "after"):
                for blk in doc.blocks[side]:
                    if not isinstance(blk, Table) or prep.claims.of(blk) is None:
                        continue
                    for r in blk.rows:
                        if not any(states(c) for c in r.cells[1:]):
                            continue  # a row of '-' cells states nothing
                        checked += 1
                        if id(r.line) not in read and (side, r.line.no(side)) not in kept:
                            silent += 1
                            examples.append((prep.file.path.name, r.line.src_line, r.line.text[:80]))
    assert checked > 3000  # the stating rows of claimed tables in the corpus (3,498)
    assert silent == 0, examples[:10]


def test_the_corpus_export_has_no_scope_flip_on_unchanged_rows(tmp_path: Path) -> None:
    import extractor

    with extractor.connect(tmp_path / "x.duckdb") as db:
        assert db.ingest([CORPUS, *([SEEDS] if SEEDS.is_dir() else [])]).ok
        records = [json.loads(json.dumps(r, default=str)) for r in db.records()]
    assert len(records) > 9000
    assert list(scope_flips(records, [CORPUS, SEEDS])) == []
