"""Where the open document's suggestions come from, and how they are layered.

Three sources, the later giving way to the earlier: lines the writer (the annotator, or
gold in review mode) tagged whole on the site's other pages (``app.core.learned_lines``,
each saying where it was learned), the line model trained on the writer's finished pages
(``app.session.line_suggestions``), and the cleaner's rules. Where a suggestion of an
earlier source lies, the later one is cut around it, so accepting all never tags a line
twice. With learning off only the rules speak.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.alignment import Segment
from app.core.korean_numbers import Expression
from app.core.learned_lines import site_of
from app.core.line_model import LineModel
from app.core.selection import trim
from app.core.suggestions import Suggestion
from app.session.helper_work import find_suggestions
from app.session.line_suggestions import (
    MIN_PAGES,
    Trained,
    TrainingRequest,
    latest,
    model_suggestions,
)
from storage.documents import StoredDocument
from storage.labelfile import LabelFile, open_label_file
from storage.learned_rows import line_memory
from storage.training_pages import finished_pages

LEARNED_PREFIX = "l"  # learned suggestion ids: "l{start}-{end}" (the cleaner's are "s...")


class SuggestionSources:
    """The sources of the open document's suggestions, and the line model's requests."""

    def __init__(self) -> None:
        self.learning = True
        self.model: LineModel | None = None
        self.rules: list[Suggestion] = []  # the cleaner's, on the open document
        self.learned: list[Suggestion] = []  # from the site's other pages
        self._request = (0, 0)  # the latest training request's number, its page count

    def learn(self, db: sqlite3.Connection, writer: str, stored: StoredDocument) -> None:
        """Look up what the writer's tags on the site's other pages suggest here."""
        self.learned = learned_suggestions(db, writer, stored) if self.learning else []

    def merged(self, raw_text: str, segments: tuple[Segment, ...]) -> list[Suggestion]:
        """Learned suggestions, then the model's, then the rules', each cut around the last."""
        model = self.model if self.learning else None
        guessed = model_suggestions(model, raw_text, segments) if model is not None else []
        return combined(combined(self.rules, guessed, raw_text), self.learned, raw_text)

    def request(self, label_file: LabelFile, writer: str) -> TrainingRequest | None:
        """A training request when the writer finished pages since the last one."""
        done = finished_pages(label_file.connection, writer) if self.learning else []
        if len(done) < MIN_PAGES or len(done) == self._request[1]:
            return None
        self._request = (self._request[0] + 1, len(done))
        return TrainingRequest(self._request[0], label_file.path, writer, latest(done))

    def take(self, trained: Trained) -> bool:
        """Use a trained model, unless it answers an older request (then False)."""
        number, model = trained
        if number != self._request[0]:
            return False
        self.model = model
        return True


def learned_suggestions(
    db: sqlite3.Connection, writer: str, stored: StoredDocument
) -> list[Suggestion]:
    """The writer's learned suggestions on ``stored``, in text order."""
    return _learned(db, writer, stored.id, stored.url, stored.raw_text)


def _learned(
    db: sqlite3.Connection, writer: str, doc_id: str, url: str | None, raw_text: str
) -> list[Suggestion]:
    memory = line_memory(db, writer, site=site_of(doc_id, url))
    return [
        Suggestion(f"{LEARNED_PREFIX}{s.start}-{s.end}", s.start, s.end, s.label, s.learned_from)
        for s in memory.suggest(doc_id, url, raw_text)
    ]


@dataclass(frozen=True)
class LongPageFound:
    """A long page's suggestions found in the helper: the rules', its figures, and the
    learned ones of ``writer`` (None: learning was off, so none were looked up)."""

    rules: list[Suggestion]
    numbers: list[Expression]
    writer: str | None
    learned: list[Suggestion]


def find_long_page(
    path: Path,
    writer: str | None,
    page: tuple[str, str | None, str],
    segments: Sequence[Segment],
) -> LongPageFound:
    """Everything suggested on a long page (``page``: id, url, raw text), in the helper.

    Learning reads the writer's tagged pages of the site and walks every line of the page
    (a third of a second on 2 MB), so on a long page it waits, like the rules, until the
    page is painted; the label file is read read-only here, as training does.
    """
    doc_id, url, raw_text = page
    rules, numbers = find_suggestions(raw_text, segments)
    learned: list[Suggestion] = []
    if writer is not None:
        with open_label_file(path, read_only=True) as label_file:
            learned = _learned(label_file.connection, writer, doc_id, url, raw_text)
    return LongPageFound(rules, numbers, writer, learned)


def combined(
    rules: Sequence[Suggestion], learned: Sequence[Suggestion], raw_text: str
) -> list[Suggestion]:
    """Learned suggestions, and the cleaner's cut around them, in text order."""
    if not learned:
        return list(rules)
    taken = sorted((s.start, s.end) for s in learned)
    pieces = [piece for rule in rules for piece in _cut(rule, taken, raw_text)]
    return sorted([*learned, *pieces], key=lambda s: (s.start, s.end))


def _cut(rule: Suggestion, taken: list[tuple[int, int]], text: str) -> list[Suggestion]:
    """The parts of ``rule`` outside the ``taken`` ranges, trimmed; blank parts dropped."""
    parts, at = [], rule.start
    for start, end in taken:
        if end <= at or start >= rule.end:
            continue
        parts.append((at, min(start, rule.end)))
        at = max(at, end)
    parts.append((at, rule.end))
    if parts == [(rule.start, rule.end)]:
        return [rule]
    pieces = []
    for start, end in parts:
        if start >= end:
            continue
        first, last = trim(text, start, end)
        if first < last:
            pieces.append(Suggestion(f"s{first}-{last}", first, last, rule.label, rule.reason))
    return pieces
