"""The typed contract of what extractor writes for other programs: pydantic models of the
export records (``Event`` with its ``Subject`` and ``Source``: the JSONL lines; ``FlatEvent``:
a CSV, Parquet or SQLite row), the digest's JSON (``DigestJSON``) and a model page's JSON
(``ModelPageJSON``). Their JSON Schemas (Draft 2020-12) live in ``schemas/*.schema.json``,
generated from these models::

    python -m extractor.contract schemas/

and ``tests/test_contract.py`` fails while a file there is stale. pydantic is imported only
by the commands that write these forms (never on the ingest path: tests/test_cold_start.py).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

Value = int | float | str | bool | list[Any] | dict[str, Any] | None


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Subject(RootModel[dict[str, str | None]]):
    """What a fact is about: the kind's subject keys in export order (``model``, ``version``,
    ``deployment_type``, ...; ``subject`` for availability), each a name or null."""


class Source(Closed):
    """Where an event was read: the report or patch file (its name), the line, the repository
    and compare range."""

    file: str | None
    line: int | None = Field(ge=1)
    repo: str | None
    base: str | None
    head: str | None


class Event(Closed):
    """One JSONL line of ``extract export``: what one document stated about one fact on one date."""

    kind: str
    observed_at: dt.date
    doc: str
    subject: Subject
    attribute: str
    change: Literal["added", "removed", "changed", "unchanged"]
    old: Value
    new: Value
    old_raw: str | None
    new_raw: str | None
    qualifier: str | None
    source: Source


class FlatEvent(Closed):
    """One row of ``extract export --format csv | parquet | sqlite`` (the ``events`` table): the
    subject keys as columns, ``old`` / ``new`` as plain text (a list or object as JSON)."""

    kind: str
    observed_at: dt.date
    doc: str
    model: str | None
    subject: str | None
    version: str | None
    deployment_type: str | None
    tier: str | None
    subscription: str | None
    region: str | None
    attribute: str
    change: Literal["added", "removed", "changed", "unchanged"]
    old: str | None
    new: str | None
    old_raw: str | None
    new_raw: str | None
    qualifier: str | None
    source_file: str | None
    source_line: int | None
    repo: str | None
    base: str | None
    head: str | None


class Period(Closed):
    since: dt.date
    until: dt.date | None
    end: dt.date | None


class SummaryEntry(Closed):
    change: Literal["new model", "value changed", "date moved", "regions", "conflict"]
    subject: str
    detail: str
    date: dt.date
    links: list[str]


class ChangeLine(Closed):
    date: dt.date
    kind: str
    text: str
    docs: list[str]
    link: str | None


class SubjectSection(Closed):
    name: str
    class_: Literal["model", "feature", "offer", "service"] = Field(alias="class")
    anchor: str
    changes: list[ChangeLine]


class ServiceSection(Closed):
    name: str
    anchor: str
    subjects: list[SubjectSection]


class Move(Closed):
    date: dt.date
    from_doc: str
    to_doc: str
    facts: int
    link: str | None


class Rename(Closed):
    date: dt.date
    field: str
    from_: str = Field(alias="from")
    to: str
    facts: int
    link: str | None


class Coverage(Closed):
    area: str
    service: str | None
    last_source: dt.date


class DigestJSON(Closed):
    """``extract report --format json``: the digest of a period, read from the model level."""

    period: Period
    counts: dict[str, int]
    summary: list[SummaryEntry]
    services: list[ServiceSection]
    moves: list[Move]
    renames: list[Rename]
    coverage: list[Coverage]


class Step(Closed):
    date: dt.date
    value: str | None
    link: str | None


class ValueSteps(Closed):
    kind: str
    attribute: str
    label: str
    scope: str
    steps: list[Step]


class RegionGrid(Closed):
    dates: list[dt.date]
    rows: dict[str, list[bool]]


class RegionChange(Closed):
    date: dt.date
    region: str
    deployment_type: str | None
    change: Literal["gained", "lost"]
    link: str | None


class DateChange(Closed):
    date: dt.date
    text: str
    link: str | None
    kind: str


class ModelPageJSON(Closed):
    """``extract report --model NAME --format json``: one model's (or feature's) story."""

    model: str
    subject_class: str  # model or feature (model_subjects.class)
    quotas: list[ValueSteps]
    dates: list[ValueSteps]
    date_changes: list[DateChange]
    regions: RegionGrid
    region_changes: list[RegionChange]
    other_facts: list[dict[str, Any]]
    regions_now: list[str]


SCHEMAS: dict[str, type[BaseModel]] = {
    "event": Event, "flat_event": FlatEvent, "digest": DigestJSON, "model_page": ModelPageJSON,
}


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema of ``SCHEMAS[name]`` as the files hold it."""
    out = SCHEMAS[name].model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{name}.schema.json", **out}


def schema_text(name: str) -> str:
    return json.dumps(schema(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    paths = []
    for name in SCHEMAS:
        p = folder / f"{name}.schema.json"
        p.write_text(schema_text(name), encoding="utf-8")
        paths.append(p)
    return paths


if __name__ == "__main__":
    for p in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")):
        print(p)
