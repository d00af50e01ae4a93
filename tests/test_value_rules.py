"""Values that cannot be true: a control character (NUL, ...) in a row, a negative quantity, a
quantity past what the store keeps (INT64) or of 400 digits are unresolved rows with the reason,
never a ``removed`` or a wrong number; a report dated after today and a date parameter with
trailing text are refused, with exit status and message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import QUOTAS, hunk, ingest_changes, q, report

import extractor
from extractor.cli import main
from extractor.normalize import INT64_MAX, BadValue, control_character, parse_quantity, whole_date

QH = " | Model|Tier| Quota Limit in tokens per minute (TPM) | Requests per minute |"
QA = " |---|---|:---:|:---:|"
GS = "global-standard"


def ingest_row(tmp_path: Path, new_row: str) -> tuple[list[tuple], list[tuple]]:
    """A quota row of ``1 M`` changed to ``new_row``: the change events and the unresolved rows."""
    d = hunk(f"""
         ### o-series global standard
        .
        {QH}
        {QA}
        -| `o3` | Default | 1 M | 1 K |
        +{new_row}
         | `o3` | Enterprise agreement | 10 M | 10 K |
    """)
    db, changes = ingest_changes(tmp_path, ("2025-02-08", [(QUOTAS, "modified", d)]))
    unresolved = db.store.read("SELECT side, text, reason FROM unresolved ORDER BY doc_line").rows()
    db.close()
    return changes, unresolved


@pytest.mark.parametrize(("cell", "reason"), [
    ("30\x00 M", "a control character (U+0000) in the row"),
    ("3\x1b[0m M", "a control character (U+001B) in the row"),
    ("-30 M", "a negative quantity: -30 M"),
    ("9" * 400, f"a quantity of 400 digits, past the largest that can be stored ({INT64_MAX:,})"),
    ("9223372036854775808", f"a quantity of 19 digits, past the largest that can be stored ({INT64_MAX:,})"),
])
def test_a_value_that_cannot_be_true_is_an_unresolved_row(tmp_path: Path, cell: str, reason: str) -> None:
    row = f"| `o3` | Default | {cell} | 1 K |"
    changes, unresolved = ingest_row(tmp_path, row)
    # the tpm is unknown on the new side: no "removed" (nor "changed"); the rpm row reads alike
    assert [c for c in changes if c[2] == "tpm"] == []
    assert unresolved == [("after", row, reason)]


def test_the_largest_quantity_stored_is_int64(tmp_path: Path) -> None:
    changes, unresolved = ingest_row(tmp_path, f"| `o3` | Default | {INT64_MAX} | 1 K |")
    assert changes == [("quota", q("o3", GS, "default"), "tpm", "changed", 1_000_000, INT64_MAX, None)]
    assert unresolved == []


def test_quantities_and_dates_in_words() -> None:
    assert parse_quantity("1.6 K") == 1600 and parse_quantity("30 M") == 30_000_000 and parse_quantity("N/A") is None
    assert parse_quantity("-5") == BadValue("a negative quantity: -5")
    assert parse_quantity("1" + "0" * 19) == BadValue(f"a quantity of 20 digits, past the largest that can be "
                                                      f"stored ({INT64_MAX:,})")
    assert control_character("| a\tb |") is None and control_character("a\x00") == "a control character (U+0000) in the row"
    assert whole_date("2025-01-01") == "2025-01-01" and whole_date(" Feb 8, 2025 ") == "2025-02-08"
    assert whole_date("2025-01-01 x") is None and whole_date("on 2025-01-01") is None


def test_a_report_dated_after_today_is_refused(tmp_path: Path) -> None:
    later = report(tmp_path, "2099-01-01", [(QUOTAS, "modified", None)], name="future.md")
    good = report(tmp_path, "2025-01-01", [(QUOTAS, "modified", None)], name="past.md")
    db = tmp_path / "x.duckdb"
    res = CliRunner().invoke(main, ["--db", str(db), "ingest", str(later), str(good)])
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == (f"error: {later}: dated 2099-01-01, after today "
                                          f"({dt.date.today().isoformat()}): refused")
    assert "2 files: 1 loaded" in res.stderr
    with extractor.connect(db, read_only=True) as d:
        assert d.store.read("SELECT count(*) FROM sources").first() == 1


@pytest.mark.parametrize("args", [["ingest", "--date", "2025-01-01 x"], ["sql", "SELECT $as_of", "--as-of", "2025-01-01 x"],
                                  ["report", "--since", "2025-01-01 x"],
                                  ["query", "current_quotas", "--as-of", "2025-01-01 x"]])
def test_a_date_parameter_with_trailing_text_is_refused(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "x.duckdb"
    extractor.connect(db).close()
    res = CliRunner().invoke(main, ["--db", str(db), *args])
    assert res.exit_code == 2, res.output
    assert "not a date: '2025-01-01 x'" in res.stderr.splitlines()[-1]


@pytest.mark.parametrize(("cell", "reason"), [
    ("-30", "a negative quantity: -30"),
    ("9" * 400, f"a quantity of 400 digits, past the largest that can be stored ({INT64_MAX:,})"),
    ("9223372036854775808", f"a quantity of 19 digits, past the largest that can be stored ({INT64_MAX:,})"),
    ("9000000000 GB", "a quantity of 10 digits, past the largest that can be stored "
                      f"({INT64_MAX:,})"),
])
def test_a_service_limit_that_cannot_be_true_is_an_unresolved_row(tmp_path: Path, cell: str, reason: str) -> None:
    # service limits read sizes in bytes as well, through the same checks as every quantity
    row = f"| Max files per resource | {cell} |"
    d = hunk(f"""
         | Limit Name | Limit Value |
         |--|--|
        -| Max files per resource | 100 |
        +{row}
         | Max file size | 512 MB |
    """, old=60)
    db, changes = ingest_changes(tmp_path, ("2025-02-08", [(QUOTAS, "modified", d)]))
    unresolved = db.store.read("SELECT side, text, reason FROM unresolved ORDER BY doc_line").rows()
    db.close()
    assert changes == []  # the value is unknown on the new side: neither removed nor changed
    assert unresolved == [("after", row, reason)]
