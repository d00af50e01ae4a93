"""The queries of ``extract stats``, one table each, and their rows as plain Python values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.store.db import Store

STATS: dict[str, str] = {
    "sources": "SELECT kind, count(*) AS sources, count(DISTINCT change_id) AS changes, "
               "min(observed_at) AS first, max(observed_at) AS last FROM sources GROUP BY kind ORDER BY kind",
    "events": "SELECT kind, count(*) FILTER (WHERE change NOT IN ('unchanged', 'moved')) AS changes, "
              "count(*) FILTER (WHERE change = 'unchanged') AS observations, "
              "count(*) FILTER (WHERE change = 'added') AS added, "
              "count(*) FILTER (WHERE change = 'removed') AS removed, "
              "count(*) FILTER (WHERE change = 'changed') AS changed "
              "FROM events GROUP BY kind ORDER BY kind",
    "moves": "SELECT CAST(observed_at AS VARCHAR) AS observed_at, from_doc, to_doc, facts "
             "FROM fact_moves ORDER BY observed_at, from_doc, to_doc",
    "coverage": "SELECT area, service, CAST(first_source AS VARCHAR) AS first, CAST(last_source AS VARCHAR) AS last, "
                "source_dates, coalesce(array_to_string(gaps, ', '), '') AS gaps, events "
                "FROM area_coverage ORDER BY events DESC, area",
    "subjects": "SELECT class, count(*) AS subjects, count(*) FILTER (WHERE len(names) > 1) AS with_aliases "
                "FROM model_subjects GROUP BY class ORDER BY class",
    "unresolved": "SELECT doc, count(*) AS rows, count(DISTINCT change_id) AS changes, "
                  "any_value(reason) AS reason FROM unresolved GROUP BY doc ORDER BY rows DESC, doc",
    "errors": "SELECT severity, path, line, message FROM errors ORDER BY severity, path, line",
}


def stats_result(store: Store) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every ``stats`` table: its column names and rows."""
    out = {}
    for name, sql in STATS.items():
        got = store.read(sql)
        out[name] = (got.columns, got.rows())
    return out
