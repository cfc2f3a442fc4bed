"""What the window reads of the label file as a whole, not of the open document.

The document list's rows, the file's ids and annotators, agreement and adjudication
figures, find, and the annotator's active time: ``DocumentSession`` is these plus the open
document, so the window still has one door to the file.
"""

from __future__ import annotations

from app.core.agreement import AgreementReport
from storage import gold as gold_store
from storage.active_time import add_active_seconds, median_active_seconds
from storage.agreement_read import Progress, agreement_report
from storage.corpus_search import FindResult, find
from storage.document_rows import SqliteDocumentRows
from storage.documents import document_ids
from storage.gold import DocumentLabels, read_document_labels
from storage.labelfile import LabelFile


class LabelFileReads:
    """One label file, read for one annotator: nothing here needs a document open."""

    def __init__(self, label_file: LabelFile, annotator: str) -> None:
        self.label_file = label_file
        self.annotator = annotator

    @property
    def read_only(self) -> bool:
        """True when edits are refused."""
        return self.label_file.read_only

    def document_rows(self) -> SqliteDocumentRows:
        """The rows of the document list (read on demand as the list scrolls)."""
        return SqliteDocumentRows(self.label_file.connection, self.annotator)

    def document_ids(self) -> list[str]:
        """Every document id in import order."""
        return document_ids(self.label_file.connection)

    def span_annotators(self) -> list[str]:
        """Who (gold aside) has live spans anywhere in the file."""
        return gold_store.span_annotators(self.label_file.connection)

    def document_labels(self, doc_id: str) -> DocumentLabels:
        """Everything adjudication needs of one document."""
        return read_document_labels(self.label_file.connection, doc_id)

    def agreement_report(self, progress: Progress | None = None) -> AgreementReport:
        """The file's agreement and progress figures (``thresher agreement``'s), with each
        annotator's median active seconds per document."""
        report = agreement_report(self.label_file, progress=progress)
        return report.with_active_time(median_active_seconds(self.label_file.connection))

    def documents_needing_adjudication(self) -> list[str]:
        """Documents labelled by two or more annotators."""
        return gold_store.documents_needing_adjudication(self.label_file.connection)

    def find(self, pattern: str, *, regex: bool, limit: int | None) -> FindResult:
        """Hits of ``pattern`` in every raw text (``PatternError`` for a bad one).

        With a ``limit`` the search stops once that many hits are listed: counting every
        hit of a word on each of 100,000 pages reads the whole corpus (seconds), and the
        window must answer at once.
        """
        return find(
            self.label_file.connection, pattern, regex=regex, limit=limit, count_all=limit is None
        )

    def record_active_seconds(self, doc_id: str, seconds: float) -> None:
        """Add the annotator's active seconds on a document (their own record)."""
        if seconds > 0 and not self.read_only:
            add_active_seconds(self.label_file, doc_id, self.annotator, seconds)
