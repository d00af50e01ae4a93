"""Tests for ``extractor.sources.report``: front matter, summary table, sections, defects, corpus."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from extractor.sources.base import Problem, SourceError
from extractor.sources.detect import looks_like_report
from extractor.sources.report import parse_report

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

PERMALINK = (
    "https://github.com/MicrosoftDocs/azure-ai-docs/compare/MicrosoftDocs:1a2b3c4...MicrosoftDocs:5d6e7f8"
)
FRONT = f"""---
date: '2025-03-19'
permalink: {PERMALINK}
summary: この変更はテストです。
title: Diff Insight Report - openai

---
"""


def report(body: str, front: str = FRONT) -> str:
    return front + body


def front(summary_lines: str, date_line: str = "date: '2025-03-19'") -> str:
    return f"---\n{date_line}\npermalink: {PERMALINK}\n{summary_lines}\ntitle: T\n\n---\n"


# --------------------------------------------------------------------------- front matter


def test_front_matter_plain_and_permalink() -> None:
    src = parse_report(report("# Modified Contents\n"), "report-20250319-openai.md")
    m = src.meta
    assert m.kind == "report"
    assert m.path == "report-20250319-openai.md"
    assert m.observed_at == "2025-03-19"
    assert m.repo == "MicrosoftDocs/azure-ai-docs"
    assert (m.base, m.head) == ("1a2b3c4", "5d6e7f8")
    assert m.title == "Diff Insight Report - openai"
    assert m.summary == "この変更はテストです。"
    assert m.language == "ja"
    assert src.sections == []


def test_permalink_without_owner_prefix() -> None:
    text = "---\ndate: '2025-01-02'\npermalink: https://github.com/Org/some-repo/compare/abc1234...def5678\n---\n"
    m = parse_report(text + "# Modified Contents\n", "r.md").meta
    assert (m.repo, m.base, m.head) == ("Org/some-repo", "abc1234", "def5678")


def test_unquoted_and_quoted_dates() -> None:
    for line in ("date: 2024-09-12", "date: '2024-09-12'", 'date: "2024-09-12"', "date: 2024-9-12"):
        src = parse_report(front("summary: x", line) + "# Modified Contents\n", "r.md")
        assert src.meta.observed_at == "2024-09-12", line


def test_date_differing_from_file_name_is_a_problem() -> None:
    text = front("summary: x") + "# Summary Table\n|a|\n# Modified Contents\n"
    src = parse_report(text, "x/report-20250320-openai.md")
    assert src.problems == [
        Problem("x/report-20250320-openai.md", 2, "front-matter date 2025-03-19 differs from the file name")
    ]


def test_summary_plain_folded() -> None:
    text = front("summary: first line of prose\n  second line\n\n  new paragraph")
    assert parse_report(text, "r.md").meta.summary == "first line of prose second line\nnew paragraph"


def test_summary_literal_block() -> None:
    text = front("summary: |-\n  line one\n\n  line two\n    indented")
    assert parse_report(text, "r.md").meta.summary == "line one\n\nline two\n  indented"


def test_summary_single_quoted() -> None:
    text = front("summary: 'it''s: quoted\n  and folded\n\n  twice'")
    assert parse_report(text, "r.md").meta.summary == "it's: quoted and folded\ntwice"


def test_summary_double_quoted_escapes_and_continuations() -> None:
    text = front(
        'summary: "最初の文です。 \\n\\n具体的には、`a.md`\\\n  \\ と `b.md` が\\\n  \\ 変わりました。\\tend"'
    )
    assert (
        parse_report(text, "r.md").meta.summary
        == "最初の文です。 \n\n具体的には、`a.md` と `b.md` が 変わりました。\tend"
    )


def test_unclosed_quote_is_a_problem() -> None:
    src = parse_report(front("summary: 'never closed"), "r.md")
    assert src.meta.summary == "never closed"
    assert src.problems[0] == Problem("r.md", 4, "front matter: quoted value of 'summary' is never closed")


@pytest.mark.parametrize(
    ("summary", "language"),
    [("これは日本語です。", "ja"), ("这是中文摘要。", "zh_CN"), ("An English summary.", "en_US")],
)
def test_language_guess(summary: str, language: str) -> None:
    assert parse_report(front(f"summary: {summary}"), "r.md").meta.language == language


# --------------------------------------------------------------------------- not a report


def test_not_a_report_raises_naming_the_file() -> None:
    diff = "diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n@@ -1 +1 @@\n-a\n+b\n"
    with pytest.raises(SourceError) as err:
        parse_report(diff, "inputs/change.patch")
    assert err.value.file == "inputs/change.patch"
    assert err.value.line == 1
    assert str(err.value).startswith("inputs/change.patch:1: not a Diff Insight Report")


def test_front_matter_without_date_raises() -> None:
    with pytest.raises(SourceError) as err:
        parse_report("---\ntitle: x\n---\n# Modified Contents\n", "r.md")
    assert (err.value.file, err.value.reason) == ("r.md", "front matter has no 'date'")


def test_bad_date_raises_with_its_line() -> None:
    with pytest.raises(SourceError) as err:
        parse_report(front("summary: x", "date: 'soon'"), "r.md")
    assert (err.value.file, err.value.line) == ("r.md", 2)


def test_looks_like_report() -> None:
    assert looks_like_report(FRONT)
    assert looks_like_report("---\npermalink: https://example.org\n---\n")
    assert looks_like_report("Some text\n# Modified Contents\n## a.md{#item-1}\n")
    assert not looks_like_report("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
    assert not looks_like_report("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-# Modified Contents\n")
    assert not looks_like_report(
        "From 0123abc Mon Sep 17 00:00:00 2001\nDate: Mon, 1 Jan 2025\n---\n x | 2 +-\n"
    )
    assert not looks_like_report("---\ntitle: a blog post\n---\n")


# --------------------------------------------------------------------------- summary table and sections

TABLE_HEAD = (
    "# Summary Table\n"
    "|  Filename  | Type |    Title    | Status | A  | D  | M  |\n"
    "|------------|------|-------------|--------|----|----|----|\n"
)


def test_summary_table_title_with_pipe_and_status_by_anchor() -> None:
    body = (
        TABLE_HEAD
        + "| [b.md](#item-bbbbbb) | minor update | 最新 (3月) | Azure AI | Language | added | 1 | 0 | 1 | \n"
        + "| [a.md](#item-aaaaaa) | minor update | 名前の変更 | renamed | 0 | 0 | 0 | \n"
        + "\n\n# Modified Contents\n"
        + "## articles/new-name.md{#item-aaaaaa}\n\nprose\n\n"
        + "## articles/b.md{#item-bbbbbb}\n\n````diff\n@@ -0,0 +1 @@\n+x\n````\n"
    )
    src = parse_report(report(body), "r.md")
    assert src.problems == []
    a, b = src.sections
    assert (a.doc, a.status, a.added, a.deleted, a.diff_text, a.old_doc) == (
        "articles/new-name.md",
        "renamed",
        0,
        0,
        None,
        None,
    )
    assert (b.doc, b.status, b.added, b.deleted, b.diff_text) == (
        "articles/b.md",
        "added",
        1,
        0,
        "@@ -0,0 +1 @@\n+x",
    )


def test_section_missing_from_table_and_row_without_section() -> None:
    body = (
        TABLE_HEAD
        + "| [gone.md](#item-000001) | minor update | t | removed | 0 | 3 | 3 |\n"
        + "# Modified Contents\n"
        + "## articles/x.md{#item-000002}\n"
    )
    src = parse_report(report(body), "r.md")
    (sec,) = src.sections
    assert (sec.doc, sec.status, sec.added, sec.deleted) == ("articles/x.md", "modified", None, None)
    assert src.problems == [
        Problem("r.md", 13, "section item-000002 is not in the summary table"),
        Problem("r.md", 11, "summary table row item-000001 has no section"),
    ]


SECTION_BODY = (
    TABLE_HEAD  # report lines 8-10
    + "| [models.md](#item-3f9a1c) | minor update | t | modified | 4 | 2 | 6 |\n"  # 11
    + "\n"  # 12
    + "# Modified Contents\n"  # 13
    + "## articles/ai-services/openai/concepts/models.md{#item-3f9a1c}\n"  # 14
    + "\n"  # 15
    + "<details>\n"  # 16
    + "<summary>Diff</summary>\n"  # 17
    + "````diff\n"  # 18
    + "@@ -10,4 +10,6 @@ ## Models\n"  # 19
    + " Intro with ````2024-02-29-preview```` inline.\n"
    + "-```json\n"
    + '+```json\n+{"a": 1}\n+```\n'
    + "-```\n"
    + " end\n"
    + "+tail\n"
    + "````\n"
    + "</details>\n\n### Summary\n\n```json\n{\n}\n```\n\n### Explanation\nprose ````diff\n"
)


def test_diff_block_with_inner_fences_and_inline_quadruple_backticks() -> None:
    src = parse_report(report(SECTION_BODY), "r.md")
    assert src.problems == []
    (sec,) = src.sections
    assert sec.doc == "articles/ai-services/openai/concepts/models.md"
    assert sec.heading_line == 14
    assert sec.first_line == 19
    assert sec.diff_text == (
        "@@ -10,4 +10,6 @@ ## Models\n"
        " Intro with ````2024-02-29-preview```` inline.\n"
        '-```json\n+```json\n+{"a": 1}\n+```\n-```\n end\n+tail'
    )
    assert (sec.status, sec.added, sec.deleted) == ("modified", 4, 2)


def test_prose_is_ignored_across_languages() -> None:
    ja = "<format>\n# ハイライト\n## 新機能\n- 何か\n</format>\n\n# インサイト\n本文\n\n" + SECTION_BODY
    en = "# Highlights\n## New features\n- something\n\n# Insights\ntext\n" + SECTION_BODY.replace(
        "prose", "other words ## x{#not-item}"
    )
    a = parse_report(report(ja), "ja.md")
    b = parse_report(report(en), "en.md")
    assert a.meta.language == "ja"
    assert [(s.doc, s.status, s.diff_text, s.added, s.deleted) for s in a.sections] == [
        (s.doc, s.status, s.diff_text, s.added, s.deleted) for s in b.sections
    ]
    assert a.problems == b.problems == []


def test_crlf_and_double_cr_lines() -> None:
    body = (
        TABLE_HEAD
        + "| [a.md](#item-aaaaaa) | u | t | modified | 2 | 1 | 3 |\n"
        + "| [b.md](#item-bbbbbb) | u | t | modified | 1 | 0 | 1 |\n"
        + "# Modified Contents\n"  # 13
        + "## a.md{#item-aaaaaa}\n"  # 14
        + "````diff\n"  # 15
        + "@@ -1,2 +1,3 @@\r\n"  # 16
        + " keep\r\n"
        + "-old\r\n"
        + "+>[!Note]\r\r\n"
        + "+new\r\r\n"
        + "````\r\n"  # 21
        + "## b.md{#item-bbbbbb}\n"  # 22
        + "````diff\n"  # 23
        + "@@ -1 +1,2 @@\n"  # 24
        + " a\n+b\n"
        + "````  \n"
    )
    src = parse_report(report(body), "r.md")
    assert src.problems == []
    a, b = src.sections
    assert a.diff_text == "@@ -1,2 +1,3 @@\n keep\n-old\n+>[!Note]\n+new"
    assert (a.first_line, b.heading_line, b.first_line) == (16, 22, 24)
    assert b.diff_text == "@@ -1 +1,2 @@\n a\n+b"


def test_no_newline_marker_kept() -> None:
    body = (
        TABLE_HEAD
        + "| [a.md](#item-aaaaaa) | u | t | modified | 1 | 1 | 2 |\n"
        + "# Modified Contents\n## a.md{#item-aaaaaa}\n````diff\n"
        + "@@ -1 +1 @@\n-| a | b |\n\\ No newline at end of file\n"
        + "+| a | b |\n\\ No newline at end of file\n````\n"
    )
    (sec,) = parse_report(report(body), "r.md").sections
    assert sec.diff_text == (
        "@@ -1 +1 @@\n-| a | b |\n\\ No newline at end of file\n+| a | b |\n\\ No newline at end of file"
    )


def test_section_without_diff() -> None:
    body = (
        TABLE_HEAD
        + "| [big.md](#item-aaaaaa) | u | t | modified | 120 | 40 | 160 |\n"
        + "| [pic.png](#item-bbbbbb) | u | t | added | 0 | 0 | 0 |\n"
        + "# Modified Contents\n## big.md{#item-aaaaaa}\n\n### Summary\n\n```json\n{}\n```\n"
        + "## media/pic.png{#item-bbbbbb}\n\n### Explanation\nimage\n"
    )
    src = parse_report(report(body), "r.md")
    assert src.problems == []
    big, pic = src.sections
    assert (big.diff_text, big.first_line, big.heading_line, big.added, big.deleted) == (None, 0, 14, 120, 40)
    assert (pic.doc, pic.status, pic.diff_text) == ("media/pic.png", "added", None)


def test_unclosed_block_keeps_text_to_eof() -> None:
    body = (
        TABLE_HEAD
        + "| [a.md](#item-aaaaaa) | u | t | modified | 1 | 0 | 1 |\n"
        + "# Modified Contents\n## a.md{#item-aaaaaa}\n````diff\n@@ -1 +1,2 @@\n a\n+b"
    )
    src = parse_report(report(body), "r.md")
    (sec,) = src.sections
    assert (sec.diff_text, sec.first_line) == ("@@ -1 +1,2 @@\n a\n+b", 15)
    assert src.problems == [
        Problem("r.md", 14, "diff block of a.md is never closed (read up to end of file)")
    ]


def test_unclosed_block_stops_at_next_section() -> None:
    body = (
        TABLE_HEAD
        + "| [a.md](#item-aaaaaa) | u | t | modified | 1 | 0 | 1 |\n"
        + "| [b.md](#item-bbbbbb) | u | t | modified | 0 | 0 | 0 |\n"
        + "# Modified Contents\n## a.md{#item-aaaaaa}\n````diff\n"
        + "@@ -1 +1,2 @@\n a\n+b\n## b.md{#item-bbbbbb}\n"
    )
    src = parse_report(report(body), "r.md")
    a, b = src.sections
    assert (a.diff_text, b.doc, b.diff_text) == ("@@ -1 +1,2 @@\n a\n+b", "b.md", None)
    assert src.problems == [
        Problem("r.md", 15, "diff block of a.md is never closed (read up to the next section, line 19)")
    ]


def test_counts_disagreeing_with_table_are_a_problem() -> None:
    body = (
        TABLE_HEAD
        + "| [a.md](#item-aaaaaa) | u | t | modified | 3 | 0 | 3 |\n"
        + "# Modified Contents\n## a.md{#item-aaaaaa}\n````diff\n@@ -1 +1,2 @@\n a\n+b\n````\n"
    )
    src = parse_report(report(body), "r.md")
    assert src.sections[0].added == 3
    assert src.problems == [
        Problem(
            "r.md", 13, "summary table says A=3 D=0 for a.md but its diff block has 1 '+' and 0 '-' lines"
        )
    ]


# --------------------------------------------------------------------------- corpus


def test_corpus_and_seeds() -> None:
    corpus = SHARED / "corpus" / "diff-insight-ja"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is absent")
    files = sorted(corpus.glob("*/*.md")) + sorted((SHARED / "seeds").glob("*"))
    with_diff = collections.Counter()
    without_diff = collections.Counter()
    for f in files:
        text = f.read_bytes().decode("utf-8")
        assert looks_like_report(text[:4096]), f
        src = parse_report(text, str(f))
        assert src.problems == [], f
        category = src.meta.title.rsplit("-", 1)[-1].strip() if src.meta.title else "?"
        for sec in src.sections:
            if sec.diff_text is None:
                without_diff[category] += f.parent.parent == corpus
                continue
            body = sec.diff_text.split("\n")
            assert body[0].startswith("@@"), (f, sec.doc)
            plus = sum(line.startswith("+") for line in body)
            minus = sum(line.startswith("-") for line in body)
            assert (sec.added, sec.deleted) == (plus, minus), (f, sec.doc)
            with_diff["corpus" if f.parent.parent == corpus else "seeds"] += 1
    assert with_diff["corpus"] == 4889
    assert without_diff == {"openai": 254, "search": 138, "misc": 275}


def test_source_meta_checks_kind_and_date() -> None:
    from extractor.sources.base import SourceMeta

    m = SourceMeta(kind="git", path="repo", observed_at="2025-03-01", head="abc1234")
    assert (m.kind, m.observed_at, m.head, m.repo) == ("git", "2025-03-01", "abc1234", None)
    with pytest.raises(ValueError, match="source kind must be report, patch or git, got 'svn'"):
        SourceMeta(kind="svn", path="repo", observed_at="2025-03-01")
    with pytest.raises(ValueError, match="observed_at must be YYYY-MM-DD, got '2025-3-1'"):
        SourceMeta(kind="report", path="r.md", observed_at="2025-3-1")
