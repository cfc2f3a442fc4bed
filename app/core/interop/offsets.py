"""Spans in a record whose text is not canonical: moved to the canonical text, not refused.

A record made on Windows (``\\r\\n``), on macOS (decomposed Hangul) or with stray control
characters has offsets into *its* text. The importer stores the canonical text, so each
span and fact slot is mapped through ``canonical_map``; one whose boundary fell inside a
changed unit is widened to the unit, and one that covered only dropped characters is left
out; both are counted as notes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.core.canonical import is_canonical
from app.core.canonical_map import CanonicalMap, canonical_map
from app.core.interop.common import Item, Note
from app.core.sources import RecordSource, Refusal

WIDENED = "spans widened to a whole line end or character by canonicalisation"
DROPPED = "spans left out: they covered only control characters canonicalisation drops"


def with_canonical_offsets(record: dict[str, Any], origin: str) -> Iterator[Item]:
    """The record as a source, its texts canonical and its offsets mapped; with notes."""
    if not (record.get("spans") or record.get("facts")):
        yield RecordSource(record, origin)  # nothing to map: the importer canonicalises
        return
    texts = {
        layer: record[f"{layer}_text"]
        for layer in ("raw", "clean")
        if isinstance(record.get(f"{layer}_text"), str)
    }
    # canonicalize runs at C speed; the map is built only for texts it would change.
    changed = {
        layer: canonical_map(text) for layer, text in texts.items() if not is_canonical(text)
    }
    if not changed:
        yield RecordSource(record, origin)
        return
    counts = {"widened": 0, "dropped": 0}
    try:
        spans = _mapped_list(record.get("spans"), changed, counts, "span")
        facts = [_mapped_fact(fact, changed, counts) for fact in record.get("facts") or []]
    except ValueError as error:
        yield Refusal(origin, str(error))
        return
    mapped = dict(record, spans=spans, facts=facts)
    for layer, mapping in changed.items():
        mapped[f"{layer}_text"] = mapping.text
    for kind, count in ((WIDENED, counts["widened"]), (DROPPED, counts["dropped"])):
        yield from (Note(origin, kind) for _ in range(count))
    yield RecordSource(mapped, origin)


def _mapped_fact(fact: Any, maps: dict[str, CanonicalMap], counts: dict[str, int]) -> Any:
    if not isinstance(fact, dict) or not isinstance(fact.get("slots"), list):
        return fact  # malformed: the importer names what is wrong with it
    slots = _mapped_list(fact["slots"], maps, counts, "slot", keep_unplaced=True)
    return dict(fact, slots=slots)


def _mapped_list(
    entries: Any,
    maps: dict[str, CanonicalMap],
    counts: dict[str, int],
    what: str,
    *,
    keep_unplaced: bool = False,
) -> Any:
    if not isinstance(entries, list):
        return entries
    kept = []
    for number, entry in enumerate(entries, start=1):
        mapped = _mapped_entry(entry, maps, counts, f"{what} {number}")
        if mapped is not None:
            kept.append(mapped)
        elif keep_unplaced:
            kept.append({key: value for key, value in entry.items() if key not in _PLACE})
    return kept


_PLACE = ("layer", "start", "end", "text")


def _mapped_entry(
    entry: Any, maps: dict[str, CanonicalMap], counts: dict[str, int], where: str
) -> Any:
    """The entry with canonical offsets; None when it covered only dropped characters."""
    if not isinstance(entry, dict):
        return entry
    layer = entry.get("layer", "raw") if entry.get("start") is not None else None
    mapping = maps.get(layer) if isinstance(layer, str) else None
    start, end = entry.get("start"), entry.get("end")
    if mapping is None or not _valid(start, end, len(mapping.original)):
        return entry  # unchanged layer, or offsets the importer will refuse by name
    assert isinstance(start, int) and isinstance(end, int)  # _valid checked them
    given = entry.get("text")
    actual = mapping.original[start:end]
    if given is not None and given != actual:
        raise ValueError(
            f"{where}: its text {given!r} is not the {layer} text at {start}-{end} ({actual!r})"
        )
    span = mapping.span(start, end)
    if span is None:
        counts["dropped"] += 1
        return None
    counts["widened"] += span.widened
    return dict(entry, start=span.start, end=span.end, text=mapping.text[span.start : span.end])


def _valid(start: Any, end: Any, length: int) -> bool:
    whole = isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
    return whole and 0 <= start < end <= length
