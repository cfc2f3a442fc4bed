"""Adjudication: what the annotators of one document agree on, and what a lead must decide.

Pure Python over span and fact records (no Qt, no SQLite), so the command line and the
window classify a document the same way and the rules are tested on their own.

Identical labels are grouped into *items*: spans are identical when layer, start, end and
label are equal; facts when their type and every slot (role, layer, start, end, value)
are. An item's *supporters* are the annotators who made it. With ``n`` annotators of the
document (those who marked it done or labelled anything on it; never ``gold``):

- *unanimous*: all ``n`` have it;
- *majority*: more than ``n / 2`` have it and no overlapping rival is backed as strongly
  by someone else (two 2-of-3 spans over the same words with different labels are a
  disagreement, not two majorities);
- *disagreement*: everything else, including a span only some annotators have and
  overlapping spans with other ranges or labels.

An item is *settled* once the gold layer answers it: gold holds it; or gold holds another
answer over the same text (a rival version the lead picked, the lead's own label, or an
agreed item that outvoted it); or gold marked the document done (what gold does not hold
was then rejected). A disagreement with no gold answer is *open*: what the lead has left.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import TypeVar

from app.core.document import RESERVED_ANNOTATORS, FactRecord, SpanRecord

GOLD = "gold"

# (layer, start, end): a piece of text an item covers.
Extent = tuple[str, int, int]
SpanKey = tuple[str, int, int, str]
SlotKey = tuple[str, str | None, int | None, int | None, str | None]
FactKey = tuple[str, tuple[SlotKey, ...]]


class Level(IntEnum):
    """How much the annotators agree on an item; higher is stronger."""

    DISAGREEMENT = 0
    MAJORITY = 1
    UNANIMOUS = 2

    @property
    def word(self) -> str:
        """The level as the command line and the window name it."""
        return self.name.lower()


def is_reserved_annotator(name: str) -> bool:
    """True for names no annotator may take (``gold``, in any case, with any spaces).

    Case and spaces are ignored because a person who types "Gold" means the same thing,
    and a second gold-looking layer would be mistaken for the adjudicated one.
    """
    return name.strip().casefold() in RESERVED_ANNOTATORS


class _Backed:
    """What span and fact items share: who backs them, with the id of each one's record."""

    supporters: tuple[tuple[str, str], ...]

    @property
    def annotators(self) -> frozenset[str]:
        """Who made this item."""
        return frozenset(name for name, _ in self.supporters)

    def record_id(self, annotator: str) -> str | None:
        """The id of ``annotator``'s record of this item (None when they have none)."""
        return next((rid for name, rid in self.supporters if name == annotator), None)


@dataclass(frozen=True)
class SpanItem(_Backed):
    """One span as some annotators labelled it: ``(annotator, span id)`` per supporter."""

    key: SpanKey
    supporters: tuple[tuple[str, str], ...]
    level: Level = Level.DISAGREEMENT

    @property
    def extents(self) -> tuple[Extent, ...]:
        """The text this item covers."""
        layer, start, end, _ = self.key
        return ((layer, start, end),)


@dataclass(frozen=True)
class FactItem(_Backed):
    """One fact as some annotators recorded it: ``(annotator, fact id)`` per supporter."""

    key: FactKey
    supporters: tuple[tuple[str, str], ...]
    level: Level = Level.DISAGREEMENT

    @property
    def extents(self) -> tuple[Extent, ...]:
        """The evidence of its slots."""
        return tuple(
            (layer, start, end)
            for _, layer, start, end, _ in self.key[1]
            if layer is not None and start is not None and end is not None
        )


Item = SpanItem | FactItem
AnyItem = TypeVar("AnyItem", SpanItem, FactItem)


def span_key(span: SpanRecord) -> SpanKey:
    """What makes two spans the same span."""
    return (span.layer, span.start, span.end, span.label)


def fact_key(fact: FactRecord) -> FactKey:
    """What makes two facts the same fact: the type and every slot (in role order)."""
    # repr as the sort key: evidence-less slots hold None, which does not compare with str.
    slots = sorted(((s.role, s.layer, s.start, s.end, s.value) for s in fact.slots), key=repr)
    return (fact.type, tuple(slots))


@dataclass(frozen=True)
class DocumentAdjudication:
    """One document's items, classified, and what gold has settled of them."""

    annotators: frozenset[str]
    spans: tuple[SpanItem, ...]
    facts: tuple[FactItem, ...]
    settled: frozenset[Item]

    @property
    def items(self) -> tuple[Item, ...]:
        """Spans, then facts."""
        return (*self.spans, *self.facts)

    def agreed(self, level: Level) -> list[Item]:
        """Items at ``level`` or stronger (``MAJORITY`` includes unanimous ones)."""
        return [item for item in self.items if item.level >= level > Level.DISAGREEMENT]

    def open_items(self, level: Level = Level.DISAGREEMENT) -> list[Item]:
        """Items gold has not settled, at ``level`` (default: the disagreements)."""
        return [i for i in self.items if i.level == level and i not in self.settled]


def adjudicate(
    spans: Iterable[SpanRecord],
    facts: Iterable[FactRecord],
    annotators: Collection[str],
    *,
    gold_spans: Sequence[SpanRecord] = (),
    gold_facts: Sequence[FactRecord] = (),
    gold_done: bool = False,
) -> DocumentAdjudication:
    """Classify a document's live labels and mark what gold has settled.

    ``annotators`` are those who labelled the document (status done, or any span or fact);
    the authors of ``spans`` and ``facts`` count too, and ``gold`` never does.
    """
    spans = [s for s in spans if not is_reserved_annotator(s.annotator)]
    facts = [f for f in facts if not is_reserved_annotator(f.annotator)]
    who = {a for a in annotators if not is_reserved_annotator(a)}
    who |= {s.annotator for s in spans} | {f.annotator for f in facts}
    span_items = _classified(_span_items(spans), len(who))
    fact_items = _classified(_fact_items(facts), len(who))
    settled: set[Item] = set()
    if gold_done:
        settled.update(span_items, fact_items)
    else:
        settled.update(_settled(span_items, _span_items(gold_spans)))
        settled.update(_settled(fact_items, _fact_items(gold_facts)))
    return DocumentAdjudication(
        frozenset(who), tuple(span_items), tuple(fact_items), frozenset(settled)
    )


def _span_items(spans: Iterable[SpanRecord]) -> list[SpanItem]:
    groups: dict[SpanKey, dict[str, str]] = {}
    for span in spans:
        # One supporter per annotator: the same span twice by one person is one vote.
        groups.setdefault(span_key(span), {}).setdefault(span.annotator, span.id)
    return [SpanItem(key, tuple(sorted(backers.items()))) for key, backers in groups.items()]


def _fact_items(facts: Iterable[FactRecord]) -> list[FactItem]:
    groups: dict[FactKey, dict[str, str]] = {}
    for fact in facts:
        groups.setdefault(fact_key(fact), {}).setdefault(fact.annotator, fact.id)
    return [FactItem(key, tuple(sorted(backers.items()))) for key, backers in groups.items()]


def _classified(items: Sequence[AnyItem], count: int) -> list[AnyItem]:
    """Give each item its level (see the module docstring), in text order."""
    classified = []
    for item in items:
        support = len(item.supporters)
        level = Level.DISAGREEMENT
        if count and support == count:
            level = Level.UNANIMOUS
        elif 2 * support > count and not _contested(item, items):
            level = Level.MAJORITY
        classified.append(replace(item, level=level))
    return sorted(classified, key=_order)


def _contested(item: Item, items: Sequence[Item]) -> bool:
    """True when an overlapping rival has as much support, some of it from others."""
    return any(
        other.key != item.key
        and rivals(item, other)
        and len(other.supporters) >= len(item.supporters)
        and not other.annotators <= item.annotators
        for other in items
    )


def rivals(item: Item, other: Item) -> bool:
    """True for two items about the same text: overlapping spans, or same-type facts
    sharing evidence (two facts of different types over one sentence are both right)."""
    if isinstance(item, SpanItem) != isinstance(other, SpanItem):
        return False
    if isinstance(item, FactItem) and isinstance(other, FactItem) and item.key[0] != other.key[0]:
        return False
    return any(
        a_layer == b_layer and a_start < b_end and b_start < a_end
        for a_layer, a_start, a_end in item.extents
        for b_layer, b_start, b_end in other.extents
    )


def _settled(items: Sequence[AnyItem], gold: Sequence[AnyItem]) -> list[AnyItem]:
    """Items gold holds, or over whose text gold holds a decision (see ``_decides``)."""
    by_key = {item.key: item for item in items}
    gold_keys = {g.key for g in gold}
    return [
        item
        for item in items
        if item.key in gold_keys
        or any(_decides(by_key.get(g.key, g), item) for g in gold if g.key != item.key)
    ]


def _decides(chosen: Item, item: Item) -> bool:
    """True when gold holding ``chosen`` answers ``item`` too.

    A rival version the lead picked, or a label of the lead's own, answers what it
    overlaps. A copy of an agreed item answers only the versions of those it outvoted: a
    unanimous comment block says nothing about an ad one annotator saw inside it (that
    annotator tagged the block too), but a 2-of-3 ad answers the third's other ad there.
    """
    if not rivals(chosen, item):
        return False
    if chosen.level == Level.DISAGREEMENT:
        return True
    return not chosen.annotators & item.annotators


def _order(item: Item) -> tuple[bool, int, int, str]:
    layer, start, end = (item.extents or (("", 0, 0),))[0]
    return (layer != "raw", start, end, repr(item.key))
