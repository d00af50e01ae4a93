"""The Atom feed of a period (``extract report --format atom``): valid Atom as a maintained
feed parser reads it (feedparser: no bozo), one entry per model-level change, newest first,
with stable ids and the compare link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from history_fixtures import LINK, build

import extractor
from extractor.cli import main

feedparser = pytest.importorskip("feedparser")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("feed"))


def test_feed_entries_are_the_model_level_changes(db_path: Path) -> None:
    with extractor.connect(db_path, read_only=True) as db:
        text = db.report("2025-03-01", "2025-03-31", fmt="atom")
        again = db.report("2025-03-01", "2025-03-31", fmt="atom")
    feed = feedparser.parse(text)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Model changes from 2025-03-01 to 2025-03-31"
    titles = [(e.updated[:10], e.title, e.link) for e in feed.entries]
    assert titles == [
        ("2025-03-15", "o4-mini (global-standard, default) TPM: 5,000,000 no longer stated", f"{LINK}5555555...6666666"),
        ("2025-03-15", "o4-mini (global-standard, default) RPM: 5,000 no longer stated", f"{LINK}5555555...6666666"),
        ("2025-03-05", "gpt-4.1 (global-standard): gained eastus2", f"{LINK}4444444...5555555"),
        ("2025-03-05", "gpt-4.1 (global-standard): lost westus", f"{LINK}4444444...5555555"),
        ("2025-03-01", "o1-preview 2024-09-12 retirement date: 2025-04-02 → no earlier than 2025-07-15 (+104 days)",
         f"{LINK}3333333...4444444"),
        ("2025-03-01", "o3 (global-standard, default) TPM: 2,000,000 → 3,000,000", f"{LINK}3333333...4444444"),
    ]
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:extractor,2025:model-changes:") for i in ids)
    assert again == text  # the same database gives the same feed: ids are stable
    with extractor.connect(db_path, read_only=True) as db:  # a wider period keeps each change's id
        wider = feedparser.parse(db.report("2025-01-01", fmt="atom"))
    assert set(ids) <= {e.id for e in wider.entries}
    assert len(wider.entries) == 21


def test_feed_from_the_command_line_with_a_limit(db_path: Path) -> None:
    res = CliRunner().invoke(main, ["--db", str(db_path), "report", "--since", "2025-01-01", "--format", "atom",
                                    "--limit", "2"])
    assert res.exit_code == 0, res.output
    feed: Any = feedparser.parse(res.stdout)
    assert feed.bozo == 0 and len(feed.entries) == 2
    assert feed.entries[0].title == "o1 (global-standard, default) TPM: 3,000,000 | 4,000,000 → 6,000,000"
    res = CliRunner().invoke(main, ["--db", str(db_path), "report", "--model", "o3", "--format", "atom"])
    assert res.exit_code == 2 and "leave out --model" in res.output
