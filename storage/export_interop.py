"""``labelstudio`` and ``prodigy`` exports: a layer's raw spans back to where a team came from.

``labelstudio`` writes one JSON list of Label Studio tasks, the layer's spans as
``predictions`` (one per annotator, ``model_version`` ``thresher:NAME``), so the team can
review them in Label Studio and Thresher can read them back. ``prodigy`` writes Prodigy
JSONL, one accepted example per document and annotator, with whitespace-and-punctuation
``tokens`` and ``token_start``/``token_end`` on spans that fall on token boundaries. Both
carry the raw text and raw-layer spans only; offsets are code points.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Row = dict[str, Any]
LABEL_STUDIO_FROM = "label"
LABEL_STUDIO_TO = "text"
THRESHER_MODEL = "thresher:"
# Prodigy-style tokens: runs of letters and digits, and each other non-space character.
_TOKEN = re.compile(r"\w+|[^\w\s]")


def labelstudio_rows(record: Row) -> Iterator[Row]:
    """One Label Studio task: the raw text as ``data.text``, spans as predictions."""
    data = {"text": record["raw_text"], "id": record["id"]}
    if record.get("url"):
        data["url"] = record["url"]
    predictions = [
        {
            "model_version": THRESHER_MODEL + annotator,
            "result": [_region(span) for span in spans],
        }
        for annotator, spans in _raw_spans_by_annotator(record)
    ]
    yield {"data": data, "predictions": predictions}


def _region(span: Row) -> Row:
    return {
        "id": span["id"],
        "from_name": LABEL_STUDIO_FROM,
        "to_name": LABEL_STUDIO_TO,
        "type": "labels",
        "value": {
            "start": span["start"],
            "end": span["end"],
            "text": span["text"],
            "labels": [span["label"]],
        },
    }


def prodigy_rows(record: Row) -> Iterator[Row]:
    """One accepted Prodigy example per annotator of the document's raw spans."""
    text = record["raw_text"]
    tokens = prodigy_tokens(text)
    starts = {token["start"]: token["id"] for token in tokens}
    ends = {token["end"]: token["id"] for token in tokens}
    input_hash = _hash32(text)
    groups = _raw_spans_by_annotator(record) or [("", [])]
    for annotator, spans in groups:
        entries = [_prodigy_span(span, starts, ends) for span in spans]
        example: Row = {
            "text": text,
            "meta": {"id": record["id"], "url": record.get("url")},
            "_input_hash": input_hash,
            "_task_hash": _hash32(json.dumps([input_hash, annotator, entries])),
            "tokens": tokens,
            "spans": entries,
            "answer": "accept",
            "_view_id": "ner_manual",
        }
        if annotator:
            example["_annotator_id"] = example["_session_id"] = annotator
        yield example


def prodigy_tokens(text: str) -> list[Row]:
    """``{text, start, end, id, ws}`` for each token; ``ws``: whitespace follows it."""
    return [
        {
            "text": match.group(),
            "start": match.start(),
            "end": match.end(),
            "id": number,
            "ws": text[match.end() : match.end() + 1].isspace(),
        }
        for number, match in enumerate(_TOKEN.finditer(text))
    ]


def _prodigy_span(span: Row, starts: dict[int, int], ends: dict[int, int]) -> Row:
    entry: Row = {"start": span["start"], "end": span["end"], "label": span["label"]}
    first, last = starts.get(span["start"]), ends.get(span["end"])
    if first is not None and last is not None:
        entry["token_start"], entry["token_end"] = first, last  # Prodigy's end is inclusive
    return entry


def _raw_spans_by_annotator(record: Row) -> list[tuple[str, list[Row]]]:
    groups: dict[str, list[Row]] = {}
    for span in record["spans"]:
        if span["layer"] == "raw":
            groups.setdefault(span["annotator"], []).append(span)
    return sorted(groups.items())


def _hash32(text: str) -> int:
    """A signed 32-bit number from SHA-256, the range of Prodigy's own hashes."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big", signed=True)


class JsonArray:
    """One JSON list, written element by element (Label Studio imports a list of tasks)."""

    def __init__(self, path: Path) -> None:
        self._stream = path.open("w", encoding="utf-8", newline="\n")
        self._empty = True

    def write(self, row: Row) -> None:
        self._stream.write("[\n" if self._empty else ",\n")
        self._stream.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
        self._empty = False

    def close(self) -> None:
        self._stream.write("[]\n" if self._empty else "\n]\n")
        self._stream.close()
