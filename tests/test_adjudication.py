"""Adjudication: grouping annotators' labels into items, and the gold layer in a real file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.adjudication import (
    DocumentAdjudication,
    FactItem,
    Level,
    SpanItem,
    adjudicate,
    fact_key,
    is_reserved_annotator,
)
from app.core.document import FactRecord, SlotRecord, SpanRecord
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import NewSpan, add_spans, set_spans_deleted, set_status
from storage.facts import SlotState, add_fact, document_facts, set_slot
from storage.gold import (
    accept_into_gold,
    auto_accept,
    documents_needing_adjudication,
    read_document_labels,
    set_gold_deleted,
    span_annotators,
)
from storage.labelfile import LabelFile
from tests.conftest import SAMPLES

WEATHER_DOC = "000_8badc66364e1a625"
GPU_DOC = "001_b0f070cd7e78df0e"
THIRD_DOC = "002_85b1cb3dd052f3d4"

# -- the rules, on records made by hand ---------------------------------------------------


def span(annotator: str, start: int, end: int, label: str = "ad", layer: str = "raw") -> SpanRecord:
    return SpanRecord(
        f"{annotator}-{start}-{end}-{label}",
        layer,
        start,
        end,
        label,
        "x" * (end - start),
        annotator,
        "t",
        "t",
    )


def fact(
    annotator: str, *slots: tuple[str, int | None, str | None], kind: str = "quantity"
) -> FactRecord:
    records = tuple(
        SlotRecord(
            f"{annotator}-{role}",
            role,
            "raw" if at is not None else None,
            at,
            None if at is None else at + 3,
            None,
            value,
        )
        for role, at, value in slots
    )
    return FactRecord(f"{annotator}-{kind}-{slots}", kind, annotator, "t", "t", records)


def levels(found: DocumentAdjudication) -> list[tuple[object, str, list[str]]]:
    return [(item.key, item.level.word, sorted(item.annotators)) for item in found.items]


def test_identical_spans_are_one_item_backed_by_every_annotator() -> None:
    found = adjudicate([span("kim", 0, 10), span("lee", 0, 10)], [], {"kim", "lee"})
    [item] = found.spans
    assert isinstance(item, SpanItem)
    assert item.key == ("raw", 0, 10, "ad") and item.level is Level.UNANIMOUS
    assert item.supporters == (("kim", "kim-0-10-ad"), ("lee", "lee-0-10-ad"))
    assert item.record_id("lee") == "lee-0-10-ad" and item.record_id("park") is None
    assert found.open_items() == []


def test_a_span_only_some_have_and_overlapping_versions_are_disagreements() -> None:
    found = adjudicate(
        [span("kim", 0, 10), span("lee", 0, 12), span("lee", 20, 30, "nav")],
        [],
        {"kim", "lee"},
    )
    assert levels(found) == [
        (("raw", 0, 10, "ad"), "disagreement", ["kim"]),
        (("raw", 0, 12, "ad"), "disagreement", ["lee"]),
        (("raw", 20, 30, "nav"), "disagreement", ["lee"]),
    ]
    assert len(found.open_items()) == 3


def test_same_range_with_another_label_is_a_disagreement() -> None:
    found = adjudicate([span("kim", 0, 10, "ad"), span("lee", 0, 10, "nav")], [], ["kim", "lee"])
    assert [item.level for item in found.items] == [Level.DISAGREEMENT] * 2


def test_an_annotator_who_marked_the_document_done_counts_even_with_no_span() -> None:
    found = adjudicate([span("kim", 0, 10)], [], {"kim", "lee"})
    assert found.annotators == {"kim", "lee"}
    assert found.spans[0].level is Level.DISAGREEMENT
    alone = adjudicate([span("kim", 0, 10)], [], {"kim"})
    assert alone.spans[0].level is Level.UNANIMOUS  # one annotator agrees with themself


def test_majority_is_more_than_half_and_uncontested() -> None:
    who = {"kim", "lee", "park"}
    two_of_three = adjudicate([span("kim", 0, 10), span("lee", 0, 10)], [], who)
    assert two_of_three.spans[0].level is Level.MAJORITY
    # A rival with less support does not spoil it.
    outvoted = adjudicate([span("kim", 0, 10), span("lee", 0, 10), span("park", 0, 12)], [], who)
    assert [item.level for item in outvoted.spans] == [Level.MAJORITY, Level.DISAGREEMENT]
    # Two 2-of-3 versions of the same words: nobody has a majority.
    split = adjudicate(
        [
            span("kim", 0, 10),
            span("lee", 0, 10),
            span("lee", 0, 10, "nav"),
            span("park", 0, 10, "nav"),
        ],
        [],
        who,
    )
    assert [item.level for item in split.spans] == [Level.DISAGREEMENT] * 2
    # The same people nesting one span in another agree on both.
    nested = adjudicate(
        [
            span("kim", 0, 50, "comment"),
            span("lee", 0, 50, "comment"),
            span("kim", 10, 20),
            span("lee", 10, 20),
        ],
        [],
        who,
    )
    assert [item.level for item in nested.spans] == [Level.MAJORITY] * 2
    half = adjudicate([span("kim", 0, 10), span("lee", 0, 10)], [], who | {"choi"})
    assert half.spans[0].level is Level.DISAGREEMENT  # 2 of 4 is not more than half


def test_agreed_takes_unanimous_alone_or_with_majority() -> None:
    who = {"kim", "lee", "park"}
    found = adjudicate(
        [span(n, 0, 10) for n in who]
        + [span("kim", 20, 30), span("lee", 20, 30), span("park", 40, 50)],
        [],
        who,
    )
    assert [i.key[1] for i in found.agreed(Level.UNANIMOUS)] == [0]
    assert [i.key[1] for i in found.agreed(Level.MAJORITY)] == [0, 20]
    assert [i.key[1] for i in found.open_items()] == [40]
    assert [i.key[1] for i in found.open_items(Level.MAJORITY)] == [20]


def test_gold_and_its_spans_never_count_as_an_annotator() -> None:
    found = adjudicate([span("kim", 0, 10), span("gold", 0, 10)], [], {"kim", "lee", "gold"})
    assert found.annotators == {"kim", "lee"}
    assert [sorted(item.annotators) for item in found.items] == [["kim"]]


def test_one_annotator_labelling_a_span_twice_is_one_vote() -> None:
    twice = [span("kim", 0, 10), SpanRecord("again", "raw", 0, 10, "ad", "x", "kim", "t", "t")]
    found = adjudicate([*twice, span("lee", 0, 10)], [], {"kim", "lee"})
    [item] = found.spans
    assert len(item.supporters) == 2 and item.level is Level.UNANIMOUS


def test_facts_are_equal_when_type_and_every_slot_are() -> None:
    kim = fact("kim", ("value", 5, "30000"), ("date", None, "2026"))
    lee = fact("lee", ("date", None, "2026"), ("value", 5, "30000"))  # slot order is no matter
    assert fact_key(kim) == fact_key(lee)
    found = adjudicate([], [kim, lee], {"kim", "lee"})
    [item] = found.facts
    assert isinstance(item, FactItem) and item.level is Level.UNANIMOUS
    other_value = fact("lee", ("value", 5, "3000"), ("date", None, "2026"))
    other_type = fact("lee", ("value", 5, "30000"), ("date", None, "2026"), kind="event")
    for rival in (other_value, other_type):
        found = adjudicate([], [kim, rival], {"kim", "lee"})
        assert [item.level for item in found.facts] == [Level.DISAGREEMENT] * 2


def test_gold_settles_what_it_holds_and_what_it_decided_instead() -> None:
    kim, lee = span("kim", 0, 10), span("lee", 0, 12)
    labels = [kim, lee, span("kim", 40, 50, "nav")]
    assert len(adjudicate(labels, [], {"kim", "lee"}).open_items()) == 3
    lee_in_gold = adjudicate(labels, [], {"kim", "lee"}, gold_spans=[span("gold", 0, 12)])
    # Gold took lee's version: kim's rival version is decided too; the nav span is not.
    assert [item.key[1:3] for item in lee_in_gold.open_items()] == [(40, 50)]
    own = adjudicate(labels, [], {"kim", "lee"}, gold_spans=[span("gold", 2, 8, "comment")])
    assert [item.key[1:3] for item in own.open_items()] == [(40, 50)]
    done = adjudicate(labels, [], {"kim", "lee"}, gold_done=True)
    assert done.open_items() == []


def test_a_gold_copy_of_an_agreed_span_decides_nothing_about_spans_inside_it() -> None:
    labels = [span("kim", 0, 100, "comment"), span("lee", 0, 100, "comment"), span("kim", 10, 20)]
    found = adjudicate(labels, [], {"kim", "lee"}, gold_spans=[span("gold", 0, 100, "comment")])
    assert [item.key for item in found.open_items()] == [("raw", 10, 20, "ad")]
    assert found.open_items(Level.UNANIMOUS) == []


@pytest.mark.parametrize(
    ("name", "reserved"),
    [("gold", True), ("Gold", True), (" GOLD ", True), ("golden", False), ("kim", False)],
)
def test_gold_is_a_reserved_annotator_name(name: str, reserved: bool) -> None:
    assert is_reserved_annotator(name) is reserved


# -- the gold layer in a real label file --------------------------------------------------


@pytest.fixture
def seeds(label_file: LabelFile) -> LabelFile:
    report = import_sources(label_file, [SAMPLES], ImportOptions(annotator="kim"))
    assert not report.refusals
    return label_file


def rows(label_file: LabelFile, query: str, *params: object) -> list[tuple[object, ...]]:
    """Read the file through a separate sqlite3 connection: what is committed."""
    with sqlite3.connect(Path(label_file.path)) as db:
        return db.execute(query, params).fetchall()


def test_documents_needing_adjudication_are_those_two_annotators_labelled(seeds: LabelFile) -> None:
    add_spans(seeds, GPU_DOC, [NewSpan("raw", 0, 5, "nav")], "kim")
    add_spans(seeds, GPU_DOC, [NewSpan("raw", 0, 5, "nav")], "gold")
    assert documents_needing_adjudication(seeds.connection) == []  # gold is no annotator
    set_status(seeds, GPU_DOC, "lee", "done")  # lee saw nothing to tag: a second opinion
    [lee_span] = add_spans(seeds, WEATHER_DOC, [NewSpan("raw", 0, 5, "nav")], "lee")
    add_spans(seeds, WEATHER_DOC, [NewSpan("raw", 0, 5, "nav")], "kim")
    set_status(seeds, THIRD_DOC, "lee", "skipped")  # skipping is no label
    add_spans(seeds, THIRD_DOC, [NewSpan("raw", 0, 5, "nav")], "kim")
    assert documents_needing_adjudication(seeds.connection) == [WEATHER_DOC, GPU_DOC]
    set_spans_deleted(seeds, [lee_span.id], True)  # a deleted span is no label either
    assert documents_needing_adjudication(seeds.connection) == [GPU_DOC]
    assert span_annotators(seeds.connection) == ["kim"]


def test_accepting_copies_a_span_into_gold_once(seeds: LabelFile) -> None:
    [kim] = add_spans(seeds, GPU_DOC, [NewSpan("raw", 3, 9, "nav")], "kim")
    written = accept_into_gold(seeds, GPU_DOC, [kim])
    assert written.copied == 1 and written.already == 0
    [(gold_id, annotator, start, end, label, text, created, updated, deleted)] = rows(
        seeds,
        "SELECT id, annotator, start, end, label, text, created, updated, deleted FROM spans"
        " WHERE annotator = 'gold'",
    )
    assert gold_id == written.span_ids[0] != kim.id
    assert (annotator, start, end, label, text, deleted) == ("gold", 3, 9, "nav", kim.text, 0)
    assert created == updated and str(created).endswith("Z")
    again = accept_into_gold(seeds, GPU_DOC, [kim])
    assert (again.copied, again.already) == (0, 1)
    assert rows(seeds, "SELECT count(*) FROM spans WHERE annotator = 'gold'") == [(1,)]
    assert rows(seeds, "SELECT annotator, deleted FROM spans WHERE id = ?", kim.id) == [("kim", 0)]


def test_rejecting_tombstones_only_the_gold_copy(seeds: LabelFile) -> None:
    [kim] = add_spans(seeds, GPU_DOC, [NewSpan("raw", 3, 9, "nav")], "kim")
    written = accept_into_gold(seeds, GPU_DOC, [kim])
    set_gold_deleted(seeds, [*written.span_ids, kim.id], [], True)
    assert rows(seeds, "SELECT annotator, deleted FROM spans ORDER BY annotator") == [
        ("gold", 1),
        ("kim", 0),
    ]
    assert read_document_labels(seeds.connection, GPU_DOC).gold_spans == ()
    # Accepting after a rejection makes a new gold row; the tombstone stays for merges.
    assert accept_into_gold(seeds, GPU_DOC, [kim]).copied == 1
    assert rows(seeds, "SELECT deleted FROM spans WHERE annotator = 'gold' ORDER BY deleted") == [
        (0,),
        (1,),
    ]


def test_accepting_a_fact_copies_its_slots(seeds: LabelFile) -> None:
    made = add_fact(seeds, GPU_DOC, "quantity", "kim")
    set_slot(seeds, made.id, "value", SlotState("raw", 10, 14, "30000"), "kim")
    set_slot(seeds, made.id, "date", SlotState(value="2026"), "kim")
    [kim] = document_facts(seeds.connection, GPU_DOC)
    written = accept_into_gold(seeds, GPU_DOC, facts=[kim])
    assert written.copied == 1 and accept_into_gold(seeds, GPU_DOC, facts=[kim]).already == 1
    [gold] = read_document_labels(seeds.connection, GPU_DOC).gold_facts
    assert gold.id == written.fact_ids[0] and gold.annotator == "gold"
    assert fact_key(gold) == fact_key(kim)
    assert {s.id for s in gold.slots}.isdisjoint({s.id for s in kim.slots})
    assert rows(
        seeds,
        "SELECT s.role, s.annotator, s.text FROM fact_slots s JOIN facts f ON f.id = s.fact_id"
        " WHERE f.annotator = 'gold' ORDER BY s.role",
    ) == [("date", "gold", None), ("value", "gold", kim.slots[0].text)]


def test_auto_accept_copies_the_agreed_items_and_counts_what_is_left(seeds: LabelFile) -> None:
    for name in ("kim", "lee"):
        add_spans(
            seeds, GPU_DOC, [NewSpan("raw", 0, 10, "nav"), NewSpan("raw", 20, 30, "ad")], name
        )
    add_spans(seeds, GPU_DOC, [NewSpan("raw", 40, 45, "comment")], "lee")
    outcome = auto_accept(seeds, GPU_DOC, Level.UNANIMOUS)
    assert outcome.written.copied == 2 and outcome.open_disagreements == 1
    assert rows(
        seeds, "SELECT start, end, label FROM spans WHERE annotator = 'gold' ORDER BY start"
    ) == [(0, 10, "nav"), (20, 30, "ad")]
    second = auto_accept(seeds, GPU_DOC, Level.UNANIMOUS)
    assert (second.written.copied, second.written.already) == (0, 2)
    labels = read_document_labels(seeds.connection, GPU_DOC)
    assert labels.annotators == {"kim", "lee"} and len(labels.gold_spans) == 2


def test_a_gold_copy_of_a_majority_answers_the_versions_it_outvoted() -> None:
    labels = [span("kim", 20, 30), span("lee", 20, 32), span("park", 20, 32)]
    found = adjudicate(labels, [], {"kim", "lee", "park"}, gold_spans=[span("gold", 20, 32)])
    assert found.open_items() == []
