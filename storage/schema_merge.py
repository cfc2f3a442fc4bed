"""Merging the label schemas of several files: a union, refused when a name means two things.

A label's meaning is its description; a fact type's is its description and each slot's
value kind and description. Colours and order are presentation: the merged file takes, for
each name, the earliest position any input gives it (ties by name) and the colour that
sorts first, so the result never depends on the order of the inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.labelschema import FactType, Label, LabelSchema, Slot
from storage.errors import MergeRefused


def merge_schemas(schemas: Sequence[tuple[Path, LabelSchema]]) -> LabelSchema:
    """The union of ``schemas``.

    Raises:
        MergeRefused: a label, fact type or slot is defined with two meanings; the message
            shows both definitions and the files they come from.
    """
    clashes: list[str] = []
    labels = _merge_labels(schemas, clashes)
    fact_types = _merge_fact_types(schemas, clashes)
    if clashes:
        raise MergeRefused("the label schemas clash:\n  " + "\n  ".join(clashes))
    return LabelSchema(labels, fact_types)


def _merge_labels(
    schemas: Sequence[tuple[Path, LabelSchema]], clashes: list[str]
) -> tuple[Label, ...]:
    seen: dict[str, tuple[Label, Path, int]] = {}
    colors: dict[str, str] = {}
    for path, schema in schemas:
        for position, label in enumerate(schema.labels):
            earlier = seen.get(label.name)
            if earlier is not None and earlier[0].description != label.description:
                clashes.append(
                    f"label {label.name!r}: {earlier[1].name} says {earlier[0].description!r},"
                    f" {path.name} says {label.description!r}"
                )
            if earlier is None or position < earlier[2]:
                seen[label.name] = (label, path, position)
            colors[label.name] = min(colors.get(label.name, label.color), label.color)
    ordered = sorted(seen.values(), key=lambda entry: (entry[2], entry[0].name))
    return tuple(
        Label(label.name, colors[label.name], label.description) for label, _, _ in ordered
    )


def _merge_fact_types(
    schemas: Sequence[tuple[Path, LabelSchema]], clashes: list[str]
) -> tuple[FactType, ...]:
    types: dict[str, tuple[FactType, Path, int]] = {}
    slots: dict[str, dict[str, tuple[Slot, Path, int]]] = {}
    for path, schema in schemas:
        for position, fact_type in enumerate(schema.fact_types):
            earlier = types.get(fact_type.name)
            if earlier is not None and earlier[0].description != fact_type.description:
                clashes.append(
                    f"fact type {fact_type.name!r}: {earlier[1].name} says"
                    f" {earlier[0].description!r}, {path.name} says {fact_type.description!r}"
                )
            if earlier is None or position < earlier[2]:
                types[fact_type.name] = (fact_type, path, position)
            known = slots.setdefault(fact_type.name, {})
            for slot_position, slot in enumerate(fact_type.slots):
                _merge_slot(
                    fact_type.name, known, slot, path=path, position=slot_position, clashes=clashes
                )
    ordered = sorted(types.values(), key=lambda entry: (entry[2], entry[0].name))
    return tuple(
        FactType(
            fact_type.name,
            fact_type.description,
            tuple(
                slot
                for slot, _, _ in sorted(
                    slots[fact_type.name].values(), key=lambda entry: (entry[2], entry[0].name)
                )
            ),
        )
        for fact_type, _, _ in ordered
    )


def _merge_slot(
    fact_type: str,
    known: dict[str, tuple[Slot, Path, int]],
    slot: Slot,
    *,
    path: Path,
    position: int,
    clashes: list[str],
) -> None:
    earlier = known.get(slot.name)
    if earlier is not None and (earlier[0].value_kind, earlier[0].description) != (
        slot.value_kind,
        slot.description,
    ):
        clashes.append(
            f"slot {fact_type}.{slot.name}: {earlier[1].name} says"
            f" {earlier[0].value_kind} {earlier[0].description!r}, {path.name} says"
            f" {slot.value_kind} {slot.description!r}"
        )
    if earlier is None or position < earlier[2]:
        known[slot.name] = (slot, path, position)
