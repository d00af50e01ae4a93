"""One change, one identity: match the change a source shows to a change already known.

A change is a compare range ``BASE...HEAD`` of one repository, named by 7-hex SHAs. A
report gives its range from the permalink; a git walk gives ``parent...commit`` for each
commit; a patch gives its commit (``commit`` / ``From`` line) and, when the log was written
with ``--parents`` or shows a ``Merge:`` line, its parent. Two sources show the same change
when their heads are equal and their bases are equal — a patch's unknown base standing for
"the commit's parent", which is matched only once that parent is known (from a walk or a
patch with parents, in this run or stored). Repositories must be equal when both are known;
a patch names none (``--repo`` gives one).

A report whose range spans several commits is a different change from each commit in it:
its events cannot be split by commit, so nothing is matched there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractor.sources.base import SourceMeta

__all__ = ["ChangeMatcher", "abbrev"]

_HEX = re.compile(r"^[0-9a-f]{7,40}$")


def abbrev(sha: str | None) -> str | None:
    """The 7-hex form of a commit id; None for anything that is not one (a branch name)."""
    if not sha:
        return None
    s = sha.strip().lower()
    return s[:7] if _HEX.match(s) else None


@dataclass
class _Known:
    change_id: str
    repo: str | None
    base: str | None  # 7-hex, or None: "the parent of head"


@dataclass
class ChangeMatcher:
    """Known changes by head, and known first parents; ``resolve`` names a source's change."""

    heads: dict[str, list[_Known]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, changes: Iterable[tuple[str, str | None, str | None, str | None]],
                  parents: Iterable[tuple[str | None, str | None]]) -> ChangeMatcher:
        """``changes``: (change_id, repo, base, head); ``parents``: (commit, first parent)."""
        m = cls()
        for commit, parent in parents:
            m.learn_parent(commit, parent)
        for cid, repo, base, head in changes:
            h = abbrev(head)
            if h is not None:
                m.heads.setdefault(h, []).append(_Known(cid, repo, abbrev(base)))
        return m

    def learn_parent(self, commit: str | None, parent: str | None) -> None:
        c, p = abbrev(commit), abbrev(parent)
        if c and p:
            self.parents.setdefault(c, p)

    def resolve(self, meta: SourceMeta, change_id: str, *, single_commit: bool) -> str:
        """The change id for a source with ``meta`` whose own id is ``change_id``.

        ``single_commit``: the source shows one commit (git walk, patch), so an unknown base
        means that commit's parent.
        """
        head = abbrev(meta.head)
        if head is None:
            return change_id
        base = abbrev(meta.base)
        if single_commit and base is not None:
            self.parents.setdefault(head, base)
        want = base if base is not None else (self.parents.get(head) if single_commit else None)
        for k in self.heads.get(head, ()):
            if meta.repo and k.repo and meta.repo.lower() != k.repo.lower():
                continue
            kb = k.base if k.base is not None else self.parents.get(head)
            if kb == want:
                return k.change_id
        if base is None and want is not None:
            change_id = f"{meta.repo or ''}@{want}...{head}"
        self.heads.setdefault(head, []).append(_Known(change_id, meta.repo, base if base is not None else want))
        return change_id
