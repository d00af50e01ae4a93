"""Builders for small Diff Insight Reports written in tests, and shortcuts to ingest them.

    text = make_report("2025-02-08", [(QUOTAS, "modified", diff)])
    path = write_report(tmp_path, text)
    db = extractor.connect(tmp_path / "x.duckdb"); db.ingest([path])
    changes(db)  # [(kind, subject, attribute, change, old, new, qualifier), ...]

``make_report`` computes the summary table's A / D columns from the ``+`` / ``-`` lines of
each diff block, as real reports do (the report source checks them).
"""

from __future__ import annotations

import hashlib
import os
import textwrap
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

OPENAI = "articles/ai-services/openai/"
QUOTAS = OPENAI + "quotas-limits.md"
RETIREMENTS = OPENAI + "concepts/model-retirements.md"
MODELS = OPENAI + "concepts/models.md"
BATCH = OPENAI + "includes/global-batch-limits.md"
MATRIX = OPENAI + "includes/model-matrix/"

PROSE = {
    "en": ("This update revises quotas and model tables.",
           "# Highlights\nQuota tables were revised.\n\n# Insights\nThe changes help planning."),
    "ja": ("この更新ではクォータとモデルの表が改訂されています。",
           "# ハイライト\nクォータの表が改訂されました。\n\n# インサイト\n計画に役立つ変更です。"),
}

Section = tuple[str, str, str | None]  # (doc path, status, diff text or None)


def _anchor(doc: str, i: int) -> str:
    return "item-" + hashlib.sha1(f"{i}:{doc}".encode()).hexdigest()[:6]


def counts(diff: str | None) -> tuple[int, int]:
    """The ``+`` and ``-`` line counts of a diff block (what A and D must say)."""
    if not diff:
        return 0, 0
    lines = diff.split("\n")
    return sum(ln.startswith("+") for ln in lines), sum(ln.startswith("-") for ln in lines)


def diff(text: str) -> str:
    """A diff block written indented in a test: dedented, outer blank lines dropped.

    Lines are kept as written otherwise (a context line is `` `` + text, so an empty
    document line is a single space).
    """
    return textwrap.dedent(text).strip("\n")


def hunk(body: str, old: int = 10, new: int | None = None, section: str = "") -> str:
    """A hunk: the ``@@ -old,n +new,m @@ section`` line computed for ``body``.

    ``body`` is written indented in a test and dedented here; each line starts with
    `` ``, ``+``, ``-`` or ``\\``. A line written as a bare ``.`` (after dedent) stands for an
    empty context line.
    """
    lines = [" " if ln == "." else ln for ln in textwrap.dedent(body).strip("\n").split("\n")]
    n_old = sum(ln[:1] in (" ", "-") for ln in lines)
    n_new = sum(ln[:1] in (" ", "+") for ln in lines)
    new = old if new is None else new
    tail = f" {section}" if section else ""
    return f"@@ -{old},{n_old} +{new},{n_new} @@{tail}\n" + "\n".join(lines)


def hunks(*parts: str) -> str:
    return "\n".join(parts)


# o3's Enterprise agreement quota moving from 10 M to 12 M TPM: one change in a quotas hunk
O3_QUOTA_ROWS = hunk("""
     | Model | Tier | Quota Limit in tokens per minute (TPM) | Requests per minute |
     |---|---|---|---|
    -| `o3` | Enterprise agreement | 10 M | 1 K |
    +| `o3` | Enterprise agreement | 12 M | 1 K |
""", old=40)


def make_report(date: str, sections: Sequence[Section], *, base: str = "aaaaaaa", head: str | None = None,
                lang: str = "en", title: str = "Diff Insight Report - openai") -> str:
    """A Diff Insight Report of ``sections`` observed on ``date`` (``YYYY-MM-DD``).

    ``head`` defaults to a hash of the date and sections: two different reports are two
    changes, the same report in another language (``lang``) is the same change.
    """
    if head is None:
        head = hashlib.sha1(repr((date, list(sections))).encode()).hexdigest()[:7]
    summary, prose = PROSE[lang]
    out = [
        "---",
        f"date: '{date}'",
        f"permalink: https://github.com/MicrosoftDocs/azure-ai-docs/compare/MicrosoftDocs:{base}...MicrosoftDocs:{head}",
        f"summary: {summary}",
        f"title: {title}",
        "---",
        "",
        f"[View Diff on GitHub](https://github.com/MicrosoftDocs/azure-ai-docs/compare/MicrosoftDocs:{base}"
        f"...MicrosoftDocs:{head}){{target=\"_blank\"}}",
        "",
        "<format>",
        prose,
        "</format>",
        "",
        "# Summary Table",
        "|  Filename  | Type |    Title    | Status | A  | D  | M  |",
        "|------------|------|-------------|--------|----|----|----|",
    ]
    for i, (doc, status, body) in enumerate(sections):
        a, d = counts(body)
        name = doc.rsplit("/", 1)[-1]
        out.append(f"| [{name}](#{_anchor(doc, i)}) | minor update | t | {status} | {a} | {d} | {a + d} |")
    out += ["", "", "# Modified Contents"]
    for i, (doc, _status, body) in enumerate(sections):
        out.append(f"## {doc}{{#{_anchor(doc, i)}}}")
        out.append("")
        if body is not None:
            out += ["<details>", "<summary>Diff</summary>", "````diff", body, "````", "</details>", ""]
        out += ["### Summary", "```json", '{"modification_type": "minor update"}', "```", "",
                "### Explanation", "x", ""]
    return "\n".join(out) + "\n"


_written = 0


def write_report(folder: Path, text: str, name: str | None = None) -> Path:
    """Write ``text`` as a report file under ``folder`` (a fresh name unless given)."""
    global _written
    _written += 1
    path = folder / (name or f"report-{_written:04d}.md")
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def report(folder: Path, date: str, sections: Sequence[Section], **kw: Any) -> Path:
    """``make_report`` then ``write_report``; ``name=`` names the file."""
    name = kw.pop("name", None)
    return write_report(folder, make_report(date, sections, **kw), name)


def _subject(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rec["subject"].items() if v is not None}


def change_tuples(records: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """``(kind, subject without null keys, attribute, change, old, new, qualifier)`` of every
    record that is a change (observations left out), sorted for comparison."""
    rows = [(r["kind"], _subject(r), r["attribute"], r["change"], r["old"], r["new"], r["qualifier"])
            for r in records if r["change"] != "unchanged"]
    return sorted(rows, key=repr)


def changes(db: Any) -> list[tuple[Any, ...]]:
    return change_tuples(db.records())


def observations(db: Any) -> list[tuple[Any, ...]]:
    rows = [(r["kind"], _subject(r), r["attribute"], r["new"]) for r in db.records() if r["change"] == "unchanged"]
    return sorted(rows, key=repr)


def ingest_changes(tmp_path: Path, *reports: tuple[str, Sequence[Section]] | Path,
                   db_name: str = "x.duckdb") -> tuple[Any, list[tuple[Any, ...]]]:
    """Ingest the given reports (``(date, sections)`` pairs or written paths) in one call."""
    import extractor

    paths = [r if isinstance(r, Path) else report(tmp_path, r[0], r[1]) for r in reports]
    db = extractor.connect(tmp_path / db_name)
    res = db.ingest(paths)
    assert res.ok, res.failed
    assert not res.warnings, res.warnings  # a fixture whose A / D or structure is off
    return db, changes(db)


def q(model: str, dtype: str | None, tier: str | None, **extra: str) -> dict[str, str]:
    """A quota subject without null keys."""
    s = {"model": model, "deployment_type": dtype, "tier": tier, **extra}
    return {k: v for k, v in s.items() if v is not None}


def bq(model: str, dtype: str, subscription: str) -> dict[str, str]:
    return {"model": model, "deployment_type": dtype, "subscription": subscription}


def ret(model: str, version: str | None = None) -> dict[str, str]:
    return {"model": model} if version is None else {"model": model, "version": version}


def av(subject: str, region: str, dtype: str | None = None, version: str | None = None) -> dict[str, str]:
    s = {"subject": subject, "version": version, "deployment_type": dtype, "region": region}
    return {k: v for k, v in s.items() if v is not None}


def srt(items: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Expected change tuples in the order ``change_tuples`` gives them."""
    return sorted(items, key=repr)


def sample_db(folder: Path) -> Path:
    """A database in ``folder`` holding the sample shipped with extractor (ingested by the CLI)."""
    from click.testing import CliRunner

    from extractor.cli import main

    path = folder / "facts.duckdb"
    res = CliRunner().invoke(main, ["--db", str(path), "-q", "ingest"])
    assert res.exit_code == 0, res.output
    return path


def fifo_of(source: Path, fifo: Path) -> threading.Thread:
    """A named pipe at ``fifo`` that gives the bytes of ``source`` once (a writer thread,
    started; join it once the pipe has been read)."""
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(source.read_bytes()))
    writer.start()
    return writer


EXPECTED_COUNTS = Path(__file__).resolve().parent / "expected_counts.json"


def expected_counts(run: str = "corpus_and_seeds") -> dict[str, Any]:
    """The corpus counts the tests assert, from the one shared file ``expected_counts.json``:
    ``run`` is ``corpus_and_seeds`` (../shared/corpus and ../shared/seeds) or ``corpus``."""
    import json

    return json.loads(EXPECTED_COUNTS.read_text(encoding="utf-8"))[run]


def kind_counts(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Changes and observations per kind of exported records, as ``expected_counts.json`` has them."""
    out: dict[str, dict[str, int]] = {}
    for r in records:
        c = out.setdefault(r["kind"], {"changes": 0, "observations": 0})
        c["observations" if r["change"] == "unchanged" else "changes"] += 1
    return dict(sorted(out.items()))


def unreadable(monkeypatch: Any, path: Path) -> None:
    """Make reading ``path`` fail as a file without read permission does (root reads any file)."""
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
