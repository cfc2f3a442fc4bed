"""``thresher merge``: many label files in, one out, written whole or not at all.

Inputs are opened read-only and never changed. The output is built in a temporary file
beside it and renamed into place at the end, so an interrupted merge leaves no half file.

- Label schemas merge when compatible (``storage.schema_merge``).
- Documents match on id *and* raw-text hash. The same id with another text is refused,
  naming the ids and files, unless ``keep_conflicts``: then every variant is kept under
  ``ID#HASH12`` (the first 12 hex digits of its raw-text hash), whichever file it came from.
- Annotation rows are a union by id, the newest version winning (``storage.copying``).
  Times that are not timestamps, and one id on two documents or in two tables, are
  refused (``storage.merge_checks``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.labelschema import LabelSchema
from storage.active_time import copy_active_time
from storage.copying import (
    ANNOTATION_TABLES,
    attached,
    copy_annotations,
    copy_documents,
    fill_id_map,
    parent_conflicts,
)
from storage.errors import MergeRefused
from storage.labelfile import LabelFile, create_label_file, open_label_file
from storage.merge_checks import (
    refuse_bad_records,
    refuse_parent_conflicts,
    refuse_shared_ids,
    rows_break_format,
)
from storage.output_file import remove_stale_temporaries, temporary_path
from storage.schema import SCHEMA_VERSION
from storage.schema_merge import merge_schemas
from storage.schema_rows import read_label_schema
from storage.text_index import rebuild_text_index
from storage.validate import absurd_rows, unexpected_objects

Progress = Callable[[int, int, Path], None]
MAX_NAMED_CONFLICTS = 20
# Which copy of a document (same id and text) a merge keeps: the one sorting first on
# these, so the choice depends on the files' contents, never on their order.
_DOCUMENT_KEY = (
    "SELECT id, raw_sha256, imported, cleaner, cleaner_version, clean_length,"
    " ifnull(title, ''), ifnull(url, ''), ifnull(source_path, ''), aligned_share FROM documents"
)


@dataclass
class MergeSummary:
    """What a merge wrote."""

    inputs: int
    documents: int
    annotators: list[str]
    records: dict[str, int]  # live rows per annotation table
    deleted: dict[str, int]  # tombstones per annotation table
    conflicts_kept: list[str] = field(default_factory=list)  # ids kept in several variants


@dataclass(frozen=True)
class _Input:
    path: Path
    owner: str
    schema: LabelSchema
    documents: dict[str, tuple[object, ...]]  # id -> the sort key of _DOCUMENT_KEY


def merge_label_files(
    inputs: Sequence[Path],
    output: Path,
    *,
    keep_conflicts: bool = False,
    owner: str = "lead",
    progress: Progress | None = None,
) -> MergeSummary:
    """Merge ``inputs`` into a new label file at ``output``.

    Raises:
        MergeRefused: no inputs, ``output`` exists or is an input, documents conflict
            (without ``keep_conflicts``), or the schemas clash. Nothing is written.
        NotALabelFile: an input is not a label file (the message names it).
    """
    _check_paths(inputs, output)
    read = [_read_input(path) for path in inputs]
    schema = merge_schemas([(item.path, item.schema) for item in read])
    chosen, renamed = _plan_documents(read, keep_conflicts)
    partial = temporary_path(output, "merging")
    remove_stale_temporaries(output, "merging", database=True)  # what killed merges left
    remove_database(partial)
    try:
        with create_label_file(partial, owner=owner, schema=schema) as label_file:
            _copy_inputs(label_file, read, chosen, renamed, progress)
            summary = _summarise(label_file, len(read), sorted(renamed))
        fsync_path(partial)
        os.replace(partial, output)
        fsync_path(output.parent)
    finally:
        remove_database(partial)
    return summary


def _check_paths(inputs: Sequence[Path], output: Path) -> None:
    if not inputs:
        raise MergeRefused("nothing to merge: name at least one input file")
    if output.exists():
        raise MergeRefused(f"{output} already exists; merge writes a new file, choose another")
    if any(path.resolve() == output.resolve() for path in inputs):
        raise MergeRefused(f"{output} is also an input; merge never changes its inputs")


def _read_input(path: Path) -> _Input:
    with open_label_file(path, read_only=True) as label_file:
        db = label_file.connection
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version != SCHEMA_VERSION:
            raise MergeRefused(
                f"{path}: format version {version}; open it once in this Thresher to upgrade it"
            )
        strange = list(unexpected_objects(db))
        if strange:
            raise MergeRefused(
                f"{path}: not merged, it holds {'; '.join(strange)};"
                f" thresher copy {path} -o CLEAN.db writes a copy without them"
            )
        absurd = absurd_rows(db)
        if absurd:
            raise MergeRefused(
                f"{path}: not merged, values outside their ranges in {', '.join(absurd)}"
                " (thresher validate lists every problem)"
            )
        refuse_bad_records(path, db)
        documents = {row[0]: tuple(row[1:]) for row in db.execute(_DOCUMENT_KEY)}
        return _Input(path, label_file.owner, read_label_schema(db), documents)


def _plan_documents(
    read: Sequence[_Input], keep_conflicts: bool
) -> tuple[dict[tuple[str, str], int], set[str]]:
    """Which input each document (id, hash) is copied from, and the ids kept as variants."""
    hashes: dict[str, dict[str, list[int]]] = {}
    best: dict[tuple[str, str], tuple[tuple[object, ...], int]] = {}
    for index, item in enumerate(read):
        for doc_id, key in item.documents.items():
            raw_hash = str(key[0])
            hashes.setdefault(doc_id, {}).setdefault(raw_hash, []).append(index)
            current = best.get((doc_id, raw_hash))
            if current is None or key < current[0]:
                best[(doc_id, raw_hash)] = (key, index)
    conflicts = {doc_id: by_hash for doc_id, by_hash in hashes.items() if len(by_hash) > 1}
    if conflicts and not keep_conflicts:
        raise MergeRefused(_conflict_message(conflicts, read))
    return {doc: index for doc, (_, index) in best.items()}, set(conflicts)


def _conflict_message(conflicts: dict[str, dict[str, list[int]]], read: Sequence[_Input]) -> str:
    lines = [
        f"{len(conflicts)} document id(s) hold different texts in different files"
        " (use --keep-conflicts to keep every variant under its own id):"
    ]
    for doc_id in sorted(conflicts)[:MAX_NAMED_CONFLICTS]:
        variants = "; ".join(
            f"text {raw_hash[:12]} in {', '.join(read[i].path.name for i in indexes)}"
            for raw_hash, indexes in sorted(conflicts[doc_id].items())
        )
        lines.append(f"  {doc_id}: {variants}")
    if len(conflicts) > MAX_NAMED_CONFLICTS:
        lines.append(f"  ... and {len(conflicts) - MAX_NAMED_CONFLICTS} more")
    return "\n".join(lines)


def _copy_inputs(
    label_file: LabelFile,
    read: Sequence[_Input],
    chosen: dict[tuple[str, str], int],
    renamed: set[str],
    progress: Progress | None,
) -> None:
    db = label_file.connection
    # The output is a temporary file until the rename: a crash loses only it, so the
    # per-commit fsync of synchronous=FULL buys nothing here. It is synced once at the end.
    db.execute("PRAGMA synchronous = OFF")
    # Documents first, from the copy chosen for each, so that annotations of any input
    # find their document whatever order the inputs come in.
    for index, item in enumerate(read):
        if progress is not None:
            progress(index + 1, 2 * len(read), item.path)
        owned = _owned(item, index, chosen)
        with (
            attached(db, item.path) as alias,
            rows_break_format(item.path),
            label_file.transaction(),
        ):
            fill_id_map(db, [(doc, _new_id(doc, key, renamed)) for doc, key in owned])
            copy_documents(db, alias)
    for index, item in enumerate(read):
        if progress is not None:
            progress(len(read) + index + 1, 2 * len(read), item.path)
        mapping = [(doc, _new_id(doc, key, renamed)) for doc, key in item.documents.items()]
        with (
            attached(db, item.path) as alias,
            rows_break_format(item.path),
            label_file.transaction(),
        ):
            fill_id_map(db, mapping)
            moved = any(doc in renamed for doc, _ in mapping)
            paths = [entry.path for entry in read]
            refuse_parent_conflicts(parent_conflicts(db, alias, renamed=moved), paths, index)
            copy_annotations(db, alias, renamed=moved)
            copy_active_time(db, alias)
    refuse_shared_ids(db, [entry.path for entry in read])
    with label_file.transaction():
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('merged_from', ?)",
            (json.dumps(_sources(read), ensure_ascii=False, sort_keys=True),),
        )
        rebuild_text_index(db)  # derived from the texts: rebuilt, never merged
    db.execute("PRAGMA synchronous = FULL")
    # One self-contained file to rename: no WAL beside it.
    db.execute("PRAGMA journal_mode = DELETE")


def _owned(
    item: _Input, index: int, chosen: dict[tuple[str, str], int]
) -> list[tuple[str, tuple[object, ...]]]:
    """The documents this input is the chosen copy of."""
    return [
        (doc_id, key)
        for doc_id, key in item.documents.items()
        if chosen[(doc_id, str(key[0]))] == index
    ]


def _new_id(doc_id: str, key: tuple[object, ...], renamed: set[str]) -> str:
    return f"{doc_id}#{str(key[0])[:12]}" if doc_id in renamed else doc_id


def _sources(read: Sequence[_Input]) -> list[dict[str, object]]:
    """Which files went in, in an order that does not depend on the arguments."""
    entries = {(item.path.name, item.owner, len(item.documents)) for item in read}
    return [{"file": n, "owner": o, "documents": d} for n, o, d in sorted(entries)]


def _summarise(label_file: LabelFile, inputs: int, kept: list[str]) -> MergeSummary:
    db = label_file.connection
    (documents,) = db.execute("SELECT count(*) FROM documents").fetchone()
    records, deleted = {}, {}
    for table in ANNOTATION_TABLES:
        live, gone = db.execute(
            f"SELECT count(*) - ifnull(sum(deleted), 0), ifnull(sum(deleted), 0) FROM {table}"
        ).fetchone()
        records[table], deleted[table] = int(live), int(gone)
    annotators = sorted(
        {
            row[0]
            for table in ANNOTATION_TABLES
            for row in db.execute(f"SELECT DISTINCT annotator FROM {table} WHERE deleted = 0")
        }
    )
    return MergeSummary(inputs, int(documents), annotators, records, deleted, kept)


def remove_database(path: Path) -> None:
    """Delete a database file and its WAL and shared-memory files, if there."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def fsync_path(path: Path) -> None:
    """Make ``path`` (a file or a folder's entries) durable before and after the rename."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:  # pragma: no cover - some platforms cannot open folders
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
