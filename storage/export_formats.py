"""The export formats: how a checked record becomes rows, and how rows reach a file.

Every format derives from the canonical record (``storage.export``): ``jsonl`` writes it
as it is, ``parquet`` as one table row, ``lines`` one row per non-blank raw line,
``spans`` one row per document and text layer, ``articles`` one entry of a single JSON
object. Writers write temporary files beside their outputs; ``Outputs`` renames them into
place when every record went in, and removes them when anything failed.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from storage.export_interop import JsonArray, labelstudio_rows, prodigy_rows
from storage.output_file import new_temporary

FORMATS = ("jsonl", "parquet", "lines", "spans", "articles", "hf", "labelstudio", "prodigy")
# One label per raw line, one article per document: they need a single layer.
ONE_ANSWER_FORMATS = ("lines", "articles")
KEEP = "keep"
SPAN_KEYS = ("id", "start", "end", "label", "text", "annotator")

Row = dict[str, Any]


class _Writer(Protocol):
    def write(self, row: Row) -> None: ...

    def close(self) -> None: ...


def line_label(raw_text: str, start: int, end: int, spam: list[tuple[int, int, str]]) -> str:
    """``keep``, or the spam label of a line ``raw_text[start:end]``.

    Only non-whitespace characters count. A line is spam when spam spans cover at least
    half of them; its label is the one covering the most of them (ties: the first name in
    alphabetical order). Overlapping spans of one label count each character once.
    """
    clipped = [(max(a, start), min(b, end), label) for a, b, label in spam if a < end and b > start]
    if not clipped:
        return KEEP
    solid = _solid(raw_text, [(start, end)])
    if _solid(raw_text, [(a, b) for a, b, _label in clipped]) * 2 < solid:
        return KEEP
    labels = sorted({label for _a, _b, label in clipped})
    counts = {
        label: _solid(raw_text, [(a, b) for a, b, x in clipped if x == label]) for label in labels
    }
    return min(labels, key=lambda label: -counts[label])


def _solid(text: str, ranges: Iterable[tuple[int, int]]) -> int:
    """Non-whitespace characters in the union of ``ranges``."""
    count, cursor = 0, 0
    for range_start, end in sorted(ranges):
        start = max(range_start, cursor)
        if start < end:
            piece = text[start:end]
            count += len(piece) - sum(1 for char in piece if char.isspace())
            cursor = end
    return count


def line_rows(record: Row) -> Iterator[Row]:
    """``lines``: one row per raw line with any non-whitespace character (numbered from 1)."""
    raw = record["raw_text"]
    spam = [(s["start"], s["end"], s["label"]) for s in record["spans"] if s["layer"] == "raw"]
    start = 0
    for number, line in enumerate(raw.split("\n"), start=1):
        end = start + len(line)
        if line.strip():
            yield {
                "doc_id": record["id"],
                "line_no": number,
                "start": start,
                "end": end,
                "text": line,
                "label": line_label(raw, start, end, spam),
            }
        start = end + 1


def span_rows(record: Row) -> Iterator[Row]:
    """``spans``: the raw and the clean text of a document, each with its spans."""
    for layer in ("raw", "clean"):
        yield {
            "id": record["id"],
            "layer": layer,
            "text": record[f"{layer}_text"],
            "spans": [
                {key: span[key] for key in SPAN_KEYS}
                for span in record["spans"]
                if span["layer"] == layer
            ],
        }


def article_rows(record: Row) -> Iterator[Row]:
    """``articles``: the gold clean text as the article body."""
    yield {"id": record["id"], "articleBody": record["gold_clean_text"], "url": record["url"]}


def _record_rows(record: Row) -> Iterator[Row]:
    yield record


ROWS: dict[str, Callable[[Row], Iterator[Row]]] = {
    "jsonl": _record_rows,
    "parquet": _record_rows,
    "lines": line_rows,
    "spans": span_rows,
    "articles": article_rows,
    "labelstudio": labelstudio_rows,
    "prodigy": prodigy_rows,
}


# Records hold no cycles, so the encoder's cycle check (an id() lookup per list and dict,
# some 60 per record) is skipped; one encoder object serves every row.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


class _JsonLines:
    def __init__(self, path: Path) -> None:
        self._stream = path.open("w", encoding="utf-8", newline="\n")

    def write(self, row: Row) -> None:
        self._stream.write(_encode(row) + "\n")

    def close(self) -> None:
        self._stream.close()


class _ArticleObject:
    """One JSON object ``{id: {articleBody, url}}``, written entry by entry."""

    def __init__(self, path: Path) -> None:
        self._stream = path.open("w", encoding="utf-8", newline="\n")
        self._empty = True

    def write(self, row: Row) -> None:
        entry = {"articleBody": row["articleBody"], "url": row["url"]}
        self._stream.write("{\n" if self._empty else ",\n")
        self._stream.write(f"{json.dumps(row['id'], ensure_ascii=False)}: ")
        self._stream.write(json.dumps(entry, ensure_ascii=False))
        self._empty = False

    def close(self) -> None:
        self._stream.write("{}\n" if self._empty else "\n}\n")
        self._stream.close()


def _writer(format_name: str, path: Path, temporary: Path) -> _Writer:
    parquet_table = {"parquet": "records", "lines": "lines"}.get(format_name)
    if parquet_table and (format_name == "parquet" or path.suffix.lower() == ".parquet"):
        # pyarrow takes a while to import: only Parquet exports pay for it.
        from storage.export_parquet import ParquetRows  # noqa: PLC0415 (pyarrow only for Parquet)

        return ParquetRows(temporary, parquet_table)
    if format_name == "articles":
        return _ArticleObject(temporary)
    if format_name == "labelstudio":
        return JsonArray(temporary)
    return _JsonLines(temporary)


class Outputs:
    """The output files of one export: written under temporary names, renamed when whole."""

    def __init__(self, format_name: str, paths: dict[str, Path]) -> None:
        self._format = format_name
        self._paths = paths
        self._rows = ROWS[format_name]
        self._temporary: dict[str, Path] = {}
        self._writers: dict[str, _Writer] = {}
        self.documents = dict.fromkeys(paths, 0)

    def __enter__(self) -> Outputs:
        try:
            for name, path in self._paths.items():
                temporary = new_temporary(path)  # and clean up after killed runs
                self._temporary[name] = temporary
                self._writers[name] = _writer(self._format, path, temporary)
        except BaseException:
            self._discard()
            raise
        return self

    def write(self, name: str, record: Row) -> None:
        writer = self._writers[name]
        for row in self._rows(record):
            writer.write(row)
        self.documents[name] += 1

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._discard()
            return
        try:
            for writer in self._writers.values():
                writer.close()
            for name, temporary in self._temporary.items():
                os.replace(temporary, self._paths[name])
        except BaseException:
            self._discard()  # no temporary left, whole or not
            raise

    def _discard(self) -> None:
        for writer in self._writers.values():
            with contextlib.suppress(OSError, ValueError):
                writer.close()
        for temporary in self._temporary.values():
            temporary.unlink(missing_ok=True)
