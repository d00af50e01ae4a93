"""Outputs people read, built on the model level (``model_changes`` and the model-level views,
FACTS.md "The model level"), never on raw per-document events:

* ``report(store, since, until, fmt=md|html|json|atom)``: the digest of a period, opening with
  a summary of the real changes, then a section per service and subject, listed in a table
  of contents (``collect``, ``markdown``, ``html``); the Atom feed of its changes (``feed``);
* ``model_page(store, name, fmt=md|html|json)``: one model's whole story (``page``).
"""

from __future__ import annotations

from typing import Any

FORMATS = ("md", "html", "json", "atom")


def __getattr__(name: str) -> Any:
    if name == "KIND_TITLES":  # the digest's headings of each kind, from the kind registry as it is now
        from extractor import kinds

        return {k: kinds.title(k) for k in kinds.names()}
    if name == "KIND_ORDER":
        from extractor import kinds

        return kinds.names()
    raise AttributeError(name)


def _dates(since: Any, until: Any) -> tuple[Any, Any]:
    from extractor.queries import parse_date

    return parse_date(since, "since"), None if until is None else parse_date(until, "until")


def report(store: Any, since: Any, until: Any = None, *, fmt: str = "md", limit: int | None = None) -> str:
    """The digest of ``[since, until]`` (dates, ISO text, ``-7d``) as ``md``, ``html``, ``json`` or
    ``atom`` (``limit``: the feed's newest entries only)."""
    return report_with_warnings(store, since, until, fmt=fmt, limit=limit)[0]


def report_with_warnings(store: Any, since: Any, until: Any = None, *, fmt: str = "md",
                         limit: int | None = None) -> tuple[str, list[str]]:
    """``report``, and the staleness warnings of its period (extractor.model.coverage; its text
    says the same in its coverage line)."""
    from extractor.digest.collect import collect
    from extractor.model.coverage import warning_line

    if fmt == "markdown":
        fmt = "md"
    if fmt not in FORMATS:
        raise ValueError(f"unknown digest format {fmt!r}; one of {', '.join(FORMATS)}")
    d = collect(store, *_dates(since, until))
    warnings = [warning_line(area, last, d.on) for area, _, last in d.coverage] if d.on is not None else []
    return _render(store, d, fmt, limit), warnings


def _render(store: Any, d: Any, fmt: str, limit: int | None) -> str:
    if fmt == "md":
        from extractor.digest.markdown import render_markdown

        return render_markdown(d)
    if fmt == "html":
        from extractor.digest.html import render_html

        return render_html(store, d)
    if fmt == "json":
        from extractor.contract import DigestJSON
        from extractor.digest.html import dumps

        data = as_json(d)
        DigestJSON.model_validate(data)  # the contract (schemas/digest.schema.json) holds, or this is a bug
        return dumps(data)
    from extractor.digest.feed import atom

    return atom(d, limit=limit)


def as_json(d: Any) -> dict[str, Any]:
    """The digest as JSON-ready data (``extractor.contract.DigestJSON``)."""
    from extractor.render import plain

    return plain({
        "period": {"since": d.since, "until": d.until, "end": d.end},
        "counts": d.counts(),
        "summary": [{"change": r.what, "subject": r.subject, "detail": r.detail, "date": r.date, "links": r.links}
                    for r in d.summary],
        "services": [{"name": s.name, "anchor": s.anchor, "subjects": [
            {"name": x.name, "class": x.cls, "anchor": x.anchor,
             "changes": [{"date": ln.observed_at, "kind": ln.kind, "text": ln.text, "docs": ln.docs, "link": ln.link}
                         for ln in x.lines]} for x in s.subjects]} for s in d.services],
        "moves": [{"date": a, "from_doc": b, "to_doc": c, "facts": n, "link": link} for a, b, c, n, link in d.moves],
        "renames": [{"date": a, "field": f, "from": b, "to": c, "facts": n, "link": link} for a, f, b, c, n, link in d.renames],
        "coverage": [{"area": a, "service": s, "last_source": last} for a, s, last in d.coverage],
    })


def model_page(store: Any, name: str, *, fmt: str = "html") -> str:
    """The page of the model ``name`` (matched without regard to case) as ``md``, ``html`` or ``json``."""
    from extractor.digest.page import render

    return render(store, name, fmt=fmt)
