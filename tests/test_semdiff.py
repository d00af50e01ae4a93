"""Unit tests of ``extractor.semdiff``: facts of two views -> events; moves carried over."""

from __future__ import annotations

from typing import Any

from extractor.diff.model import DiffLine
from extractor.kinds import Fact, subject
from extractor.semdiff import ADDED, CHANGED, MOVED, REMOVED, UNCHANGED, Event, carry_moves, diff_facts, index

DOC = "articles/ai-services/openai/quotas-limits.md"


def F(model: str, attr: str, value: Any, *, raw: str | None = None, qualifier: str | None = None,
      line: int = 1, kind: str = "quota", tier: str = "default") -> Fact:
    if kind == "quota":
        subj = subject(kind, model=model, deployment_type="global-standard", tier=tier)
    elif kind == "retirement":
        subj = subject(kind, model=model, version=None)
    else:
        subj = subject(kind, subject=model, region="eastus2")
    return Fact(kind, subj, attr, value, raw if raw is not None else str(value), qualifier,
                DiffLine(" ", "", line, line, line))


def summary(events: list[Event]) -> list[tuple[Any, ...]]:
    return sorted(((dict(e.subject).get("model") or dict(e.subject).get("subject"), e.attribute, e.change,
                    e.old, e.new, e.qualifier) for e in events), key=repr)


def test_changed_added_removed_and_unchanged() -> None:
    before = [F("o3", "tpm", 1_000_000), F("o3", "rpm", 1000), F("o1", "tpm", 5)]
    after = [F("o3", "tpm", 2_000_000), F("o3", "rpm", 1000), F("o4", "tpm", 7)]
    assert summary(diff_facts(DOC, before, after)) == sorted([
        ("o3", "tpm", CHANGED, 1_000_000, 2_000_000, None),
        ("o3", "rpm", UNCHANGED, 1000, 1000, None),
        ("o4", "tpm", ADDED, None, 7, None),
        ("o1", "tpm", REMOVED, 5, None, None),
    ], key=repr)


def test_raw_text_and_order_do_not_matter() -> None:
    before = [F("o3", "tpm", 1_000_000, raw="1 M", line=3), F("o4", "tpm", 2, line=4)]
    after = [F("o4", "tpm", 2, line=9), F("o3", "tpm", 1_000_000, raw="1,000,000", line=8)]
    events = diff_facts(DOC, before, after)
    assert {e.change for e in events} == {UNCHANGED}
    o3 = next(e for e in events if dict(e.subject)["model"] == "o3")
    assert (o3.old_raw, o3.new_raw, o3.line) == ("1 M", "1,000,000", 8)


def test_raws_and_lines_of_events() -> None:
    before = [F("o3", "tpm", 1, raw="1", line=10), F("o1", "tpm", 5, raw="5", line=11)]
    after = [F("o3", "tpm", 2, raw="2", line=20), F("o4", "tpm", 7, raw="7", line=21)]
    got = {e.change: (e.old_raw, e.new_raw, e.line) for e in diff_facts(DOC, before, after)}
    assert got == {CHANGED: ("1", "2", 20), ADDED: (None, "7", 21), REMOVED: ("5", None, 11)}


def test_qualifier_goes_with_the_new_value_and_with_the_old_one_when_removed() -> None:
    before = [F("a", "retirement_date", "2025-03-26", kind="retirement", qualifier="no-earlier-than"),
              F("b", "retirement_date", "2025-01-01", kind="retirement", qualifier="no-earlier-than"),
              F("c", "retirement_date", "2025-01-01", kind="retirement", qualifier=None)]
    after = [F("a", "retirement_date", "2025-06-06", kind="retirement", qualifier=None),
             F("c", "retirement_date", "2025-01-01", kind="retirement", qualifier="no-earlier-than"),
             F("d", "retirement_date", "2025-07-01", kind="retirement", qualifier="no-earlier-than")]
    assert summary(diff_facts(RET_DOC, before, after)) == sorted([
        ("a", "retirement_date", CHANGED, "2025-03-26", "2025-06-06", None),
        ("b", "retirement_date", REMOVED, "2025-01-01", None, "no-earlier-than"),
        ("c", "retirement_date", UNCHANGED, "2025-01-01", "2025-01-01", "no-earlier-than"),  # qualifier only
        ("d", "retirement_date", ADDED, None, "2025-07-01", "no-earlier-than"),
    ], key=repr)


RET_DOC = "articles/ai-services/openai/concepts/model-retirements.md"


def test_identical_facts_collapse_into_one_and_the_first_wins() -> None:
    facts = [F("o3", "tpm", 1, line=1), F("o3", "tpm", 1, line=2), F("o3", "tpm", 9, line=3)]
    idx = index(facts)
    assert len(idx) == 1 and next(iter(idx.values())).line.src_line == 1
    events = diff_facts(DOC, [], facts)
    assert [(e.change, e.new) for e in events] == [(ADDED, 1)]


def test_zero_is_a_value() -> None:
    assert summary(diff_facts(DOC, [F("o3", "tpm", 0)], [F("o3", "tpm", 1000)])) == [
        ("o3", "tpm", CHANGED, 0, 1000, None)]
    assert summary(diff_facts(DOC, [], [F("o3", "tpm", 0)])) == [("o3", "tpm", ADDED, None, 0, None)]


def test_availability_events_carry_true_and_null() -> None:
    before = [F("gpt-4o", "available", True, kind="region_availability", raw="✅")]
    after = [F("o1", "available", True, kind="region_availability", raw="✅")]
    assert summary(diff_facts(DOC, before, after)) == sorted([
        ("gpt-4o", "available", REMOVED, True, None, None),
        ("o1", "available", ADDED, None, True, None),
    ], key=repr)


def test_tiers_are_part_of_the_subject() -> None:
    before = [F("gpt-4-series", "tpm", 8000, tier="visual-studio")]
    after = [F("gpt-4-series", "tpm", 8000, tier="visual-studio-enterprise")]
    assert [e.change for e in sorted(diff_facts(DOC, before, after), key=lambda e: e.change)] == [ADDED, REMOVED]


# --- moves ---------------------------------------------------------------------------------------------

OLD, NEW = "includes/model-matrix/standard-global.md", "includes/model-matrix/global-standard.md"


def ev(doc: str, change: str, value: Any = True, model: str = "o1") -> Event:
    subj = subject("region_availability", subject=model, region="eastus2")
    old, new = (value, None) if change == REMOVED else (None, value) if change == ADDED else (value, value)
    return Event("region_availability", doc, subj, "available", change, old, new,
                 None if old is None else "✅", None if new is None else "✅", None, 1)


def test_a_moved_document_carries_its_facts() -> None:
    events = [ev(OLD, REMOVED), ev(NEW, ADDED), ev(OLD, REMOVED, model="gpt-4"), ev(NEW, ADDED, model="o3")]
    out = carry_moves(events, {OLD})
    got = sorted((e.doc, dict(e.subject)["subject"], e.change) for e in out)
    assert got == sorted([
        (OLD, "gpt-4", REMOVED),  # dropped in the move: still removed
        (NEW, "o1", UNCHANGED),  # carried over: an observation under the new path
        (NEW, "o3", ADDED),  # new in the move
    ])


def test_a_moved_document_whose_value_changed_gives_one_changed_event() -> None:
    events = [ev(OLD, REMOVED, value=5), ev(NEW, ADDED, value=6)]
    out = carry_moves(events, {OLD})
    assert [(e.doc, e.change, e.old, e.new) for e in out] == [(NEW, CHANGED, 5, 6)]


def test_a_fact_moved_between_live_documents_is_recorded_not_changed() -> None:
    events = [ev(OLD, REMOVED), ev(NEW, ADDED), ev(OLD, REMOVED, model="gpt-4"), ev(NEW, ADDED, model="o3")]
    out = carry_moves(events, set())
    got = sorted((e.doc, dict(e.subject)["subject"], e.change, e.moved_to) for e in out)
    assert got == sorted([
        (OLD, "o1", MOVED, NEW),  # left the old document for the new one: closes its span, no event
        (NEW, "o1", UNCHANGED, None),  # an observation in the new document
        (OLD, "gpt-4", REMOVED, None),  # not in the new document: removed
        (NEW, "o3", ADDED, None),
    ])


def test_a_fact_moved_with_another_value_gives_one_changed_event_in_the_new_document() -> None:
    events = [ev(OLD, REMOVED, value=5), ev(NEW, ADDED, value=6)]
    out = carry_moves(events, set())
    assert sorted((e.doc, e.change, e.old, e.new, e.moved_to) for e in out) == sorted(
        [(OLD, MOVED, 5, None, NEW), (NEW, CHANGED, 5, 6, None)])


def test_no_move_within_one_document_or_between_different_facts() -> None:
    events = [ev(OLD, REMOVED), ev(OLD, ADDED, model="o3"), ev(NEW, ADDED, model="gpt-4")]
    assert carry_moves(events, set()) == events
