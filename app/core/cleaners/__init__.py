"""Cleaners: turn a page into its clean article text, chosen by name.

``get_cleaner(name)`` returns a fresh cleaner for ``trafilatura`` (default for HTML),
``lines`` (default for plain text) or ``none``. ``external`` is a valid choice for an
import but not a cleaner: that clean text arrives with the document from the user's own
pipeline, and the importer takes it from there.
"""

from __future__ import annotations

from app.core.cleaners.base import Cleaner, CleanInput, ImportContext
from app.core.cleaners.lines import (
    LinesCleaner,
    document_lines,
    repeated_lines,
    repeated_lines_from_counts,
)
from app.core.cleaners.simple import NoneCleaner
from app.core.cleaners.trafilatura_cleaner import TrafilaturaCleaner

CLEANER_NAMES: tuple[str, ...] = ("trafilatura", "lines", "none", "external")

__all__ = [
    "CLEANER_NAMES",
    "CleanInput",
    "Cleaner",
    "ImportContext",
    "document_lines",
    "get_cleaner",
    "repeated_lines",
    "repeated_lines_from_counts",
]


def get_cleaner(name: str) -> Cleaner:
    """Return the cleaner called ``name``.

    Raises:
        ValueError: ``name`` is ``external`` (its clean text comes with the document, so
            nothing runs) or not one of ``CLEANER_NAMES``.
    """
    if name == "trafilatura":
        return TrafilaturaCleaner()
    if name == "lines":
        return LinesCleaner()
    if name == "none":
        return NoneCleaner()
    if name == "external":
        raise ValueError(
            "cleaner 'external' is never run: its clean text comes with the document "
            "(a 'clean_text' field, or a '<name>.clean.txt' file beside the page)"
        )
    raise ValueError(f"unknown cleaner {name!r}; choose one of: {', '.join(CLEANER_NAMES)}")
