"""Prodigy JSONL (``ner.manual``, ``spans.manual`` and the like, from ``db-out``).

Only examples answered ``accept`` become labels; ``reject`` and ``ignore`` (and examples
never answered) are counted as notes. The document id is ``meta.id`` where the example
has one, else its ``_input_hash``: two annotators' versions of one text share that hash,
so they land in one document, each span under its ``_annotator_id`` (or ``_session_id``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.core.interop.common import Item, Note, iter_json_lines, raw_span, text_id
from app.core.sources import RecordSource, Refusal


def looks_like_prodigy(first: dict[str, Any]) -> bool:
    """True for a Prodigy example: hashes, an answer, or tokens beside the text."""
    keys = first.keys()
    return "text" in keys and bool({"_input_hash", "_task_hash", "answer", "tokens"} & keys)


def read_prodigy(path: Path) -> Iterator[Item]:
    """Each accepted example of ``path`` as a record source; notes for the others."""
    for origin, example in iter_json_lines(path):
        if isinstance(example, Refusal):
            yield example
            continue
        answer = example.get("answer")
        if answer != "accept":
            yield Note(origin, f"Prodigy examples skipped: answer {answer or 'missing'}")
            continue
        yield from _record(example, origin)


def _record(example: dict[str, Any], origin: str) -> Iterator[Item]:
    text = example.get("text")
    if not isinstance(text, str):
        yield Refusal(origin, "example has no 'text'")
        return
    meta: dict[str, Any] = example["meta"] if isinstance(example.get("meta"), dict) else {}
    doc_id = text_id(meta.get("id")) or text_id(example.get("_input_hash"))
    if doc_id is None:
        yield Refusal(origin, "example has neither 'meta.id' nor '_input_hash'")
        return
    who = text_id(example.get("_annotator_id")) or text_id(example.get("_session_id"))
    spans = []
    for span in example.get("spans") or []:
        if isinstance(span, dict):
            entry = raw_span(span.get("start"), span.get("end"), span.get("label"), who)
            if isinstance(span.get("text"), str):
                entry["text"] = span["text"]
            spans.append(entry)
    record: dict[str, Any] = {"id": doc_id, "raw_text": text, "spans": spans}
    if who is not None:
        record["status"] = [{"annotator": who, "status": "done"}]
    if isinstance(meta.get("url"), str):
        record["url"] = meta["url"]
    yield RecordSource(record, origin)
