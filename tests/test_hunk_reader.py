"""The one hunk reader (``extractor.diff.hunks``): small diffs written here, exact results asserted.

Covers a header-less block, hunks cut short (reported with the input line of their ``@@``,
the hunks around them still read), ``\\ No newline at end of file`` markers, CRLF lines, the
end of a hunk found by its counts (a mail signature or the next file is never a diff line),
and both numberings of ``src_line``: the input file's line and the document's line.
"""

from __future__ import annotations

import pytest

from extractor.diff.hunks import DOCUMENT, INPUT, HunkSpan, build, header, locate, read_block
from extractor.sources.patch import parse_files


def rows(hunk):  # type: ignore[no-untyped-def]
    return [(ln.kind, ln.text, ln.src_line, ln.old_no, ln.new_no) for ln in hunk.lines]


def span_of(lines: list[str], i: int = 0) -> HunkSpan:
    m = header(lines[i])
    assert m is not None
    return locate(lines, i, len(lines), m)


def test_a_header_less_block_is_read_by_input_line() -> None:
    block = "@@ -3,3 +3,3 @@ ## Quotas\n | a | b |\n-| x | 1 |\n+| x | 2 |\n | y | 3 |\n"
    hunks, problems = read_block(block, 10)
    assert problems == []
    (h,) = hunks
    assert (h.old_start, h.old_len, h.new_start, h.new_len, h.section) == (3, 3, 3, 3, "## Quotas")
    assert rows(h) == [(" ", "| a | b |", 11, 3, 3), ("-", "| x | 1 |", 12, 4, None),
                       ("+", "| x | 2 |", 13, None, 4), (" ", "| y | 3 |", 14, 5, 5)]


def test_lines_outside_hunks_are_skipped_and_a_count_less_header_means_one_line() -> None:
    block = "intro text\n@@ -1 +1 @@\n-a\n+b\nnot a diff line\n@@ -7,0 +8,1 @@\n+c"
    hunks, problems = read_block(block, 1)
    assert problems == []
    assert [(h.old_start, h.old_len, h.new_start, h.new_len) for h in hunks] == [(1, 1, 1, 1), (7, 0, 8, 1)]
    assert [rows(h) for h in hunks] == [[("-", "a", 3, 1, None), ("+", "b", 4, None, 1)],
                                        [("+", "c", 7, None, 8)]]


@pytest.mark.parametrize(("block", "message"), [
    ("@@ -1,3 +1,3 @@\n a\n-b\n+c", "Hunk is shorter than expected"),  # the block ends
    ("@@ -1,3 +1,3 @@\n a\n-b\n+c\n@@ -9 +9 @@\n-x\n+y", "Hunk is shorter than expected"),  # the next hunk
    ("@@ -1,2 +1,3 @@\n a\n-b\n c\n+d\n-e", "Hunk is longer than expected"),  # no room for a context line
    ("@@ -1,3 +1,3 @@\n a\n```\n-b", "Hunk diff line expected: ```\n"),  # not a diff line
])
def test_a_cut_short_hunk_is_a_problem_at_its_line_and_the_others_are_read(block: str, message: str) -> None:
    text = "@@ -20 +20 @@\n-p\n+q\n" + block + "\n@@ -40 +40 @@\n-r\n+s"
    hunks, problems = read_block(text, 100)
    assert problems == [(103, message)]
    assert [(h.old_start, rows(h)) for h in hunks] == [
        (20, [("-", "p", 101, 20, None), ("+", "q", 102, None, 20)]),
        *([(9, [("-", "x", 108, 9, None), ("+", "y", 109, None, 9)])] if "@@ -9" in block else []),
        (40, [("-", "r", 103 + block.count("\n") + 2, 40, None), ("+", "s", 103 + block.count("\n") + 3, None, 40)]),
    ]


def test_the_end_of_a_hunk_is_found_by_its_counts() -> None:
    mail = ["@@ -1,2 +1,2 @@", " a", "-b", "+c", "-- ", "2.39.0", ""]
    span = span_of(mail)
    assert (span.start, span.end, span.added, span.removed, span.complete) == (0, 4, 1, 1, True)
    cut = ["@@ -1,3 +1,4 @@", " a", "-b", "+c", "diff --git a/x.md b/x.md"]
    span = span_of(cut)
    assert (span.end, span.old_missing, span.new_missing, span.complete) == (4, 1, 2, False)
    (f,) = parse_files(["--- a/d.md", "+++ b/d.md", *cut[:4]])
    assert (f.doc, f.added, f.deleted, [(s.start, s.end, s.complete) for s in f.hunks]) == ("d.md", 1, 1, [(2, 6, False)])


def test_no_newline_markers_count_on_neither_side() -> None:
    block = "@@ -1 +1 @@\n-| a |\n\\ No newline at end of file\n+| a |\n\\ No newline at end of file\n"
    lines = block.split("\n")
    span = span_of(lines)
    assert (span.end, span.complete) == (5, True)  # both markers belong to the hunk
    hunks, problems = read_block(block, 1)
    assert problems == []
    (h,) = hunks
    assert rows(h) == [("-", "| a |", 2, 1, None), ("+", "| a |", 4, None, 1)]
    assert not h.changes  # only the end-of-file newline changed


def test_crlf_lines_drop_their_line_end() -> None:
    lines = ["@@ -1,4 +1,4 @@ Title\r", " a\r", "-b\r\r", "+c\r", "\r", "+d", "-e"]
    span = span_of(lines)
    assert (span.end, span.section, span.complete) == (7, "Title", True)  # a lone CR is an empty context line
    walked = build(lines, span, DOCUMENT)
    assert [ln.text for ln in walked.lines] == ["a", "b\r", "c", "", "d", "e"]  # the CRLF end only
    read = build(lines, span, INPUT, 1)
    assert [ln.text for ln in read.lines] == ["a", "b", "c", "", "d", "e"]  # every line-end CR


def test_src_line_is_the_input_line_or_the_document_line() -> None:
    lines = ["diff --git a/d.md b/d.md", "--- a/d.md", "+++ b/d.md", "@@ -10,4 +20,4 @@", " keep", "-old", "+new",
             "", " last"]
    span = span_of(lines, 3)
    assert (span.start, span.end) == (3, 9)
    assert rows(build(lines, span, INPUT, 1)) == [
        (" ", "keep", 5, 10, 20), ("-", "old", 6, 11, None), ("+", "new", 7, None, 21), (" ", "", 8, 12, 22),
        (" ", "last", 9, 13, 23)]
    assert rows(build(lines, span, DOCUMENT)) == [  # new side, old side for removed lines
        (" ", "keep", 20, 10, 20), ("-", "old", 11, 11, None), ("+", "new", 21, None, 21), (" ", "", 22, 12, 22),
        (" ", "last", 23, 13, 23)]
    with pytest.raises(ValueError, match="numbering"):
        build(lines, span, "page")
