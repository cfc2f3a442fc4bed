"""Label Studio JSON exports, full (tasks with ``annotations[].result[]``) and JSON-MIN.

The text comes from the task's data field (``text``, or the one named with
``--text-field``); spans from ``labels`` regions' ``value.start/end/labels``; the
annotator from ``completed_by`` (its email where the export has it, else the number as
text). Cancelled (skipped) annotations, results that are not text spans, and model
predictions are counted as notes, not imported. Predictions that Thresher itself wrote
(``model_version`` ``thresher:NAME``) come back as NAME's spans, so an export round-trips.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.core import sources
from app.core.interop.common import Item, Note, raw_span, text_id
from app.core.sources import RecordSource, Refusal
from app.core.utf16 import Utf16Map

THRESHER_MODEL = "thresher:"
SPAN_TYPES = ("labels",)
# An export is parsed whole, so it is capped at four of the largest pages (256 MB): a
# 256 MB export of Korean pages peaks near 740 MB to read. Bigger ones come in parts.
EXPORT_LIMIT_PAGES = 4


def read_labelstudio(path: Path, text_field: str | None) -> Iterator[Item]:
    """Every task of a Label Studio JSON export as a record source, with notes."""
    try:
        data = _export_bytes(path)
        if isinstance(data, Refusal):
            yield data
            return
        tasks = json.loads(data.decode("utf-8"))
    except OSError as error:
        yield Refusal(str(path), f"cannot read: {error.strerror}")
        return
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        yield Refusal(str(path), f"not a Label Studio JSON export ({error})")
        return
    if isinstance(tasks, dict) and isinstance(tasks.get("data"), dict):
        tasks = [tasks]  # one task on its own
    if not isinstance(tasks, list):
        yield Refusal(str(path), "not a Label Studio JSON export (a list of tasks)")
        return
    for number, task in enumerate(tasks, start=1):
        origin = f"{path}:task {number}"
        if not isinstance(task, dict):
            yield Refusal(origin, "a task must be a JSON object")
        elif isinstance(task.get("data"), dict):
            yield from _full_task(task, origin, text_field)
        else:
            yield from _min_task(task, origin, text_field)


def _export_bytes(path: Path) -> bytes | Refusal:
    """The whole export, or a refusal when it is over the cap (then left unread)."""
    limit = EXPORT_LIMIT_PAGES * sources.MAX_PAGE_BYTES
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        # Bounded even after the size check: a pipe or a growing file has no true size.
        data = b"" if size > limit else stream.read(limit + 1)
    if size > limit or len(data) > limit:
        reason = f"too large for a Label Studio export (over {limit} bytes): export it in parts"
        return Refusal(str(path), reason)
    return data


def _full_task(task: dict[str, Any], origin: str, text_field: str | None) -> Iterator[Item]:
    data = task["data"]
    text = _text(data, text_field)
    if isinstance(text, Refusal):
        yield Refusal(origin, text.reason)
        return
    doc_id = text_id(data.get("id")) or text_id(task.get("id"))
    if doc_id is None:
        yield Refusal(origin, "task has no 'id' (in 'data' or on the task)")
        return
    record: dict[str, Any] = {"id": doc_id, "raw_text": text, "spans": [], "status": []}
    if isinstance(data.get("url"), str):
        record["url"] = data["url"]
    for annotation in _objects(task.get("annotations")):
        if annotation.get("was_cancelled"):
            yield Note(origin, "Label Studio annotations skipped: cancelled")
            continue
        who = annotator_name(annotation.get("completed_by"))
        yield from _results(annotation.get("result"), text, who, record, origin)
        if who is not None:
            record["status"].append({"annotator": who, "status": "done"})
    for prediction in _objects(task.get("predictions")):
        version = str(prediction.get("model_version") or "")
        if version.startswith(THRESHER_MODEL):
            who = version.removeprefix(THRESHER_MODEL) or None
            yield from _results(prediction.get("result"), text, who, record, origin)
        else:
            yield Note(origin, "Label Studio predictions skipped: model output, not labels")
    yield RecordSource(record, origin)


def _min_task(task: dict[str, Any], origin: str, text_field: str | None) -> Iterator[Item]:
    text = _text(task, text_field, flat=True)
    if isinstance(text, Refusal):
        yield Refusal(origin, text.reason)
        return
    doc_id = text_id(task.get("id"))
    if doc_id is None:
        yield Refusal(origin, "task has no 'id'")
        return
    who = annotator_name(task.get("annotator"))
    record: dict[str, Any] = {"id": doc_id, "raw_text": text, "spans": []}
    for value in task.values():
        regions = _objects(value) if isinstance(value, list) else []
        if regions and all("start" in r and "labels" in r for r in regions):
            for region in regions:
                record["spans"].extend(_spans(region, text, who))
    yield RecordSource(record, origin)


def _results(
    results: Any, text: str, who: str | None, record: dict[str, Any], origin: str
) -> Iterator[Note]:
    for result in _objects(results):
        kind = str(result.get("type", "?"))
        value = result.get("value")
        if kind not in SPAN_TYPES or not isinstance(value, dict):
            yield Note(origin, f"Label Studio results skipped: not a text span ({kind})")
            continue
        record["spans"].extend(_spans(value, text, who))


def _spans(value: dict[str, Any], text: str, who: str | None) -> list[dict[str, Any]]:
    """One span per label of a region; offsets from UTF-16 when only they fit its text."""
    start, end = value.get("start"), value.get("end")
    given = value.get("text")
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and isinstance(given, str)
        and text[start:end] != given
    ):
        # Browsers count UTF-16 units: an emoji before the region shifts it by one.
        units = Utf16Map(text)
        start16, end16 = units.to_code_point(start), units.to_code_point(end)
        if text[start16:end16] == given:
            start, end = start16, end16
    labels = value.get("labels")
    spans = []
    for label in labels if isinstance(labels, list) else [labels]:
        span = raw_span(start, end, label, who)
        if isinstance(given, str):
            span["text"] = given
        spans.append(span)
    return spans


def annotator_name(value: Any) -> str | None:
    """``completed_by`` as a name: an email, or a user number written out."""
    if isinstance(value, dict):
        return text_id(value.get("email")) or text_id(value.get("id"))
    return text_id(value)


def _text(data: dict[str, Any], field: str | None, *, flat: bool = False) -> str | Refusal:
    if field is not None:
        value = data.get(field)
        if not isinstance(value, str):
            return Refusal("", f"no text field {field!r} in the task")
        return value
    if isinstance(data.get("text"), str):
        return str(data["text"])
    strings = [key for key, value in data.items() if isinstance(value, str)]
    if not flat and len(strings) == 1:
        return str(data[strings[0]])
    return Refusal(
        "", f"which field holds the text? name it with --text-field ({', '.join(strings)})"
    )


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
