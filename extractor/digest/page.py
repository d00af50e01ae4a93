"""A page per model (``extract report --model NAME``), from the model level: quota steps per
deployment type and tier, the regions gained and lost over time (a region × date grid),
retirement and default-version dates with every move, and every other fact stated now
(specs, PTU, ... where the documents give them). Markdown, HTML (with charts) or JSON."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from extractor.digest.charts import Palette, steps
from extractor.digest.html import esc, figure, head, html_link
from extractor.digest.text import (
    PAGE_CLASSES,
    attr_is_date,
    attribute_title,
    change_text,
    is_boolean,
    md_escape,
    md_link,
    none,
    range_label,
    value_text,
)

NONE_STATED = "None stated."
MAX_DATES = 16  # columns of the region grid: the latest dates on which a region came or went

VALUES_SQL = """
SELECT kind, attribute, deployment_type, tier, subscription, region, version, t, vals, link
FROM model_states WHERE family = 'value' AND model = $model
ORDER BY kind, attribute, deployment_type NULLS FIRST, tier NULLS FIRST, subscription NULLS FIRST, region NULLS FIRST,
         version NULLS FIRST, t
"""

AVAIL_SQL = """
SELECT region, deployment_type, t, available, prev_available, link FROM model_states
WHERE family = 'availability' AND model = $model ORDER BY region, deployment_type NULLS FIRST, t
"""

CHANGES_SQL = """
SELECT observed_at, kind, model, version, deployment_type, tier, subscription, region, CAST(subject AS VARCHAR) AS subject,
       attribute, change, old, new, qualifier, conflict, stated, docs, link
FROM model_changes WHERE model = $model ORDER BY observed_at, kind, attribute, version NULLS FIRST
"""

NOW_SQL = """
SELECT kind, attribute, version, deployment_type, tier, subscription, region, value, since, docs
FROM model_facts_as_of(NULL) WHERE model = $model ORDER BY ALL
"""


def resolve(store: Any, name: str) -> tuple[str, str]:
    """The canonical model or feature ``name`` names (itself, an alias of it, or it but for
    case) and its class; ``QueryError`` with a did-you-mean when none."""
    from extractor.queries import match_model

    classes = {m: c for m, c in store.read("SELECT model, class FROM model_subjects").rows() if c in PAGE_CLASSES}
    aliases = dict(store.read("SELECT lower(alias), model FROM model_aliases").rows())
    model = aliases[name.lower()] if name.lower() in aliases else match_model(name, classes)
    return model, classes.get(model, "model")


def collect(store: Any, name: str) -> dict[str, Any]:
    model, cls = resolve(store, name)
    p = {"model": model}
    values: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for kind, attr, dtype, tier, sub, region, version, t, vals, link in store.read(VALUES_SQL, p).rows():
        key = (kind, attr, dtype, tier, sub, region, version)
        val = (vals[0] if len(vals) == 1 else " | ".join(vals) + " (documents disagree)") if vals else None
        values[key].append({"date": t, "value": val, "link": none(link)})
    quotas, dates = [], []
    for (kind, attr, dtype, tier, sub, region, version), pts in values.items():
        scope = ", ".join(x for x in (version, dtype, tier, sub, region) if x)
        row = {"kind": kind, "attribute": attr, "label": attribute_title(kind, attr), "scope": scope, "steps": pts}
        (dates if attr_is_date(kind, attr) else quotas).append(row)
    avail = store.read(AVAIL_SQL, p).rows()
    grid, moves = region_grid(avail)
    changes = list(store.read(CHANGES_SQL, p).frame().itertuples(index=False))
    date_moves = [{"date": r.observed_at, "text": change_text(r), "link": none(r.link), "kind": r.kind}
                  for r in changes if attr_is_date(r.kind, r.attribute)]
    now = [dict(zip(("kind", "attribute", "version", "deployment_type", "tier", "subscription", "region", "value",
                     "since", "docs"), r, strict=True)) for r in store.read(NOW_SQL, p).rows()]
    other = [r for r in now if not is_boolean(r["kind"]) and r["kind"] not in {q["kind"] for q in quotas + dates}]
    return {"model": model, "subject_class": cls, "quotas": quotas, "dates": dates, "date_changes": date_moves, "regions": grid,
            "region_changes": moves, "other_facts": other,
            "regions_now": sorted({r["region"] for r in now if is_boolean(r["kind"]) and r["region"]})}


def region_grid(avail: list[tuple[Any, ...]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Regions × the dates on which any came or went (the latest ``MAX_DATES``): available
    (any deployment type) or not on each; and the gains and losses themselves."""
    state: dict[str, dict[str | None, list[tuple[dt.date, bool]]]] = defaultdict(lambda: defaultdict(list))
    events = []
    for region, dtype, t, available, prev, link in avail:
        state[region][dtype].append((t, bool(available)))
        if bool(available) != bool(prev):
            events.append({"date": t, "region": region, "deployment_type": dtype,
                           "change": "gained" if available else "lost", "link": none(link)})
    days = sorted({e["date"] for e in events})[-MAX_DATES:]

    def held(region: str, day: dt.date) -> bool:
        for pts in state[region].values():
            last = [a for t, a in pts if t <= day]
            if last and last[-1]:
                return True
        return False

    rows = {region: [held(region, day) for day in days] for region in sorted(state)}
    return {"dates": days, "rows": rows}, events


def render(store: Any, name: str, *, fmt: str = "html") -> str:
    data = collect(store, name)
    if fmt == "json":
        from extractor.contract import ModelPageJSON
        from extractor.digest.html import dumps
        from extractor.render import plain

        out = plain(data)
        ModelPageJSON.model_validate(out)  # the contract (schemas/model_page.schema.json) holds, or this is a bug
        return dumps(out)
    if fmt in ("md", "markdown"):
        return markdown(data)
    if fmt == "html":
        return html(store, data)
    raise ValueError(f"unknown model page format {fmt!r}; one of md, html, json")


def _steps_text(pts: list[dict[str, Any]]) -> str:
    return " → ".join(f"{p['date']}: {value_text(p['value']) if p['value'] is not None else 'not stated'}" for p in pts)


def markdown(data: dict[str, Any]) -> str:
    m = data["model"]
    title = md_escape(m) + (f" ({data['subject_class']})" if data["subject_class"] != "model" else "")
    out = [f"# {title}", "", f"Regions where it is available now: {len(data['regions_now'])}.", ""]
    out += ["## Quotas, specs and PTU", ""]
    out += [f"- {md_escape(q['label'])} ({md_escape(q['scope'] or 'any')}): {md_escape(_steps_text(q['steps']))}"
            for q in data["quotas"]] or [f"_{NONE_STATED}_"]
    out += ["", "## Retirement and default-version dates", ""]
    out += [f"- {md_escape(q['label'])} ({md_escape(q['scope'] or 'any')}): {md_escape(_steps_text(q['steps']))}"
            for q in data["dates"]] or [f"_{NONE_STATED}_"]
    out += [f"- {c['date']} · {md_escape(c['text'])} · {md_link(range_label(c['link']), c['link'])}"
            for c in data["date_changes"]]
    out += ["", "## Regions over time", ""]
    g = data["regions"]
    if g["dates"]:
        out += ["| region | " + " | ".join(str(d) for d in g["dates"]) + " |", "|---" * (len(g["dates"]) + 1) + "|"]
        out += [f"| {md_escape(r)} | " + " | ".join("✓" if x else "–" for x in cells) + " |" for r, cells in g["rows"].items()]
    else:
        out.append("_No region came or went._")
    out += ["", "## Other facts stated now", ""]
    out += [f"- {md_escape(attribute_title(f['kind'], f['attribute']))}: {md_escape(value_text(f['value']))}"
            for f in data["other_facts"]] or [f"_{NONE_STATED}_"]
    return "\n".join(out) + "\n"


def html(store: Any, data: dict[str, Any]) -> str:
    m = data["model"]
    out = head(f"{data['subject_class'].capitalize()} {m}")
    out.append(f'<p class="meta">Regions where it is available now: {len(data["regions_now"])}.</p>'
               '<nav class="toc"><a href="#quotas">Quotas, specs and PTU</a> · <a href="#dates">Dates</a> · '
               '<a href="#regions">Regions</a> · <a href="#other">Other facts</a></nav>')
    palette = Palette()
    out.append('<section id="quotas"><h2>Quotas, specs and PTU</h2>')
    integer = [q for q in data["quotas"] if all(p["value"] is None or str(p["value"]).isdigit() for p in q["steps"])]
    by_attr: dict[str, dict[str, list[tuple[dt.date, float | None]]]] = defaultdict(dict)
    for q in integer:
        by_attr[q["label"]][q["scope"] or "any"] = [(p["date"], float(p["value"]) if p["value"] is not None else None)
                                                   for p in q["steps"]]
    # lines run to the newest source in the store: a value stated once, on the last day of
    # its steps, is drawn as a line held to then, not as a lone dot
    newest = store.read("SELECT max(observed_at) FROM sources").rows()[0][0]
    end = max([p["date"] for q in data["quotas"] for p in q["steps"]] + ([newest] if newest else []), default=dt.date.today())
    for label, series in by_attr.items():
        if len({v for pts in series.values() for _, v in pts if v is not None}) < 2:
            continue  # one value throughout: the table below says it; a flat line would say nothing more
        chart = steps(series, end, f"{m}: {label}", label, palette, {}, f"{label} of {m} per deployment type and tier "
                      f"({len(series)} series, every one drawn).", "quota-" + label.lower().replace(" ", "-"))
        if chart:
            out += figure(chart)
    if data["quotas"]:
        out.append("<table><tr><th>quota</th><th>scope</th><th>steps</th></tr>")
        out += [f"<tr><td>{esc(q['label'])}</td><td>{esc(q['scope'] or 'any')}</td><td>{esc(_steps_text(q['steps']))}</td></tr>"
                for q in data["quotas"]]
        out.append("</table>")
    else:
        out.append(f"<p>{NONE_STATED}</p>")
    out.append("</section>")
    out.append('<section id="dates"><h2>Retirement and default-version dates</h2>')
    items = [f"<li>{esc(q['label'])} ({esc(q['scope'] or 'any')}): {esc(_steps_text(q['steps']))}</li>" for q in data["dates"]]
    items += [f'<li><span class="date">{esc(c["date"])}</span> {esc(c["text"])} '
              f'{html_link(range_label(c["link"]), c["link"])}</li>' for c in data["date_changes"]]
    out.append(f"<ul>{''.join(items)}</ul></section>" if items else f"<p>{NONE_STATED}</p></section>")
    g = data["regions"]
    out.append('<section id="regions"><h2>Regions over time</h2>')
    if g["dates"]:
        out.append("<table><tr><th>region</th>" + "".join(f"<th>{esc(d)}</th>" for d in g["dates"]) + "</tr>")
        out += ["<tr><td>" + esc(r) + "</td>" + "".join('<td class="yes">✓</td>' if x else '<td class="no">–</td>' for x in cells)
                + "</tr>" for r, cells in g["rows"].items()]
        out.append("</table>")
    out.append("<ul>" + "".join(f'<li><span class="date">{esc(e["date"])}</span> {esc(e["change"])} {esc(e["region"])}'
                                f'{" (" + esc(e["deployment_type"]) + ")" if e["deployment_type"] else ""} '
                                f'{html_link(range_label(e["link"]), e["link"])}</li>' for e in data["region_changes"]) + "</ul>")
    out.append("</section>")
    out.append('<section id="other"><h2>Other facts stated now</h2>')
    items = [f"<li>{esc(attribute_title(f['kind'], f['attribute']))}: {esc(value_text(f['value']))}</li>"
             for f in data["other_facts"]]
    out += [f"<ul>{''.join(items)}</ul>" if items else f"<p>{NONE_STATED}</p>", "</section>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
