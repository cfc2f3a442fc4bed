"""Line-model suggestions: a classifier trained on the writer's finished pages.

The pages the writer marked done are training data: each non-blank raw line is ``keep``
or the spam label its spans give it, with features from its text, its neighbours and
whether the cleaner kept it (``app.core.line_model``). Training runs in the window's
helper process: ``train_model`` is a plain function that reads the pages itself from the
label file (read-only), so the window only looks up which pages are done and never waits.
The model then labels each page's lines: its spam lines become suggestions, which relabel
the cleaner's suggestions on those lines and add the lines the cleaner kept but the model
calls spam. Below ``MIN_PAGES`` finished pages there is no model and the rules decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.alignment import Segment
from app.core.line_features import KEEP, Line, line_labels
from app.core.line_model import (
    LineModel,
    PageExample,
    char_weight,
    classify_page,
    page_example,
)
from app.core.line_model import train as fit
from app.core.suggestions import Suggestion
from storage.documents import load_document
from storage.labelfile import open_label_file
from storage.training_pages import raw_spans

MIN_PAGES = 3  # finished pages before the model suggests anything
MAX_PAGES = 300  # it trains on the latest this many, so retraining stays a few seconds
MODEL_PREFIX = "m"  # model suggestion ids: "m{start}-{end}"

Trained = tuple[int, LineModel | None]  # (request number, the model or None)


@dataclass(frozen=True)
class TrainingRequest:
    """What to train on, numbered so that only the latest request's model is taken."""

    number: int
    path: Path
    writer: str
    doc_ids: tuple[str, ...]


def latest(doc_ids: list[str]) -> tuple[str, ...]:
    """The pages a model trains on: the last ``MAX_PAGES`` finished."""
    return tuple(doc_ids[-MAX_PAGES:])


def train_model(request: TrainingRequest) -> Trained:
    """Read the request's pages and train (in the helper process); None: too few labels."""
    if len(request.doc_ids) < MIN_PAGES:
        return request.number, None
    examples = []
    with open_label_file(request.path, read_only=True) as label_file:
        db = label_file.connection
        for doc_id in request.doc_ids:
            stored = load_document(db, doc_id)
            if stored is None:
                continue
            lines, rows = page_example(stored.raw_text, stored.segments)
            labels = line_labels(lines, raw_spans(db, doc_id, request.writer))
            examples.append(PageExample(rows, labels, [char_weight(line) for line in lines]))
    try:
        model = fit(examples, "stored")
    except ValueError:  # one class only: nothing to tell apart yet
        return request.number, None
    model.trained["pages"] = len(examples)
    return request.number, model


def model_suggestions(
    model: LineModel, raw_text: str, segments: tuple[Segment, ...]
) -> list[Suggestion]:
    """The lines the model calls spam, consecutive lines of one label joined."""
    pages = int(model.trained.get("pages", 0))
    groups: list[list[tuple[Line, str]]] = []
    for line, label in classify_page(model, raw_text, segments):
        if label == KEEP:
            groups.append([])
        elif groups and groups[-1] and groups[-1][-1][1] == label:
            groups[-1].append((line, label))
        else:
            groups.append([(line, label)])
    suggestions = []
    for group in filter(None, groups):
        first, last, label = group[0][0], group[-1][0], group[0][1]
        start = first.start + len(first.text) - len(first.text.lstrip())
        end = last.start + len(last.text.rstrip())
        reason = f"{label}, the line model's guess (trained on {pages} finished pages)"
        suggestions.append(Suggestion(f"{MODEL_PREFIX}{start}-{end}", start, end, label, reason))
    return suggestions
