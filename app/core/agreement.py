"""Agreement between annotators: spans per label and overall, fact slots, and progress.

Pure Python over span and fact records (no Qt, no SQLite): storage streams the documents
labelled by two or more annotators into an ``AgreementTally`` one at a time, and the
tally's ``AgreementReport`` is what ``thresher agreement`` prints and the window draws.
``gold`` is never an annotator here. For each pair of annotators, over the documents both
labelled (per label, only that label's spans count; "overall", every label's):

- **exact F1**: spans are equal when layer, start, end and label are; with ``m`` equal
  spans and ``|A|``, ``|B|`` distinct spans of each, ``F1 = 2m / (|A| + |B|)``.
- **overlap F1**: a span of A is matched when some span of B on the same layer with the
  same label overlaps it; precision is the matched share of A's spans, recall the matched
  share of B's (the same rule from B's side), and ``F1 = 2PR / (P + R)``.
- **Cohen's kappa**: each character of each shared document's raw text is a unit; its
  value is the label of the raw-layer span covering it, or "none" (see
  ``app.core.agreement_chars`` for overlapping labels: the smallest name wins). Per label
  the value is binary: covered by a span of that label or not. Only raw-layer spans take
  part, since spam regions are stored on the raw layer.
- **Krippendorff's alpha** (nominal) over all annotators at once, with the same units and
  values, from the coincidence matrix; a unit coded by one annotator only is not pairable
  and adds nothing.

Fact slots: a slot is ``(fact type, role, evidence, normalised value)``. A slot of A is
matched when B has a slot with the same type and role, an equal value (None equals None)
and evidence that overlaps on the same layer (or no evidence on either side). F1 is built
from both sides' matched shares as for overlap F1; *matched / total* counts the matched
slots of both sides over all slots of both.

A figure that is undefined is None, never a division by zero: F1 when neither side has a
span (one side having none gives 0), kappa and alpha when every unit got one and the same
value. The per-label and overall figures of a report are the mean over the pairs for
which the figure is defined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from app.core.adjudication import is_reserved_annotator
from app.core.agreement_chars import NO_LABEL, Coincidences, Pair, cohen_kappa, run_values
from app.core.agreement_report import (
    AgreementReport,
    AnnotatorProgress,
    FactAgreement,
    FactPairAgreement,
    LabelAgreement,
    PairAgreement,
)
from app.core.document import FactRecord, SlotRecord, SpanRecord

__all__ = [
    "AgreementReport",
    "AgreementTally",
    "AnnotatorProgress",
    "FactAgreement",
    "FactPairAgreement",
    "LabelAgreement",
    "PairAgreement",
    "SharedDocument",
    "f1_score",
]

SpanKey = tuple[str, int, int, str]  # layer, start, end, label
SlotKey = tuple[str, str, str | None, int | None, int | None, str | None]


@dataclass(frozen=True)
class SharedDocument:
    """One document labelled by two or more annotators: what agreement needs of it."""

    doc_id: str
    raw_length: int
    annotators: frozenset[str]  # who labelled it (a status done, a span or a fact)
    spans: tuple[SpanRecord, ...]
    facts: tuple[FactRecord, ...]


def f1_score(first_hits: int, first: int, second_hits: int, second: int) -> float | None:
    """F1 from each side's matched count and size; None when neither side has anything."""
    if first == 0 and second == 0:
        return None
    if first == 0 or second == 0:
        return 0.0
    precision, recall = first_hits / first, second_hits / second
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


@dataclass
class _SpanPair:
    exact: int = 0
    first: int = 0
    second: int = 0
    first_overlapping: int = 0
    second_overlapping: int = 0
    chars: int = 0
    confusion: Counter[Pair] = field(default_factory=Counter)

    def add(self, first: Sequence[SpanKey], second: Sequence[SpanKey]) -> None:
        self.exact += len(set(first) & set(second))
        self.first += len(first)
        self.second += len(second)
        self.first_overlapping += sum(_overlaps_any(key, second) for key in first)
        self.second_overlapping += sum(_overlaps_any(key, first) for key in second)


@dataclass
class _LabelCounts:
    documents: int = 0
    spans: int = 0
    coded: int = 0  # pairable values added to the coincidences
    coincidences: Coincidences = field(default_factory=Coincidences)
    pairs: dict[Pair, _SpanPair] = field(default_factory=dict)


@dataclass
class _FactPair:
    first: int = 0
    second: int = 0
    first_matched: int = 0
    second_matched: int = 0


def _overlaps_any(key: SpanKey, others: Iterable[SpanKey]) -> bool:
    layer, start, end, label = key
    return any(o[0] == layer and o[3] == label and o[1] < end and start < o[2] for o in others)


def _slot_matches(slot: SlotKey, other: SlotKey) -> bool:
    if slot[:2] != other[:2] or slot[5] != other[5]:
        return False
    _, _, layer, start, end, _ = slot
    _, _, o_layer, o_start, o_end, _ = other
    if start is None or end is None or o_start is None or o_end is None:
        return start is None and o_start is None
    return layer == o_layer and start < o_end and o_start < end


class AgreementTally:
    """Counts gathered document by document; ``report`` turns them into figures.

    Memory grows with the number of labels and annotator pairs, never with the documents.
    Labels nobody used on a document are not walked: their "none everywhere" characters
    are added once, when the report is made.
    """

    def __init__(self) -> None:
        self.documents = 0
        self._annotators: set[str] = set()
        self._pair_documents: Counter[Pair] = Counter()
        self._pair_chars: Counter[Pair] = Counter()
        self._coded = 0
        self._labels: dict[str | None, _LabelCounts] = {}
        self._facts: dict[str | None, dict[Pair, _FactPair]] = {}
        self._slots: Counter[str | None] = Counter()

    def add(self, document: SharedDocument) -> None:
        """Count one document; one with fewer than two annotators (not gold) is skipped."""
        spans = [s for s in document.spans if not is_reserved_annotator(s.annotator)]
        facts = [f for f in document.facts if not is_reserved_annotator(f.annotator)]
        who = {a for a in document.annotators if not is_reserved_annotator(a)}
        names = sorted(who | {s.annotator for s in spans} | {f.annotator for f in facts})
        if len(names) < 2:
            return
        self.documents += 1
        self._annotators.update(names)
        pairs = list(combinations(names, 2))
        length = document.raw_length
        for pair in pairs:
            self._pair_documents[pair] += 1
            self._pair_chars[pair] += length
        self._coded += length * len(names)
        keys = {
            name: sorted({_span_key(s) for s in spans if s.annotator == name}) for name in names
        }
        for label in (None, *sorted({s.label for s in spans})):
            chosen = {n: [k for k in keys[n] if label is None or k[3] == label] for n in names}
            self._add_spans(self._labels.setdefault(label, _LabelCounts()), chosen, pairs, length)
        self._add_facts(facts, names, pairs)

    def _add_spans(
        self, counts: _LabelCounts, keys: dict[str, list[SpanKey]], pairs: list[Pair], length: int
    ) -> None:
        counts.documents += 1
        counts.spans += len({key for chosen in keys.values() for key in chosen})
        raw = {
            name: [(k[1], k[2], k[3]) for k in chosen if k[0] == "raw"]
            for name, chosen in keys.items()
        }
        runs = run_values(raw, length)
        order = sorted(keys)
        for values, width in runs.items():
            counts.coincidences.add(values, width)
        counts.coded += length * len(order)
        for first, second in pairs:
            pair = counts.pairs.setdefault((first, second), _SpanPair())
            pair.add(keys[first], keys[second])
            pair.chars += length
            i, j = order.index(first), order.index(second)
            for values, width in runs.items():
                pair.confusion[(values[i], values[j])] += width

    def _add_facts(self, facts: list[FactRecord], names: list[str], pairs: list[Pair]) -> None:
        slots = {
            name: {_slot_key(f, s) for f in facts if f.annotator == name for s in f.slots}
            for name in names
        }
        for fact_type in (None, *sorted({f.type for f in facts})):
            chosen = {
                n: [k for k in slots[n] if fact_type is None or k[0] == fact_type] for n in names
            }
            self._slots[fact_type] += sum(len(chosen[n]) for n in names)
            by_pair = self._facts.setdefault(fact_type, {})
            for first, second in pairs:
                counts = by_pair.setdefault((first, second), _FactPair())
                a, b = chosen[first], chosen[second]
                counts.first += len(a)
                counts.second += len(b)
                counts.first_matched += sum(any(_slot_matches(x, y) for y in b) for x in a)
                counts.second_matched += sum(any(_slot_matches(y, x) for x in a) for y in b)

    def report(
        self,
        labels: Sequence[str] = (),
        fact_types: Sequence[str] = (),
        progress: Sequence[AnnotatorProgress] = (),
        only_label: str | None = None,
    ) -> AgreementReport:
        """The figures so far. ``labels`` and ``fact_types`` give the row order (schema
        order); used ones not named come after, sorted. With ``only_label``, only that
        label's row is made (even when nobody used it), and no overall or fact rows."""
        if only_label is not None:
            rows = (self._label_row(only_label),)
            return AgreementReport(
                self.documents,
                tuple(sorted(self._annotators)),
                rows,
                None,
                (),
                None,
                tuple(progress),
            )
        used_labels = _ordered([key for key in self._labels if key is not None], labels)
        used_types = _ordered([key for key in self._facts if key is not None], fact_types)
        return AgreementReport(
            self.documents,
            tuple(sorted(self._annotators)),
            tuple(self._label_row(label) for label in used_labels),
            self._label_row(None) if self.documents else None,
            tuple(self._fact_row(kind) for kind in used_types),
            self._fact_row(None) if self.documents else None,
            tuple(progress),
        )

    def _label_row(self, label: str | None) -> LabelAgreement:
        counts = self._labels.get(label, _LabelCounts())
        coincidences = Coincidences()
        coincidences.add_matrix(counts.coincidences)
        coincidences.matrix[(NO_LABEL, NO_LABEL)] += self._coded - counts.coded
        pairs = []
        for pair, documents in sorted(self._pair_documents.items()):
            found = counts.pairs.get(pair, _SpanPair())
            confusion = Counter(found.confusion)
            confusion[(NO_LABEL, NO_LABEL)] += self._pair_chars[pair] - found.chars
            exact = f1_score(found.exact, found.first, found.exact, found.second)
            overlap = f1_score(
                found.first_overlapping, found.first, found.second_overlapping, found.second
            )
            pairs.append(PairAgreement(pair, documents, exact, overlap, cohen_kappa(confusion)))
        documents = counts.documents if label is not None else self.documents
        return LabelAgreement(label, documents, counts.spans, coincidences.alpha(), tuple(pairs))

    def _fact_row(self, fact_type: str | None) -> FactAgreement:
        by_pair = self._facts.get(fact_type, {})
        pairs = []
        for pair, documents in sorted(self._pair_documents.items()):
            c = by_pair.get(pair, _FactPair())
            f1 = f1_score(c.first_matched, c.first, c.second_matched, c.second)
            matched, total = c.first_matched + c.second_matched, c.first + c.second
            pairs.append(FactPairAgreement(pair, documents, matched, total, f1))
        return FactAgreement(fact_type, self._slots[fact_type], tuple(pairs))


def _span_key(span: SpanRecord) -> SpanKey:
    return (span.layer, span.start, span.end, span.label)


def _slot_key(fact: FactRecord, slot: SlotRecord) -> SlotKey:
    return (fact.type, slot.role, slot.layer, slot.start, slot.end, slot.value)


def _ordered(used: Iterable[str], order: Sequence[str]) -> list[str]:
    used_set = set(used)
    return [n for n in order if n in used_set] + sorted(used_set - set(order))
