"""The document list's contract: what a row shows and where rows come from.

The list widget reads rows through ``DocumentRows`` a page at a time; storage implements
it over the label file (``storage.document_rows``) and tests with plain Python. Nothing
here knows about Qt or SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DocumentRow:
    """One line of the document list.

    Attributes:
        doc_id: The document's id.
        title: Its title, or its id when the page had no title.
        status: The annotator's status: todo, done, skipped or flagged.
        span_count: How many live spans the document holds.
    """

    doc_id: str
    title: str
    status: str
    span_count: int

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", self.doc_id)


@dataclass(frozen=True)
class ListFilter:
    """Which documents the list shows.

    Attributes:
        status: Only documents with this status; None for every status.
        text: Only documents whose id or title contains this text, ignoring case.
    """

    status: str | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        """True when the filter lets every document through."""
        return self.status is None and not self.text

    def matches(self, row: DocumentRow) -> bool:
        """Whether ``row`` passes the filter (the reference rule for every source)."""
        if self.status is not None and row.status != self.status:
            return False
        needle = self.text.casefold()
        return needle in row.doc_id.casefold() or needle in row.title.casefold()


class DocumentRows(Protocol):
    """The documents of a label file as list rows, in import order."""

    def count(self, list_filter: ListFilter) -> int:
        """How many documents pass ``list_filter``."""
        ...

    def rows(self, list_filter: ListFilter, offset: int, limit: int) -> list[DocumentRow]:
        """Up to ``limit`` rows passing ``list_filter``, starting at row ``offset``."""
        ...

    def row_of(self, list_filter: ListFilter, doc_id: str) -> int | None:
        """The row number of ``doc_id`` under ``list_filter``; None if it does not pass."""
        ...

    def row(self, doc_id: str) -> DocumentRow | None:
        """The row of one document, read afresh; None if there is no such document."""
        ...
