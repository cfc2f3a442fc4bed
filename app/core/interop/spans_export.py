"""Thresher's own ``spans`` export read back: a document's raw line, then its clean line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.core.interop.common import Item, iter_json_lines
from app.core.sources import RecordSource, Refusal

SPAN_KEYS = ("id", "start", "end", "label", "text", "annotator")


def looks_like_spans_export(first: dict[str, Any]) -> bool:
    """True for a ``spans`` export line: id, layer, text and spans, no raw text."""
    return first.get("layer") in ("raw", "clean") and {"id", "text", "spans"} <= first.keys()


def read_spans_export(path: Path) -> Iterator[Item]:
    """Join each document's raw and clean lines into one record with both layers' spans."""
    current: dict[str, Any] | None = None
    current_origin = ""
    for origin, line in iter_json_lines(path):
        if isinstance(line, Refusal):
            yield line
            continue
        layer, doc_id, text = line.get("layer"), line.get("id"), line.get("text")
        if (
            layer not in ("raw", "clean")
            or not isinstance(doc_id, str)
            or not isinstance(text, str)
        ):
            yield Refusal(origin, "a spans line needs 'id', 'layer' (raw or clean) and 'text'")
            continue
        if current is not None and (current["id"] != doc_id or f"{layer}_text" in current):
            yield _complete(current, current_origin)
            current = None
        if current is None:
            current, current_origin = {"id": doc_id, "spans": []}, origin
        current[f"{layer}_text"] = text
        for span in line.get("spans") or []:
            if isinstance(span, dict):
                current["spans"].append(
                    {key: span[key] for key in SPAN_KEYS if key in span} | {"layer": layer}
                )
    if current is not None:
        yield _complete(current, current_origin)


def _complete(record: dict[str, Any], origin: str) -> Item:
    if "raw_text" not in record:
        return Refusal(origin, f"document {record['id']!r} has a clean line but no raw line")
    return RecordSource(record, origin)
