"""The digest as one self-contained HTML file: inline CSS, no script, charts as SVG ``data:``
images each with its data as a table (the text alternative), a table of contents whose links
land on anchored sections, the summary table first."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from typing import Any

from extractor import kinds
from extractor.digest.charts import MAX_SERIES, Chart, Palette, changes_per_period, steps
from extractor.digest.collect import Digest
from extractor.digest.markdown import not_changes
from extractor.digest.text import PAGE_CLASSES, esc, html_link, is_boolean, none, range_label, short_doc, slug

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; } h3 { margin: 1rem 0 .3rem; font-size: 1.05rem; }
ul { padding-left: 1.2rem; margin: .2rem 0; } li { margin: .1rem 0; }
.date, .doc, .meta, .cls { color: #666; font-size: .9em; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: .9em; }
table { border-collapse: collapse; margin: .5rem 0; }
td, th { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: .3rem 0; } summary { cursor: pointer; }
table.changes { width: 100%; } table.changes th[scope] { width: 12rem; font-weight: 600; }
td.date, td.nw, .doc { white-space: nowrap; }
.yes { background: #e3f4e1; } .no { color: #bbb; }
"""


def head(title: str) -> list[str]:
    return ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<link rel="icon" href="data:,">', f"<title>{esc(title)}</title>", f"<style>{CSS}</style>",
            "</head>", "<body>", f"<h1>{esc(title)}</h1>"]


def figure(c: Chart) -> list[str]:
    rows = "".join("<tr>" + "".join(f'<td{" class=num" if isinstance(v, int | float) else ""}>{esc(_v(v))}</td>'
                                    for v in r) + "</tr>" for r in c.table)
    return [f'<figure id="{c.id}"><img src="{c.uri}" alt="{esc(c.alt)}"><figcaption>{esc(c.caption)}</figcaption>',
            f"<details><summary>The data of this chart ({len(c.table)} rows)</summary><table><tr>"
            + "".join(f"<th>{esc(h)}</th>" for h in c.columns) + f"</tr>{rows}</table></details></figure>"]


def _v(v: Any) -> str:
    if v is None:
        return "not stated"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) else str(v)


QUOTA_SQL = """
SELECT model, deployment_type, tier, subscription, region, attribute, t, vals FROM model_states
WHERE family = 'value' AND kind = $kind AND attribute = $attribute AND list_contains($models, model) AND t <= $end
ORDER BY model, deployment_type NULLS FIRST, tier NULLS FIRST, subscription NULLS FIRST, region NULLS FIRST, t
"""

REGIONS_SQL = """
WITH s AS (SELECT model, region, deployment_type, t, available FROM model_states
           WHERE family = 'availability' AND list_contains($models, model) AND t <= $end),
pts AS (SELECT DISTINCT model, t FROM s),
cur AS (SELECT p.model, p.t, s.region, s.deployment_type, arg_max(s.available, s.t) AS avail
        FROM pts p JOIN s ON s.model = p.model AND s.t <= p.t GROUP BY ALL)
SELECT model, t, count(DISTINCT region) FILTER (WHERE avail) AS regions FROM cur GROUP BY ALL ORDER BY ALL
"""


def value_series(store: Any, kind: str, attribute: str, keys: list[tuple[Any, ...]], end: dt.date
                 ) -> dict[str, list[tuple[dt.date, float | None]]]:
    """Steps of the values of ``keys`` ((model, deployment type, tier, subscription, region)) over
    their whole history to ``end``: a value per date it changed, None where none was stated."""
    models = sorted({k[0] for k in keys})
    got = store.read(QUOTA_SQL, {"kind": kind, "attribute": attribute, "models": models, "end": end}).rows()
    want = set(keys)
    out: dict[str, list[tuple[dt.date, float | None]]] = {}
    for m, dtype, tier, sub, region, _attr, t, vals in got:
        if (m, dtype, tier, sub, region) not in want:
            continue
        name = m + "".join(f" {x}" for x in (dtype, tier, sub, region) if x)
        v = float(vals[0]) if vals and len(vals) == 1 and str(vals[0]).lstrip("-").isdigit() else None
        out.setdefault(name, []).append((t, v))
    return out


def region_series(store: Any, models: list[str], end: dt.date) -> dict[str, list[tuple[dt.date, float | None]]]:
    out: dict[str, list[tuple[dt.date, float | None]]] = {}
    for m, t, n in store.read(REGIONS_SQL, {"models": models, "end": end}).rows():
        out.setdefault(m, []).append((t, float(n)))
    return out


def digest_charts(store: Any, d: Digest, palette: Palette) -> list[Chart]:
    end = d.end or d.since
    order = list(kinds.names()) + sorted({r.kind for r in d.rows} - set(kinds.names()))
    counts: dict[tuple[dt.date, str], int] = defaultdict(int)
    for r in d.rows:
        counts[(r.observed_at, r.kind)] += 1
    charts = [changes_per_period(dict(counts), d.since, end, palette, order)]
    # quota steps, the chart planners read first: the TPM of the quotas that changed, most changes first
    q = [r for r in d.rows if r.kind == "quota" and r.attribute == "tpm" and none(r.model)]
    if q:
        n: dict[tuple[Any, ...], int] = defaultdict(int)
        for r in q:
            key = (r.model, none(r.deployment_type), none(r.tier), none(r.subscription), none(r.region))
            n[key] += 2 if r.change == "changed" else 1
        keys = sorted(n, key=lambda k: (-n[k], str(k)))
        shown = keys[:MAX_SERIES]
        series = value_series(store, "quota", "tpm", shown, end)
        caption = (f"TPM of each of the {len(keys)} quotas that changed in the period, over its known history"
                   if len(keys) <= MAX_SERIES else
                   f"TPM of {len(shown)} of the {len(keys)} quotas that changed in the period (those with the most "
                   f"changes: {', '.join(series)}), over their known history")
        charts.append(steps(series, end, "Quota steps: tokens per minute", "tokens per minute", palette,
                            {name: name.split(" ")[0] for name in series}, caption + " (shaded: the period).",
                            "quota-steps", (d.since, end)))
    reg = sorted({r.model for r in d.rows if is_boolean(r.kind) and none(r.model) and none(r.cls) == "model"})
    if reg:
        changed: dict[str, int] = defaultdict(int)
        for r in d.rows:
            if is_boolean(r.kind) and none(r.model) in reg:
                changed[r.model] += 1
        shown = sorted(sorted(reg, key=lambda m: (-changed[m], m))[:MAX_SERIES])
        caption = ("Regions where each model whose regions changed is available (any deployment type), over time"
                   if len(reg) <= MAX_SERIES else
                   f"Regions where {len(shown)} of the {len(reg)} models whose regions changed are available "
                   f"(those with the most changes: {', '.join(shown)}), over time")
        charts.append(steps(region_series(store, shown, end), end, "Regions per model", "regions", palette,
                            {}, caption + " (shaded: the period).", "regions-per-model", (d.since, end)))
    return [c for c in charts if c is not None]


def render_html(store: Any, d: Digest) -> str:
    title = f"Changes from {d.period()}"
    out = head(title)
    notes = [f'<p class="meta">{esc(n)}</p>' for n in not_changes(d)]
    if not d.rows:
        out += [f'<p class="meta">No changes observed from {esc(d.period())}.</p>', *notes, "</body>", "</html>"]
        return "\n".join(out) + "\n"
    counts = ", ".join(f"{kinds.title(k).lower() if k in kinds.REGISTRY else k} {n}" for k, n in sorted(d.counts().items()))
    out.append(f'<p class="meta">{len(d.rows)} model-level changes ({esc(counts)}), last observed '
               f"{esc(max(r.observed_at for r in d.rows))}.</p>")
    out += notes
    out += ['<nav class="toc" id="contents"><h2>Contents</h2>',
            '<p><a href="#summary">Summary</a> · <a href="#charts">Charts</a>'
            + (' · <a href="#not-changes">Not changes: moves and renames</a>' if d.moves or d.renames else "") + "</p>"]
    for svc in d.services:
        out.append(f'<p><a href="#{svc.anchor}"><b>{esc(svc.name)}</b></a>: '
                   + " · ".join(f'<a href="#{s.anchor}">{esc(s.name)}</a>{_cls(s.cls)}' for s in svc.subjects) + "</p>")
    out.append("</nav>")
    out.append('<section id="summary"><h2>Summary</h2>')
    if d.summary:
        out.append("<table><tr><th>change</th><th>subject</th><th>detail</th><th>date</th><th>compare</th></tr>")
        for r in d.summary:
            links = ", ".join(html_link(short_range(u), u) for u in r.links) or "—"
            out.append(f"<tr><td class=nw>{esc(r.what)}</td><td>{esc(r.subject)}</td><td>{esc(shorten(r.detail))}</td>"
                       f'<td class="date">{esc(r.date)}</td><td>{links}</td></tr>')
        out.append("</table>")
    else:
        out.append('<p class="meta">No value, date, region or new-model changes in the period.</p>')
    out.append("</section>")
    palette = Palette()
    out.append('<section id="charts"><h2>Charts</h2>')
    for c in digest_charts(store, d, palette):
        out += figure(c)
    out.append("</section>")
    for svc in d.services:
        out.append(f'<section class="service" id="{svc.anchor}"><h2>{esc(svc.name)}</h2>')
        out.append('<table class="changes"><tr><th>subject</th><th>date</th><th>change</th><th>document</th>'
                   "<th>compare</th></tr>")
        for s in svc.subjects:
            page = (f'<br><a class="meta" href="model-{slug(s.name)}.html">model page</a>'
                    if s.cls in PAGE_CLASSES else "")
            for i, ln in enumerate(s.lines):
                first = (f'<tr id="{s.anchor}"><th rowspan="{len(s.lines)}" scope="rowgroup">'
                         f"{esc(s.name)}{_cls(s.cls)}{page}</th>" if i == 0 else "<tr>")
                out.append(f'{first}<td class="date">{esc(ln.observed_at)}</td>'
                           f"<td>{esc(own_text(ln.text, s.name))}</td>"
                           f'<td class="nw">{docs_span(ln.docs)}</td>'
                           f'<td class="nw">{html_link(short_range(ln.link), ln.link)}</td></tr>')
        out.append("</table></section>")
    if d.moves or d.renames:
        out.append('<section id="not-changes"><h2>Not changes: moves and renames</h2>')
        if d.moves:
            out.append(f"<details><summary>Document moves: {len(d.moves)} ({sum(m[3] for m in d.moves)} facts)</summary><ul>")
            out += [f'<li><span class="date">{esc(day)}</span> {n} facts moved from {esc(short_doc(a))} to '
                    f"{esc(short_doc(b))} {html_link(range_label(link), link)}</li>" for day, a, b, n, link in d.moves]
            out.append("</ul></details>")
        if d.renames:
            out.append(f"<details><summary>Label renames: {len(d.renames)} ({sum(r[4] for r in d.renames)} facts)</summary><ul>")
            out += [f'<li><span class="date">{esc(day)}</span> {esc(field)} renamed {esc(a)} → {esc(b)} ({n} facts) '
                    f"{html_link(range_label(link), link)}</li>" for day, field, a, b, n, link in d.renames]
            out.append("</ul></details>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def short_range(link: Any) -> str:
    """A compare range by its head commit (``71adf7f``), the whole range on the link's target."""
    return range_label(link).rsplit("...", 1)[-1]


def shorten(detail: str, most: int = 6) -> str:
    """A summary's list of regions cut to its first ``most`` (the section lists them all)."""
    def cut(m: Any) -> str:
        names = m.group(2).split(", ")
        return m.group(1) + ", ".join(names[:most]) + (f", … ({len(names) - most} more)" if len(names) > most else "")

    return re.sub(r"((?:gained|lost) \d+: )([^;]+)", cut, detail)


def own_text(text: str, name: str) -> str:
    """A line under its subject's heading, without the subject's name it starts with."""
    return text[len(name):].lstrip(" :") if text.startswith(name + " ") or text.startswith(name + ":") else text


def docs_span(docs: list[str]) -> str:
    """The documents of a change: the first one's file name (and how many more), all of them on hover."""
    if not docs:
        return ""
    first = short_doc(docs[0]).rsplit("/", 1)[-1]
    more = f" +{len(docs) - 1}" if len(docs) > 1 else ""
    return f'<span class="doc" title="{esc(", ".join(short_doc(x) for x in docs))}">{esc(first)}{more}</span>'


def _cls(cls: str) -> str:
    return "" if cls == "model" else f' <span class="cls">({esc(cls)})</span>'


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n"
