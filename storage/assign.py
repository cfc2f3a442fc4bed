"""``thresher assign``: one label file per annotator, with a shared slice for agreement.

Documents are dealt in an order fixed by a hash of the seed and their id, so the same seed
gives the same hand-out, whatever order the documents were imported in. The first
``overlap`` share of that order goes to two annotators each (so agreement can be
measured); the rest to one. Each document goes to whoever holds the fewest so far (ties by
the order annotators were named), which keeps the loads within one document of each other.

Each file is written to a hidden temporary name (``.kim.db.HOST.PID.writing``, see
``storage.output_file``) and all are renamed only when every one is whole, so a failure
leaves no hand-out and a killed run leaves only temporary files, which the next assign
into the folder removes. The assignment (seed, share, this annotator's documents and with
whom each shared one is shared) is recorded in its ``meta`` table under ``assignment``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.document import RESERVED_ANNOTATORS
from app.core.labelschema import LabelSchema
from storage.copying import attached, copy_annotations, copy_documents, fill_id_map
from storage.errors import MergeRefused, WriteFailed
from storage.labelfile import create_label_file, open_label_file
from storage.merge import fsync_path
from storage.output_file import (
    DATABASE_COMPANIONS,
    OutputUnusable,
    explain_database_failure,
    remove_stale_temporaries,
    temporary_path,
    unusable,
)
from storage.schema_rows import read_label_schema
from storage.text_index import rebuild_text_index

# Annotator names become file names: letters (any script), digits, dot, dash, underscore.
_NAME = re.compile(r"^[\w.-]{1,64}$")


@dataclass(frozen=True)
class Assignment:
    """Who gets which documents."""

    documents: dict[str, list[str]]  # annotator -> document ids, in source order
    shared: dict[str, list[str]]  # document id -> its annotators, for shared documents


def plan_assignment(
    doc_ids: Sequence[str], annotators: Sequence[str], overlap: float, seed: int
) -> Assignment:
    """Deal ``doc_ids`` (in source order) to ``annotators``; pure, so tests can check it."""
    check_annotators(annotators)
    if not 0 <= overlap <= 1:
        raise MergeRefused(f"--overlap must be between 0 and 1, not {overlap}")
    if overlap > 0 and len(annotators) < 2:
        raise MergeRefused("a shared share needs at least two annotators")
    dealt = sorted(doc_ids, key=lambda doc_id: _rank(seed, doc_id))
    shared_count = round(overlap * len(dealt))
    load = dict.fromkeys(annotators, 0)
    chosen: dict[str, list[str]] = {}
    for position, doc_id in enumerate(dealt):
        wanted = 2 if position < shared_count else 1
        takers = sorted(annotators, key=lambda name: (load[name], annotators.index(name)))[:wanted]
        for name in takers:
            load[name] += 1
        chosen[doc_id] = takers
    order = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    documents = {
        name: sorted((d for d, names in chosen.items() if name in names), key=order.__getitem__)
        for name in annotators
    }
    shared = {doc_id: names for doc_id, names in chosen.items() if len(names) > 1}
    return Assignment(documents, shared)


def check_annotators(annotators: Sequence[str]) -> None:
    """Refuse empty, repeated, reserved or file-unsafe annotator names."""
    if not annotators:
        raise MergeRefused("name at least one annotator")
    for name in annotators:
        if not _NAME.match(name):
            raise MergeRefused(
                f"annotator name {name!r} must be 1-64 letters, digits, '.', '-' or '_'"
            )
        if name in RESERVED_ANNOTATORS:
            raise MergeRefused(f"annotator name {name!r} is reserved (adjudicated gold)")
    repeated = sorted({name for name in annotators if annotators.count(name) > 1})
    if repeated:
        raise MergeRefused(f"annotator named twice: {', '.join(repeated)}")


def write_assignment(
    source: Path,
    annotators: Sequence[str],
    overlap: float,
    out_dir: Path,
    *,
    seed: int = 0,
    progress: Callable[[int, int, str], None] | None = None,
) -> Assignment:
    """Write ``out_dir/ANNOTATOR.db`` for each annotator; return the assignment.

    All files are written under temporary names first and renamed only when every one is
    whole, so a failure leaves none of them (a hand-out missing an annotator is no use).

    Raises:
        MergeRefused: bad names or share, or a target file already exists (nothing written).
        OutputUnusable: ``out_dir`` cannot take the files (read-only, full ...); nothing
            was left there.
    """
    with open_label_file(source, read_only=True) as label_file:
        db = label_file.connection
        doc_ids = [row[0] for row in db.execute("SELECT id FROM documents ORDER BY rowid")]
        schema = read_label_schema(db)
    assignment = plan_assignment(doc_ids, annotators, overlap, seed)
    targets = {name: out_dir / f"{name}.db" for name in annotators}
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing:
        raise MergeRefused(f"not overwriting {', '.join(existing)}; choose another folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise unusable(out_dir, error) from error
    partials: list[tuple[Path, Path]] = []
    try:
        for number, name in enumerate(annotators, start=1):
            if progress is not None:
                progress(number, len(annotators), name)
            record = _record(source, assignment, name, overlap=overlap, seed=seed)
            target = targets[name]
            partials.append((_write_one(source, target, name, schema, record), target))
        _put_in_place(partials, out_dir)
    finally:
        for partial, _ in partials:
            _discard(partial)
    return assignment


def _record(
    source: Path, assignment: Assignment, name: str, *, overlap: float, seed: int
) -> dict[str, object]:
    """What the file of ``name`` records in its ``meta`` table under ``assignment``."""
    return {
        "source": source.name,
        "seed": seed,
        "overlap": overlap,
        "annotators": list(assignment.documents),
        "documents": assignment.documents[name],
        "shared_with": {
            doc_id: [other for other in names if other != name]
            for doc_id, names in assignment.shared.items()
            if name in names
        },
    }


def _write_one(
    source: Path,
    target: Path,
    annotator: str,
    schema: LabelSchema,
    record: dict[str, object],
) -> Path:
    """Write ``target``'s content whole to its temporary file; return that file."""
    # A killed assign cannot remove its temporary files: the next one here does.
    remove_stale_temporaries(target, "writing", database=True)
    partial = temporary_path(target, "writing")
    _discard(partial)  # a killed run's whose process id came round again to us
    try:
        _fill(source, partial, annotator, schema, record)
        fsync_path(partial)
    except BaseException as error:
        _discard(partial)
        explained = _unwritable(target, error)
        if explained is None:
            raise
        raise explained from error
    return partial


def _fill(
    source: Path,
    partial: Path,
    annotator: str,
    schema: LabelSchema,
    record: dict[str, object],
) -> None:
    with create_label_file(partial, owner=annotator, schema=schema) as label_file:
        db = label_file.connection
        db.execute("PRAGMA synchronous = OFF")  # a temporary file until the rename
        documents = record["documents"]
        assert isinstance(documents, list)
        with attached(db, source) as alias, label_file.transaction():
            fill_id_map(db, [(doc_id, doc_id) for doc_id in documents])
            copy_documents(db, alias)
            copy_annotations(db, alias, renamed=False, only_mapped=True)
            rebuild_text_index(db)  # copied by SQL, so find would otherwise scan the hand-out
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('assignment', ?)",
                (json.dumps(record, ensure_ascii=False),),
            )
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA journal_mode = DELETE")


def _unwritable(target: Path, error: BaseException) -> OutputUnusable | None:
    """``error`` as a message naming ``target`` (not its temporary name); None: not about it."""
    if isinstance(error, OSError):
        return unusable(target, error)
    if isinstance(error, WriteFailed) and isinstance(error.__cause__, sqlite3.Error):
        error = error.__cause__  # its message names the temporary file
    if isinstance(error, sqlite3.Error):
        return explain_database_failure(target, error)
    return None


def _put_in_place(partials: Sequence[tuple[Path, Path]], out_dir: Path) -> None:
    """Rename every whole temporary file to its target; on a failure, take back the others."""
    placed: list[Path] = []
    for partial, target in partials:
        try:
            os.replace(partial, target)
        except OSError as error:
            for done in placed:
                _discard(done)  # made by this run a moment ago (none existed before)
            raise unusable(target, error) from error
        placed.append(target)
    fsync_path(out_dir)


def _discard(database: Path) -> None:
    for companion in DATABASE_COMPANIONS:
        database.with_name(database.name + companion).unlink(missing_ok=True)


def _rank(seed: int, doc_id: str) -> bytes:
    return hashlib.sha256(f"{seed}\0{doc_id}".encode()).digest()
