"""``thresher import``: read sources, clean and align them on every core, store them.

Work goes in batches: each batch is decoded in worker processes, the lines it repeats are
added to the import's counts (so the `lines` cleaner can drop site chrome seen on many
pages), then cleaned and aligned in the workers, then written in one transaction. A kill
between batches leaves every finished batch in the file; running the import again skips
what is there and completes the rest.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TypeVar

from app.core.cleaners import ImportContext, repeated_lines_from_counts
from app.core.document import PreparedDocument
from app.core.labelschema import LabelSchema
from app.core.prepare import ImportOptions, RawPage, finish_page, read_page
from app.core.sources import Refusal, Source, count_sources, iter_sources
from storage.documents import ImportCounts, insert_documents
from storage.labelfile import LabelFile, utc_now
from storage.schema_rows import read_label_schema

BATCH_SIZE = 256
# Below this many documents, starting worker processes costs more than it saves.
POOL_THRESHOLD = 24

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int], None]


@dataclass
class ImportReport:
    """What an import did: counts, and every refused input with its reason."""

    counts: ImportCounts = field(default_factory=ImportCounts)
    refusals: list[Refusal] = field(default_factory=list)
    aligned: list[tuple[str, float]] = field(default_factory=list)


def import_sources(
    label_file: LabelFile,
    paths: Sequence[Path],
    options: ImportOptions,
    *,
    workers: int | None = None,
    expected: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every document under ``paths`` into ``label_file``.

    ``expected`` is how many documents the caller counted (for its progress display);
    small imports run in this process, larger ones on ``workers`` processes.
    """
    report = ImportReport()
    schema = read_label_schema(label_file.connection)
    options = ImportOptions(options.annotator, options.cleaner, options.now or utc_now())
    lines = _LineCounts()
    seen: dict[str, str] = {}
    expected = count_sources(paths) if expected is None else expected
    executor = _executor(expected, workers)
    try:
        for batch in _batches(iter_sources(paths), BATCH_SIZE):
            sources = [item for item in batch if not isinstance(item, Refusal)]
            report.refusals.extend(item for item in batch if isinstance(item, Refusal))
            pages = _keep(_map(executor, read_page, sources), report)
            context = lines.add(page.raw_text for page in pages)
            finish = partial(finish_page, options=options, context=context)
            docs = _keep(_map(executor, finish, pages), report)
            _store(label_file, _check_batch(docs, schema, seen, report), options.now, report)
            if progress is not None:
                progress(len(batch))
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return report


class _LineCounts:
    """How many documents of this import each line occurs in.

    Memory stays bounded on huge imports: when the table grows past ``LIMIT`` entries,
    lines seen only once are forgotten (a line shared by many pages of a site recurs
    long before that).
    """

    LIMIT = 2_000_000

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.documents = 0

    def add(self, texts: Iterable[str]) -> ImportContext:
        for text in texts:
            self.documents += 1
            self.counts.update({line.strip() for line in text.split("\n")} - {""})
        if len(self.counts) > self.LIMIT:
            self.counts = Counter({k: n for k, n in self.counts.items() if n > 1})
        return ImportContext(repeated_lines_from_counts(self.counts, self.documents))


def _store(
    label_file: LabelFile, docs: list[PreparedDocument], now: str, report: ImportReport
) -> None:
    with label_file.transaction() as db:
        counts, refusals = insert_documents(db, docs, now)
    refused = {refusal.origin for refusal in refusals}
    report.refusals.extend(refusals)
    report.aligned.extend((d.id, d.aligned_share) for d in docs if d.origin not in refused)
    for name in ("added", "skipped", "spans", "facts"):
        setattr(report.counts, name, getattr(report.counts, name) + getattr(counts, name))


def _check_batch(
    docs: list[PreparedDocument], schema: LabelSchema, seen: dict[str, str], report: ImportReport
) -> list[PreparedDocument]:
    """Refuse unknown labels and a second text under an id this import already used."""
    labels, fact_types = schema.label_names(), {fact.name for fact in schema.fact_types}
    kept = []
    for doc in docs:
        reason = _schema_problem(doc, labels, fact_types)
        first = seen.get(doc.id)
        if first is not None and first != doc.raw_sha256:
            reason = f"id {doc.id!r} appears twice in this import with different texts"
        if reason:
            report.refusals.append(Refusal(doc.origin, reason))
            continue
        seen[doc.id] = doc.raw_sha256
        kept.append(doc)
    return kept


def _schema_problem(doc: PreparedDocument, labels: frozenset[str], fact_types: set[str]) -> str:
    for span in doc.spans:
        if span.label not in labels:
            return f"span label {span.label!r} is not in the label file's schema"
    for fact in doc.facts:
        if fact.type not in fact_types:
            return f"fact type {fact.type!r} is not in the label file's schema"
    return ""


def _keep(results: Iterable[T | Refusal], report: ImportReport) -> list[T]:
    kept: list[T] = []
    for result in results:
        if isinstance(result, Refusal):
            report.refusals.append(result)
        else:
            kept.append(result)
    return kept


def _map(executor: Executor | None, function: Callable[[T], R], items: list[T]) -> list[R]:
    if executor is None:
        return [function(item) for item in items]
    return list(executor.map(function, items, chunksize=max(1, len(items) // 16)))


def _executor(expected: int, workers: int | None) -> ProcessPoolExecutor | None:
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or expected < POOL_THRESHOLD:
        return None
    return ProcessPoolExecutor(max_workers=count)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


__all__ = ["ImportOptions", "ImportReport", "RawPage", "Source", "import_sources"]
