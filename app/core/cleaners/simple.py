"""The `none` cleaner: the clean text is the raw text, unchanged."""

from __future__ import annotations

from app.core.cleaners.base import CleanInput, ImportContext

VERSION = "none-1"


class NoneCleaner:
    """Keeps everything: for sources that are already clean, or to tag spam from scratch."""

    name: str = "none"
    version: str = VERSION

    def clean(self, page: CleanInput, context: ImportContext) -> str:
        """Return ``page.raw_text`` as it is (it is canonical already)."""
        return page.raw_text
