"""``thresher export``: a label file's documents and one layer's labels, for training.

Documents stream from the label file in import order, one at a time, inside one read
transaction (a consistent snapshot even while an annotator keeps writing). Each becomes a
record in the shape of ``thresher show`` (``storage.documents.read_document_record``),
filtered to the chosen layer and labels, plus its gold clean text; every span and fact
slot is checked against its layer text before the record goes to a writer; writers write
temporary files beside the outputs, renamed into place only when the whole export has
succeeded. A failure of any kind leaves no output file and no temporary file.

Layers: ``gold`` (the default) is the annotator ``gold``; any other name is that
annotator's labels; ``all`` keeps every annotator's (each span says whose it is). The gold
clean text always follows one answer: the chosen annotator's raw-layer spans, and with
``all`` the ``gold`` annotator's. Formats that give one label per line or one article per
document (``lines``, ``articles``) refuse ``all``.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.gold_text import gold_clean_text
from storage.documents import iter_document_records
from storage.export_formats import FORMATS, ONE_ANSWER_FORMATS, Outputs
from storage.labelfile import open_label_file
from storage.output_file import unusable
from storage.reports import GOLD_NOT_STARTED, gold_left_out, gold_states

GOLD = "gold"
ALL = "all"
EXPORT_STATUSES = ("done", "skipped", "flagged")
_SPLIT_NAME = re.compile(r"[A-Za-z0-9_-]+")

# Called once per document written.
Progress = Callable[[], None]


class ExportRefused(ValueError):
    """The export cannot run as asked (unknown layer, label, bad split ...); nothing written."""


class SpanMismatch(ValueError):
    """A stored span or slot text is not the slice it claims; nothing was written."""


@dataclass(frozen=True)
class Split:
    """One named part of a split and its share of the documents."""

    name: str
    share: float


@dataclass(frozen=True)
class ExportOptions:
    """What the trainer asked for."""

    format: str
    layer: str = GOLD
    status: str | None = None
    labels: frozenset[str] | None = None
    splits: tuple[Split, ...] = ()
    seed: int = 0
    include_unfinished: bool = False  # gold layer: also documents gold is not done with
    shard_bytes: int = 256 * 1024 * 1024  # dataset folders: the most text per Parquet shard


@dataclass
class ExportSummary:
    """What an export wrote: documents, spans and rows per output file."""

    documents: int = 0
    spans: int = 0
    per_output: dict[Path, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)  # gold state -> documents


def parse_split(text: str) -> tuple[Split, ...]:
    """Parse ``train=0.8,dev=0.1,test=0.1``: unique names, positive shares summing to 1."""
    splits: list[Split] = []
    for part in text.split(","):
        name, equals, share_text = part.strip().partition("=")
        if not equals or not _SPLIT_NAME.fullmatch(name):
            raise ExportRefused(
                f"split {part.strip()!r} is not NAME=SHARE (NAME of a-z, 0-9, _, -)"
            )
        try:
            share = float(share_text)
        except ValueError:
            raise ExportRefused(f"split {name!r}: share {share_text!r} is not a number") from None
        if not 0 < share <= 1:
            raise ExportRefused(f"split {name!r}: share {share_text} is not between 0 and 1")
        if any(split.name == name for split in splits):
            raise ExportRefused(f"split {name!r} is named twice")
        splits.append(Split(name, share))
    total = sum(split.share for split in splits)
    if abs(total - 1) > 1e-9:
        raise ExportRefused(f"split shares add up to {total:g}, not 1")
    return tuple(splits)


def split_of(splits: tuple[Split, ...], seed: int, raw_sha256: str, doc_id: str) -> str:
    """The split a document belongs to: a hash of (seed, text hash, id) against the shares.

    It depends on nothing else, so adding documents never moves the ones already placed.
    """
    digest = hashlib.sha256(f"{seed}\x1f{raw_sha256}\x1f{doc_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    bound = 0.0
    for split in splits:
        bound += split.share
        if point < bound:
            return split.name
    return splits[-1].name


def split_path(output: Path, name: str) -> Path:
    """Where a split is written: its name before the extension (``gold.train.jsonl``)."""
    return output.with_name(f"{output.stem}.{name}{output.suffix}")


def export_label_file(
    source: Path, output: Path, options: ExportOptions, progress: Progress | None = None
) -> ExportSummary:
    """Export ``source`` to ``output`` (or one file per split); return what was written.

    Raises:
        ExportRefused: the options do not fit this file; nothing was written.
        SpanMismatch: a stored span text is not its slice; nothing was written.
        LabelFileError: ``source`` is not a usable label file.
    """
    _check_request(source, output, options)
    with open_label_file(source, read_only=True) as label_file:
        db = label_file.connection
        _check_against_file(db, options)
        db.execute("BEGIN")
        try:
            if dataset_folder(output, options):
                from storage.export_hf import export_folder  # noqa: PLC0415 (pyarrow on use)

                try:
                    summary = export_folder(db, output, options, progress)
                except OSError as error:  # the folder's temporary copy is gone already
                    raise unusable(output, error) from error
            else:
                summary = _write(db, output, options, progress)
            summary.left_out = gold_left_out(db) if gold_done_only(options) else {}
            return summary
        finally:
            db.execute("ROLLBACK")


def _write(
    db: sqlite3.Connection, output: Path, options: ExportOptions, progress: Progress | None
) -> ExportSummary:
    names = [split.name for split in options.splits] or [""]
    paths = {name: split_path(output, name) if name else output for name in names}
    summary = ExportSummary()
    try:
        with Outputs(options.format, paths) as outputs:
            for record in iter_records(db, options):
                name = names[0]
                if options.splits:
                    name = split_of(
                        options.splits, options.seed, record["raw_sha256"], record["id"]
                    )
                outputs.write(name, record)
                summary.documents += 1
                summary.spans += len(record["spans"])
                if progress is not None:
                    progress()
            summary.per_output = {paths[name]: count for name, count in outputs.documents.items()}
    except OSError as error:  # a full disk, read-only media ...: Outputs removed its files
        raise unusable(output, error) from error
    return summary


def iter_records(db: sqlite3.Connection, options: ExportOptions) -> Iterator[dict[str, Any]]:
    """Every chosen document as a checked export record, in import order, one at a time."""
    where, parameters = _status_filter(options)
    annotator = None if options.layer == ALL else options.layer
    states = gold_states(db) if options.layer == GOLD and options.include_unfinished else None
    for record in iter_document_records(
        db, annotator=annotator, where=where, parameters=parameters
    ):
        check_record(record)
        if states is not None:  # --include-unfinished: each record says how far gold got
            record["gold_state"] = states.get(record["id"], GOLD_NOT_STARTED)
        yield export_record(record, options)


def dataset_folder(output: Path, options: ExportOptions) -> bool:
    """True for a dataset-folder export: ``hf``, or a split ``jsonl``/``parquet`` into a folder."""
    split_into_folder = bool(options.splits) and output.is_dir()
    return options.format == "hf" or (options.format in ("jsonl", "parquet") and split_into_folder)


def gold_done_only(options: ExportOptions) -> bool:
    """True when only gold-done documents go out: the gold layer, no --status, by default."""
    return options.layer == GOLD and options.status is None and not options.include_unfinished


def export_record(record: dict[str, Any], options: ExportOptions) -> dict[str, Any]:
    """Keep the chosen labels and add ``gold_clean_text`` and ``gold_clean_pieces``."""
    if options.labels is not None:
        record["spans"] = [span for span in record["spans"] if span["label"] in options.labels]
    answer = GOLD if options.layer == ALL else options.layer
    spam = [
        (span["start"], span["end"])
        for span in record["spans"]
        if span["layer"] == "raw" and span["annotator"] == answer
    ]
    gold = gold_clean_text(record["raw_text"], spam)
    record["gold_clean_text"] = gold.text
    record["gold_clean_pieces"] = [list(piece) for piece in gold.pieces]
    return record


def check_record(record: dict[str, Any]) -> None:
    """Raise ``SpanMismatch`` unless every span and slot text is its layer text's slice."""
    texts = {"raw": record["raw_text"], "clean": record["clean_text"]}
    for span in record["spans"]:
        _check_text(record["id"], f"span {span['id']}", span, texts)
    for fact in record["facts"]:
        for slot in fact["slots"]:
            if slot["layer"] is not None:
                _check_text(record["id"], f"fact {fact['id']} slot {slot['role']!r}", slot, texts)


def _check_text(doc_id: str, what: str, item: dict[str, Any], texts: dict[str, str]) -> None:
    layer, start, end = item["layer"], item["start"], item["end"]
    found = texts[layer][start:end]
    if item["text"] != found or not 0 <= start < end <= len(texts[layer]):
        raise SpanMismatch(
            f"document {doc_id!r}, {what}: its text {item['text']!r} is not the {layer} text"
            f" at {start}-{end}, which is {found!r}"
        )


def _status_filter(options: ExportOptions) -> tuple[str, tuple[str, ...]]:
    """An SQL condition on ``documents d`` keeping what the layer marked ``--status``."""
    status = "done" if gold_done_only(options) else options.status
    if status is None:
        return "", ()
    condition = (
        "EXISTS (SELECT 1 FROM document_status s WHERE s.doc_id = d.id"
        " AND s.deleted = 0 AND s.status = ?"
    )
    if options.layer == ALL:
        return condition + ")", (status,)
    return condition + " AND s.annotator = ?)", (status, options.layer)


def count_documents(source: Path, output: Path, options: ExportOptions) -> int:
    """How many documents an export of ``source`` with ``options`` writes (for progress)."""
    _check_request(source, output, options)
    where, parameters = _status_filter(options)
    with open_label_file(source, read_only=True) as label_file:
        query = "SELECT count(*) FROM documents d" + (f" WHERE {where}" if where else "")
        (count,) = label_file.connection.execute(query, parameters).fetchone()
    return int(count)


def _check_request(source: Path, output: Path, options: ExportOptions) -> None:
    if options.format not in FORMATS:
        raise ExportRefused(f"unknown format {options.format!r} (one of {', '.join(FORMATS)})")
    if options.format in ONE_ANSWER_FORMATS and options.layer == ALL:
        raise ExportRefused(
            f"format {options.format!r} gives one answer per line or document; choose one"
            " layer (gold or an annotator), not 'all'"
        )
    if options.status is not None and options.status not in EXPORT_STATUSES:
        raise ExportRefused(
            f"unknown status {options.status!r} (one of {', '.join(EXPORT_STATUSES)})"
        )
    if not output.parent.is_dir():
        raise ExportRefused(f"{output.parent} is not a folder; create it first")
    targets = [split_path(output, s.name) for s in options.splits] or [output]
    if any(target.resolve() == source.resolve() for target in targets):
        raise ExportRefused(f"{output} is the label file itself")
    folder = next((path for path in (output, *targets) if path.is_dir()), None)
    if folder is not None and not dataset_folder(output, options):
        raise ExportRefused(
            f"{folder} is a folder; -o names the file to write (only hf, and jsonl or"
            " parquet with --split, write into a folder)"
        )


def _check_against_file(db: sqlite3.Connection, options: ExportOptions) -> None:
    if options.layer not in (GOLD, ALL):
        (known,) = db.execute(
            "SELECT EXISTS (SELECT 1 FROM spans WHERE annotator = ?1)"
            " OR EXISTS (SELECT 1 FROM facts WHERE annotator = ?1)"
            " OR EXISTS (SELECT 1 FROM document_status WHERE annotator = ?1)",
            (options.layer,),
        ).fetchone()
        if not known:
            raise ExportRefused(f"no annotator {options.layer!r} in the file (layer gold|NAME|all)")
    if options.labels is not None:
        names = {row[0] for row in db.execute("SELECT name FROM labels")}
        unknown = sorted(options.labels - names)
        if unknown:
            raise ExportRefused(
                f"unknown labels {', '.join(unknown)} (the file has: {', '.join(sorted(names))})"
            )
