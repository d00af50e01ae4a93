"""The change digest: what changed between two dates, grouped by kind and model.

``report(store, since, until, fmt="md"|"html")`` renders the changes of ``fact_changes``
(schemas/002_views.sql) observed in ``[since, until]``: one section per kind, one
sub-section per model, one line per change (region gains and losses of one model, day and
deployment type folded into one line), each linked to its compare range on GitHub.

The HTML form is one self-contained file: inline CSS, no script, and charts drawn with
matplotlib as SVG embedded as ``data:`` images (changes per day, a quota step chart of the
quotas that changed, regions per model over time). Every piece of document text is
escaped; only ``http(s)`` links are emitted.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from extractor import kinds
from extractor.store.db import Store


def __getattr__(name: str) -> Any:
    if name == "KIND_TITLES":  # from the kind registry, as it is now
        return {k: kinds.title(k) for k in kinds.names()}
    if name == "KIND_ORDER":
        return kinds.names()
    raise AttributeError(name)

MAX_SERIES = 8  # lines per chart

CHANGES_SQL = """
SELECT observed_at, kind, doc, model, version, deployment_type, tier, subscription, region, attribute, change,
       old_value, new_value, qualifier, description, change_id, repo, base, head, link, source_file, seq
FROM fact_changes
WHERE observed_at >= $since AND ($until IS NULL OR observed_at <= $until)
ORDER BY seq, kind, doc, model, version NULLS FIRST, deployment_type NULLS FIRST, tier NULLS FIRST,
         subscription NULLS FIRST, region NULLS FIRST, attribute
"""

MOVES_SQL = """
SELECT observed_at, from_doc, to_doc, facts, link FROM fact_moves
WHERE observed_at >= $since AND ($until IS NULL OR observed_at <= $until)
ORDER BY observed_at, from_doc, to_doc
"""


@dataclass
class Line:
    """One line of the digest: a change (or a folded group of region changes)."""

    observed_at: dt.date
    kind: str
    model: str
    text: str
    doc: str
    link: str | None
    range_label: str
    source_file: str | None
    seq: int


@dataclass
class Digest:
    since: dt.date
    until: dt.date | None
    changes: pd.DataFrame
    lines: list[Line]
    moves: pd.DataFrame | None = None  # facts moved between documents: one row (and line) per move
    stale: list[str] = field(default_factory=list)  # areas last seen before the period's end (coverage)

    def move_lines(self) -> list[tuple[Any, str, str | None]]:
        """``(date, text, link)`` of each move: no events, one line each."""
        if self.moves is None or self.moves.empty:
            return []
        return [(r.observed_at, f"{r.facts} facts moved from {_short_doc(r.from_doc)} to {_short_doc(r.to_doc)}",
                 _none(r.link)) for r in self.moves.itertuples(index=False)]

    @property
    def last(self) -> dt.date | None:
        return None if self.changes.empty else max(self.changes["observed_at"])

    def period(self) -> str:
        end = self.until.isoformat() if self.until else "the latest change"
        return f"{self.since.isoformat()} to {end}"

    def counts(self) -> list[tuple[str, int]]:
        c = self.changes["kind"].value_counts() if not self.changes.empty else pd.Series(dtype=int)
        return [(k, int(c[k])) for k in _kinds(c.index)]

    def ranges(self) -> pd.DataFrame:
        """The compare ranges in the period: date, label, link, number of changes."""
        if self.changes.empty:
            return pd.DataFrame(columns=["observed_at", "range", "link", "changes", "seq"])
        g = self.changes.groupby("change_id", dropna=False).agg(
            observed_at=("observed_at", "first"), base=("base", "first"), head=("head", "first"),
            link=("link", "first"), changes=("kind", "size"), seq=("seq", "first")).reset_index()
        g["range"] = [_range_label(r.base, r.head, r.change_id) for r in g.itertuples()]
        return g.sort_values("seq")[["observed_at", "range", "link", "changes", "seq"]]


def _kinds(present: Iterable[str]) -> list[str]:
    present = list(present)
    order = kinds.names()
    return [k for k in order if k in present] + sorted(k for k in present if k not in order)


def _none(v: Any) -> Any:
    return None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v


def _range_label(base: Any, head: Any, change_id: Any) -> str:
    base, head = _none(base), _none(head)
    return f"{base}...{head}" if base and head else str(change_id)


def _short_doc(doc: str) -> str:
    return re.sub(r"^articles/(ai-services/)?", "", doc)


def _label(r: Any) -> str:
    parts = (_none(getattr(r, k, None)) for k in ("deployment_type", "tier", "subscription"))
    scope = ", ".join(x for x in parts if x)
    version = _none(getattr(r, "version", None))
    text = r.model + (f" {version}" if version else "")
    return text + (f" ({scope})" if scope else "")


def collect(store: Store, since: dt.date, until: dt.date | None = None) -> Digest:
    """The changes of ``[since, until]`` and the digest lines made of them."""
    df = store.df(CHANGES_SQL, {"since": since, "until": until})
    moves = store.df(MOVES_SQL, {"since": since, "until": until})
    lines: list[Line] = []
    if df.empty:
        return Digest(since, until, df, lines, moves)
    region = df["kind"] == "region_availability"
    for r in df[~region].itertuples(index=False):
        lines.append(Line(r.observed_at, r.kind, r.model, r.description, _short_doc(r.doc), _none(r.link),
                          _range_label(r.base, r.head, r.change_id), _none(r.source_file), int(r.seq)))
    reg = df[region]
    if not reg.empty:
        keys = ["seq", "observed_at", "change_id", "model", "version", "deployment_type", "change", "doc"]
        for _, g in reg.groupby(keys, dropna=False, sort=True):
            r = next(g.itertuples(index=False))  # a named tuple: `r.head` is the column, not Series.head
            regions = ", ".join(sorted(g["region"].dropna()))
            verb = "now available in" if r.change == "added" else "no longer listed in"
            n = f" ({len(g)} regions)" if len(g) > 1 else ""
            lines.append(Line(r.observed_at, r.kind, r.model, f"{_label(r)}: {verb} {regions}{n}",
                              _short_doc(r.doc), _none(r.link), _range_label(r.base, r.head, r.change_id),
                              _none(r.source_file), int(r.seq)))
    order = kinds.names()
    lines.sort(key=lambda ln: (order.index(ln.kind) if ln.kind in order else 99, ln.kind, ln.model,
                               ln.seq, ln.text))
    return Digest(since, until, df, lines, moves)


def _grouped(d: Digest) -> list[tuple[str, list[tuple[str, list[Line]]]]]:
    out: list[tuple[str, list[tuple[str, list[Line]]]]] = []
    for kind in _kinds({ln.kind for ln in d.lines}):
        models: dict[str, list[Line]] = {}
        for ln in d.lines:
            if ln.kind == kind:
                models.setdefault(ln.model, []).append(ln)
        out.append((kind, sorted(models.items())))
    return out


# --- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_link(label: str, url: str | None) -> str:
    if url and url.startswith(("https://", "http://")):
        return f"[{md_escape(label)}]({url.replace(')', '%29').replace(' ', '%20')})"
    return md_escape(label)


def render_markdown(d: Digest) -> str:
    out = [f"# Changes from {d.period()}", ""]
    for w in d.stale:  # one quote each, so that renderers keep them apart
        out += [f"> Stale: {md_escape(w)}", ""]
    moves = [f"- {day} · {md_escape(text)} · {_md_link('compare', link)}" for day, text, link in d.move_lines()]
    if d.changes.empty:
        out += [f"No changes observed from {d.period()}.", ""]
        if moves:
            out += ["## Moves between documents", "", *moves, ""]
        return "\n".join(out)
    counts = ", ".join(f"{kinds.title(k).lower()} {n}" for k, n in d.counts())
    ranges = d.ranges()
    out += [f"{len(d.changes)} changes ({counts}) in {len(ranges)} compare ranges, "
            f"last observed {d.last}.", ""]
    for kind, models in _grouped(d):
        out += [f"## {md_escape(kinds.title(kind))}", ""]
        for model, lines in models:
            out += [f"### {md_escape(model)}", ""]
            for ln in lines:
                out.append(f"- {ln.observed_at} · {md_escape(ln.text)} · {md_escape(ln.doc)} · "
                           f"{_md_link(ln.range_label, ln.link)}")
            out.append("")
    if moves:
        out += ["## Moves between documents", "", *moves, ""]
    out += ["## Sources", "", "| observed | compare range | changes |", "|---|---|---|"]
    for r in ranges.itertuples(index=False):
        out.append(f"| {r.observed_at} | {_md_link(r.range, _none(r.link))} | {r.changes} |")
    out.append("")
    return "\n".join(out)


# --- Charts --------------------------------------------------------------------------------


def _svg_data_uri(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(title: str) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "extractor-digest"
    fig, ax = plt.subplots(figsize=(9, 3.8), dpi=100)
    ax.set_title(title, loc="left", fontsize=11)
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _quantity(v: float, _pos: Any = None) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


def _window(ax: Any, d: Digest, end: dt.date) -> None:
    ax.axvspan(pd.Timestamp(d.since), pd.Timestamp(end), color="#f2c14e", alpha=0.15, lw=0, label="digest period")


def chart_changes_per_day(d: Digest) -> str | None:
    """Stacked bars: changes per day and kind in the period."""
    if d.changes.empty:
        return None
    t = d.changes.groupby(["observed_at", "kind"]).size().unstack(fill_value=0)
    t = t[_kinds(t.columns)]
    fig, ax = _figure("Changes per day, by kind")
    bottom = None
    x = [pd.Timestamp(v) for v in t.index]
    for kind in t.columns:
        ax.bar(x, t[kind].to_numpy(), bottom=bottom, label=kind, width=0.8)
        bottom = t[kind].to_numpy() if bottom is None else bottom + t[kind].to_numpy()
    ax.set_ylabel("changes")
    ax.legend(fontsize=8, frameon=False)
    fig.autofmt_xdate()
    return _svg_data_uri(fig)


def _step_points(spans: pd.DataFrame, end: dt.date) -> tuple[list[pd.Timestamp], list[float]]:
    xs: list[pd.Timestamp] = []
    ys: list[float] = []
    spans = spans.sort_values("valid_from")
    for i, s in enumerate(spans.itertuples(index=False)):
        v = float(s.value)
        xs.append(pd.Timestamp(s.valid_from))
        ys.append(v)
        to = _none(s.valid_to)
        nxt = spans.iloc[i + 1]["valid_from"] if i + 1 < len(spans) else None
        if to is None:
            xs.append(pd.Timestamp(max(end, s.valid_from)))
            ys.append(v)
        elif nxt is None or nxt != to:  # a gap: the value was removed
            xs += [pd.Timestamp(to), pd.Timestamp(to)]
            ys += [v, float("nan")]
    return xs, ys


def chart_quota_steps(store: Store, d: Digest, end: dt.date) -> str | None:
    """Step chart of the TPM quotas that changed in the period, over their whole history."""
    q = d.changes[(d.changes["kind"] == "quota") & (d.changes["attribute"] == "tpm")] if not d.changes.empty else None
    if q is None or q.empty:
        return None
    # the series that changed value first (then removals, then additions), most events first
    rank = q.assign(w=q["change"].map({"changed": 100, "removed": 10}).fillna(1))
    keys = (rank.groupby(["model", "deployment_type", "tier", "region", "doc"], dropna=False)["w"].sum()
            .reset_index().sort_values(["w", "model"], ascending=[False, True], kind="stable")
            .head(MAX_SERIES))
    hist = store.df("SELECT * FROM quota_history WHERE attribute = 'tpm' AND valid_from <= $end", {"end": end})
    fig, ax = _figure("Quota steps: TPM of the quotas that changed")
    lo, hi = float("inf"), 0.0
    for k in keys.itertuples(index=False):
        m = (hist["model"] == k.model) & (hist["doc"] == k.doc)
        for col in ("deployment_type", "tier", "region"):
            val = _none(getattr(k, col))
            m &= hist[col].isna() if val is None else hist[col] == val
        spans = hist[m]
        if spans.empty:
            continue
        xs, ys = _step_points(spans, end)
        label = _label(k) + (f" {k.region}" if _none(k.region) else "")
        ax.plot(xs, ys, drawstyle="steps-post", marker="o", markersize=3, label=label)
        lo, hi = min(lo, float(spans["value"].min())), max(hi, float(spans["value"].max()))
    if hi <= 0:
        return None
    positive = hist.loc[hist["value"] > 0, "value"]
    low = max(lo, float(positive.min()) if not positive.empty else 1.0)
    if hi / max(low, 1.0) > 50:  # values over decades: log scale (symlog when a quota is 0)
        if lo > 0:
            ax.set_yscale("log")
        else:
            ax.set_yscale("symlog", linthresh=max(low, 1.0))
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(_quantity))
    ax.set_ylabel("tokens per minute")
    _window(ax, d, end)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    return _svg_data_uri(fig)


REGIONS_SQL = """
WITH h AS (SELECT subject, region, valid_from, valid_to FROM region_availability_history
           WHERE list_contains($models, subject) AND valid_from <= $end),
pts AS (SELECT subject, valid_from AS d FROM h
        UNION SELECT subject, valid_to FROM h WHERE valid_to IS NOT NULL AND valid_to <= $end)
SELECT p.subject, p.d, count(DISTINCT h.region) AS regions
FROM pts p LEFT JOIN h ON h.subject = p.subject AND h.valid_from <= p.d AND (h.valid_to IS NULL OR h.valid_to > p.d)
GROUP BY p.subject, p.d ORDER BY p.subject, p.d
"""


def chart_regions(store: Store, d: Digest, end: dt.date) -> str | None:
    """Regions (any deployment type, any document) where each model whose availability
    changed in the period is listed, over time."""
    r = d.changes[d.changes["kind"] == "region_availability"] if not d.changes.empty else None
    if r is None or r.empty:
        return None
    models = r["model"].value_counts().head(MAX_SERIES).index.tolist()
    pts = store.df(REGIONS_SQL, {"models": sorted(models), "end": end})
    if pts.empty:
        return None
    fig, ax = _figure("Regions per model (models whose regions changed)")
    for model in sorted(models):
        p = pts[pts["subject"] == model]
        if p.empty:
            continue
        xs = [pd.Timestamp(v) for v in p["d"]] + [pd.Timestamp(end)]
        ys = [*p["regions"].astype(float).tolist(), float(p["regions"].iloc[-1])]
        ax.plot(xs, ys, drawstyle="steps-post", marker="o", markersize=3, label=model)
    ax.set_ylabel("regions listed")
    ax.set_ylim(bottom=0)
    _window(ax, d, end)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    return _svg_data_uri(fig)


# --- HTML ----------------------------------------------------------------------------------

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 62rem;
       padding: 0 1rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; } h3 { margin-bottom: .3rem; }
ul { padding-left: 1.2rem; } li { margin: .15rem 0; }
.date, .doc, .meta { color: #666; font-size: .9em; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #666; font-size: .9em; }
table { border-collapse: collapse; } td, th { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: left; }
"""


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _html_link(label: str, url: str | None) -> str:
    if url and url.startswith(("https://", "http://")):
        return f'<a href="{esc(url)}">{esc(label)}</a>'
    return esc(label)


def render_html(store: Store, d: Digest) -> str:
    end = d.until or d.last or d.since
    title = f"Changes from {d.period()}"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<link rel="icon" href="data:,">', f"<title>{esc(title)}</title>", f"<style>{CSS}</style>",
           "</head>", "<body>", f"<h1>{esc(title)}</h1>"]
    out += [f'<p class="stale">Stale: {esc(w)}</p>' for w in d.stale]
    moves = [f'<li><span class="date">{esc(day)}</span> {esc(text)} {_html_link("compare", link)}</li>'
             for day, text, link in d.move_lines()]
    moves_html = ['<section id="moves"><h2>Moves between documents</h2><ul>', *moves, "</ul></section>"] if moves else []
    if d.changes.empty:
        out += [f'<p class="meta">No changes observed from {esc(d.period())}.</p>', *moves_html, "</body>", "</html>"]
        return "\n".join(out) + "\n"
    counts = ", ".join(f"{kinds.title(k).lower()} {n}" for k, n in d.counts())
    ranges = d.ranges()
    out.append(f'<p class="meta">{len(d.changes)} changes ({esc(counts)}) in {len(ranges)} compare ranges, '
               f"last observed {esc(d.last)}.</p>")
    charts = [
        ("changes-per-day", chart_changes_per_day(d), "Changes per day in the period, stacked by kind."),
        ("quota-steps", chart_quota_steps(store, d, end),
         "TPM of each quota that changed in the period, over its known history (shaded: the period)."),
        ("regions-per-model", chart_regions(store, d, end),
         "Number of regions where each model is listed as available (any deployment type), over time."),
    ]
    out.append('<section id="charts"><h2>Charts</h2>')
    for cid, uri, caption in charts:
        if uri is None:
            continue
        out.append(f'<figure id="{cid}"><img src="{uri}" alt="{esc(caption)}">'
                   f"<figcaption>{esc(caption)}</figcaption></figure>")
    out.append("</section>")
    for kind, models in _grouped(d):
        out.append(f'<section class="kind" id="kind-{esc(kind)}"><h2>{esc(kinds.title(kind))}</h2>')
        for model, lines in models:
            out.append(f"<h3>{esc(model)}</h3><ul>")
            for ln in lines:
                out.append(f'<li><span class="date">{esc(ln.observed_at)}</span> {esc(ln.text)} '
                           f'<span class="doc">{esc(ln.doc)}</span> {_html_link(ln.range_label, ln.link)}</li>')
            out.append("</ul>")
        out.append("</section>")
    out += moves_html
    out += ['<section id="sources"><h2>Sources</h2><table>',
            "<tr><th>observed</th><th>compare range</th><th>changes</th></tr>"]
    for r in ranges.itertuples(index=False):
        out.append(f"<tr><td>{esc(r.observed_at)}</td><td>{_html_link(r.range, _none(r.link))}</td>"
                   f"<td>{esc(r.changes)}</td></tr>")
    out += ["</table></section>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def report(store: Store, since: Any, until: Any = None, *, fmt: str = "md") -> str:
    """The digest of ``[since, until]`` (dates, ISO text, ``-7d``) as ``md`` or ``html``."""
    return report_with_warnings(store, since, until, fmt=fmt)[0]


def report_with_warnings(store: Store, since: Any, until: Any = None, *, fmt: str = "md") -> tuple[str, list[str]]:
    """``report``, and the document areas it is stale for (also said in its text)."""
    from extractor.model.coverage import query_warnings
    from extractor.queries import parse_date

    if fmt not in ("md", "markdown", "html"):
        raise ValueError(f"unknown digest format {fmt!r}; md or html")
    start = parse_date(since, "since")
    end = None if until is None else parse_date(until, "until")
    d = collect(store, start, end)
    d.stale = query_warnings(store, {"since": start, "until": end})
    return (render_html(store, d) if fmt == "html" else render_markdown(d)), d.stale
