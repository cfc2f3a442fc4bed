"""The cleaner's score on the open document, against the labels of whoever is writing.

The same figures as ``thresher evaluate`` (``app.core.evaluation``), for one document: the
annotator's own spam spans outside review mode, gold's inside it. A document is scored only
once those labels say something about it (a raw-layer span, or marked done), as on the
command line. The figures follow the labels after a short pause instead of on every key
press, and a page longer than ``SUGGEST_NOW_MAX_CHARS`` is scored in a helper process
(about 60 ms for a 2 MB page, which the window would otherwise stop for); a result for
labels or a page no longer on screen is thrown away.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from app.core.evaluation import CleanerScore, score_document
from app.gui.helper_process import HelperProcess
from app.session.document_session import DocumentSession
from app.session.open_document import SUGGEST_NOW_MAX_CHARS, OpenDocument
from widgets.plain_text import make_plain

# Long enough to coalesce a burst of key presses, short enough to feel immediate.
SETTLE_MS = 250
CHANNEL = "cleaner score"  # the helper process's channel for scores

SCORING_LONG_PAGE = "Cleaner score: scoring this long page…"
HINT = "Cleaner score: tag spam or mark done to see how the cleaner did here."


class CleanerScoreLabel(QLabel):
    """A line of text: the cleaner's precision, recall and F1 on the open document."""

    def __init__(self, session: DocumentSession, helper: HelperProcess) -> None:
        super().__init__()
        self.session = session
        self._helper = helper
        self.setWordWrap(True)
        make_plain(self)  # the cleaner and annotator names come from the file
        self.setToolTip(
            "Characters (whitespace aside) the cleaner kept, compared with the raw text minus "
            "the spam regions tagged here: the same figures as thresher evaluate."
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.update_now)

    def document_shown(self) -> None:
        """Another document is on screen: forget the last one's figures, score after the pause.

        Not at once: on a long page scoring would delay the first paint.
        """
        self._helper.forget(CHANNEL)
        self.setText("Cleaner score: …")
        self._timer.start()

    def schedule(self) -> None:
        """The labels changed: score again after the pause."""
        self._timer.start()

    def update_now(self) -> None:
        """Score the open document now (a long page: start scoring it) and show the figures."""
        self._timer.stop()
        self._helper.forget(CHANNEL)
        current, writer = self.session.current, self.session.writer
        if current is None:
            self.setText("")
            return
        if len(current.stored.raw_text) <= SUGGEST_NOW_MAX_CHARS:
            self.setText(describe(current, writer))
            return
        spam = spam_to_score(current, writer)
        if spam is None:
            self.setText(HINT)
            return
        self.setText(SCORING_LONG_PAGE)
        stored = current.stored
        prefix = f"Cleaner ({stored.cleaner}) vs {writer}: "
        self._helper.run(
            CHANNEL,
            lambda score: self.setText(prefix + figures(score)),
            score_document,
            stored.raw_text,
            stored.clean_text,
            stored.segments,
            spam,
        )


def spam_to_score(document: OpenDocument, writer: str) -> list[tuple[int, int]] | None:
    """``writer``'s raw-layer spans to score against; None when they say nothing yet.

    Nothing is said until the page has a span or is marked done, as on the command line.
    """
    spam = [(s.start, s.end) for s in document.spans if s.layer == "raw" and s.annotator == writer]
    return spam if spam or document.status == "done" else None


def describe(document: OpenDocument, writer: str) -> str:
    """The score line for ``document`` against ``writer``'s spans, or why there is none."""
    spam = spam_to_score(document, writer)
    if spam is None:
        return HINT
    stored = document.stored
    score = score_document(stored.raw_text, stored.clean_text, stored.segments, spam)
    return f"Cleaner ({stored.cleaner}) vs {writer}: " + figures(score)


def figures(score: CleanerScore) -> str:
    """``P 0.97 · R 0.88 · F1 0.92`` with the character counts behind them."""
    return (
        f"P {score.precision:.2f} · R {score.recall:.2f} · F1 {score.f1:.2f}"
        f" ({score.fp} chars kept wrongly, {score.fn} lost)"
    )
