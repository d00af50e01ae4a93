"""The digest's charts tell the truth (extractor.digest.charts): buckets and ticks that fit the
period (one day is one bar with a date, no hours), whole-number axes for counts, a linear
axis unless values span decades, one colour per thing across a page, and each chart's data
as its text alternative. matplotlib's SVG keeps each text as a comment, which the tests read."""

from __future__ import annotations

import base64
import datetime as dt
import re

from extractor.digest.charts import Palette, bucket_of, bucket_start, changes_per_period, steps

D = dt.date


def svg_texts(uri: str) -> list[str]:
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    return re.findall(r"<!-- (.*?) -->", svg)


def test_buckets_fit_the_period() -> None:
    assert bucket_of(D(2025, 3, 1), D(2025, 3, 1)) == "day"
    assert bucket_of(D(2025, 3, 1), D(2025, 3, 31)) == "day"
    assert bucket_of(D(2025, 1, 1), D(2025, 3, 31)) == "week"
    assert bucket_of(D(2024, 1, 1), D(2025, 12, 31)) == "month"
    assert bucket_start(D(2025, 3, 13), "week") == D(2025, 3, 10)  # a Monday
    assert bucket_start(D(2025, 3, 13), "month") == D(2025, 3, 1)


def test_one_day_of_changes_is_one_bar_with_whole_number_ticks() -> None:
    palette = Palette()
    chart = changes_per_period({(D(2025, 3, 5), "quota"): 3, (D(2025, 3, 5), "retirement"): 1}, D(2025, 3, 5),
                               D(2025, 3, 5), palette, ["quota", "retirement"])
    assert chart is not None
    texts = svg_texts(chart.uri)
    assert "Changes per day, by kind" in texts
    assert "03-05" in texts and not any(re.fullmatch(r"\d\d:\d\d", t) for t in texts)  # a date tick, no hours
    ticks = [t for t in texts if re.fullmatch(r"[\d.]+", t)]
    assert ticks and all(t.isdigit() for t in ticks)  # counts: no 0.2 steps
    assert chart.table == [("2025-03-05", "quota", 3), ("2025-03-05", "retirement", 1)]  # the text alternative
    assert chart.caption == "Model-level changes per day in the period, stacked by kind (4 in all)."


def test_axes_are_linear_unless_values_span_decades() -> None:
    end = D(2025, 4, 1)
    near = {"o3": [(D(2025, 1, 1), 0.0), (D(2025, 2, 1), 100.0)]}
    chart = steps(near, end, "t", "TPM", Palette(), {}, "c", "x")
    assert chart is not None and "100" in svg_texts(chart.uri) and "0" in svg_texts(chart.uri)
    wide = {"a": [(D(2025, 1, 1), 1000.0)], "b": [(D(2025, 1, 1), 5_000_000.0)]}
    chart = steps(wide, end, "t", "TPM", Palette(), {}, "c", "x")
    texts = svg_texts(chart.uri)  # a log axis: ticks by powers of ten
    assert [t for t in texts if t[-1:] in "KM" and t[:-1].isdigit()] == ["1K", "10K", "100K", "1M"], texts
    assert all(n in texts for n in ("a", "b"))  # every series in the legend
    assert chart.table == [("a", "2025-01-01", 1000.0), ("b", "2025-01-01", 5000000.0)]


def test_one_colour_per_thing_across_a_page() -> None:
    palette = Palette()
    first = palette("o3")
    assert palette("gpt-4.1") != first and palette("o3") == first
    quota = steps({"o3 global-standard default": [(D(2025, 1, 1), 1.0)], "o3 standard default": [(D(2025, 1, 1), 2.0)]},
                  D(2025, 2, 1), "t", "TPM", palette, {"o3 global-standard default": "o3", "o3 standard default": "o3"},
                  "c", "q")
    regions = steps({"o3": [(D(2025, 1, 1), 3.0)]}, D(2025, 2, 1), "t", "regions", palette, {}, "c", "r")
    colour = first.lstrip("#").lower()
    for chart in (quota, regions):
        svg = base64.b64decode(chart.uri.split(",", 1)[1]).decode().lower()
        assert f"stroke: #{colour}" in svg
