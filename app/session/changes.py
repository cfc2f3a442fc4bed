"""What one action changed in the open document, so views repaint only that."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """The ids an action touched in document ``doc_id``.

    ``everything`` means the whole document may differ (another writer, suggestions found
    later, a change to a document not open): views redraw it whole.
    """

    doc_id: str
    added: tuple[str, ...] = ()  # span ids now live
    removed: tuple[str, ...] = ()  # span ids no longer live
    relabelled: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()  # fact ids added, deleted, revived or with a slot set
    status: bool = False
    hidden: tuple[str, ...] = ()  # suggestion and figure ids no longer offered
    shown: tuple[str, ...] = ()  # suggestion and figure ids offered again
    others: tuple[str, ...] = ()  # other documents whose spans changed too (tag all)
    everything: bool = False
    # The session's annotator's live spans on ``doc_id`` after the change, when the
    # session holds every one of them (the document list shows it without a query).
    listed_spans: int | None = None

    @property
    def spans(self) -> bool:
        """True when spans were added, removed or relabelled."""
        return bool(self.added or self.removed or self.relabelled)


Listener = Callable[[Change], None]
