"""``thresher import``: read sources, clean and align them on every core, store them.

Two passes, both on worker processes. The first reads only the pages the `lines`
cleaner will clean and counts their lines, so that cleaner knows which lines many pages
of this import repeat (site chrome). The second prepares each document (decode, HTML to
text, clean, align) and streams the results back; this process writes them in batches of
one transaction each while the workers go on. A kill between batches leaves every
finished batch in the file, and running the import again skips what is there.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard, TypeVar

from app.core.cleaners import ImportContext, document_lines, repeated_lines_from_counts
from app.core.document import PreparedDocument
from app.core.labelschema import LabelSchema
from app.core.prepare import ImportOptions, finish_page, read_page
from app.core.sources import (
    FileSource,
    RecordSource,
    Refusal,
    Source,
    count_sources,
    iter_sources,
)
from storage.documents import ImportCounts, insert_documents
from storage.labelfile import LabelFile, utc_now
from storage.schema_rows import read_label_schema

BATCH_SIZE = 256
# Below this many documents, starting worker processes costs more than it saves.
POOL_THRESHOLD = 24
# Pages sent to a worker at once, and chunks in flight per worker: enough to keep every
# core busy while this process writes results, few enough to keep memory small.
CHUNK_SIZE = 8
QUEUE_PER_WORKER = 4
# Huge pages: counts alone would hold dozens of them at once, so chunks, pages in flight
# and batches waiting to be stored are also bounded by size (in characters or bytes).
CHUNK_WEIGHT = 4 * 1024 * 1024
IN_FLIGHT_WEIGHT = 64 * 1024 * 1024
BATCH_WEIGHT = 64 * 1024 * 1024
# How often a worker checks that the importing process is still there (seconds).
PARENT_POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

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
    options = ImportOptions(options.annotator, options.cleaner, options.now or utc_now())
    expected = count_sources(paths) if expected is None else expected
    count = workers if workers is not None else (os.cpu_count() or 1)
    count = 1 if expected < POOL_THRESHOLD else count
    context = _import_context(paths, options, count)
    report = ImportReport()
    schema = read_label_schema(label_file.connection)
    seen: dict[str, str] = {}
    prepared = _run(_prepare_document, iter_sources(paths), count, _Job(options, context))
    for batch in _batches(prepared, BATCH_SIZE, BATCH_WEIGHT):
        docs = _keep(batch, report)
        _store(label_file, _check_batch(docs, schema, seen, report), options.now, report)
        if progress is not None:
            progress(len(batch))
    return report


def _import_context(paths: Sequence[Path], options: ImportOptions, workers: int) -> ImportContext:
    """Count the lines of every page the `lines` cleaner will see, across the import."""
    if options.cleaner not in (None, "lines"):
        return ImportContext()
    counts: Counter[str] = Counter()
    documents = 0
    sources = (s for s in iter_sources(paths) if _needs_context(s, options))
    for lines in _run(_page_lines, sources, workers, None):
        if lines is not None:
            documents += 1
            counts.update(lines)
    return ImportContext(repeated_lines_from_counts(counts, documents))


def _needs_context(source: Source | Refusal, options: ImportOptions) -> TypeGuard[Source]:
    if isinstance(source, Refusal):
        return False
    if options.cleaner == "lines":
        return True
    if isinstance(source, FileSource):
        return not source.is_html
    record = source.record
    return record.get("raw_html") is None and record.get("clean_text") is None


@dataclass(frozen=True)
class _Job:
    """The import-wide arguments every worker needs for every page."""

    options: ImportOptions
    context: ImportContext


# Worker side: the job reaches each worker process once, through the pool's initializer,
# instead of being pickled again with every page.
_current_job: dict[str, _Job] = {}


def _set_job(job: _Job | None) -> None:
    _current_job.clear()
    if job is not None:
        _current_job["job"] = job


def _start_worker(parent: int | None, job: _Job | None) -> None:
    """Pool initializer: tie this worker's life to the importing process, set the job."""
    _die_with_parent(parent)
    _set_job(job)


def _die_with_parent(parent: int | None) -> None:
    """End this worker as soon as the process that started it is gone.

    A killed import (SIGKILL, out of memory, a closed terminal) never shuts its pool
    down, and workers blocked on the task queue would sleep forever. Linux sends the
    parent-death signal at once; everywhere, a thread notices the parent changing (a
    dead parent's children are handed to another process). ``parent`` is the importing
    process when it forked or spawned this worker directly, so a parent that died before
    this ran is noticed too; with a forkserver the parent is the server, which ends with
    the importing process.
    """
    if sys.platform.startswith("linux"):
        # Without prctl the thread below still does the job, a little later.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    first = os.getppid()
    if parent is not None and first != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(first,), daemon=True).start()


def _watch_parent(first: int) -> None:
    while os.getppid() == first:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)  # nobody is left to take our results


def _page_lines(source: Source) -> set[str] | None:
    page = read_page(source)
    return None if isinstance(page, Refusal) else document_lines(page.raw_text)


def _prepare_document(item: Source | Refusal) -> PreparedDocument | Refusal:
    if isinstance(item, Refusal):
        return item
    job = _current_job["job"]
    page = read_page(item)
    return page if isinstance(page, Refusal) else finish_page(page, job.options, job.context)


def _run(
    function: Callable[[T], R], items: Iterable[T], workers: int, job: _Job | None
) -> Iterator[R]:
    """Map ``function`` over ``items`` in order, on ``workers`` processes when > 1.

    Items travel to the workers in chunks: one task per page spent a tenth of the import
    on pickling and future bookkeeping.
    """
    _set_job(job)
    if workers <= 1:
        yield from map(function, items)
        return
    context = multiprocessing.get_context()
    direct = context.get_start_method() in ("fork", "spawn")
    parent = os.getpid() if direct else None
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(parent, job),
    ) as pool:
        pending: deque[tuple[Future[list[R]], int]] = deque()
        for chunk in _batches(items, CHUNK_SIZE, CHUNK_WEIGHT):
            pending.append((pool.submit(_map_chunk, function, chunk), _total_weight(chunk)))
            while len(pending) >= workers * QUEUE_PER_WORKER or (
                sum(weight for _, weight in pending) > IN_FLIGHT_WEIGHT
            ):
                yield from pending.popleft()[0].result()
        while pending:
            yield from pending.popleft()[0].result()


def _map_chunk(function: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [function(item) for item in chunk]


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


def _batches(items: Iterable[T], size: int, weight: int) -> Iterator[list[T]]:
    """Lists of ``size`` items, or fewer once they weigh ``weight`` (see ``_weight``)."""
    batch: list[T] = []
    total = 0
    for item in items:
        batch.append(item)
        total += _weight(item)
        if len(batch) >= size or total >= weight:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def _weight(item: object) -> int:
    """Roughly how much memory an item holds, or will once read: its text's length."""
    if isinstance(item, FileSource):
        try:
            return item.path.stat().st_size
        except OSError:
            return 0
    if isinstance(item, RecordSource):
        fields = ("raw_text", "raw_html", "clean_text")
        return sum(len(value) for key in fields if isinstance(value := item.record.get(key), str))
    if isinstance(item, PreparedDocument):
        return len(item.raw_text) + len(item.clean_text) + len(item.raw_html or "")
    return 0


def _total_weight(items: Iterable[object]) -> int:
    return sum(_weight(item) for item in items)
