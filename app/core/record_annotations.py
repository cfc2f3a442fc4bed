"""Spans, facts and statuses that a JSONL record brings along, checked against its texts.

The record shape is the one ``thresher show`` prints and ``thresher export`` writes.
A span without an annotator takes the importing annotator; one without an id gets an id
derived from its content, so importing the same record twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.document import (
    LAYERS,
    STATUSES,
    FactRecord,
    SlotRecord,
    SpanRecord,
    StatusRecord,
    derived_id,
)


class AnnotationError(ValueError):
    """An annotation in a record is malformed; the message names which one."""


@dataclass(frozen=True)
class _Context:
    """What every annotation of one record is checked against."""

    doc_id: str
    texts: dict[str, str]
    annotator: str
    now: str


Annotations = tuple[tuple[SpanRecord, ...], tuple[FactRecord, ...], tuple[StatusRecord, ...]]


def record_annotations(
    record: dict[str, Any], raw: str, clean: str, annotator: str, now: str
) -> Annotations:
    """Parse and check the ``spans``, ``facts`` and ``status`` of ``record``."""
    context = _Context(str(record.get("id", "")), {"raw": raw, "clean": clean}, annotator, now)
    spans = tuple(
        _span(entry, f"span {i + 1}", context) for i, entry in enumerate(_entries(record, "spans"))
    )
    facts = tuple(
        _fact(entry, f"fact {i + 1}", context) for i, entry in enumerate(_entries(record, "facts"))
    )
    statuses = tuple(
        _status(entry, f"status {i + 1}", annotator, now)
        for i, entry in enumerate(_entries(record, "status"))
    )
    return spans, facts, statuses


def _entries(record: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise AnnotationError(f"'{key}' must be a list of objects")
    return value


def _span(entry: dict[str, Any], where: str, context: _Context) -> SpanRecord:
    layer, start, end, text = _evidence(entry, where, context.texts, required=True)
    assert layer is not None and start is not None and end is not None and text is not None
    label = _string(entry, "label", where)
    who = _string(entry, "annotator", where, default=context.annotator)
    span_id = _string(
        entry, "id", where, default=derived_id(context.doc_id, layer, start, end, label, who)
    )
    created = _string(entry, "created", where, default=context.now)
    return SpanRecord(
        id=span_id,
        layer=layer,
        start=start,
        end=end,
        label=label,
        text=text,
        annotator=who,
        created=created,
        updated=_string(entry, "updated", where, default=created),
        deleted=bool(entry.get("deleted", False)),
    )


def _fact(entry: dict[str, Any], where: str, context: _Context) -> FactRecord:
    fact_type = _string(entry, "type", where)
    who = _string(entry, "annotator", where, default=context.annotator)
    raw_slots = _entries(entry, "slots")
    fact_id = _string(
        entry, "id", where, default=derived_id(context.doc_id, fact_type, who, repr(raw_slots))
    )
    slots = tuple(
        _slot(slot, f"{where} slot {i + 1}", fact_id, i, context.texts)
        for i, slot in enumerate(raw_slots)
    )
    created = _string(entry, "created", where, default=context.now)
    return FactRecord(
        id=fact_id,
        type=fact_type,
        annotator=who,
        created=created,
        updated=_string(entry, "updated", where, default=created),
        slots=slots,
        deleted=bool(entry.get("deleted", False)),
    )


def _slot(
    entry: dict[str, Any], where: str, fact_id: str, index: int, texts: dict[str, str]
) -> SlotRecord:
    role = _string(entry, "role", where)
    layer, start, end, text = _evidence(entry, where, texts, required=False)
    value = entry.get("value")
    return SlotRecord(
        id=_string(entry, "id", where, default=derived_id(fact_id, role, index)),
        role=role,
        layer=layer,
        start=start,
        end=end,
        text=text,
        value=None if value is None else str(value),
    )


def _status(entry: dict[str, Any], where: str, annotator: str, now: str) -> StatusRecord:
    status = _string(entry, "status", where)
    if status not in STATUSES:
        raise AnnotationError(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
    created = _string(entry, "created", where, default=now)
    return StatusRecord(
        annotator=_string(entry, "annotator", where, default=annotator),
        status=status,
        note=_string(entry, "note", where, default=""),
        created=created,
        updated=_string(entry, "updated", where, default=created),
    )


def _evidence(
    entry: dict[str, Any], where: str, texts: dict[str, str], *, required: bool
) -> tuple[str | None, int | None, int | None, str | None]:
    """Check ``layer``/``start``/``end`` and that ``text``, if given, is exactly the slice."""
    if not required and entry.get("layer") is None and entry.get("start") is None:
        return None, None, None, None
    layer = _string(entry, "layer", where, default="raw")
    if layer not in LAYERS:
        raise AnnotationError(f"{where}: layer {layer!r} is not 'raw' or 'clean'")
    start, end = entry.get("start"), entry.get("end")
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        raise AnnotationError(f"{where}: 'start' and 'end' must be whole numbers")
    length = len(texts[layer])
    if not 0 <= start < end <= length:
        raise AnnotationError(
            f"{where}: range {start}-{end} is outside the {layer} text (length {length})"
        )
    actual = texts[layer][start:end]
    given = entry.get("text")
    if given is not None and given != actual:
        raise AnnotationError(
            f"{where}: its text {given!r} is not the {layer} text at {start}-{end} ({actual!r})"
        )
    return layer, start, end, actual


def _string(entry: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = entry.get(key, default)
    if value is None:
        raise AnnotationError(f"{where}: missing '{key}'")
    if not isinstance(value, str):
        raise AnnotationError(f"{where}: '{key}' must be a string")
    return value
