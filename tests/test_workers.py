"""The parallel ingest (extractor.workers): the same store whatever the number of processes.

Inputs are split between forked workers; their layout memories are merged by replaying
recorded ops in input order, so a header seen in one worker's report resolves rows read
by another, failures are still named and recorded, and a worker that dies costs only time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import MATRIX, av, changes, hunk, make_report, report, srt, write_report

import extractor
from extractor.ingest import workers
from extractor.ingest.shard import Shard
from extractor.layout import HeadingEntry, LayoutEntry, LayoutMemory

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="forked workers need Linux")

DOC = MATRIX + "datazone-standard.md"
DZ = "data-zone-standard"
HEADER = hunk("""
     | **Region** | **gpt-4o**, **2024-05-13** | **o1**, **2024-12-17** |
     |:---|:---:|:---:|
     | eastus | ✅ | - |
    -| eastus2 | ✅ | - |
    +| eastus2 | ✅ | ✅ |
     | francecentral | - | ✅ |
""", old=1)
ROWS_ONLY = hunk("""
     | francecentral | - | ✅ |
    -| swedencentral | ✅ | ✅ |
    +| swedencentral | ✅ | - |
     | westus | - | - |
""", old=5)
ROWS_LATER = hunk("""
     | eastus | ✅ | ✅ |
    -| westus | - | - |
    +| westus | ✅ | - |
""", old=3)


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    report(folder, "2024-10-01", [(DOC, "modified", ROWS_ONLY)], name="a-rows-only.md")
    header = make_report("2024-11-01", [(DOC, "modified", HEADER)])
    write_report(folder, header, name="b-header.md")
    write_report(folder, header, name="c-same-bytes.md")  # a copy: already ingested in this run
    report(folder, "2024-12-01", [(DOC, "modified", ROWS_LATER)], name="d-rows-later.md")
    (folder / "e-notes.txt").write_text("just notes\n", encoding="utf-8")
    (folder / "f-bad.md").write_text("---\ndate: someday\n---\n# Modified Contents\n", encoding="utf-8")
    return folder


EXPECTED = srt([
    ("region_availability", av("o1", "swedencentral", DZ, "2024-12-17"), "available", "removed", True, None, None),
    ("region_availability", av("o1", "eastus2", DZ, "2024-12-17"), "available", "added", None, True, None),
    ("region_availability", av("gpt-4o", "westus", DZ, "2024-05-13"), "available", "added", None, True, None),
])


def _run(tmp_path: Path, name: str, n: int) -> tuple[extractor.Extractor, Any]:
    db = extractor.connect(tmp_path / f"{name}.duckdb")
    return db, db.ingest([tmp_path / "in"], workers=n)


def test_three_workers_store_exactly_what_one_process_stores(tmp_path: Path) -> None:
    _inputs(tmp_path / "in")
    one, r1 = _run(tmp_path, "one", 1)
    three, r3 = _run(tmp_path, "three", 3)
    for db, res in ((one, r1), (three, r3)):
        # rows of the first and last reports take the header the second report shows
        assert changes(db) == EXPECTED
        assert int(db.sql("select count(*) as n from unresolved")["n"][0]) == 0
        assert (res.files, res.loaded, res.skipped_known) == (6, 3, 1)
        assert [Path(p).name for p in res.skipped_other] == ["e-notes.txt"]
        assert [(Path(p).name, line) for p, line, _ in res.failed] == [("f-bad.md", 2)]
    assert three.records() == one.records()
    for table in ("sources", "doc_changes", "layouts", "headings", "errors"):
        cols = "* EXCLUDE (ingested_at)" if table == "sources" else "* EXCLUDE (logged_at)" if table == "errors" else "*"
        a = one.sql(f"select {cols} from {table} order by all")
        b = three.sql(f"select {cols} from {table} order by all")
        assert a.equals(b), table


def test_a_worker_that_dies_costs_a_second_pass_not_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    _inputs(tmp_path / "in")
    parent = os.getpid()
    real = Shard.extract_all

    def dies_in_a_child(self: Shard, *args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        return real(self, *args)

    monkeypatch.setattr(Shard, "extract_all", dies_in_a_child)
    with caplog.at_level("WARNING", logger="extractor"):
        db, res = _run(tmp_path, "two", 2)
    assert "ingesting again in one process" in caplog.text
    assert changes(db) == EXPECTED
    assert (res.files, res.loaded, res.skipped_known) == (6, 3, 1)
    assert [(Path(p).name, line) for p, line, _ in res.failed] == [("f-bad.md", 2)]
    assert int(db.sql("select count(*) as n from errors")["n"][0]) == 1  # recorded once, not once per pass


def test_workers_are_chosen_by_flag_environment_and_input_size(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.ingest.inputs import Input

    small = [Input(i, Path(f"{i}.md"), False, b"x" * 10, str(i)) for i in range(40)]
    big = [Input(i, Path(f"{i}.md"), False, b"x" * 100_000, str(i)) for i in range(40)]
    monkeypatch.delenv("EXTRACTOR_WORKERS", raising=False)
    monkeypatch.setattr(workers, "cpus", lambda: 8)
    assert workers.choose(None, small) == 1  # too little input to gain from forking
    assert workers.choose(None, big) == workers.MAX_AUTO
    assert workers.choose(3, small[:2]) == 2  # never more processes than inputs
    monkeypatch.setenv("EXTRACTOR_WORKERS", "1")
    assert workers.choose(None, big) == 1
    assert workers.choose(2, big) == 2  # the flag wins over the environment


@pytest.mark.skipif(not workers.can_fork(), reason="workers fork (Linux only)")
def test_processes_drawing_tickets_share_out_every_input_once() -> None:
    tickets = workers.Tickets(500)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: draw until none is left, then report what it drew
        got = []
        while (k := tickets.take()) is not None:
            got.append(k)
        os.write(write, json.dumps(got).encode())
        os._exit(0)
    os.close(write)
    mine = []
    while (k := tickets.take()) is not None:
        mine.append(k)
    with os.fdopen(read, "rb") as f:
        theirs = json.loads(f.read())
    os.waitpid(pid, 0)
    assert sorted(mine + theirs) == list(range(500))  # each once, none lost
    assert mine == sorted(mine) and theirs == sorted(theirs)
    assert tickets.take() is None
    alone = workers.Tickets(3, shared=False)  # one process: a plain counter
    assert [alone.take() for _ in range(4)] == [0, 1, 2, None]


def test_recorded_layout_ops_replayed_elsewhere_give_the_same_memory() -> None:
    base = LayoutMemory()
    base.add_table(LayoutEntry("old.md", ("Region", "o1"), 3, ((2, "Data zone"),), "", "s0", "2025-01-01"), new=False)
    a = base.copy()
    a.ops = []
    a.add_heading(HeadingEntry("old.md", 1, 2, "Data zone", "s1"))
    a.carry("old.md", "new.md")  # a rename: one op standing for the adds it makes
    a.add_table(LayoutEntry("new.md", ("Region", "o1"), 3, ((2, "Data zone"),), "", "s0", "2025-01-01"))
    assert [op[0] for op in a.ops] == ["h", "c", "t"]
    b = base.copy()
    b.replay(a.ops)
    assert dict(b.tables) == dict(a.tables) and dict(b.headings) == dict(a.headings)
    assert b.new_tables == a.new_tables == [LayoutEntry("new.md", ("Region", "o1"), 3, ((2, "Data zone"),), "",
                                                        "s0", "2025-01-01")]
    assert [h.doc for h in b.new_headings] == ["old.md", "new.md"]
    assert not base.has_doc("new.md")  # copies are independent


def test_a_file_changed_before_the_second_pass_fails_with_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    _inputs(tmp_path / "in")
    parent = os.getpid()
    real = Shard.extract_all
    touched: list[str] = []

    def dies_in_a_child_while_a_file_changes(self: Shard, *args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        if not touched:  # the first pass: the files this process parsed (let go of) are edited meanwhile
            for inp in self.inputs:
                if not inp.data and inp.path.name != "f-bad.md":
                    inp.path.write_bytes(inp.path.read_bytes() + b"\n")
                    touched.append(inp.path.name)
            touched.append("")  # done, even when this process parsed no good file
        return real(self, *args)

    monkeypatch.setattr(Shard, "extract_all", dies_in_a_child_while_a_file_changes)
    with caplog.at_level("WARNING", logger="extractor"):
        db, res = _run(tmp_path, "two", 2)
    assert "ingesting again in one process" in caplog.text
    edited = [name for name in touched if name]
    failed = {Path(p).name: msg for p, _line, msg in res.failed}
    assert set(failed) == {"f-bad.md", *edited}
    assert all(failed[name] == "changed while it was being ingested; run the ingest again" for name in edited)
    assert res.loaded == 3 - len(edited)  # the three good files but the edited ones
    errors = db.sql("select path, message from errors")
    assert sorted(Path(p).name for p in errors["path"]) == sorted(["f-bad.md", *edited])


def test_columns_keep_every_key_and_the_load_order() -> None:
    from extractor.ingest.rows import SourceRows, columnar, concat_columns

    def rows(sid: str, layouts: list[dict[str, Any]], events: list[str]) -> SourceRows:
        cols = {"event_id": events, "source_id": [sid] * len(events), "line": list(range(len(events)))}
        return SourceRows(f"{sid}.md", sid, {"layouts": layouts}, cols, len(events), 0, {})

    a = columnar([(1, rows("a", [{"doc": "x.md"}, {"doc": "y.md", "lead": "above"}], ["e1", "e2"]))])
    b = columnar([(0, rows("b", [{"doc": "z.md"}], ["e1"]))])
    cols = concat_columns([a, b])
    assert cols["layouts"].to_pylist() == [
        {"doc": "x.md", "lead": None, "_pos": 1, "_src": "a"},  # a key only a later row has is kept
        {"doc": "y.md", "lead": "above", "_pos": 1, "_src": "a"},
        {"doc": "z.md", "lead": None, "_pos": 0, "_src": "b"},
    ]
    assert cols["event_sources"].to_pylist() == [
        {"event_id": "e1", "source_id": "a", "line": 0, "_pos": 1, "_src": "a"},
        {"event_id": "e2", "source_id": "a", "line": 1, "_pos": 1, "_src": "a"},
        {"event_id": "e1", "source_id": "b", "line": 0, "_pos": 0, "_src": "b"},
    ]
