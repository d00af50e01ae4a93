"""Meaning, not text: what must give no events, and what must give the same events.

CRLF line ends and ``\\ No newline at end of file`` toggles (FORMATS.md section 1), the same
report in two languages, the same input twice, and the observation rule (context rows
are stored as ``unchanged`` and never counted as changes).
"""

from __future__ import annotations

from pathlib import Path

from helpers import (
    QUOTAS,
    RETIREMENTS,
    change_tuples,
    changes,
    hunk,
    ingest_changes,
    make_report,
    q,
    ret,
    write_report,
)

import extractor

QH = " | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |"
QA = " |---|---|:---:|:---:|"
GS = "global-standard"

QUOTA_DIFF = hunk(f"""
     ### o-series global standard
    .
    {QH}
    {QA}
    -| `o3` | Default | 1 M | 1 K |
    +| `o3` | Default | 2 M | 1 K |
     | `o4-mini` | Default | 1 M | 1 K |
""", section="Some paragraph")
QUOTA_CHANGE = [("quota", q("o3", GS, "default"), "tpm", "changed", 1_000_000, 2_000_000, None)]


def test_crlf_toggle_gives_no_event(tmp_path: Path) -> None:
    d = hunk(f"""
        {QH}
        {QA}
        -| `o3` | Default | 1 M | 1 K |
        +| `o3` | Default | 1 M | 1 K |\r
        -| `o4-mini` | Default | 1 M | 1 K |\r
        +| `o4-mini` | Default | 1 M | 1 K |
    """)
    _, ch = ingest_changes(tmp_path, ("2025-02-27", [(QUOTAS, "modified", d)]))
    assert ch == []


def test_crlf_report_lines_give_the_same_events(tmp_path: Path) -> None:
    """Diff lines ending ``\\r\\n`` (and ``\\r\\r\\n``) read like ``\\n`` ones."""
    text = make_report("2025-02-27", [(QUOTAS, "modified", QUOTA_DIFF)])
    head, _, rest = text.partition("````diff\n")
    block, _, tail = rest.partition("\n````")
    block = "\n".join(ln + ("\r\r" if i == 3 else "\r") for i, ln in enumerate(block.split("\n")))
    path = write_report(tmp_path, head + "````diff\n" + block + "\n````" + tail)
    db = extractor.connect(tmp_path / "x.duckdb")
    res = db.ingest([path])
    assert res.ok and not res.warnings
    assert changes(db) == QUOTA_CHANGE


def test_eof_newline_toggle_gives_no_event(tmp_path: Path) -> None:
    d = hunk(f"""
        {QH}
        {QA}
         | `o3` | Default | 1 M | 1 K |
        -| `o4-mini` | Default | 1 M | 1 K |
        \\ No newline at end of file
        +| `o4-mini` | Default | 1 M | 1 K |
    """)
    db, ch = ingest_changes(tmp_path, ("2025-02-16", [(QUOTAS, "modified", d)]))
    assert ch == []
    assert len(db.records()) == 4  # both rows observed, nothing changed


def test_eof_toggle_next_to_a_real_change(tmp_path: Path) -> None:
    d = hunk(f"""
        {QH}
        {QA}
        -| `o3` | Default | 1 M | 1 K |
        -| `o4-mini` | Default | 1 M | 1 K |
        \\ No newline at end of file
        +| `o3` | Default | 2 M | 1 K |
        +| `o4-mini` | Default | 1 M | 1 K |
        \\ No newline at end of file
    """)
    _, ch = ingest_changes(tmp_path, ("2025-02-16", [(QUOTAS, "modified", d)]))
    assert ch == [("quota", q("o3", None, "default"), "tpm", "changed", 1_000_000, 2_000_000, None)]


def test_context_rows_are_observations_not_changes(tmp_path: Path) -> None:
    db, ch = ingest_changes(tmp_path, ("2025-02-08", [(QUOTAS, "modified", QUOTA_DIFF)]))
    assert ch == QUOTA_CHANGE
    obs = sorted((r["subject"]["model"], r["attribute"], r["old"], r["new"])
                 for r in db.records() if r["change"] == "unchanged")
    assert obs == [("o3", "rpm", 1000, 1000), ("o4-mini", "rpm", 1000, 1000), ("o4-mini", "tpm", 1_000_000, 1_000_000)]
    stats = db.stats()["events"].set_index("kind")
    assert stats.loc["quota", "changes"] == 1 and stats.loc["quota", "observations"] == 3


# --- one change through several reports ------------------------------------------------------------------

RET_DIFF = hunk("""
     | Model | Version | Retirement date | Suggested replacements |
     | ---- | ---- | ---- | --- |
    -| `gpt-4o` | 2024-05-13 | No earlier than March 26, 2025 | |
    +| `gpt-4o` | 2024-05-13 | No earlier than June 6, 2025 | `gpt-4.1` |
""")
SECTIONS = [(QUOTAS, "modified", QUOTA_DIFF), (RETIREMENTS, "modified", RET_DIFF)]
ALL_CHANGES = sorted([
    *QUOTA_CHANGE,
    ("retirement", ret("gpt-4o", "2024-05-13"), "replacement", "added", None, "gpt-4.1", None),
    ("retirement", ret("gpt-4o", "2024-05-13"), "retirement_date", "changed", "2025-03-26", "2025-06-06",
     "no-earlier-than"),
], key=repr)


def _export(db: extractor.Extractor) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "source"} for r in db.records()]


def test_same_report_in_japanese_and_english_gives_identical_events(tmp_path: Path) -> None:
    ja = write_report(tmp_path, make_report("2025-02-27", SECTIONS, lang="ja", head="fb526ea"), "report-ja.md")
    en = write_report(tmp_path, make_report("2025-02-27", SECTIONS, lang="en", head="fb526ea"), "report-en.md")
    one_ja = extractor.connect(tmp_path / "ja.duckdb")
    one_ja.ingest([ja])
    one_en = extractor.connect(tmp_path / "en.duckdb")
    one_en.ingest([en])
    both = extractor.connect(tmp_path / "both.duckdb")
    both.ingest([ja, en])
    assert changes(one_ja) == changes(one_en) == changes(both) == ALL_CHANGES
    assert _export(one_ja) == _export(one_en) == _export(both)
    # the three languages of one change are one change, not several
    assert both.sql("select count(*) as n from events")["n"][0] == len(both.records())
    assert both.sql("select count(distinct change_id) as n from sources")["n"][0] == 1


def test_same_input_twice_exports_the_same_lines_once(tmp_path: Path) -> None:
    path = write_report(tmp_path, make_report("2025-02-27", SECTIONS))
    copy = write_report(tmp_path, path.read_text(encoding="utf-8"), "copy-of-report.md")
    db = extractor.connect(tmp_path / "x.duckdb")
    db.ingest([path])
    first = _export(db)
    res = db.ingest([path, copy])
    assert res.skipped_known == 2 and res.events_new == 0
    assert _export(db) == first
    assert change_tuples(db.records()) == ALL_CHANGES
