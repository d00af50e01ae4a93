"""The digest as Markdown: the summary table of real changes, a table of contents, a section
per service and subject (anchored), moves and renames as one line each, the coverage line."""

from __future__ import annotations

from extractor import kinds
from extractor.digest.collect import Digest
from extractor.digest.text import md_escape, md_link, range_label, short_doc


def _links(links: list[str]) -> str:
    return ", ".join(md_link(range_label(u), u) for u in links) or "—"


def not_changes(d: Digest) -> list[str]:
    """The one-line notes on what moved or was renamed (no changes), and the coverage."""
    out = []
    if d.moves:
        facts = sum(m[3] for m in d.moves)
        out.append(f"Document moves: {len(d.moves)} ({facts} facts moved between documents; not changes).")
    if d.renames:
        facts = sum(r[4] for r in d.renames)
        out.append(f"Label renames: {len(d.renames)} ({facts} facts stated under a new label; not changes).")
    line = d.coverage_line()
    if line:
        out.append(line)
    return out


def render_markdown(d: Digest) -> str:
    out = [f"# Changes from {d.period()}", ""]
    notes = not_changes(d)
    if not d.rows:
        out += [f"No changes observed from {d.period()}.", ""]
        out += [f"- {md_escape(n)}" for n in notes] + ([""] if notes else [])
        return "\n".join(out)
    counts = ", ".join(f"{kinds.title(k).lower() if k in kinds.REGISTRY else k} {n}" for k, n in sorted(d.counts().items()))
    last = max(r.observed_at for r in d.rows)
    out += [f"{len(d.rows)} model-level changes ({counts}), last observed {last}.", ""]
    out += [f"- {md_escape(n)}" for n in notes] + ([""] if notes else [])
    out += ["## Summary", ""]
    if d.summary:
        out += ["| change | subject | detail | date | compare |", "|---|---|---|---|---|"]
        out += [f"| {r.what} | {md_escape(r.subject)} | {md_escape(r.detail)} | {r.date} | {_links(r.links)} |"
                for r in d.summary]
    else:
        out.append("_No value, date, region or new-model changes in the period._")
    out += ["", "## Contents", ""]
    for svc in d.services:
        out.append(f"- [{md_escape(svc.name)}](#{svc.anchor})")
        out += [f"  - [{md_escape(s.name)}](#{s.anchor})" + ("" if s.cls == "model" else f" ({s.cls})") for s in svc.subjects]
    out.append("")
    for svc in d.services:
        out += [f'## <a id="{svc.anchor}"></a>{md_escape(svc.name)}', ""]
        for s in svc.subjects:
            out += [f'### <a id="{s.anchor}"></a>{md_escape(s.name)}' + ("" if s.cls == "model" else f" ({s.cls})"), ""]
            for ln in s.lines:
                docs = ", ".join(short_doc(x) for x in ln.docs)
                out.append(f"- {ln.observed_at} · {md_escape(ln.text)} · {md_escape(docs)} · "
                           f"{md_link(range_label(ln.link), ln.link)}")
            out.append("")
    if d.moves or d.renames:
        out += ["## Not changes", ""]
        out += [f"- {day} · {n} facts moved from {md_escape(short_doc(a))} to {md_escape(short_doc(b))} · "
                f"{md_link(range_label(link), link)}" for day, a, b, n, link in d.moves]
        out += [f"- {day} · {field} renamed {md_escape(a)} → {md_escape(b)} ({n} facts) · {md_link(range_label(link), link)}"
                for day, field, a, b, n, link in d.renames]
        out.append("")
    return "\n".join(out)
