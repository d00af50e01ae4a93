"""Read unified diffs and patches into ``Source``s: ``git diff``, ``git log -p``, ``git show``,
``git format-patch`` mails (one or several in an mbox) and compare-page ``.diff`` files.

A file holding several commits (``git log -p``, a multi-patch mbox) gives one ``Source`` per
commit, oldest first, each dated by its own header (``CommitDate:`` when the log was written
with ``--format=fuller``, else ``Date:``, the author date). A file with no date anywhere takes
the ``date`` given by the user, else raises ``SourceError`` naming the file.

Each document becomes a ``DocSection`` whose ``diff_text`` is its run of hunks (``\\r``
stripped, so CRLF files and CRLF patches read alike); the pipeline parses it like a report's
diff block. Renames (``rename from`` / ``rename to``), new and deleted files, copies, mode
changes, binary markers and ``\\ No newline at end of file`` are understood. Hunks are read
by their ``@@`` counts, so a mail signature (``-- ``) or a following commit is never taken
for a diff line; a hunk cut short is a ``Problem``, not a lost file. Hunks are located and
read by ``extractor.diff.hunks``, the reader every source shares.

The low-level reader (``parse_files``) is shared with the git walk (``extractor.sources.git``).
"""

from __future__ import annotations

import email.utils
import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime

from extractor.diff.hunks import HunkSpan, header, locate
from extractor.sources.base import DocSection, Problem, Source, SourceError, SourceMeta

__all__ = ["FilePatch", "looks_like_patch", "parse_files", "parse_patch", "unquote_path"]

_COMMIT_RE = re.compile(r"^commit ([0-9a-f]{7,40})((?: [0-9a-f]{7,40})*)(?: \(.*\))?\s*$")
_MBOX_RE = re.compile(r"^From ([0-9a-f]{40}) Mon Sep 17 00:00:00 2001\s*$")
_PREFIX_RE = re.compile(r"^[abciow]/")
_SUBJECT_TAG = re.compile(r"^\s*\[[^\]]*PATCH[^\]]*\]\s*", re.I)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_RAW_DATE = re.compile(r"^(\d{9,11}) ([+-]\d{4})$")
_PATCH_START = re.compile(r"^(diff --git |diff -|--- \S|@@ -\d|Index: |commit [0-9a-f]{7,40}|From [0-9a-f]{40} )", re.M)
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def looks_like_patch(text: str) -> bool:
    """True when ``text`` (its first few KB) holds a diff header or a commit header."""
    return bool(_PATCH_START.search(text[:8192]))


# --------------------------------------------------------------------------- low level


@dataclass
class FilePatch:
    """One file's part of a diff: paths, status and where its hunks are in the input."""

    old_path: str | None = None
    new_path: str | None = None
    status: str = "modified"  # modified | added | removed | renamed
    binary: bool = False
    header_line: int = 0  # index of the first line of this file's header
    hunks: list[HunkSpan] = field(default_factory=list)
    added: int = 0
    deleted: int = 0
    copied: bool = False
    _flags: set[str] = field(default_factory=set)

    @property
    def doc(self) -> str:
        return self.new_path or self.old_path or ""


def unquote_path(text: str) -> str:
    """A path as git writes it: C-quoted (``"a/f\\303\\244.md"``) or bare; tab-separated
    timestamps of ``diff -u`` headers are dropped."""
    text = text.rstrip("\r")
    if not text.startswith('"'):
        return text.split("\t", 1)[0].rstrip()
    out = bytearray()
    i, n = 1, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            break
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt in "01234567" and i + 3 < n:
                out.append(int(text[i + 1:i + 4], 8) & 0xFF)
                i += 4
                continue
            out.append(_C_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out += ch.encode("utf-8")
        i += 1
    return out.decode("utf-8", "replace")


def _strip_prefix(path: str | None) -> str | None:
    if path is None or path == "/dev/null":
        return None
    return path[2:] if _PREFIX_RE.match(path) else path


def _git_header_paths(rest: str) -> tuple[str | None, str | None]:
    """The two paths of ``diff --git A B`` (prefixes kept)."""
    rest = rest.rstrip("\r")
    if rest.startswith('"'):
        end = 1
        while end < len(rest):
            if rest[end] == "\\":
                end += 2
                continue
            if rest[end] == '"':
                break
            end += 1
        a = unquote_path(rest[:end + 1])
        b = rest[end + 2:]
        return a, unquote_path(b) if b else None
    n = len(rest)
    if n % 2 == 1:
        a, b = rest[: n // 2], rest[n // 2 + 1:]
        if rest[n // 2] == " " and (a == b or (_PREFIX_RE.match(a) and _PREFIX_RE.match(b) and a[2:] == b[2:])):
            return a, b
    k = rest.rfind(' "')
    if k > 0:
        return rest[:k], unquote_path(rest[k + 1:])
    k = rest.find(" b/")
    if k > 0:
        return rest[:k], rest[k + 1:]
    parts = rest.split(" ")
    return parts[0], parts[-1] if len(parts) > 1 else None


def parse_files(lines: list[str], start: int = 0, end: int | None = None) -> list[FilePatch]:
    """Every file diff in ``lines[start:end]``, each hunk located by its counts (one cut
    short keeps the lines it has, ``HunkSpan.complete`` False: the pipeline reports it)."""
    end = len(lines) if end is None else end
    files: list[FilePatch] = []
    cur: FilePatch | None = None
    in_header = False
    i = start
    while i < end:
        line = lines[i]
        c = line[:1]
        if c == "@" and (m := header(line)) is not None:
            if cur is None:  # header-less hunks (a bare hunk list)
                cur = FilePatch(header_line=i)
                files.append(cur)
            in_header = False
            span = locate(lines, i, end, m)
            cur.hunks.append(span)
            cur.added += span.added
            cur.deleted += span.removed
            i = span.end
            continue
        elif c == "d" and line.startswith("diff "):
            if line.startswith("diff --git "):
                a, b = _git_header_paths(line[11:])
                cur = FilePatch(old_path=_strip_prefix(a), new_path=_strip_prefix(b), header_line=i)
                cur._flags.add("git")
            else:  # "diff -u old new", "diff --cc"
                cur = FilePatch(header_line=i)
            files.append(cur)
            in_header = True
            i += 1
            continue
        elif c == "-" and line.startswith("--- ") and i + 1 < end and lines[i + 1].startswith("+++ "):
            if cur is None or not in_header:
                cur = FilePatch(header_line=i)
                files.append(cur)
            old = unquote_path(line[4:])
            new = unquote_path(lines[i + 1][4:])
            cur.old_path = _strip_prefix(old)
            cur.new_path = _strip_prefix(new)
            if old == "/dev/null":
                cur._flags.add("new")
            if new == "/dev/null":
                cur._flags.add("deleted")
            in_header = True
            i += 2
            continue
        elif c == "B" and line.startswith("Binary files ") and line.rstrip("\r").endswith(" differ"):
            if cur is None or not in_header:
                cur = FilePatch(header_line=i)
                files.append(cur)
                pair = line.rstrip("\r")[13:-7].split(" and ", 1)
                if len(pair) == 2:
                    cur.old_path, cur.new_path = _strip_prefix(pair[0]), _strip_prefix(pair[1])
                    if pair[0] == "/dev/null":
                        cur._flags.add("new")
                    if pair[1] == "/dev/null":
                        cur._flags.add("deleted")
            cur.binary = True
            in_header = False
        elif in_header and cur is not None:
            _header_line(line.rstrip("\r"), cur)
        i += 1
    for f in files:
        _finish(f)
    return files


# extended header lines that name a path: (prefix, the path they set, the flag they raise)
_PATH_LINES = (("rename from ", "old_path", "renamed"), ("rename to ", "new_path", "renamed"),
               ("copy from ", "old_path", "copied"), ("copy to ", "new_path", "copied"))


def _header_line(line: str, cur: FilePatch) -> None:
    if line.startswith("new file mode"):
        cur._flags.add("new")
    elif line.startswith("deleted file mode"):
        cur._flags.add("deleted")
    elif line.startswith("GIT binary patch"):
        cur.binary = True
    else:
        for prefix, attr, flag in _PATH_LINES:
            if line.startswith(prefix):
                setattr(cur, attr, unquote_path(line[len(prefix):]))
                cur._flags.add(flag)
                return


def _finish(f: FilePatch) -> None:
    flags = f._flags
    if "new" in flags or (f.old_path is None and f.new_path is not None and "git" not in flags):
        f.status = "added"
        f.old_path = None
    elif "deleted" in flags or (f.new_path is None and f.old_path is not None):
        f.status = "removed"
        f.new_path = None
    elif "renamed" in flags:
        f.status = "renamed"
    elif "copied" in flags:
        f.status, f.copied, f.old_path = "added", True, None
    else:
        f.status = "modified"


# --------------------------------------------------------------------------- commits and dates


@dataclass
class _Chunk:
    start: int  # index of the commit header line (or 0)
    end: int
    sha: str | None = None
    parents: list[str] = field(default_factory=list)
    style: str = "plain"  # plain | log | mail


def _chunks(lines: list[str]) -> list[_Chunk]:
    """Split a file at ``commit <sha>`` (git log / show) or mbox ``From <sha>`` lines."""
    style: str | None = None
    found: list[_Chunk] = []
    for i, line in enumerate(lines):
        c = line[:1]
        if c == "c" and (style in (None, "log")) and line.startswith("commit "):
            m = _COMMIT_RE.match(line.rstrip("\r"))
            if m:
                style = "log"
                found.append(_Chunk(i, 0, m.group(1), m.group(2).split(), "log"))
        elif c == "F" and (style in (None, "mail")) and line.startswith("From "):
            m = _MBOX_RE.match(line.rstrip("\r"))
            if m:
                style = "mail"
                found.append(_Chunk(i, 0, m.group(1), [], "mail"))
    if not found:
        return [_Chunk(0, len(lines))]
    found[0].start = 0 if not any(ln.strip() for ln in lines[: found[0].start]) else found[0].start
    for a, b in itertools.pairwise(found):
        a.end = b.start
    found[-1].end = len(lines)
    return found


def parse_header_date(value: str) -> str | None:
    """The calendar date of a ``Date:`` header as written (in its own time zone)."""
    v = value.strip()
    if not v:
        return None
    for fmt in ("%a %b %d %H:%M:%S %Y %z", "%a %b %d %H:%M:%S %Y"):
        try:
            return datetime.strptime(v, fmt).date().isoformat()
        except ValueError:
            pass
    m = _RAW_DATE.match(v)
    if m:
        from datetime import timedelta, timezone

        sign = 1 if m.group(2)[0] == "+" else -1
        tz = timezone(sign * timedelta(hours=int(m.group(2)[1:3]), minutes=int(m.group(2)[3:5])))
        return datetime.fromtimestamp(int(m.group(1)), tz).date().isoformat()
    m = _ISO_DATE.search(v)
    if m and m.start() == 0:
        try:
            return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3))).date().isoformat()
        except ValueError:
            return None
    try:
        dt = email.utils.parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError):
        dt = None
    if dt is not None:
        return dt.date().isoformat()
    return None


@dataclass
class _Header:
    date: str | None = None
    date_line: int | None = None
    subject: str | None = None
    merge_parents: list[str] = field(default_factory=list)
    bad_date: tuple[int, str] | None = None


def _read_header(lines: list[str], chunk: _Chunk) -> _Header:
    """Commit / mail headers: from the chunk's start to its first blank line."""
    h = _Header()
    found: dict[str, tuple[str, int]] = {}
    i = chunk.start + (1 if chunk.style in ("log", "mail") else 0)
    end = min(chunk.end, i + 200)
    subject_at: int | None = None
    while i < end:
        line = lines[i].rstrip("\r")
        if not line.strip():
            break
        if line.startswith(("diff ", "--- ", "@@ ")):
            return _date_from(h, found)
        key, sep, val = line.partition(":")
        if sep and key in ("Date", "AuthorDate", "CommitDate", "Subject", "Merge"):
            found[key] = (val.strip(), i)
            if key == "Subject":
                subject_at = i
        elif subject_at is not None and line[:1] in (" ", "\t"):  # folded Subject
            s, at = found["Subject"]
            found["Subject"] = (f"{s} {line.strip()}", at)
        else:
            subject_at = None
        i += 1
    if chunk.style == "log":  # the message follows, indented by four spaces
        for j in range(i + 1, min(chunk.end, i + 20)):
            if lines[j].startswith("    ") and lines[j].strip():
                h.subject = lines[j].strip()
                break
    return _date_from(h, found)


def _date_from(h: _Header, found: dict[str, tuple[str, int]]) -> _Header:
    if "Subject" in found:
        h.subject = _SUBJECT_TAG.sub("", found["Subject"][0]).strip() or None
    if "Merge" in found:
        h.merge_parents = found["Merge"][0].split()
    for key in ("CommitDate", "Date", "AuthorDate"):
        if key in found:
            value, at = found[key]
            iso = parse_header_date(value)
            if iso is not None:
                h.date, h.date_line = iso, at
                return h
            h.bad_date = h.bad_date or (at, value)
    return h


# --------------------------------------------------------------------------- sources


def _abbr(sha: str | None) -> str | None:
    return sha[:7].lower() if sha else None


def _sections(lines: list[str], files: list[FilePatch]) -> list[DocSection]:
    out: list[DocSection] = []
    for f in files:
        if not f.doc:
            continue
        text = None
        first = 0
        if f.hunks and not f.binary:
            a, b = f.hunks[0].start, f.hunks[-1].end + f.hunks[-1].extra  # (extra: read_block reports it)
            body = lines[a:b]
            text = "\n".join(ln[:-1] if ln.endswith("\r") else ln for ln in body)
            first = a + 1
        out.append(DocSection(doc=f.doc, status=f.status, diff_text=text, first_line=first,
                              heading_line=f.header_line + 1, added=f.added, deleted=f.deleted,
                              old_doc=f.old_path if f.status == "renamed" else None))
    return out


def parse_patch(text: str, path: str, *, date: str | None = None) -> Source | list[Source]:
    """One ``Source`` per commit of a patch file (a list when it holds several), oldest first.

    ``date`` (``YYYY-MM-DD``) dates commits that carry no ``Date:`` header.
    """
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    cut: Problem | None = None
    if lines[-1].strip() and lines[-1][:1] in " +-":
        # the file ends mid-line (git ends every line, ``\ No newline`` marks a document's
        # last one): the line is cut, and the hunk it ends is left out (read_block says so)
        cut = Problem(path, len(lines), "the patch ends mid-line: its last line is cut, the hunk it "
                      "belongs to is left out", "error")
        lines.pop()
    chunks = _chunks(lines)
    sources: list[Source] = []
    for chunk in chunks:
        problems: list[Problem] = []
        if cut is not None and chunk.end == len(lines):
            problems.append(cut)
        files = parse_files(lines, chunk.start, chunk.end)  # a hunk cut short: the pipeline says so
        head = _header(lines, chunk)
        observed = head.date or date
        if observed is None:
            where = head.bad_date[0] + 1 if head.bad_date else chunk.start + 1
            what = (f"unreadable date {head.bad_date[1]!r}" if head.bad_date
                    else "no date in the patch (no 'Date:' header)")
            raise SourceError(f"{what}; give the observed date with --date YYYY-MM-DD", path, where)
        if not files:
            if chunk.style == "plain":
                raise SourceError("no file diff found in the patch", path, 1)
            problems.append(Problem(path, chunk.start + 1, f"commit {chunk.sha} shows no file diff"))
        parents = chunk.parents or head.merge_parents
        meta = SourceMeta(kind="patch", path=path, observed_at=observed, repo=None,
                          base=_abbr(parents[0]) if parents else None, head=_abbr(chunk.sha),
                          title=head.subject)
        sources.append(Source(meta=meta, sections=_sections(lines, files), problems=problems))
    if len(sources) == 1:
        return sources[0]
    if chunks[0].style == "log" and sources[0].meta.observed_at >= sources[-1].meta.observed_at:
        sources.reverse()  # git log lists the newest commit first
    return sources


def _header(lines: list[str], chunk: _Chunk) -> _Header:
    if chunk.style == "plain":
        # a bare diff may still open with mail-like headers (a saved e-mail without mbox line)
        first = next((i for i in range(chunk.start, chunk.end) if lines[i].strip()), chunk.start)
        if lines[first].startswith(("From:", "Date:", "Subject:")):
            return _read_header(lines, _Chunk(first, chunk.end, style="bare"))
        return _Header()
    return _read_header(lines, chunk)
