"""What a digest says, read from the model level (``model_changes``, FACTS.md "The model
level"), never from raw per-document events: the period's changes grouped per service and
subject, a summary of the real changes, the document moves and label renames (each one
collapsed line with a count: they are no changes), and the coverage line."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from extractor.digest.text import (
    as_date,
    attr_is_date,
    change_text,
    is_boolean,
    none,
    slug,
    subject_label,
)

CHANGES_SQL = """
SELECT observed_at, kind, class AS cls, service, model, version, deployment_type, tier, subscription, region,
       CAST(subject AS VARCHAR) AS subject, attribute, change, old, new, qualifier, conflict, stated, docs, link
FROM model_changes
WHERE observed_at >= $since AND ($until IS NULL OR observed_at <= $until) {extra}
ORDER BY observed_at, kind, model NULLS LAST, version NULLS FIRST, deployment_type NULLS FIRST, tier NULLS FIRST,
         subscription NULLS FIRST, region NULLS FIRST, attribute, change
"""

FIRST_SEEN_SQL = """
SELECT model, min(observed_at) AS first FROM model_changes
WHERE model IS NOT NULL AND class = 'model' AND change = 'added' GROUP BY model
"""

MOVES_SQL = """
SELECT observed_at, from_doc, to_doc, facts, link FROM fact_moves
WHERE observed_at >= $since AND ($until IS NULL OR observed_at <= $until)
ORDER BY observed_at, from_doc, to_doc
"""

CLASS_ORDER = {"model": 0, "service": 1, "feature": 2, "offer": 3}
# keys whose value may be renamed with nothing else changing (a label, not a place)
RENAMEABLE = ("model", "version", "deployment_type", "tier", "subscription", "attribute")
KEYS = ("kind", "model", "version", "deployment_type", "tier", "subscription", "region", "attribute")


@dataclass
class Line:
    """One line of a subject's section: a change, or availability changes folded into one."""

    observed_at: dt.date
    text: str
    docs: list[str]
    link: str | None
    kind: str


@dataclass
class Subject:
    name: str
    cls: str
    anchor: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class Service:
    name: str
    anchor: str
    subjects: list[Subject] = field(default_factory=list)


@dataclass
class SummaryRow:
    what: str  # value changed, date moved, new model, regions, conflict
    subject: str
    detail: str
    date: dt.date
    links: list[str]


@dataclass
class Digest:
    since: dt.date
    until: dt.date | None
    end: dt.date | None  # the last date the period covers (until, else the latest source)
    rows: list[Any]  # model_changes rows (renames taken out)
    summary: list[SummaryRow]
    services: list[Service]
    moves: list[tuple[dt.date, str, str, int, str | None]]
    renames: list[tuple[dt.date, str, str, str, int, str | None]]  # date, field, from, to, facts, link
    coverage: list[tuple[str, str, dt.date]]  # areas whose last source is before the period's end
    on: dt.date | None = None  # the date the digest speaks for (coverage is about it)

    def period(self) -> str:
        end = self.until.isoformat() if self.until else "the latest change"
        return f"{self.since.isoformat()} to {end}"

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for r in self.rows:
            out[r.kind] += 1
        return dict(out)

    def coverage_line(self) -> str | None:
        """One line naming each area whose last source is before the period's end (FACTS.md, coverage)."""
        if not self.coverage:
            return None
        parts = [f"{area} documents last seen in a source of {last}"
                 for area, _service, last in sorted(self.coverage, key=lambda c: (c[2], c[0]))]
        return "Coverage: " + "; ".join(parts) + f" (the period runs to {self.end}: later changes there are not known)."


def collect(store: Any, since: dt.date, until: dt.date | None = None, *, model: str | None = None) -> Digest:
    """The digest of ``[since, until]`` (``model``: only that model's changes)."""
    params = {"since": since, "until": until}
    extra = ""
    if model is not None:
        extra, params["model"] = "AND model = $model", model
    rows = list(store.read(CHANGES_SQL.format(extra=extra), params).frame().itertuples(index=False))
    rows, renames = split_renames(rows)
    first_seen = {m: d for m, d in store.read(FIRST_SEEN_SQL).rows()}
    moves = [] if model is not None else [
        (d, a, b, int(n), none(link)) for d, a, b, n, link in store.read(MOVES_SQL, {"since": since, "until": until}).rows()]
    from extractor.model.coverage import answer_date, latest_source, stale_areas

    end = until or latest_source(store)
    on = answer_date(store, {"since": since, "until": until})  # the date the digest speaks for (FACTS.md, coverage)
    coverage = [(a.area, a.service, a.last_source) for a in stale_areas(store, on)] if on is not None else []
    summary = summarise(rows, first_seen, since, end)
    return Digest(since, until, end, rows, summary, sections(rows), moves, renames, coverage, on)


def _key(r: Any, skip: str) -> tuple[Any, ...]:
    return (r.observed_at, none(r.link), *(none(getattr(r, k)) for k in KEYS if k != skip))


def split_renames(rows: list[Any]) -> tuple[list[Any], list[tuple[Any, ...]]]:
    """Take out the pairs that are a label renamed within one change: a value no longer stated
    under one label and the same value stated under another (model name, version, deployment
    type, tier, subscription or attribute; never a region) on the same day, in the same
    compare range, everything else equal. Returns the rows left and the renames, one per
    (date, field, from, to) with how many facts it carried."""
    taken: set[int] = set()
    found: dict[tuple[Any, ...], list[Any]] = {}
    for name in RENAMEABLE:
        added: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            if r.change == "added" and i not in taken and not bool(none(r.conflict)):
                added[(*_key(r, name), none(r.new))].append(i)
        for i, r in enumerate(rows):
            if r.change != "removed" or i in taken or bool(none(r.conflict)):
                continue
            for j in added.get((*_key(r, name), none(r.old)), []):
                if j in taken or none(getattr(rows[j], name)) == none(getattr(r, name)):
                    continue
                taken |= {i, j}
                k = (r.observed_at, name, none(getattr(r, name)), none(getattr(rows[j], name)))
                found.setdefault(k, [0, none(r.link)])[0] += 1
                break
    renames = [(d, f, "(none)" if a is None else str(a), "(none)" if b is None else str(b), n, link)
               for (d, f, a, b), (n, link) in sorted(found.items(), key=lambda x: str(x[0]))]
    return [r for i, r in enumerate(rows) if i not in taken], renames


def _name(r: Any) -> str:
    m = none(r.model)
    return m if m is not None else subject_label(r)


def sections(rows: list[Any]) -> list[Service]:
    """Per service, per subject, the lines of its changes in time order; the availability
    changes of one day, range, subject, version and deployment type folded into one line."""
    by: dict[str, dict[tuple[str, str], list[Line]]] = defaultdict(lambda: defaultdict(list))
    folded: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for r in rows:
        service = none(r.service) or "other"
        cls = _cls(r)
        name = _name(r) if none(r.model) is not None else _kind_heading(r.kind)
        if is_boolean(r.kind) and not bool(none(r.conflict)):
            folded[(service, name, cls, r.observed_at, none(r.link), r.kind, none(r.version),
                    none(r.deployment_type), r.change)].append(r)
            continue
        by[service][(name, cls)].append(Line(r.observed_at, f"{subject_label(r)} {change_text(r)}", list(none(r.docs) or []),
                                             none(r.link), r.kind))
    for (service, name, cls, day, link, kind, version, dtype, change), group in folded.items():
        regions = sorted({none(g.region) or "(no region)" for g in group})
        scope = f" ({dtype})" if dtype else ""
        verb = {"added": "gained", "removed": "lost"}.get(change, change)
        what = f"{name}{' ' + version if version else ''}{scope}: {verb} {', '.join(regions)}"
        what += f" ({len(regions)} regions)" if len(regions) > 1 else ""
        docs = sorted({d for g in group for d in (none(g.docs) or [])})
        by[service][(name, cls)].append(Line(day, what, docs, link, kind))
    out = []
    for service in sorted(by):
        svc = Service(service, "service-" + slug(service))
        for (name, cls) in sorted(by[service], key=lambda k: (CLASS_ORDER.get(k[1], 9), k[0].lower())):
            lines = sorted(by[service][(name, cls)], key=lambda ln: (ln.observed_at, ln.kind, ln.text))
            svc.subjects.append(Subject(name, cls, f"{slug(service)}--{slug(name)}", lines))
        out.append(svc)
    return out


def _kind_heading(kind: str) -> str:
    from extractor import kinds

    try:
        return kinds.title(kind)
    except KeyError:
        return kind


def summarise(rows: list[Any], first_seen: dict[str, dt.date], since: dt.date, end: dt.date | None) -> list[SummaryRow]:
    """The period's real changes, most telling first: new models, values changed (from → to),
    dates moved (by how many days), regions gained and lost per model (as a whole, not per
    version), conflicts."""
    out: list[SummaryRow] = []
    cls = [_cls(r) for r in rows]
    firsts: dict[str, Any] = {}
    for r, c in zip(rows, cls, strict=True):
        m = none(r.model)
        if c == "model" and m is not None and m in first_seen and first_seen[m] == r.observed_at and m not in firsts:
            firsts[m] = r
    for m, r in sorted(firsts.items()):
        kinds_first = sorted({x.kind for x in rows if none(x.model) == m and x.observed_at == r.observed_at})
        out.append(SummaryRow("new model", m, "first stated: " + ", ".join(k.replace("_", " ") for k in kinds_first),
                              r.observed_at, [none(r.link)] if none(r.link) else []))
    for r in rows:
        if r.change != "changed" or bool(none(r.conflict)) or is_boolean(r.kind):
            continue
        what = "date moved" if attr_is_date(r.kind, r.attribute) and as_date(r.old) and as_date(r.new) else "value changed"
        out.append(SummaryRow(what, subject_label(r), change_text(r), r.observed_at, [none(r.link)] if none(r.link) else []))
    regions: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r, c in zip(rows, cls, strict=True):
        if not is_boolean(r.kind) or c != "model" or none(r.version) is not None or bool(none(r.conflict)):
            continue
        g = regions.setdefault((none(r.model) or "", none(r.deployment_type)),
                               {"gained": [], "lost": [], "date": r.observed_at, "links": []})
        g["gained" if r.change == "added" else "lost"].append(none(r.region) or "(no region)")
        g["date"] = max(g["date"], r.observed_at)
        if none(r.link) and none(r.link) not in g["links"]:
            g["links"].append(none(r.link))
    for (m, dtype), g in sorted(regions.items(), key=lambda x: (x[0][0], x[0][1] or "")):
        if m in firsts:
            continue  # a new model's regions are its first statement, said above
        parts = []
        if g["gained"]:
            parts.append(f"gained {len(g['gained'])}: {', '.join(sorted(set(g['gained'])))}")
        if g["lost"]:
            parts.append(f"lost {len(g['lost'])}: {', '.join(sorted(set(g['lost'])))}")
        out.append(SummaryRow("regions", m + (f" ({dtype})" if dtype else ""), "; ".join(parts), g["date"], g["links"]))
    for r in rows:
        if bool(none(r.conflict)):
            out.append(SummaryRow("conflict", subject_label(r), change_text(r), r.observed_at,
                                  [none(r.link)] if none(r.link) else []))
    return out


def _cls(r: Any) -> str:
    return none(r.cls) or ("model" if none(r.model) else "service")
