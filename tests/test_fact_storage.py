"""Fact actions on a real label file: each one committed, checked, undoable, shown."""

from __future__ import annotations

import json
import sqlite3

import pytest

from app.cli import main
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import AnnotationRefused
from storage.facts import SlotState, add_fact, document_facts, set_facts_deleted, set_slot
from storage.labelfile import LabelFile
from tests.conftest import SAMPLES

DOC = "001_b0f070cd7e78df0e"


@pytest.fixture
def seeds(label_file: LabelFile) -> LabelFile:
    report = import_sources(label_file, [SAMPLES], ImportOptions(annotator="kim"))
    assert not report.refusals
    return label_file


def raw_text(label_file: LabelFile) -> str:
    row = label_file.connection.execute("SELECT raw_text FROM documents WHERE id = ?", (DOC,))
    text: str = row.fetchone()[0]
    return text


def evidence(text: str, needle: str) -> SlotState:
    start = text.index(needle)
    return SlotState("raw", start, start + len(needle))


def test_a_quantity_fact_is_built_slot_by_slot_and_read_back(seeds: LabelFile) -> None:
    raw = raw_text(seeds)
    fact = add_fact(seeds, DOC, "quantity", "kim")
    value = evidence(raw, "3만개")
    set_slot(
        seeds, fact.id, "value", SlotState(value.layer, value.start, value.end, "30000"), "kim"
    )
    set_slot(seeds, fact.id, "subject", evidence(raw, "과학기술정보통신부"), "kim")
    set_slot(seeds, fact.id, "date", SlotState(value="2026"), "kim")  # a value without evidence
    [stored] = document_facts(seeds.connection, DOC)
    assert (stored.id, stored.type, stored.annotator) == (fact.id, "quantity", "kim")
    # Schema order: subject, measure, value, unit, date.
    assert [(s.role, s.text, s.value) for s in stored.slots] == [
        ("subject", "과학기술정보통신부", None),
        ("value", "3만개", "30000"),
        ("date", None, "2026"),
    ]
    assert all(raw[s.start : s.end] == s.text for s in stored.slots if s.start is not None)


def test_setting_a_slot_again_replaces_it_and_returns_what_it_held(seeds: LabelFile) -> None:
    raw = raw_text(seeds)
    fact = add_fact(seeds, DOC, "quantity", "kim")
    first = evidence(raw, "3만개")
    assert set_slot(seeds, fact.id, "value", first, "kim") is None
    previous = set_slot(seeds, fact.id, "value", SlotState(value="30000"), "kim")
    assert previous == first
    assert set_slot(seeds, fact.id, "value", previous, "kim") == SlotState(value="30000")
    [stored] = document_facts(seeds.connection, DOC)
    assert [(s.role, s.text, s.value) for s in stored.slots] == [("value", "3만개", None)]
    assert set_slot(seeds, fact.id, "value", None, "kim") == first  # cleared
    assert document_facts(seeds.connection, DOC)[0].slots == ()
    count = seeds.connection.execute("SELECT count(*), sum(deleted) FROM fact_slots")
    assert count.fetchone() == (1, 1)  # one row per role, tombstoned, never removed


def test_deleting_a_fact_is_a_tombstone_and_undo_brings_it_back(seeds: LabelFile) -> None:
    fact = add_fact(seeds, DOC, "event", "kim")
    set_facts_deleted(seeds, [fact.id], True)
    assert document_facts(seeds.connection, DOC) == []
    with sqlite3.connect(seeds.path) as db:
        assert db.execute("SELECT deleted FROM facts").fetchall() == [(1,)]
    set_facts_deleted(seeds, [fact.id], False)
    assert [f.id for f in document_facts(seeds.connection, DOC)] == [fact.id]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda f, fid: add_fact(f, DOC, "recipe", "kim"), "fact type 'recipe'"),
        (lambda f, fid: add_fact(f, "nope", "quantity", "kim"), "no document"),
        (lambda f, fid: set_slot(f, fid, "colour", SlotState(value="x"), "kim"), "no slot"),
        (lambda f, fid: set_slot(f, "nope", "value", SlotState(value="1"), "kim"), "no fact"),
        (
            lambda f, fid: set_slot(f, fid, "value", SlotState("raw", 5, 10**7), "kim"),
            "outside the raw text",
        ),
        (
            lambda f, fid: set_slot(f, fid, "value", SlotState("html", 0, 1), "kim"),
            "not 'raw' or 'clean'",
        ),
    ],
)
def test_bad_fact_actions_are_refused_and_change_nothing(
    seeds: LabelFile, action: object, message: str
) -> None:
    fact = add_fact(seeds, DOC, "quantity", "kim")
    before = seeds.connection.execute("SELECT count(*) FROM fact_slots").fetchone()
    with pytest.raises(AnnotationRefused, match=message):
        action(seeds, fact.id)  # type: ignore[operator]
    assert seeds.connection.execute("SELECT count(*) FROM fact_slots").fetchone() == before
    assert [f.id for f in document_facts(seeds.connection, DOC)] == [fact.id]


def test_show_prints_facts_with_their_slots(
    seeds: LabelFile, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = raw_text(seeds)
    fact = add_fact(seeds, DOC, "quantity", "kim")
    value = evidence(raw, "3만개")
    set_slot(seeds, fact.id, "value", SlotState("raw", value.start, value.end, "30000"), "kim")
    seeds.close()
    assert main(["show", str(seeds.path), DOC]) == 0
    [shown] = json.loads(capsys.readouterr().out)["facts"]
    assert (shown["id"], shown["type"], shown["annotator"]) == (fact.id, "quantity", "kim")
    assert shown["slots"] == [
        {
            "role": "value",
            "layer": "raw",
            "start": value.start,
            "end": value.end,
            "text": "3만개",
            "value": "30000",
        }
    ]
