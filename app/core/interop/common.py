"""What every reader shares: notes on skipped input, record ids and spans, JSON lines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core import sources
from app.core.sources import RecordSource, Refusal, parse_object, read_lines


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
    """Each non-blank line of ``path`` as (origin, object), or a refusal naming the line.

    A line over the page limit is refused unread, as for Thresher's own JSONL records.
    """
    try:
        stream = path.open("rb")
    except OSError as error:
        yield str(path), Refusal(str(path), f"cannot read: {error.strerror}")
        return
    # Looked up per call, not imported: the limit is one setting shared with sources.
    limit = sources.MAX_PAGE_BYTES
    with stream:
        for number, line in read_lines(stream, limit):
            origin = f"{path}:{number}"
            if line is None:
                yield origin, Refusal(origin, f"record too large (the limit is {limit} bytes)")
            elif line.strip():
                yield origin, parse_object(line, origin)


def first_object(path: Path) -> dict[str, Any] | None:
    """The first non-blank line of a JSONL file as an object, or None (for detection).

    Lines over the page limit are passed over unheld (the reader refuses them by line
    number), so one huge first line neither fills memory nor hides the file's format.
    """
    try:
        with path.open("rb") as stream:
            for _number, line in read_lines(stream, sources.MAX_PAGE_BYTES):
                if line is not None and line.strip():
                    value = parse_object(line, "")
                    return value if isinstance(value, dict) else None
    except OSError:
        return None
    return None
