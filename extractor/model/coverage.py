"""Coverage of the document areas: per area (the folder under ``articles/``), the first and last
source that showed any of its documents and the gaps between (the ``area_coverage`` view),
and the warnings an answer about a date past an area's last source carries ("ai-services/openai
documents last seen in a source of 2025-06-21").

A current value is only as current as the last source that could have changed it: every
command answering "as of" or "since" a date (the named queries, the digest, the API) asks
``stale_warnings`` for the date its answer speaks for (``answer_date``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.store import Store

# The query parameters that say which date an answer speaks for.
DATE_PARAMS = ("as_of", "until", "since")


@dataclass(frozen=True)
class AreaCoverage:
    area: str
    service: str
    first_source: dt.date
    last_source: dt.date
    source_dates: int
    gaps: tuple[str, ...]
    events: int


def coverage(store: Store) -> list[AreaCoverage]:
    """Every document area the store has sources for, most events first."""
    rows = store.con.execute(
        "SELECT area, service, first_source, last_source, source_dates, coalesce(gaps, []), events "
        "FROM area_coverage ORDER BY events DESC, area").fetchall()
    return [AreaCoverage(r[0], r[1], r[2], r[3], int(r[4]), tuple(r[5]), int(r[6])) for r in rows]


def latest_source(store: Store) -> dt.date | None:
    """The observed date of the newest source in the store."""
    row = store.con.execute("SELECT max(observed_at) FROM changes").fetchone()
    return row[0] if row else None


def answer_date(store: Store, params: Mapping[str, Any]) -> dt.date | None:
    """The date an answer with these parameters speaks for: ``as_of`` or ``until`` when given;
    else, for an answer reaching to the latest state (``as_of`` null, or ``since`` without
    ``until``), the later of ``since`` and the store's newest source; None for an answer about
    no date (a query with none of these parameters)."""
    present = [p for p in DATE_PARAMS if p in params]
    if not present:
        return None
    for p in ("as_of", "until"):
        if params.get(p) is not None:
            return _date(params[p])
    latest = latest_source(store)
    since = params.get("since")
    if since is not None:
        since = _date(since)
        return since if latest is None or since > latest else latest
    return latest


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    from extractor.queries import parse_date

    return parse_date(value)


def stale_areas(store: Store, on: dt.date, model: str | None = None,
                kinds: Sequence[str] = ()) -> list[AreaCoverage]:
    """The areas holding facts (of ``model``, a name or glob, aliases included, when given;
    of ``kinds`` when given) whose last source is before ``on``."""
    areas = {a.area: a for a in coverage(store) if a.events and a.last_source < on}
    if not areas or (model is None and not kinds):
        return list(areas.values())
    rows = store.con.execute(
        "SELECT DISTINCT model_doc_area(doc) FROM events WHERE ($m IS NULL OR model GLOB $m "
        "OR model IN (SELECT alias FROM model_aliases WHERE model GLOB $m)) AND (len($k) = 0 OR list_contains($k, kind))",
        {"m": model, "k": list(kinds)}).fetchall()
    stating = {r[0] for r in rows}
    return [a for name, a in areas.items() if name in stating]


def stale_warnings(store: Store, on: dt.date | None, model: str | None = None,
                   kinds: Sequence[str] = ()) -> list[str]:
    """One line per area whose documents were last seen before ``on`` (None: no warning)."""
    if on is None:
        return []
    return [warning_line(a.area, a.last_source, on) for a in stale_areas(store, on, model, kinds)]


def warning_line(area: str, last_source: dt.date, on: dt.date) -> str:
    """The warning that an answer for ``on`` does not know of ``area``'s changes after its last source."""
    return (f"{area} documents last seen in a source of {last_source.isoformat()}: "
            f"the answer for {on.isoformat()} does not know of later changes to them")


def query_warnings(store: Store, params: Mapping[str, Any], kinds: Sequence[str] = ()) -> list[str]:
    """The staleness warnings of an answer, from its bound parameters (``model`` narrows the
    areas to those stating it) and the kinds it is about (all when empty)."""
    model = params.get("model")
    return stale_warnings(store, answer_date(store, params), model if isinstance(model, str) else None, kinds)
