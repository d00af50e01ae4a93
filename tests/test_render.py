"""Every value rendered truly, in the four formats of ``extract sql`` / ``extract query``
(table, csv, json, markdown) and in ``stats --json``: lists, structs, maps and nested types,
NULLs in integer columns, very long cells, the scalar types, markdown's escaping."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from helpers import sample_db

from extractor import connect
from extractor.cli import main
from extractor.render import Rows, cell_text, format_frame, plain, table_text, to_markdown

FORMATS = ("table", "csv", "json", "markdown")
NESTED = "SELECT [1, 2] AS l, {'a': 1, 'b': 'x'} AS s, MAP {'k': [1, NULL]} AS m"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_db(tmp_path_factory.mktemp("render"))


def sql(db: Path, statement: str, fmt: str, width: int = 100) -> Result:
    res = CliRunner().invoke(main, ["--db", str(db), "sql", statement, "--format", fmt],
                             env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert "Traceback" not in res.output
    return res


def test_list_struct_map_in_every_format(db_path: Path) -> None:
    out = {fmt: sql(db_path, NESTED, fmt) for fmt in FORMATS}
    for fmt, res in out.items():
        assert res.exit_code == 0, (fmt, res.output)
    assert out["csv"].stdout == 'l,s,m\n"[1, 2]","{""a"": 1, ""b"": ""x""}","{""k"": [1, null]}"\n'
    assert json.loads(out["json"].stdout) == [{"l": [1, 2], "s": {"a": 1, "b": "x"}, "m": {"k": [1, None]}}]
    assert out["markdown"].stdout == ('| l | s | m |\n|---|---|---|\n'
                                      '| \\[1, 2\\] | {"a": 1, "b": "x"} | {"k": \\[1, null\\]} |\n')
    table = out["table"].stdout.splitlines()
    assert table[0].split() == ["l", "s", "m"]
    assert '[1, 2]' in table[2] and '{"a": 1, "b": "x"}' in table[2] and '{"k": [1, null]}' in table[2]


def test_a_one_element_list_is_a_list(db_path: Path) -> None:
    assert sql(db_path, "SELECT [1] AS l", "csv").stdout == 'l\n[1]\n'
    assert json.loads(sql(db_path, "SELECT [1] AS l", "json").stdout) == [{"l": [1]}]
    assert "[1]" in sql(db_path, "SELECT [1] AS l", "table").stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_everyday_grouped_list(db_path: Path, fmt: str) -> None:
    res = sql(db_path, "SELECT subject, list(DISTINCT region ORDER BY region) AS regions "
                       "FROM region_availability_history GROUP BY 1 ORDER BY 1", fmt)
    assert res.exit_code == 0, res.output
    if fmt == "json":
        rows = json.loads(res.stdout)
        assert rows and all(isinstance(r["regions"], list) and all(isinstance(x, str) for x in r["regions"])
                            for r in rows)
    else:
        assert '["' in res.stdout or '\\["' in res.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_nested_types(db_path: Path, fmt: str) -> None:
    q = ("SELECT [{'a': [1, 2]}, NULL] AS ls, MAP {1: 'one'} AS mi, [[1], []] AS ll, [1, 2]::INTEGER[2] AS arr, "
         "{'inner': {'x': DATE '2025-01-02'}} AS deep, MAP {'a': {'b': [true]}} AS mm")
    res = sql(db_path, q, fmt, width=200)
    assert res.exit_code == 0, res.output
    expected = {"ls": [{"a": [1, 2]}, None], "mi": {"1": "one"}, "ll": [[1], []], "arr": [1, 2],
                "deep": {"inner": {"x": "2025-01-02"}}, "mm": {"a": {"b": [True]}}}
    if fmt == "json":
        assert json.loads(res.stdout) == [expected]
    elif fmt == "csv":
        import csv
        import io

        rows = list(csv.reader(io.StringIO(res.stdout)))
        assert rows[0] == list(expected)
        assert [json.loads(v) for v in rows[1]] == list(expected.values())
    else:
        text = res.stdout.replace("\\", "")
        for v in expected.values():
            assert json.dumps(v) in text, (v, res.stdout)


def test_nulls_in_integer_columns_stay_integers(db_path: Path) -> None:
    q = "SELECT * FROM (VALUES (1000::BIGINT, 1::INTEGER), (NULL, NULL), (3, 4)) t(big, small)"
    assert sql(db_path, q, "csv").stdout == "big,small\n1000,1\n,\n3,4\n"
    assert json.loads(sql(db_path, q, "json").stdout) == [{"big": 1000, "small": 1}, {"big": None, "small": None},
                                                         {"big": 3, "small": 4}]
    assert sql(db_path, q, "markdown").stdout.splitlines()[2:] == ["| 1000 | 1 |", "|  |  |", "| 3 | 4 |"]
    table = sql(db_path, q, "table").stdout
    assert "1,000" in table and "1000.0" not in table and "1,000.0" not in table
    huge = sql(db_path, "SELECT 18446744073709551615::UBIGINT AS u, 170141183460469231731687303715884105727::HUGEINT AS h, "
                        "NULL::UBIGINT AS n", "json")
    assert json.loads(huge.stdout) == [{"u": 18446744073709551615, "h": 170141183460469231731687303715884105727, "n": None}]


def test_json_keeps_types(db_path: Path) -> None:
    q = ("SELECT 1 AS i, 2.0::DOUBLE AS d, 1.50::DECIMAL(5, 2) AS dec, true AS b, 'x' AS s, DATE '2025-01-02' AS day, "
         "TIMESTAMP '2025-01-02 03:04:05' AS ts, NULL AS nothing, 'inf'::DOUBLE AS inf, '\\x00A'::BLOB AS blob, "
         "INTERVAL 3 DAY AS iv, '101'::BIT AS bits, union_value(n := 2)::UNION(n INTEGER, s VARCHAR) AS u, "
         "TIME '10:11:12' AS t")
    rows = json.loads(sql(db_path, q, "json").stdout)
    assert rows == [{"i": 1, "d": 2.0, "dec": 1.5, "b": True, "s": "x", "day": "2025-01-02", "ts": "2025-01-02T03:04:05",
                     "nothing": None, "inf": "inf", "blob": "\\x00A", "iv": "3 days", "bits": "101", "u": {"n": 2},
                     "t": "10:11:12"}]
    assert isinstance(rows[0]["i"], int) and isinstance(rows[0]["d"], float)
    line = sql(db_path, q, "csv").stdout.splitlines()[1]
    assert line == '1,2.0,1.50,true,x,2025-01-02,2025-01-02T03:04:05,,inf,\\x00A,3 days,101,"{""n"": 2}",10:11:12'


def test_stats_json_numbers_are_numbers(db_path: Path) -> None:
    res = CliRunner().invoke(main, ["--db", str(db_path), "stats", "--json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    for row in data["events"]:
        assert all(isinstance(row[k], int) for k in ("changes", "observations", "added", "removed", "changed")), row
    assert all(isinstance(r["sources"], int) and isinstance(r["first"], str) for r in data["sources"])


def test_stats_json_errors_keep_null_lines(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\ndate: 'not a date'\n---\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    CliRunner().invoke(main, ["--db", str(db), "-q", "ingest", str(bad), str(tmp_path / "missing.md")])
    data = json.loads(CliRunner().invoke(main, ["--db", str(db), "stats", "--json"]).stdout)
    lines = {Path(r["path"]).name: r["line"] for r in data["errors"]}
    assert lines == {"bad.md": 2, "missing.md": None}


def test_markdown_escapes_cell_text(db_path: Path) -> None:
    q = ("SELECT 'a|b *c* <b>x</b> [l](u) `c` _e_ ~s~ &amp; back\\slash' AS t, 'line1' || chr(10) || 'line2' AS nl, "
         "'snake_case_name' AS plain_name")
    out = sql(db_path, q, "markdown").stdout.splitlines()
    assert out[0] == "| t | nl | plain_name |"
    assert out[2] == ("| a\\|b \\*c\\* \\<b\\>x\\</b\\> \\[l\\](u) \\`c\\` \\_e\\_ \\~s\\~ \\&amp; back\\\\slash "
                      "| line1<br>line2 | snake_case_name |")
    assert len(out) == 3  # the newline did not end the row


@pytest.mark.parametrize("fmt", FORMATS)
def test_very_long_cells_are_whole(db_path: Path, fmt: str) -> None:
    res = sql(db_path, "SELECT 1 AS n, repeat('abcdefghij', 500) || 'end' AS long", fmt, width=80)
    assert res.exit_code == 0
    text = res.stdout
    if fmt == "table":  # folded over lines that fit the width, never cut
        assert max(len(line) for line in text.splitlines()) <= 80
        assert "abcdefghij" * 500 + "end" in "".join(text.split())
    elif fmt == "json":
        assert json.loads(text)[0]["long"] == "abcdefghij" * 500 + "end"
    else:
        assert "abcdefghij" * 500 + "end" in text


def test_plain_and_cell_text_of_python_values() -> None:
    assert plain(np.array([1, 2])) == [1, 2]
    assert plain({"k": np.int32(3), 1: [np.float64("nan")]}) == {"k": 3, "1": [None]}
    assert plain(pd.NA) is None and plain(np.int64(5)) == 5 and isinstance(plain(np.int64(5)), int)
    assert plain(float("-inf")) == "-inf"
    assert cell_text([1, "a"]) == '[1, "a"]' and cell_text(None) == "" and cell_text(False) == "false"
    df = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "f": [1.5, None]})
    assert format_frame(df, "csv") == "n,f\n1,1.5\n,\n"
    assert to_markdown(df.iloc[0:0]) == "_no rows_\n"


def test_a_link_wider_than_the_terminal_is_never_folded() -> None:
    url = "https://github.com/MicrosoftDocs/azure-ai-docs/compare/" + "a" * 40 + "..." + "b" * 40
    frame = Rows(["link", "doc", "n"], [(url, "openai/includes/model-matrix/standard-global.md", 1)])
    text = table_text(frame, width=60)
    assert text.splitlines() == [
        "doc                                               n   link",
        "─" * 60,
        "openai/includes/model-matrix/standard-global.md   1   " + url,  # the link last, whole
    ]


def test_numbers_are_right_aligned_with_thousands_separators() -> None:
    frame = Rows(["model", "tpm", "ratio"], [("o3", 3000000, 1.5), ("gpt-4o-mini", 450000, None), ("x", None, 1234.25)])
    assert table_text(frame, width=80).splitlines() == [
        "model               tpm      ratio",
        "──────────────────────────────────",
        "o3            3,000,000        1.5",
        "gpt-4o-mini     450,000",
        "x                         1,234.25",
    ]


def test_narrow_terminals_fold_text_at_folders_and_keep_one_table() -> None:
    frame = Rows(["doc", "reason"], [("articles/search/search-region-support.md", "no table with 2 columns is known")])
    assert table_text(frame, width=40).splitlines() == [
        "doc                   reason",
        "─" * 40,
        "articles/search/      no table with 2",
        "search-region-        columns is known",
        "support.md",
    ]
    wide = Rows([f"column{i}" for i in range(12)], [tuple("v" * 12 for _ in range(12))])
    lines = table_text(wide, width=60).splitlines()
    assert lines[0].split() == [f"column{i}" for i in range(12)]  # still a table, wider than the terminal
    assert len(lines) == 3 and lines[2].split() == ["v" * 12] * 12  # wider whatever is cut: no word is cut
    blob = Rows(["id", "note"], [("x" * 40, "a b c d e f g h i j k l m n o p q r s t u v w x y z")])
    lines = table_text(blob, width=20).splitlines()  # wider whatever is cut: a word past LONG_WORD is cut at it
    assert lines[2:4] == ["x" * 20 + "   a b c d e", "x" * 20 + "   f g h i j"]


def test_stats_fits_80_columns_with_whole_headers(db_path: Path) -> None:
    res = CliRunner().invoke(main, ["--db", str(db_path), "stats"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    i = lines.index("coverage")
    assert lines[i + 1].split() == ["area", "service", "first", "last", "source_dates", "events"]
    assert "(empty in every row, not shown: gaps)" in lines[i:]


def test_a_word_is_not_cut_where_the_columns_can_give_it_room() -> None:
    # shared evenly, the service column would get 11 cells and cut "Intelligence"
    rows = Rows(["service", "note"], [("Azure AI Document Intelligence", "a b c d e f g h i j k l m n o p q r s t u v w x y z")])
    assert table_text(rows, width=25).splitlines() == [
        "service        note", "─" * 25, "Azure AI       a b c d e", "Document       f g h i j",
        "Intelligence   k l m n o", "               p q r s t", "               u v w x y", "               z"]


def test_wide_characters_are_measured_by_cells() -> None:
    assert table_text(Rows(["region", "n"], [("日本東部", 1), ("eastus", 22)]), width=40).splitlines() == [
        "region      n", "─" * 13, "日本東部    1", "eastus     22"]


def test_empty_columns_are_named_and_rows_past_the_limit_counted(db_path: Path) -> None:
    res = sql(db_path, "SELECT 1 a, NULL b, 'x' c", "table")
    assert res.exit_code == 0
    assert res.stdout.splitlines() == ["a   c", "─────", "1   x"]
    assert res.stderr == "empty in every row, not shown: b\n"
    statement = "SELECT i FROM range(1000) t(i)"
    res = CliRunner().invoke(main, ["--db", str(db_path), "sql", statement, "--limit", "3"], env={"COLUMNS": "80"})
    assert res.stdout.splitlines() == ["i", "─", "0", "1", "2"]
    assert res.stderr == "997 more rows not shown (1,000 in all; --limit 0 shows every row)\n"
    res = CliRunner().invoke(main, ["--db", str(db_path), "sql", statement, "--format", "csv", "--limit", "2"])
    assert res.stdout == "i\n0\n1\n" and "998 more rows not shown" in res.stderr
    res = CliRunner().invoke(main, ["--db", str(db_path), "sql", statement])  # not a terminal: every row
    assert len(res.stdout.splitlines()) == 1002 and res.stderr == ""


def test_duckdb_hints_are_kept_in_errors(db_path: Path) -> None:
    res = sql(db_path, "SELECT modl FROM events", "table")
    assert res.exit_code == 1
    assert res.stderr.startswith('error: Binder Error: Referenced column "modl" not found in FROM clause!; '
                                 'Candidate bindings: "model"')
    res = sql(db_path, "SELECT * FROM eventz", "table")
    assert res.exit_code == 1 and 'Did you mean "events"' in res.stderr


def test_model_names_match_without_case_or_say_what_was_meant(db_path: Path) -> None:
    with connect(db_path, read_only=True) as d:
        assert d.query("model_regions", model="GPT-4O").equals(d.query("model_regions", model="gpt-4o"))
    res = CliRunner().invoke(main, ["--db", str(db_path), "query", "model_regions", "-p", "model=gpt4o"])
    assert res.exit_code == 1
    assert res.stderr.startswith("error: no model or feature 'gpt4o' in the database; did you mean gpt-4o")


def test_stats_to_a_pipe_loads_no_rich(db_path: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from extractor.entry import run; sys.argv = ['extract', '--db', sys.argv[1], 'stats'];\n"
            "import atexit; atexit.register(lambda: sys.stderr.write(str('rich' in sys.modules)))\nrun()")
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(db_path.read_bytes())
    res = subprocess.run([sys.executable, "-c", code, str(copy)], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"})
    assert res.returncode == 0, res.stderr
    assert res.stderr.endswith("False")
    assert res.stdout.startswith("sources") and "batch_quota" in res.stdout


def test_a_table_to_a_pipe_is_the_table_text(db_path: Path) -> None:
    statement = "SELECT kind, count(*) AS n, min(observed_at) AS first FROM events GROUP BY 1 ORDER BY 1"
    res = sql(db_path, statement, "table")  # CliRunner's stdout is not a terminal
    with connect(db_path, read_only=True) as d:
        frame = d.sql(statement)
    assert res.exit_code == 0 and res.stdout == table_text(frame, width=100)
    assert res.stdout.splitlines()[0].split() == ["kind", "n", "first"]


def test_text_folds_between_words_before_it_folds_at_hyphens() -> None:
    rows = Rows(["versions", "docs"], [("2024-05-13, 2024-08-06", "openai/includes/model-matrix/provisioned-models.md")])
    assert table_text(rows, width=30).splitlines() == [
        "versions        docs", "─" * 30, "2024-05-13,     openai/", "2024-08-06      includes/",
        "                model-matrix/", "                provisioned-", "                models.md"]
