"""Checks over an export (the JSONL of FACTS.md) against the sources it names: signs of false events.

``scope_flips`` finds removed/added pairs of one section (date, document, kind, attribute,
value) whose subjects differ only in a scope key (deployment type, tier, lifecycle scope…)
and whose rows are unchanged lines of their source: a row that is context on both sides of
a hunk was given one scope in the before view and another in the after view. Such a pair
is never a real change (FACTS.md: a context line is an observation).

Usage: ``python -m extractor.checks EXPORT.jsonl DIR_OR_FILE...`` (the folders holding the
sources the export names); prints each flip and exits 1 when any is found.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

SCOPE_KEYS = ("deployment_type", "tier", "subscription", "scope", "region", "version")


def _source_lines(roots: Iterable[Path]) -> dict[str, Path]:
    """Source file name -> its path (the export names a source by its file name)."""
    out: dict[str, Path] = {}
    for root in roots:
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for p in files:
            out.setdefault(p.name, p)
    return out


class _Lines:
    def __init__(self, paths: dict[str, Path]) -> None:
        self.paths = paths
        self.cache: dict[str, list[str]] = {}

    def kind(self, name: str, line: int | None) -> str | None:
        """The diff-line kind (`` ``, ``+``, ``-``) of line ``line`` of source ``name``, or None."""
        if line is None or name not in self.paths:
            return None
        if name not in self.cache:
            self.cache[name] = self.paths[name].read_text(encoding="utf-8", errors="replace").split("\n")
        lines = self.cache[name]
        return lines[line - 1][:1] if 0 < line <= len(lines) else None


def _key(subject: dict[str, Any], drop: str) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, v) for k, v in subject.items() if k != drop and v is not None))


def scope_flips(records: Iterable[dict[str, Any]], roots: Iterable[Path]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Each (removed, added) pair of one section that differs only in one scope key, whose
    rows are unchanged (context) lines of their sources."""
    lines = _Lines(_source_lines(roots))
    removed: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    added: list[dict[str, Any]] = []
    for r in records:
        if r.get("change") == "removed":
            removed[(r["observed_at"], r["doc"], r["kind"], r["attribute"], json.dumps(r.get("old")))].append(r)
        elif r.get("change") == "added":
            added.append(r)
    for a in added:
        for r in removed.get((a["observed_at"], a["doc"], a["kind"], a["attribute"], json.dumps(a.get("new"))), ()):
            sa, sr = a.get("subject") or {}, r.get("subject") or {}
            differ = [k for k in set(sa) | set(sr) if sa.get(k) != sr.get(k)]
            if len(differ) != 1 or differ[0] not in SCOPE_KEYS:
                continue
            if (lines.kind(a["source"]["file"], a["source"].get("line")) == " "
                    and lines.kind(r["source"]["file"], r["source"].get("line")) == " "):
                yield r, a


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2 if len(argv) < 2 and not (argv and argv[0] in ("-h", "--help")) else 0
    with open(argv[0], encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    n = 0
    for r, a in scope_flips(records, [Path(p) for p in argv[1:]]):
        n += 1
        print(f"{r['observed_at']}  {r['doc']}  {r['kind']} {r['attribute']}  {json.dumps(r['subject'])} -> "
              f"{json.dumps(a['subject'])}  ({r['source']['file']}:{r['source'].get('line')}, "
              f"{a['source']['file']}:{a['source'].get('line')})")
    print(f"scope flips on unchanged rows: {n}", file=sys.stderr)
    return 1 if n else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
