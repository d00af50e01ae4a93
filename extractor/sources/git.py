"""Walk a git repository commit by commit: a generator of ``Source``s, kept apart from the store.

The walk follows first-parent history, oldest first, with two git processes in all:

* one ``git log --first-parent --reverse -p --raw -M`` over the range and paths, read as a
  stream — each commit's diff against its first parent (a merge's too), its blob ids and
  its committer date;
* one ``git cat-file --batch``, asked only for the first version of each fact document the
  walk meets (and again if ever a patch does not apply).

From then on the walk keeps the full text of every fact document and applies each commit's
hunks to it, so every ``DocSection`` carries ``parsed``: a ``FileDiff`` with git's own hunks
and the whole file before and after (``Snapshot``s). Table headers are therefore never
outside the hunk (see ``extractor.sources.snapshot``). Documents that hold no fact table
are listed in the source but not read.

Shallow clones are walked from their boundary on, with a note naming where history stops;
partial clones work as far as git can fetch what is missing; a ``git log`` that fails part
way keeps the commits read so far, with a note.
"""

from __future__ import annotations

import logging
import posixpath
import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from extractor.diff.hunks import DOCUMENT, build
from extractor.diff.model import FileDiff
from extractor.sources.base import DocSection, Problem, Source, SourceError, SourceMeta
from extractor.sources.patch import FilePatch, parse_files, unquote_path
from extractor.sources.snapshot import Snapshot, holds_facts, make_snapshot

__all__ = ["Commit", "GitRepo", "Walk", "repo_name_from_url"]

log = logging.getLogger("extractor.git")

CONTEXT_LINES = 3  # git's default: the walk shows the rows a ``git log -p`` shows
PIPE_BYTES = 1 << 20  # git's output pipe: git runs up to 1 MB ahead while the walk extracts (0: as the system made it)
_MARK = b"\x00WALK\x00"
_FORMAT = "--format=%x00WALK%x00%H%x1f%P%x1f%cI%x1f%s"
_SKIP_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".bmp", ".zip", ".pdf", ".json"}
_TEXT_EXT = {".md", ".markdown", ".yml", ".yaml", ".txt", ""}
_ADDED_HEADER = re.compile(r"^\+[ \t]*\|[^\n]*\n\+[ \t]*\|?[ \t]*:?-{3,}", re.M)
_GITHUB = re.compile(r"(?:github\.com|ssh\.github\.com)[:/]+([^/\s]+)/([^/\s]+?)(?:\.git)?/?$", re.I)
_ANY_HOST = re.compile(r"^(?:[a-z+]+://[^/]+/|[^@/\s]+@[^:/\s]+:)(?:.*/)?([^/\s]+)/([^/\s]+?)(?:\.git)?/?$", re.I)


def repo_name_from_url(url: str) -> str | None:
    """``OWNER/NAME`` of a remote URL (``https://github.com/O/N.git``, ``git@github.com:O/N``);
    None for local paths."""
    url = url.strip()
    m = _GITHUB.search(url) or _ANY_HOST.match(url)
    return f"{m.group(1)}/{m.group(2)}" if m else None


def _git(args: Sequence[str], cwd: Path, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check,
                              encoding="utf-8", errors="replace")
    except FileNotFoundError as exc:  # pragma: no cover - git missing
        raise SourceError("the git command is not installed", str(cwd)) from exc


@dataclass
class GitRepo:
    """A repository to walk: its work tree, name, and shallow / partial state."""

    top: Path
    git_dir: Path
    name: str | None
    shallow: list[str]
    partial: bool
    url: str | None

    @classmethod
    def open(cls, path: str | Path, *, name: str | None = None) -> GitRepo:
        p = Path(path)
        if not p.exists():
            raise SourceError("no such repository", str(path))
        cwd = p if p.is_dir() else p.parent
        res = _git(["rev-parse", "--absolute-git-dir", "--is-bare-repository", "--is-shallow-repository"], cwd,
                   check=False)
        if res.returncode != 0:
            raise SourceError(f"not a git repository: {res.stderr.strip().splitlines()[-1] if res.stderr else ''}",
                              str(path))
        git_dir_text, bare, is_shallow = [*res.stdout.splitlines(), "", "", ""][:3]
        git_dir = Path(git_dir_text)
        top = git_dir  # a bare repository is walked in its git directory
        if bare.strip() != "true":
            res = _git(["rev-parse", "--show-toplevel"], cwd, check=False)
            top = Path(res.stdout.strip()) if res.returncode == 0 and res.stdout.strip() else cwd.resolve()
        shallow: list[str] = []
        if is_shallow.strip() == "true":
            f = git_dir / "shallow"
            if f.exists():
                shallow = [s.strip() for s in f.read_text().split() if s.strip()]
        conf = _git(["config", "--get-regexp", r"^(remote\.origin\.url|remote\..*\.promisor|extensions\.partialclone)$"],
                    top, check=False).stdout
        url = None
        partial = False
        for line in conf.splitlines():
            key, _, value = line.partition(" ")
            if key == "remote.origin.url":
                url = value
            elif (key.endswith(".promisor") and value.strip() == "true") or key == "extensions.partialclone":
                partial = True
        return cls(top.resolve(), git_dir, name or (repo_name_from_url(url) if url else None), shallow, partial, url)

    def is_ancestor(self, commit: str, of: str = "HEAD") -> bool:
        return _git(["merge-base", "--is-ancestor", commit, of], self.top, check=False).returncode == 0

    def has_commits(self) -> bool:
        return _git(["rev-parse", "--verify", "-q", "HEAD^{commit}"], self.top, check=False).returncode == 0


@dataclass
class Commit:
    """One walked commit and the source it gives."""

    sha: str
    parents: list[str]
    committed: str  # ISO 8601 as git wrote it, in the committer's zone
    subject: str
    source: Source

    @property
    def parent(self) -> str | None:
        return self.parents[0] if self.parents else None


class _Blobs:
    """``git cat-file --batch``, started on first use."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.proc: subprocess.Popen[bytes] | None = None
        self.fetched = 0

    def get(self, sha: str) -> bytes | None:
        if self.proc is None:
            self.proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.top, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(sha.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            return None
        size = int(header[2])
        data = self.proc.stdout.read(size + 1)[:size]
        self.fetched += 1
        return data

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait()
            self.proc = None


def _lines_of(data: bytes) -> list[str]:
    lines = data.decode("utf-8", "replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def widen_pipe(fd: int, size: int) -> int | None:
    """Let the pipe ``fd`` hold at least ``size`` bytes (Linux; up to the system's limit, 1 MB
    by default; a pipe is never narrowed) and return its size, or None where it cannot be
    set (it stays as it was).

    git's output comes at an uneven pace against the walk's: a prose commit costs git a diff
    and the walk almost nothing; a fact table costs the walk its extraction. On the default
    64 KB pipe git stalls while the walk extracts and the walk then waits for git;
    ``bench_mechanisms`` (``pipe``) times what the wider pipe buys."""
    if size <= 0:
        return None
    try:
        import fcntl

        current = fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)
        return current if size <= current else fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size)
    except (ImportError, AttributeError, OSError):  # not Linux, or past pipe-max-size
        return None


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The chunks of ``stream`` as they come (up to 1 MB each). A read-ahead thread was
    measured (bench_mechanisms) and did not pay, so the walk reads git directly."""
    while chunk := stream.read1(1 << 20):  # type: ignore[attr-defined]
        yield chunk


@dataclass
class _Raw:
    old_sha: str
    new_sha: str
    status: str


@dataclass
class Walk:
    """A walk over ``repo``; iterate ``commits()``; ``notes`` says where history stops."""

    repo: GitRepo
    since: str | None = None
    until: str | None = None
    paths: Sequence[str] = ()
    after: str | None = None  # continue after this commit (incremental)
    context: int = field(default_factory=lambda: CONTEXT_LINES)  # lines around each change (git log -U)
    notes: list[str] = field(default_factory=list)
    walked: int = 0
    last: str | None = None
    _snaps: dict[str, Snapshot] = field(default_factory=dict)
    _boring: set[str] = field(default_factory=set)  # documents read and found to hold no fact table
    _facts: set[str] = field(default_factory=set)  # documents found to hold one

    def command(self) -> list[str]:
        args = ["git", "-c", "core.quotePath=false", "-c", "log.showSignature=false", "-c", "log.showRoot=true",
                "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false", "-c", "diff.relative=false",
                "log", "--first-parent", "--reverse", "--diff-merges=first-parent", "-p", "--raw", "--no-abbrev",
                "-M", f"-U{self.context}", "--no-color", "--no-ext-diff", "--no-textconv", "--encoding=UTF-8", _FORMAT]
        if self.since:
            args.append(f"--since={self.since}T00:00:00")
        if self.until:
            args.append(f"--until={self.until}T23:59:59")
        args.append(f"{self.after}..HEAD" if self.after else "HEAD")
        args += [f"^{b}" for b in self.repo.shallow]
        args.append("--")
        args += [f":(glob){p}" for p in self.paths]
        return args

    def _shallow_note(self) -> None:
        if not self.repo.shallow:
            return
        res = _git(["show", "-s", "--format=%H %cI", *self.repo.shallow], self.repo.top, check=False)
        where = "; ".join(line.strip() for line in res.stdout.splitlines() if line.strip()) or ", ".join(self.repo.shallow)
        self.notes.append(f"shallow clone: history stops at {where} (its parents are not in the clone); "
                          "that commit's own changes and everything before it are not known")

    def commits(self) -> Iterator[Commit]:
        """The commits of the range, oldest first, each with its ``Source``."""
        if not self.repo.has_commits():
            self.notes.append("the repository has no commits")
            return
        self._shallow_note()
        if self.repo.partial:
            self.notes.append("partial clone: missing objects are fetched from its promisor remote as git needs "
                              "them; without that remote the walk stops at the first one missing")
        blobs = _Blobs(self.repo.top)
        with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty stderr cannot stall the walk
            proc = subprocess.Popen(self.command(), cwd=self.repo.top, stdout=subprocess.PIPE, stderr=errors)
            assert proc.stdout is not None
            widen_pipe(proc.stdout.fileno(), PIPE_BYTES)
            try:
                yield from self._read(proc, errors, blobs)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                blobs.close()

    def _read(self, proc: subprocess.Popen[bytes], errors: IO[bytes], blobs: _Blobs) -> Iterator[Commit]:
        """Commits from ``git log``'s output as it streams; a failure is a note, not an error."""
        assert proc.stdout is not None
        buf = bytearray()
        for chunk in _chunks(proc.stdout):
            start = max(0, len(buf) - len(_MARK) + 1)  # look for the marker in new bytes only
            buf += chunk
            while (k := buf.find(_MARK, start)) >= 0:
                rec = bytes(buf[:k])
                del buf[:k + len(_MARK)]
                start = 0
                if rec:
                    yield self._commit(rec, blobs)
        rc = proc.wait()
        if rc == 0:
            if buf:
                yield self._commit(bytes(buf), blobs)
            return
        errors.seek(0)
        err = errors.read().decode("utf-8", "replace").strip()
        last = err.splitlines()[-1] if err else f"exit status {rc}"
        where = f"after commit {self.last[:12]}" if self.last else "before the first commit"
        self.notes.append(f"git log stopped {where}: {last}; the commits read so far are kept")

    # --- one commit ------------------------------------------------------------------------

    def _commit(self, rec: bytes, blobs: _Blobs) -> Commit:
        text = rec.decode("utf-8", "replace")
        nl = text.find("\n")
        header, body = (text, "") if nl < 0 else (text[:nl], text[nl + 1:])
        sha, parents, committed, subject = ([*header.split("\x1f"), "", "", "", ""])[:4]
        k = body.find("diff --git ")
        raw = _RawIndex(body if k < 0 else body[:k])
        path = str(self.repo.top)
        problems: list[Problem] = []
        sections = []
        if k >= 0:
            parts = body[k:].split("\ndiff --git ")
            for j, part in enumerate(parts):
                sec = self._file(part if j == 0 else "diff --git " + part, raw, blobs, problems, sha)
                if sec is not None:
                    sections.append(sec)
        parent_list = parents.split()
        meta = SourceMeta(kind="git", path=path, observed_at=committed[:10], repo=self.repo.name,
                          base=parent_list[0][:7] if parent_list else None, head=sha[:7], title=subject or None)
        self.walked += 1
        self.last = sha
        return Commit(sha, parent_list, committed, subject, Source(meta=meta, sections=sections, problems=problems))

    def _file(self, chunk: str, raw: _RawIndex, blobs: _Blobs, problems: list[Problem],
              sha: str) -> DocSection | None:
        """One file of a commit. Its hunks are parsed line by line only when the walk reads
        the document; other files cost a header parse and two counts."""
        h = chunk.find("\n@@ ")
        head_text = chunk if h < 0 else chunk[:h]
        f = _plain_modification(head_text)
        if f is None:
            head = parse_files(head_text.split("\n"))
            if not head or not head[0].doc:
                return None
            f = head[0]
        hunk_text = "" if h < 0 else chunk[h + 1:]
        sec = DocSection(doc=f.doc, status=f.status, added=hunk_text.count("\n+"), deleted=hunk_text.count("\n-"),
                         old_doc=f.old_path if f.status == "renamed" else None)
        suffix = posixpath.splitext(f.doc)[1].lower()
        old_key = f.old_path if f.status != "added" else None
        if f.binary or suffix in _SKIP_EXT or suffix not in _TEXT_EXT:
            self._forget(old_key, f.new_path)
            return sec
        before = self._snaps.get(old_key) if old_key else None
        if before is None and not self._may_hold_facts(f, hunk_text):
            self._forget(old_key, f.new_path)
            return sec
        lines = chunk.split("\n")
        f = parse_files(lines)[0]
        def blob_lines(blob_sha: str | None, why: str) -> list[str] | None:
            """The lines of a blob, or None (a problem noted, the document no longer followed)."""
            data = blobs.get(blob_sha) if blob_sha is not None else None
            if data is None:
                problems.append(Problem(str(self.repo.top), None, f"{sha[:12]}: {f.doc}: {why}"))
                self._forget(old_key, f.new_path)
                return None
            return _lines_of(data)

        rw = raw.of(f.doc, f.old_path)
        if before is None and f.status != "added":
            read = blob_lines(rw.old_sha if rw is not None else None, "the file before this commit cannot be read")
            if read is None:
                return sec
            before = make_snapshot(read)
        old_lines = before.lines if before is not None else []
        after_lines: list[str] | None = None
        if f.status != "removed":
            after_lines = _apply(old_lines, f, lines)
            if after_lines is None:
                after_lines = blob_lines(rw.new_sha if rw is not None else None,
                                         "the diff does not apply and the file cannot be read")
                if after_lines is None:
                    return sec
                log.debug("%s %s: patch did not apply; read the file instead", sha[:12], f.doc)
        if old_key not in self._snaps and f.doc not in self._facts:
            # first meeting: keep following the document only if it holds a fact table
            if not any(holds_facts(f.doc, ls) for ls in (old_lines, after_lines or [])):
                self._boring.add(f.doc)
                self._forget(old_key, f.new_path)
                return sec
            self._facts.add(f.doc)
        after = make_snapshot(after_lines) if after_lines is not None else None
        if old_key is not None:
            self._snaps.pop(old_key, None)
        if after is not None and f.new_path:
            self._snaps[f.new_path] = after
        hunks = [build(lines, h, DOCUMENT) for h in f.hunks]
        sec.parsed = FileDiff(doc=f.doc, old_doc=sec.old_doc, status=f.status, hunks=hunks,
                              full_before=before if f.status != "added" else None, full_after=after)
        return sec

    def _forget(self, old: str | None, new: str | None) -> None:
        for k in (old, new):
            if k:
                self._snaps.pop(k, None)

    def _may_hold_facts(self, f: FilePatch, hunk_text: str) -> bool:
        """Whether a document the walk does not follow yet is worth reading: its diff shows
        fact-like rows, a heading change or a rename; a document found to hold no fact
        table is read again only when a diff adds a table header or changes a heading."""
        from extractor.prefilter import wanted

        if f.doc in self._boring:
            return _changes_heading(hunk_text) or ("|" in hunk_text and bool(_ADDED_HEADER.search(hunk_text)))
        if f.doc in self._facts or f.status == "renamed":
            return True
        return bool(hunk_text) and (wanted(hunk_text) is not False or _changes_heading(hunk_text))


def _plain_modification(head: str) -> FilePatch | None:
    """The header of a file changed in place, read without the general parser (most files
    of most commits): ``diff --git a/P b/P``, ``index``, ``--- a/P``, ``+++ b/P`` and an
    unquoted path. None for anything else (renames, modes, new, deleted, binary, quoting)."""
    lines = head.split("\n")
    if len(lines) != 4 or not lines[1].startswith("index ") or not lines[2].startswith("--- a/"):
        return None
    path = lines[2][6:]
    if lines[3] != "+++ b/" + path or lines[0] != f"diff --git a/{path} b/{path}" or "\t" in path or path.endswith("\r"):
        return None
    return FilePatch(old_path=path, new_path=path)


def _changes_heading(hunk_text: str) -> bool:
    """Whether a diff adds or removes a heading line (found by plain search: a multi-line
    regex would test every position of the text)."""
    return "\n+#" in hunk_text or "\n-#" in hunk_text or hunk_text.startswith(("+#", "-#"))


class _RawIndex:
    """A commit's ``--raw`` lines, read only when a blob id is needed (a few commits)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.entries: dict[str, _Raw] | None = None

    def of(self, doc: str, old: str | None) -> _Raw | None:
        if self.entries is None:
            self.entries = _raw_entries(self.text)
        return self.entries.get(doc) or self.entries.get(old or "")


def _raw_entries(text: str) -> dict[str, _Raw]:
    """``--raw`` lines (``:100644 100644 OLD NEW M\tpath``) by path (both paths of a rename)."""
    raw: dict[str, _Raw] = {}
    for line in text.split("\n"):
        if not line.startswith(":"):
            continue
        meta, _, names = line.partition("\t")
        f = meta[1:].split(" ")
        paths = [unquote_path(p) for p in names.split("\t")]
        if len(f) >= 5:
            raw[paths[-1]] = _Raw(f[2], f[3], f[4])
            if f[4][:1] in ("D", "R"):
                raw.setdefault(paths[0], raw[paths[-1]])
    return raw


def _apply(old: list[str], f: FilePatch, lines: list[str]) -> list[str] | None:
    """``old`` with ``f``'s hunks applied; None when a hunk's old lines do not match."""
    new = old[:]
    for h in reversed(f.hunks):
        body = lines[h.start + 1:h.end]
        old_part = [ln[1:] for ln in body if ln[:1] in (" ", "-")]
        new_part = [ln[1:] for ln in body if ln[:1] in (" ", "+")]
        i0 = h.old_start - 1 if h.old_len > 0 else h.old_start
        if new[i0:i0 + h.old_len] != old_part:
            return None
        new[i0:i0 + h.old_len] = new_part
    return new
