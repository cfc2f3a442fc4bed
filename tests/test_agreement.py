"""Agreement figures, each checked against a value worked out by hand on a small case,
and against the ``krippendorff`` package and a character-by-character count on random data."""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Sequence

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.agreement import (
    AgreementReport,
    AgreementTally,
    AnnotatorProgress,
    LabelAgreement,
    SharedDocument,
    f1_score,
)
from app.core.agreement_chars import (
    NO_LABEL,
    Coincidences,
    cohen_kappa,
    krippendorff_alpha,
    run_values,
)
from app.core.document import FactRecord, SlotRecord, SpanRecord

T = "2026-01-01T00:00:00.000000Z"


def span(who: str, start: int, end: int, label: str, layer: str = "raw") -> SpanRecord:
    return SpanRecord(str(uuid.uuid4()), layer, start, end, label, "", who, T, T)


def slot(
    role: str,
    evidence: tuple[str, int, int] | None,
    value: str | None,
) -> SlotRecord:
    layer, start, end = evidence if evidence else (None, None, None)
    return SlotRecord(str(uuid.uuid4()), role, layer, start, end, None, value)


def fact(who: str, kind: str, *slots: SlotRecord) -> FactRecord:
    return FactRecord(str(uuid.uuid4()), kind, who, T, T, tuple(slots))


def document(
    length: int, spans: Sequence[SpanRecord] = (), facts: Sequence[FactRecord] = (), *who: str
) -> SharedDocument:
    names = frozenset(who) | {s.annotator for s in spans} | {f.annotator for f in facts}
    return SharedDocument(str(uuid.uuid4()), length, names, tuple(spans), tuple(facts))


def report_of(*documents: SharedDocument, labels: Sequence[str] = ()) -> AgreementReport:
    tally = AgreementTally()
    for doc in documents:
        tally.add(doc)
    return tally.report(labels)


def row(report: AgreementReport, label: str) -> LabelAgreement:
    return next(r for r in report.labels if r.label == label)


def label_row(docs: Sequence[SharedDocument], label: str) -> LabelAgreement:
    tally = AgreementTally()
    for doc in docs:
        tally.add(doc)
    return tally.report(only_label=label).labels[0]


# -- exact and overlap F1 ---------------------------------------------------------------


def test_exact_f1_counts_spans_equal_on_layer_range_and_label() -> None:
    # kim: nav 0-10, ad 20-30; lee: nav 0-10, ad 20-32, nav 40-50. One equal span of 2 + 3.
    kim = [span("kim", 0, 10, "nav"), span("kim", 20, 30, "ad")]
    lee = [span("lee", 0, 10, "nav"), span("lee", 20, 32, "ad"), span("lee", 40, 50, "nav")]
    report = report_of(document(60, kim + lee))
    assert report.overall is not None
    (pair,) = report.overall.pairs
    assert pair.annotators == ("kim", "lee")
    assert pair.exact_f1 == pytest.approx(2 * 1 / (2 + 3))  # 0.4


def test_overlap_f1_needs_an_overlapping_span_of_the_same_label() -> None:
    kim = [span("kim", 0, 10, "nav"), span("kim", 20, 30, "ad")]
    lee = [span("lee", 0, 10, "nav"), span("lee", 20, 32, "ad"), span("lee", 40, 50, "nav")]
    report = report_of(document(60, kim + lee))
    assert report.overall is not None
    # Precision 2/2 (both of kim's spans meet one of lee's), recall 2/3.
    assert report.overall.pairs[0].overlap_f1 == pytest.approx(2 * 1 * (2 / 3) / (1 + 2 / 3))
    # The same ranges with other labels match nothing.
    relabelled = [span("lee", 0, 10, "ad"), span("lee", 20, 32, "nav")]
    other = report_of(document(60, kim + relabelled))
    assert other.overall is not None
    assert other.overall.pairs[0].overlap_f1 == 0.0
    # A span on the clean layer never meets one on the raw layer.
    clean = report_of(document(60, [kim[0], span("lee", 0, 10, "nav", layer="clean")]))
    assert clean.overall is not None and clean.overall.pairs[0].overlap_f1 == 0.0


def test_f1_is_undefined_without_spans_and_zero_when_one_side_has_none() -> None:
    assert f1_score(0, 0, 0, 0) is None
    assert f1_score(0, 0, 0, 3) == 0.0
    assert f1_score(0, 2, 0, 3) == 0.0
    assert f1_score(1, 2, 1, 2) == pytest.approx(0.5)


def test_per_label_rows_count_only_that_labels_spans() -> None:
    kim = [span("kim", 0, 10, "nav"), span("kim", 20, 30, "ad")]
    lee = [span("lee", 0, 10, "nav"), span("lee", 22, 30, "ad")]
    report = report_of(document(40, kim + lee), labels=["nav", "ad"])
    assert [r.label for r in report.labels] == ["nav", "ad"]  # schema order
    nav, ad = report.labels
    assert nav.exact_f1 == 1.0 and nav.overlap_f1 == 1.0 and nav.kappa == 1.0
    assert ad.exact_f1 == 0.0 and ad.overlap_f1 == 1.0
    assert nav.documents == ad.documents == 1 and nav.spans == 1 and ad.spans == 2


# -- Cohen's kappa ----------------------------------------------------------------------


def test_character_kappa_by_hand() -> None:
    # Ten characters. kim: nav on 0-4; lee: nav on 0-5. They agree on 9 of 10 (p_o = 0.9);
    # by chance p_e = (4*5 + 6*5) / 100 = 0.5; kappa = (0.9 - 0.5) / 0.5 = 0.8.
    report = report_of(document(10, [span("kim", 0, 4, "nav"), span("lee", 0, 5, "nav")]))
    assert report.overall is not None
    assert report.overall.pairs[0].kappa == pytest.approx(0.8)
    assert cohen_kappa({("nav", "nav"): 4, ("", "nav"): 1, ("", ""): 5}) == pytest.approx(0.8)


def test_kappa_is_undefined_when_both_give_every_character_one_value() -> None:
    assert cohen_kappa({("", ""): 10}) is None
    assert cohen_kappa({}) is None
    report = report_of(document(10, [], [], "kim", "lee"))
    assert report.overall is not None
    assert report.overall.kappa is None and report.overall.alpha is None
    assert report.overall.exact_f1 is None


def test_kappa_counts_characters_of_documents_where_the_label_is_absent() -> None:
    # nav only on the first document; the second one's 10 characters are "not nav" for both.
    first = document(10, [span("kim", 0, 4, "nav"), span("lee", 0, 5, "nav")])
    second = document(10, [span("kim", 0, 3, "ad"), span("lee", 0, 3, "ad")])
    report = report_of(first, second)
    nav = row(report, "nav")
    # 20 units: 19 agree (p_o = .95); kim nav 4, lee nav 5: p_e = (4*5 + 16*15) / 400 = .65.
    assert nav.kappa == pytest.approx((0.95 - 0.65) / 0.35)


def test_overlapping_labels_give_the_character_the_smallest_label_name() -> None:
    runs = run_values({"a": [(0, 5, "nav"), (3, 8, "ad")], "b": [(2, 6, "nav")]}, 10)
    assert runs == Counter(
        {
            ("nav", NO_LABEL): 2,  # 0-2
            ("nav", "nav"): 1,  # 2-3
            ("ad", "nav"): 3,  # 3-6: "ad" < "nav"
            ("ad", NO_LABEL): 2,  # 6-8
            (NO_LABEL, NO_LABEL): 2,  # 8-10
        }
    )


def test_spans_are_clipped_to_the_text() -> None:
    runs = run_values({"a": [(5, 50, "nav"), (-3, 2, "ad")], "b": []}, 10)
    assert sum(runs.values()) == 10
    assert runs[("nav", NO_LABEL)] == 5 and runs[("ad", NO_LABEL)] == 2


# -- Krippendorff's alpha ---------------------------------------------------------------


def test_alpha_by_hand() -> None:
    # u1 = (a, a, a), u2 = (a, b, -), u3 = (b, b, b), u4 = (a, -, -) (not pairable).
    # o[a,a] = 3, o[a,b] = o[b,a] = 1, o[b,b] = 3; n_a = n_b = 4, n = 8.
    # alpha = 1 - (n - 1) * 2 / (n^2 - n_a^2 - n_b^2) = 1 - 14/32 = 0.5625.
    units = [("a", "a", "a"), ("a", "b", None), ("b", "b", "b"), ("a", None, None)]
    assert krippendorff_alpha(units) == pytest.approx(0.5625)
    data = np.array([[0, 0, 1, 0], [0, 1, 1, np.nan], [0, np.nan, 1, np.nan]], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(units) == pytest.approx(expected)


def test_alpha_is_undefined_for_a_single_value_or_nothing_pairable() -> None:
    assert krippendorff_alpha([("a", "a"), ("a", "a", "a")]) is None
    assert krippendorff_alpha([("a", None), (None, "b")]) is None
    assert krippendorff_alpha([]) is None


def test_alpha_over_characters_by_hand() -> None:
    # Four characters, kim: nav on 0-2, lee: nav on 0-1. Units (nav,nav), (nav,-), (-,-) x2.
    # o[nav,nav] = 2, o[nav,-] = o[-,nav] = 1, o[-,-] = 4; n_nav = 3, n_- = 5, n = 8.
    # alpha = 1 - 7 * 2 / (64 - 9 - 25) = 1 - 14/30.
    report = report_of(document(4, [span("kim", 0, 2, "nav"), span("lee", 0, 1, "nav")]))
    assert report.overall is not None
    assert report.overall.alpha == pytest.approx(1 - 14 / 30)


def test_weighted_units_are_the_same_as_repeated_ones() -> None:
    once, many = Coincidences(), Coincidences()
    once.add(["a", "b", "b"], weight=3)
    for _ in range(3):
        many.add(["a", "b", "b"])
    once.add(["b", "b"])
    many.add(["b", "b"])
    assert once.alpha() == pytest.approx(many.alpha())


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=4, max_size=4),
        min_size=1,
        max_size=30,
    )
)
def test_alpha_matches_the_krippendorff_package(units: list[list[int | None]]) -> None:
    ours = krippendorff_alpha([[None if v is None else str(v) for v in unit] for unit in units])
    data = np.array([[np.nan if v is None else v for v in unit] for unit in units], float).T
    coded = [[v for v in unit if v is not None] for unit in units]
    pairable = [value for values in coded if len(values) >= 2 for value in values]
    if len(set(pairable)) < 2:
        assert ours is None  # the package raises on these
        return
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert ours is not None and math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9)


# -- random documents: the tally against a character-by-character count ------------------

NAMES = ("kim", "lee", "park")
LABELS = ("ad", "nav", "comment")


@st.composite
def documents(draw: st.DrawFn) -> SharedDocument:
    length = draw(st.integers(1, 40))
    who = draw(st.sets(st.sampled_from(NAMES), min_size=2))
    spans = []
    for name in sorted(who):
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, length - 1))
            end = draw(st.integers(start + 1, length))
            spans.append(span(name, start, end, draw(st.sampled_from(LABELS))))
    return document(length, spans, (), *who)


def char_values(doc: SharedDocument, name: str, label: str | None) -> list[str]:
    """One value per character, the slow way."""
    values = []
    for i in range(doc.raw_length):
        covering = sorted(
            s.label
            for s in doc.spans
            if s.annotator == name and s.start <= i < s.end and label in (None, s.label)
        )
        values.append(covering[0] if covering else NO_LABEL)
    return values


@settings(max_examples=60, deadline=None)
@given(st.lists(documents(), min_size=1, max_size=4), st.sampled_from((None, *LABELS)))
def test_tally_matches_a_character_by_character_count(
    docs: list[SharedDocument], label: str | None
) -> None:
    report = report_of(*docs)
    got = report.overall if label is None else label_row(docs, label)
    assert got is not None
    units: list[list[str | None]] = []
    for doc in docs:
        per_name = {n: char_values(doc, n, label) for n in doc.annotators}
        units += [
            [per_name[n][i] if n in per_name else None for n in NAMES]
            for i in range(doc.raw_length)
        ]
    assert _close(got.alpha, krippendorff_alpha(units))
    for pair in got.pairs:
        i, j = NAMES.index(pair.annotators[0]), NAMES.index(pair.annotators[1])
        both = [(u[i], u[j]) for u in units if u[i] is not None and u[j] is not None]
        confusion = Counter((str(a), str(b)) for a, b in both)
        assert _close(pair.kappa, cohen_kappa(confusion))
        assert pair.documents == sum(set(pair.annotators) <= doc.annotators for doc in docs)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(documents())
def test_alpha_is_one_when_every_annotator_labels_alike(doc: SharedDocument) -> None:
    first = sorted(doc.annotators)[0]
    template = [s for s in doc.spans if s.annotator == first]
    spans = [span(n, s.start, s.end, s.label) for n in doc.annotators for s in template]
    alike = SharedDocument(doc.doc_id, doc.raw_length, doc.annotators, tuple(spans), ())
    report = report_of(alike)
    assert report.overall is not None
    if len(set(char_values(alike, first, None))) > 1:
        assert report.overall.alpha == pytest.approx(1.0)
        assert all(p.kappa == pytest.approx(1.0) for p in report.overall.pairs)
    else:
        assert report.overall.alpha is None  # one value everywhere: undefined, not 1/0
    if template:
        assert all(p.exact_f1 == 1.0 and p.overlap_f1 == 1.0 for p in report.overall.pairs)


@settings(max_examples=60, deadline=None)
@given(documents())
def test_kappa_and_f1_are_symmetric(doc: SharedDocument) -> None:
    swap = {"kim": "lee", "lee": "kim", "park": "park"}
    renamed = SharedDocument(
        doc.doc_id,
        doc.raw_length,
        frozenset(swap[n] for n in doc.annotators),
        tuple(span(swap[s.annotator], s.start, s.end, s.label) for s in doc.spans),
        (),
    )
    before, after = report_of(doc).overall, report_of(renamed).overall
    assert before is not None and after is not None
    assert _close(before.alpha, after.alpha)
    pairs = {tuple(sorted(swap[n] for n in p.annotators)): p for p in before.pairs}
    for pair in after.pairs:
        mirror = pairs[pair.annotators]
        assert _close(pair.kappa, mirror.kappa)
        assert _close(pair.exact_f1, mirror.exact_f1)
        assert _close(pair.overlap_f1, mirror.overlap_f1)


# -- fact slots -------------------------------------------------------------------------


def test_fact_slot_agreement_by_hand() -> None:
    kim = fact(
        "kim",
        "quantity",
        slot("value", ("raw", 5, 8), "30000"),
        slot("unit", ("raw", 8, 9), "개"),
        slot("date", None, "2024"),
    )
    lee = fact(
        "lee",
        "quantity",
        slot("value", ("raw", 6, 8), "30000"),  # overlaps, same value: matched
        slot("unit", ("raw", 8, 9), "개"),  # matched
        slot("date", None, "2023"),  # another value: not matched
        slot("subject", ("raw", 0, 3), None),  # kim has no subject
    )
    report = report_of(document(20, (), [kim, lee]))
    assert report.facts_overall is not None
    (pair,) = report.facts_overall.pairs
    # kim: 2 of 3 slots matched, lee: 2 of 4; F1 = 2 * (2/3) * (1/2) / (2/3 + 1/2) = 4/7.
    assert (pair.matched, pair.total) == (4, 7)
    assert pair.f1 == pytest.approx(4 / 7)
    assert [r.fact_type for r in report.facts] == ["quantity"]
    assert report.facts[0].slots == 7


def test_fact_slots_need_type_role_layer_and_value_to_match() -> None:
    base = slot("actor", ("raw", 0, 10), None)
    cases = {
        "other type": fact("lee", "statement", slot("actor", ("raw", 0, 10), None)),
        "other role": fact("lee", "event", slot("object", ("raw", 0, 10), None)),
        "other layer": fact("lee", "event", slot("actor", ("clean", 0, 10), None)),
        "apart": fact("lee", "event", slot("actor", ("raw", 10, 12), None)),
        "evidence on one side only": fact("lee", "event", slot("actor", None, None)),
        "other value": fact("lee", "event", slot("actor", ("raw", 0, 10), "x")),
    }
    for why, other in cases.items():
        report = report_of(document(20, (), [fact("kim", "event", base), other]))
        assert report.facts_overall is not None
        assert report.facts_overall.pairs[0].f1 == 0.0, why
    same = report_of(
        document(
            20,
            (),
            [fact("kim", "event", base), fact("lee", "event", slot("actor", ("raw", 3, 4), None))],
        )
    )
    assert same.facts_overall is not None and same.facts_overall.f1 == 1.0


def test_fact_matched_over_total_and_f1_differ_when_one_side_matches_more() -> None:
    kim = fact("kim", "event", slot("actor", ("raw", 0, 10), None))
    lee = [
        fact("lee", "event", slot("actor", ("raw", 0, 3), None)),
        fact("lee", "event", slot("actor", ("raw", 5, 10), None)),
        fact("lee", "event", slot("place", ("raw", 12, 15), None)),
    ]
    report = report_of(document(20, (), [kim, *lee]))
    assert report.facts_overall is not None
    pair = report.facts_overall.pairs[0]
    assert (pair.matched, pair.total) == (3, 4)  # kim 1/1, lee 2/3
    assert pair.f1 == pytest.approx(2 * 1 * (2 / 3) / (1 + 2 / 3))


# -- who counts, and the report ---------------------------------------------------------


def test_gold_and_lone_annotators_are_left_out() -> None:
    lone = document(10, [span("kim", 0, 3, "nav"), span("gold", 0, 3, "nav")])
    tally = AgreementTally()
    tally.add(lone)
    assert tally.report().documents == 0 and not tally.report().comparable
    shared = document(
        10, [span("kim", 0, 3, "nav"), span("lee", 0, 3, "nav"), span("Gold", 0, 9, "ad")]
    )
    report = report_of(shared)
    assert report.annotators == ("kim", "lee")
    assert [r.label for r in report.labels] == ["nav"]


def test_an_annotator_done_without_spans_disagrees_with_one_who_tagged() -> None:
    report = report_of(document(10, [span("kim", 0, 5, "nav")], (), "lee"))
    assert report.overall is not None
    pair = report.overall.pairs[0]
    assert pair.exact_f1 == 0.0 and pair.overlap_f1 == 0.0
    assert pair.kappa == pytest.approx(0.0)  # lee says "none" everywhere: chance agreement


def test_means_skip_undefined_pairs_and_json_has_every_figure() -> None:
    docs = [
        document(10, [span("kim", 0, 4, "nav"), span("lee", 0, 5, "nav")]),
        document(10, [], (), "kim", "park"),  # nothing to compare for this pair
    ]
    tally = AgreementTally()
    for doc in docs:
        tally.add(doc)
    progress = [AnnotatorProgress("kim", 2, 4, 1, 0)]
    report = tally.report(["nav"], progress=progress)
    assert report.overall is not None
    kappas = {p.annotators: p.kappa for p in report.overall.pairs}
    assert kappas[("kim", "lee")] == pytest.approx(0.8) and kappas[("kim", "park")] is None
    assert report.overall.kappa == pytest.approx(0.8)
    shape = report.as_json()
    assert set(shape) == {"documents", "annotators", "labels", "overall", "facts", "progress"}
    assert shape["overall"]["kappa"] == 0.8 and shape["overall"]["label"] is None
    assert shape["overall"]["pairs"][1] == {
        "annotators": ["kim", "park"],
        "documents": 1,
        "exact_f1": None,
        "overlap_f1": None,
        "kappa": None,
    }
    assert shape["progress"] == [
        {
            "annotator": "kim",
            "done": 2,
            "assigned": 4,
            "spans": 1,
            "facts": 0,
            "median_active_seconds": None,
        }
    ]
    assert report.progress[0].share_done == 0.5


def test_only_label_gives_one_row_even_for_an_unused_label() -> None:
    tally = AgreementTally()
    tally.add(document(10, [span("kim", 0, 4, "nav"), span("lee", 0, 5, "nav")]))
    report = tally.report(only_label="ad")
    assert report.overall is None and report.facts_overall is None
    (ad,) = report.labels
    assert ad.label == "ad" and ad.documents == 0 and ad.spans == 0
    assert ad.exact_f1 is None and ad.kappa is None and ad.alpha is None


def test_pairs_are_every_two_annotators_who_shared_a_document() -> None:
    docs = [document(5, [], (), "kim", "lee", "park"), document(5, [], (), "kim", "lee")]
    report = report_of(*docs)
    assert report.overall is not None
    pairs = {p.annotators: p.documents for p in report.overall.pairs}
    assert pairs == {("kim", "lee"): 2, ("kim", "park"): 1, ("lee", "park"): 1}
    assert list(pairs) == sorted(pairs)  # in name order
