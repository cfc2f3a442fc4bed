"""Train the line model from a label file: one call, runnable in a helper process.

``train_from_label_file`` reads a layer's labelled documents (for ``gold``: the gold-done
ones, since unfinished gold is not yet the truth), prepares each page with the base
cleaner (``app.core.line_training.prepare_page``, on worker processes when asked), holds
out a share of the pages by a hash of seed and id (or of the id's folder, a *site*), fits
the model on the rest and measures it on what was held out. Its arguments and result are
plain data, so ``thresher train`` and a window's background trainer call it alike; the
label file is only read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.adjudication import GOLD
from app.core.cleaners import ImportContext
from app.core.leaderboard import run_pool
from app.core.line_model import LineModel, train
from app.core.line_training import Measured, PreparedPage, is_held_out, measure, prepare_page
from app.core.line_training import set_base as set_base_cleaner
from storage.evaluation_read import check_layer, judged_documents
from storage.labelfile import open_label_file, utc_now
from storage.leaderboard_read import pages_to_clean
from storage.reports import gold_done_ids

# Below this many pages, starting worker processes costs more than it saves.
POOL_THRESHOLD = 8


@dataclass(frozen=True)
class TrainRequest:
    """What to learn from, over which base cleaner, and what to hold out."""

    path: Path
    layer: str = GOLD
    base: str = "lines"
    held_out: float = 0.2
    seed: int = 0
    hold_out_by: str = "document"  # or "site": the id's folder
    workers: int = 1


@dataclass(frozen=True)
class TrainOutcome:
    """The fitted model (its ``trained`` facts filled in) and how it did."""

    model: LineModel
    documents: int
    lines: int
    measured: Measured
    seconds: float


def group_of(doc_id: str, by: str) -> str:
    """What is held out together: the document, or its site (the id's folder; an id
    without a folder is a site of its own)."""
    return doc_id.rpartition("/")[0] or doc_id if by == "site" else doc_id


# Told (pages prepared, pages in all) after each page.
Progress = Callable[[int, int], None]


def train_from_label_file(request: TrainRequest, progress: Progress | None = None) -> TrainOutcome:
    """Prepare, split, fit and measure (see the module docstring).

    Raises:
        ValueError: too few labels (fewer than two classes among the lines).
        LabelFileError: the file is unusable or has no such layer.
    """
    started = time.perf_counter()
    pages = _prepared(request, progress)
    held = [
        page
        for page in pages
        if is_held_out(group_of(page.doc_id, request.hold_out_by), request.held_out, request.seed)
    ]
    if not held and len(pages) > 1:  # a handful of pages: still measure on one
        held = pages[-1:]
    fit_on = [page for page in pages if page not in held]
    model = train([page.example for page in fit_on], request.base)
    seconds = time.perf_counter() - started
    measured = measure(model, held)
    lines = sum(len(page.lines) for page in fit_on)
    trained = {
        "layer": request.layer,
        "created": utc_now(),
        "documents": len(fit_on),
        "lines": lines,
        "held_out": {
            "share": request.held_out,
            "seed": request.seed,
            "by": request.hold_out_by,
            "documents": measured.pages,
            "lines": measured.lines,
            "line_accuracy": measured.line_accuracy,
            "f1": measured.score.f1,
            "base_f1": measured.base_score.f1,
        },
        "seconds": round(seconds, 3),
    }
    return TrainOutcome(replace(model, trained=trained), len(fit_on), lines, measured, seconds)


def _prepared(request: TrainRequest, progress: Progress | None) -> list[PreparedPage]:
    with open_label_file(request.path, read_only=True) as label_file:
        check_layer(label_file, request.layer)
        db = label_file.connection
        doc_ids = judged_documents(db, request.layer)
        if request.layer == GOLD:  # gold that is not done is not yet the truth
            done = gold_done_ids(db)
            doc_ids = [doc_id for doc_id in doc_ids if doc_id in done]
        workers = 1 if len(doc_ids) < POOL_THRESHOLD else request.workers
        source = pages_to_clean(db, doc_ids, request.layer)
        initargs = (request.base, ImportContext())
        pages = []
        for page in run_pool(prepare_page, source, workers, set_base_cleaner, initargs):
            pages.append(page)
            if progress is not None:
                progress(len(pages), len(doc_ids))
        return pages
