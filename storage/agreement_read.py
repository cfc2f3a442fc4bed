"""Reading what ``thresher agreement`` compares: shared documents, one at a time, and progress.

The documents labelled by two or more annotators (see ``storage.gold``) are read one by
one and handed to the pure ``app.core.agreement.AgreementTally``, so memory never grows
with the file. The whole run reads one snapshot of the file (one read transaction), so an
annotator saving meanwhile cannot make the figures mix two states.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator

from app.core.adjudication import is_reserved_annotator
from app.core.agreement import AgreementReport, AgreementTally, AnnotatorProgress, SharedDocument
from storage.gold import documents_needing_adjudication, read_document_labels
from storage.labelfile import LabelFile, read_snapshot
from storage.schema_rows import read_label_schema

# progress(documents read, documents to read, the document just read)
Progress = Callable[[int, int, str], None]


def agreement_report(
    label_file: LabelFile, *, label: str | None = None, progress: Progress | None = None
) -> AgreementReport:
    """Agreement and progress figures of an open label file (see ``app.core.agreement``).

    ``label`` restricts the span figures to that one label (no overall or fact rows).
    """
    db = label_file.connection
    with read_snapshot(db):
        schema = read_label_schema(db)
        tally = AgreementTally()
        for document in shared_documents(db, progress):
            tally.add(document)
        return tally.report(
            [item.name for item in schema.labels],
            [item.name for item in schema.fact_types],
            annotator_progress(db),
            only_label=label,
        )


def shared_documents(
    db: sqlite3.Connection, progress: Progress | None = None
) -> Iterator[SharedDocument]:
    """Each document labelled by two or more annotators, in import order, gold left out."""
    doc_ids = documents_needing_adjudication(db)
    for number, doc_id in enumerate(doc_ids, start=1):
        labels = read_document_labels(db, doc_id)
        (length,) = db.execute(
            "SELECT coalesce(raw_length, length(raw_text)) FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        yield SharedDocument(doc_id, int(length), labels.annotators, labels.spans, labels.facts)
        if progress is not None:
            progress(number, len(doc_ids), doc_id)


def annotator_progress(db: sqlite3.Connection) -> list[AnnotatorProgress]:
    """Every annotator of the file (not gold), by name: done / assigned, spans, facts.

    *Assigned* is the number of documents in the annotator's handed-out file, as
    ``thresher merge`` recorded it (``merged_from``) or, in a handed-out file, as
    ``thresher assign`` did (``assignment``); without either record, every document.
    """
    done = _per_annotator(
        db,
        "SELECT annotator, count(*) FROM document_status"
        " WHERE deleted = 0 AND status = 'done' GROUP BY 1",
    )
    spans = _per_annotator(db, "SELECT annotator, count(*) FROM spans WHERE deleted = 0 GROUP BY 1")
    facts = _per_annotator(db, "SELECT annotator, count(*) FROM facts WHERE deleted = 0 GROUP BY 1")
    touched = _per_annotator(
        db,
        "SELECT annotator, count(*) FROM document_status"
        " WHERE deleted = 0 AND status != 'todo' GROUP BY 1",
    )
    (documents,) = db.execute("SELECT count(*) FROM documents").fetchone()
    assigned = _assigned(db)
    names = {*done, *spans, *facts, *touched, *assigned}
    return [
        AnnotatorProgress(
            name,
            done.get(name, 0),
            assigned.get(name, int(documents)),
            spans.get(name, 0),
            facts.get(name, 0),
        )
        for name in sorted(names)
        if not is_reserved_annotator(name)
    ]


def _per_annotator(db: sqlite3.Connection, sql: str) -> dict[str, int]:
    return {str(name): int(count) for name, count in db.execute(sql)}


def _assigned(db: sqlite3.Connection) -> dict[str, int]:
    """Documents handed to each annotator, from the file's merge or assignment record."""
    rows = dict(
        db.execute(
            "SELECT key, value FROM meta WHERE key IN ('merged_from', 'owner', 'assignment')"
        ).fetchall()
    )
    assigned: dict[str, int] = {}
    merged = _json(rows.get("merged_from"), [])
    for entry in merged if isinstance(merged, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("owner"), str):
            count = entry.get("documents")
            if isinstance(count, int):
                assigned[entry["owner"]] = assigned.get(entry["owner"], 0) + count
    handout = _json(rows.get("assignment"), {})
    owner = rows.get("owner")
    if not assigned and isinstance(owner, str) and isinstance(handout, dict):
        handed = handout.get("documents")
        if isinstance(handed, list):
            assigned[owner] = len(handed)
    return assigned


def _json(text: object, default: object) -> object:
    if not isinstance(text, str):
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default
