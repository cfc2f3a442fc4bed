"""What every reader shares: notes on skipped input, record ids and spans, JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.sources import RecordSource, Refusal


@dataclass(frozen=True)
class Note:
    """Something a reader left out on purpose (not a refusal): counted in the summary."""

    origin: str
    kind: str


Item = RecordSource | Refusal | Note


def text_id(value: Any) -> str | None:
    """An id as text: strings as they are, whole numbers written out; None otherwise."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def raw_span(start: Any, end: Any, label: Any, annotator: str | None) -> dict[str, Any]:
    """A raw-layer span entry in the record shape (checked later by the importer)."""
    span: dict[str, Any] = {"layer": "raw", "start": start, "end": end, "label": label}
    if annotator is not None:
        span["annotator"] = annotator
    return span


def iter_json_lines(path: Path) -> Iterator[tuple[str, dict[str, Any] | Refusal]]:
    """Each non-blank line of ``path`` as (origin, object), or a refusal naming the line."""
    try:
        stream = path.open("rb")
    except OSError as error:
        yield str(path), Refusal(str(path), f"cannot read: {error.strerror}")
        return
    with stream:
        for number, line in enumerate(stream, start=1):
            origin = f"{path}:{number}"
            if line.strip():
                yield origin, parse_object(line, origin)


def parse_object(line: bytes, origin: str) -> dict[str, Any] | Refusal:
    """One JSON object from a line of bytes, or a refusal saying what is wrong."""
    try:
        value = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return Refusal(origin, "line is not UTF-8")
    except json.JSONDecodeError as error:
        return Refusal(origin, f"not valid JSON ({error.msg} at column {error.colno})")
    if not isinstance(value, dict):
        return Refusal(origin, "a record must be a JSON object")
    return value


def first_object(path: Path) -> dict[str, Any] | None:
    """The first non-blank line of a JSONL file as an object, or None (for detection)."""
    try:
        with path.open("rb") as stream:
            for line in stream:
                if line.strip():
                    value = parse_object(line, "")
                    return value if isinstance(value, dict) else None
    except OSError:
        return None
    return None
