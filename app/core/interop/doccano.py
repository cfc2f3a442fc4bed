"""doccano JSONL exports of sequence labelling projects.

Spans come from ``label`` (or ``labels``) as ``[start, end, label]`` triples, or from
``entities`` as ``{start_offset, end_offset, label}`` objects. An integer id becomes text.
Labels that are not spans (a document class such as ``"positive"``) are counted as notes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.core.interop.common import Item, Note, iter_json_lines, raw_span, text_id
from app.core.sources import RecordSource, Refusal

NOT_A_SPAN = "doccano labels skipped: not a [start, end, label] span"


def looks_like_doccano(first: dict[str, Any]) -> bool:
    """True for a doccano line: ``text`` with ``label``/``labels``/``entities``, no raw text."""
    keys = first.keys()
    native = "raw_text" in keys or "raw_html" in keys
    return "text" in keys and not native and bool({"label", "labels", "entities"} & keys)


def read_doccano(path: Path) -> Iterator[Item]:
    """Each line of a doccano export as a record source."""
    for origin, line in iter_json_lines(path):
        if isinstance(line, Refusal):
            yield line
            continue
        doc_id, text = text_id(line.get("id")), line.get("text")
        if doc_id is None or not isinstance(text, str):
            yield Refusal(origin, "doccano line needs an 'id' and a 'text'")
            continue
        spans: list[dict[str, Any]] = []
        for entry in _label_entries(line):
            span = _span(entry)
            if span is None:
                yield Note(origin, NOT_A_SPAN)
            else:
                spans.append(span)
        record = {"id": doc_id, "raw_text": text, "spans": spans}
        yield RecordSource(record, origin)


def _label_entries(line: dict[str, Any]) -> list[Any]:
    entries: list[Any] = []
    for key in ("label", "labels", "entities"):
        value = line.get(key)
        if isinstance(value, list):
            entries.extend(value)
    return entries


def _span(entry: Any) -> dict[str, Any] | None:
    if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], str):
        return raw_span(entry[0], entry[1], entry[2], None)
    if isinstance(entry, dict) and "start_offset" in entry:
        who = text_id(entry.get("user"))
        return raw_span(entry.get("start_offset"), entry.get("end_offset"), entry.get("label"), who)
    return None
