"""The small interface every cleaner implements.

A cleaner turns one page into its clean article text. It sees the canonical raw text
and, for HTML sources, the original HTML; it returns canonical text. Cross-document
signals (lines that many pages of one import repeat) arrive in an ``ImportContext`` built
once per import, so each page can still be cleaned in a separate worker process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class CleanInput:
    """One page as a cleaner sees it: canonical raw text, and the HTML when there is one."""

    raw_text: str
    raw_html: str | None = None


@dataclass(frozen=True)
class ImportContext:
    """What one import knows across all its documents."""

    repeated_lines: frozenset[str] = field(default_factory=frozenset)


class Cleaner(Protocol):
    """A page cleaner: ``clean`` returns the article text in canonical form."""

    name: str
    version: str

    def clean(self, page: CleanInput, context: ImportContext) -> str:
        """Return the clean text of ``page`` (canonical: LF newlines, NFC)."""
