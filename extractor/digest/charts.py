"""Charts of the digest and the model pages, drawn with matplotlib as SVG ``data:`` images.

They are meant to tell the truth: bars bucketed by day, week or month to fit the period,
with whole-number ticks and date ticks without hours; a linear axis unless the values span
more than two decades; every series the caption names (the caption says which when there
are more than a chart shows); one colour per thing across a page (``Palette``); and a text
alternative for each chart (``Chart.table``: the data drawn, as rows)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

MAX_SERIES = 8
# matplotlib's tab10 without its grey: distinct on screen and in print
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#b5651d", "#e377c2", "#bcbd22", "#17becf")
STYLES = ("-", "--", ":", "-.")


class Palette:
    """One colour per thing (a kind, a model) for the whole page, given in the order asked."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.seen:
            self.seen[name] = COLOURS[len(self.seen) % len(COLOURS)]
        return self.seen[name]


@dataclass
class Chart:
    id: str
    uri: str
    caption: str
    alt: str
    columns: list[str]
    table: list[tuple[Any, ...]] = field(default_factory=list)


def _figure(title: str) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "extractor-digest"
    fig, ax = plt.subplots(figsize=(9, 3.2), dpi=100)
    ax.set_title(title, loc="left", fontsize=11)
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _uri(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def bucket_of(since: dt.date, end: dt.date) -> str:
    """``day`` for a period up to 31 days, ``week`` up to 182, else ``month``."""
    days = (end - since).days + 1
    return "day" if days <= 31 else "week" if days <= 182 else "month"


def bucket_start(d: dt.date, bucket: str) -> dt.date:
    if bucket == "week":
        return d - dt.timedelta(days=d.weekday())
    if bucket == "month":
        return d.replace(day=1)
    return d


def _buckets(since: dt.date, end: dt.date, bucket: str) -> list[dt.date]:
    out, d = [], bucket_start(since, bucket)
    while d <= end:
        out.append(d)
        if bucket == "day":
            d += dt.timedelta(days=1)
        elif bucket == "week":
            d += dt.timedelta(days=7)
        else:
            d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _bucket_label(d: dt.date, bucket: str) -> str:
    return d.strftime("%b %Y") if bucket == "month" else d.isoformat()[5:] if bucket == "day" else "wk " + d.isoformat()[5:]


def changes_per_period(counts: dict[tuple[dt.date, str], int], since: dt.date, end: dt.date, palette: Palette,
                       order: list[str]) -> Chart | None:
    """Stacked bars of changes per bucket (day, week or month, to fit the period) and kind."""
    if not counts:
        return None
    bucket = bucket_of(since, end)
    xs = _buckets(since, end, bucket)
    per: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for (day, kind), n in counts.items():
        per[kind][bucket_start(day, bucket)] += n
    fig, ax = _figure(f"Changes per {bucket}, by kind")
    bottom = [0] * len(xs)
    for kind in [k for k in order if k in per]:
        ys = [per[kind].get(x, 0) for x in xs]
        ax.bar(range(len(xs)), ys, bottom=bottom, label=kind.replace("_", " "), color=palette(kind), width=0.8)
        bottom = [a + b for a, b in zip(bottom, ys, strict=True)]
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = max(1, len(xs) // 12)
    ax.set_xticks(range(0, len(xs), step), [_bucket_label(x, bucket) for x in xs[::step]], rotation=30, ha="right")
    ax.set_xlim(-0.6, len(xs) - 0.4)
    ax.set_ylabel("changes")
    ax.legend(fontsize=8, frameon=False)
    rows = [(x.isoformat(), k, per[k][x]) for x in xs for k in order if per.get(k, {}).get(x)]
    total = sum(counts.values())
    return Chart("changes-per-period", _uri(fig), f"Model-level changes per {bucket} in the period, stacked by kind "
                 f"({total} in all).", f"Bar chart: {total} changes per {bucket} by kind; the table below lists them.",
                 [bucket, "kind", "changes"], rows)


def steps(series: dict[str, list[tuple[dt.date, float | None]]], end: dt.date, title: str, ylabel: str,
          palette: Palette, colour_of: dict[str, str], caption: str, cid: str,
          window: tuple[dt.date, dt.date] | None = None) -> Chart | None:
    """Step lines, one per series (``[(date, value or None for not stated), ...]``), drawn to
    ``end``; ``colour_of`` maps a series to the thing whose colour it takes (its model), and
    series of one thing differ by line style."""
    if not any(v is not None for pts in series.values() for _, v in pts):
        return None
    import matplotlib.dates as mdates

    fig, ax = _figure(title)
    styles: dict[str, int] = defaultdict(int)
    values = [v for pts in series.values() for _, v in pts if v is not None]
    for name, pts in series.items():
        thing = colour_of.get(name, name)
        xs = [p[0] for p in pts] + [end]
        ys = [p[1] if p[1] is not None else float("nan") for p in pts] + [pts[-1][1] if pts[-1][1] is not None else float("nan")]
        style = STYLES[styles[thing] % len(STYLES)]
        styles[thing] += 1
        ax.plot(xs, ys, drawstyle="steps-post", marker="o", markersize=3, linewidth=1.6, alpha=0.9,
                linestyle=style, color=palette(thing), label=name)
    lo, hi = min(values), max(values)
    if lo > 0 and hi / lo > 100:  # values over more than two decades
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0, top=hi * 1.1 if hi > 0 else 1)
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if ax.get_yscale() == "linear":
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(quantity))
    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if window:
        ax.axvspan(window[0], window[1], color="#f2c14e", alpha=0.15, lw=0, label="digest period")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    rows = [(name, d.isoformat(), v) for name, pts in series.items() for d, v in pts]
    return Chart(cid, _uri(fig), caption, f"Step chart: {ylabel} of {len(series)} series over time; the table below "
                 "lists every step.", ["series", "from", ylabel], rows)


def quantity(v: float, _pos: Any = None) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"
