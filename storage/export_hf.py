"""Dataset folders: Parquet shards or JSONL splits plus a ``README.md`` dataset card.

``export --format hf -o DIR`` (and a ``jsonl`` or ``parquet`` export into a folder) writes
what Hugging Face ``datasets.load_dataset(DIR)`` loads as it is, and Spark or Dask read
shard by shard::

    DIR/README.md                          the card: YAML features, splits, what gold is
    DIR/data/train-00000-of-00002.parquet  records, at most a set size per shard
    DIR/data/train.jsonl                   (a jsonl export: one file per split)

Every split has the one schema of ``HF_RECORDS`` and the card declares it, so an empty
list or a null in one split is typed by the card instead of guessed from that split (the
guess is what makes ``datasets`` fail with "Couldn't cast ... to null"). The folder is
written under a hidden temporary name beside ``DIR`` (``.DIR.HOST.PID.part``, see
``storage.output_file``) and renamed into place when whole; the next export of ``DIR``
removes what a killed one left. A folder holding anything but an earlier export of ours is
never overwritten.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from app import __version__
from storage.export import (
    ExportOptions,
    ExportRefused,
    ExportSummary,
    Progress,
    iter_records,
    split_of,
)
from storage.export_parquet import RECORDS
from storage.output_file import stale_temporaries, temporary_path, unusable

# The record schema of every dataset folder: the Parquet one, whose gold state only
# --include-unfinished exports fill (null otherwise).
HF_RECORDS = RECORDS
CARD = "README.md"
# The card says this, so a second export may replace a folder the first one wrote.
MARK = "<!-- written by thresher export -->"
DEFAULT_SHARD_BYTES = 256 * 1024 * 1024
_TEXT_FIELDS = ("raw_text", "clean_text", "gold_clean_text", "title", "url")


class FolderRefused(ValueError):
    """The folder cannot take the export (it holds other files); nothing was written."""


@dataclass
class FolderSummary:
    """What a folder export wrote: documents per split, shard files, spans, labels."""

    documents: dict[str, int] = field(default_factory=dict)
    shards: dict[str, list[Path]] = field(default_factory=dict)
    spans: int = 0
    label_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CardFacts:
    """What the card states besides the counts."""

    layer: str
    labels: tuple[str, ...]
    include_unfinished: bool
    source_name: str


def check_folder(folder: Path) -> None:
    """Refuse a folder that exists and holds anything but an earlier export of ours."""
    if folder.exists() and not folder.is_dir():
        raise FolderRefused(f"{folder} is a file; a dataset export writes a folder")
    if folder.is_dir() and any(folder.iterdir()) and not _ours(folder):
        raise FolderRefused(
            f"{folder} is a folder with other files in it; export into a new or empty folder"
        )


def _ours(folder: Path) -> bool:
    card = folder / CARD
    try:
        return MARK in card.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def write_folder(
    folder: Path,
    named_records: Iterable[tuple[str, dict[str, Any]]],
    split_names: list[str],
    file_format: str,
    facts: CardFacts,
    *,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
) -> FolderSummary:
    """Write ``(split, record)`` pairs into ``folder`` as a dataset; return what went in."""
    check_folder(folder)
    temporary = _new_folder(folder)
    try:
        summary = _write_data(temporary, named_records, split_names, file_format, shard_bytes)
        card = dataset_card(summary, file_format, facts)
        (temporary / CARD).write_text(card, encoding="utf-8", newline="\n")
        _replace(temporary, folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    summary.shards = {
        name: [folder / path.relative_to(temporary) for path in paths]
        for name, paths in summary.shards.items()
    }
    return summary


def _new_folder(folder: Path) -> Path:
    """This run's empty temporary folder beside ``folder``, after what killed runs left.

    A killed export leaves its ``.part`` folder, or, killed while swapping, the earlier
    export as ``.old``: both named after this machine and the process, so only dead
    processes' ones are removed, never a live run's.

    Raises:
        OutputUnusable: the folder beside ``folder`` takes no new folder (read-only ...).
    """
    for tag in ("part", "old"):
        for stale in stale_temporaries(folder, tag):
            _remove(stale)
    temporary = temporary_path(folder, "part")
    _remove(temporary)  # a killed run's whose process id came round again to us
    try:
        (temporary / "data").mkdir(parents=True)
    except OSError as error:
        raise unusable(folder, error) from error
    return temporary


def _remove(path: Path) -> None:
    """Remove a left-over file or folder; one that will not go is left, not fought over."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _replace(temporary: Path, folder: Path) -> None:
    """Put the finished folder in place; an earlier export there goes only afterwards."""
    old = None
    if folder.exists():
        old = temporary_path(folder, "old")
        _remove(old)
        os.replace(folder, old)
    try:
        os.replace(temporary, folder)
    except OSError:
        if old is not None:
            os.replace(old, folder)  # the earlier export back, as it was
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_data(
    root: Path,
    named_records: Iterable[tuple[str, dict[str, Any]]],
    split_names: list[str],
    file_format: str,
    shard_bytes: int,
) -> FolderSummary:
    summary = FolderSummary(documents=dict.fromkeys(split_names, 0))
    writers = {
        name: _JsonSplit(root, name) if file_format == "jsonl" else _Shards(root, name, shard_bytes)
        for name in split_names
    }
    try:
        for name, record in named_records:
            writers[name].write(record)
            summary.documents[name] += 1
            summary.spans += len(record["spans"])
            for span in record["spans"]:
                label = str(span["label"])
                summary.label_counts[label] = summary.label_counts.get(label, 0) + 1
    finally:
        for name, writer in writers.items():
            summary.shards[name] = writer.close()
    return summary


class _JsonSplit:
    """One JSONL file per split, every record with every field of the schema."""

    def __init__(self, root: Path, name: str) -> None:
        self.path = root / "data" / f"{name}.jsonl"
        self._stream = self.path.open("w", encoding="utf-8", newline="\n")

    def write(self, record: dict[str, Any]) -> None:
        row = {column: record.get(column) for column in HF_RECORDS.names}
        self._stream.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")

    def close(self) -> list[Path]:
        self._stream.close()
        return [self.path]


class _Shards:
    """Parquet shards of one split, each closed before its texts pass ``limit`` bytes."""

    def __init__(self, root: Path, name: str, limit: int) -> None:
        self.root, self.name, self.limit = root, name, limit
        self.paths: list[Path] = []
        self._rows: list[dict[str, Any]] = []
        self._size = 0

    def write(self, record: dict[str, Any]) -> None:
        size = _record_bytes(record)
        if self._rows and self._size + size > self.limit:
            self._flush()
        self._rows.append(record)
        self._size += size

    def _flush(self) -> None:
        path = self.root / "data" / f".{self.name}-{len(self.paths):05d}.parquet"
        pq.write_table(pa.Table.from_pylist(self._rows, schema=HF_RECORDS), str(path))
        self.paths.append(path)
        self._rows, self._size = [], 0

    def close(self) -> list[Path]:
        if self._rows or not self.paths:  # an empty split still gets one (empty) shard
            self._flush()
        named = []
        for number, path in enumerate(self.paths):
            final = path.with_name(f"{self.name}-{number:05d}-of-{len(self.paths):05d}.parquet")
            os.replace(path, final)
            named.append(final)
        return named


def _record_bytes(record: dict[str, Any]) -> int:
    """The record's text in UTF-8, plus its spans: what a shard's size is counted in.

    Uncompressed, so a shard on disk is never larger than the limit says.
    """
    texts = sum(len((record.get(key) or "").encode("utf-8")) for key in _TEXT_FIELDS)
    spans = sum(len(span["text"].encode("utf-8")) + 128 for span in record["spans"])
    return texts + spans + 64 * len(record.get("alignment") or ())


def dataset_card(summary: FolderSummary, file_format: str, facts: CardFacts) -> str:
    """The ``README.md``: YAML front matter (configs, features, splits), then prose."""
    lines = ["---", "configs:", "- config_name: default", "  data_files:"]
    for name in summary.documents:
        pattern = f"data/{name}.jsonl" if file_format == "jsonl" else f"data/{name}-*.parquet"
        lines += [f"  - split: {name}", f"    path: {pattern}"]
    lines += ["dataset_info:", "  features:"]
    lines += [f"  {line}" for line in features_yaml(HF_RECORDS)]
    lines += ["  splits:"]
    for name, count in summary.documents.items():
        lines += [f"  - name: {name}", f"    num_examples: {count}"]
    lines += ["---", "", *_card_prose(summary, file_format, facts)]
    return "\n".join(lines) + "\n"


def _card_prose(summary: FolderSummary, file_format: str, facts: CardFacts) -> list[str]:
    total = sum(summary.documents.values())
    splits = ", ".join(f"{name} {count}" for name, count in summary.documents.items())
    used = ", ".join(f"{label} {n}" for label, n in sorted(summary.label_counts.items()))
    gold = (
        "the adjudicated layer (annotator `gold`): what a lead accepted from the annotators'"
        " labels or labelled in review mode. "
        + (
            "Documents gold is not done with are included; each record's `gold_state` says"
            " `done`, `open_disagreements` or `not_started`."
            if facts.include_unfinished
            else "Only documents whose gold is done (nothing left to decide) are included."
        )
        if facts.layer == "gold"
        else f"the labels of `{facts.layer}`."
    )
    return [
        f"# {facts.source_name}: labelled web pages",
        "",
        MARK,
        "",
        f"Exported by thresher {__version__} as {file_format}.",
        "",
        f"- Layer: {gold}",
        f"- Documents: {total} ({splits}); spans: {summary.spans} ({used or 'none'}).",
        f"- Label set: {', '.join(facts.labels)}.",
        "- `gold_clean_text` is `raw_text` without the layer's raw spam spans;"
        " `gold_clean_pieces` maps it back to raw offsets.",
        "- Offsets (`start`, `end`) are Python code points into `raw_text` or `clean_text`"
        " (the span's `layer`); `text` is that slice.",
        "",
        "```python",
        "from datasets import load_dataset",
        'dataset = load_dataset("path/to/this/folder")',
        "```",
    ]


def features_yaml(schema: pa.Schema) -> list[str]:
    """The schema as the card's ``features:`` list (the YAML ``datasets`` writes)."""
    lines: list[str] = []
    for column in schema:
        lines += _feature(column.name, column.type)
    return lines


def _feature(name: str, kind: pa.DataType) -> list[str]:
    return [f"- name: {name}", *(f"  {line}" for line in _type_lines(kind))]


def _fields(kind: pa.DataType) -> list[str]:
    return [line for child in kind for line in _feature(child.name, child.type)]


def _type_lines(kind: pa.DataType) -> list[str]:
    if pa.types.is_struct(kind):
        return ["struct:", *(f"  {line}" for line in _fields(kind))]
    if pa.types.is_list(kind):
        inner = kind.value_type
        if pa.types.is_struct(inner):  # a list of structs: the list holds the fields
            return ["list:", *(f"  {line}" for line in _fields(inner))]
        if pa.types.is_list(inner):
            return ["list:", *(f"  {line}" for line in _type_lines(inner))]
        return [f"list: {_dtype(inner)}"]
    return [f"dtype: {_dtype(kind)}"]


def _dtype(kind: pa.DataType) -> str:
    if pa.types.is_string(kind):
        return "string"
    return str(kind)  # int64, float64


def label_names(db: sqlite3.Connection) -> tuple[str, ...]:
    """The label file's label set, in the schema's order."""
    return tuple(str(row[0]) for row in db.execute("SELECT name FROM labels ORDER BY rowid"))


def export_folder(
    db: sqlite3.Connection, folder: Path, options: ExportOptions, progress: Progress | None
) -> ExportSummary:
    """The export into a dataset folder, inside the caller's read transaction."""
    names = [split.name for split in options.splits] or ["train"]

    def named() -> Iterator[tuple[str, dict[str, Any]]]:
        for record in iter_records(db, options):
            name = names[0]
            if options.splits:
                name = split_of(options.splits, options.seed, record["raw_sha256"], record["id"])
            yield name, record
            if progress is not None:
                progress()

    file_format = "jsonl" if options.format == "jsonl" else "parquet"
    facts = CardFacts(options.layer, label_names(db), options.include_unfinished, folder.name)
    try:
        written = write_folder(
            folder, named(), names, file_format, facts, shard_bytes=options.shard_bytes
        )
    except FolderRefused as error:
        raise ExportRefused(str(error)) from None
    summary = ExportSummary(documents=sum(written.documents.values()), spans=written.spans)
    for name, shards in written.shards.items():
        where = shards[0] if len(shards) == 1 else folder / "data" / f"{name}-*.parquet"
        summary.per_output[where] = written.documents[name]
    return summary
