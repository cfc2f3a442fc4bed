"""Which reader a file needs, by extension and content, and the import-wide reading state.

``.warc``/``.warc.gz`` are WARC; ``.json`` is a Label Studio export; a ``.jsonl`` file's
first record decides between Prodigy, doccano, Thresher's ``spans`` export and Thresher's
own records. Every record then passes through ``with_canonical_offsets``.

The importer walks its sources more than once (to count them, to learn repeated lines,
to import), through ``app.core.sources`` whose signature knows nothing of readers; the
reading options and the notes of the counting walk therefore live here, set by the
command for the length of one import.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.interop.common import Item, Note, first_object
from app.core.interop.doccano import looks_like_doccano, read_doccano
from app.core.interop.labelstudio import read_labelstudio
from app.core.interop.offsets import with_canonical_offsets
from app.core.interop.prodigy import looks_like_prodigy, read_prodigy
from app.core.interop.spans_export import looks_like_spans_export, read_spans_export
from app.core.interop.warc import is_warc, read_warc
from app.core.sources import RecordSource, Refusal, Source, iter_jsonl

LABEL_STUDIO_SUFFIX = ".json"
JSONL_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class ReadOptions:
    """What the user told the readers (``--text-field``)."""

    text_field: str | None = None


@dataclass
class Survey:
    """What the counting walk saw: notes by kind, and every span label."""

    notes: Counter[str] = field(default_factory=Counter)
    labels: set[str] = field(default_factory=set)


_state: dict[str, Any] = {"options": ReadOptions(), "survey": None}


def set_read_options(options: ReadOptions) -> None:
    """Use ``options`` for every file read from now on (a command sets them once)."""
    _state["options"] = options


@contextmanager
def surveying() -> Iterator[Survey]:
    """Collect the notes and labels of the files read inside the block."""
    survey = Survey()
    _state["survey"] = survey
    try:
        yield survey
    finally:
        _state["survey"] = None


def handles(path: Path) -> bool:
    """True for files these readers take: WARC, Label Studio JSON, any JSONL."""
    suffix = path.suffix.lower()
    return is_warc(path) or suffix in (LABEL_STUDIO_SUFFIX, JSONL_SUFFIX)


def read_file(path: Path, *, decode: bool = True) -> Iterator[Source | Refusal]:
    """The documents and refusals of one file; its notes go to the active survey.

    With ``decode`` false, WARC payloads are not decoded (for counting).
    """
    survey: Survey | None = _state["survey"]
    for item in _items(path, decode=decode):
        if isinstance(item, Note):
            if survey is not None:
                survey.notes[item.kind] += 1
            continue
        if survey is not None and isinstance(item, RecordSource):
            survey.labels.update(_labels(item.record))
        yield item


def count_file(path: Path) -> int:
    """How many documents and refusals ``path`` gives (notes are not counted)."""
    return sum(1 for _ in read_file(path, decode=False))


def _items(path: Path, *, decode: bool) -> Iterator[Item]:
    if is_warc(path):
        yield from read_warc(path, decode=decode)
        return
    for item in _annotation_items(path):
        if isinstance(item, RecordSource):
            yield from with_canonical_offsets(item.record, item.origin)
        else:
            yield item


def _annotation_items(path: Path) -> Iterator[Item]:
    if path.suffix.lower() == LABEL_STUDIO_SUFFIX:
        yield from read_labelstudio(path, _state["options"].text_field)
        return
    first = first_object(path)
    if first is not None and looks_like_spans_export(first):
        yield from read_spans_export(path)
    elif first is not None and looks_like_prodigy(first):
        yield from read_prodigy(path)
    elif first is not None and looks_like_doccano(first):
        yield from read_doccano(path)
    else:
        yield from iter_jsonl(path)


def _labels(record: dict[str, Any]) -> set[str]:
    spans = record.get("spans")
    if not isinstance(spans, list):
        return set()
    return {s["label"] for s in spans if isinstance(s, dict) and isinstance(s.get("label"), str)}
