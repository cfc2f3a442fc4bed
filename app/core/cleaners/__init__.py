"""Cleaners: turn a page into its clean article text, chosen by name.

``get_cleaner(name)`` returns a fresh cleaner for ``trafilatura`` (default for HTML),
``lines`` (default for plain text), ``none``, the library cleaners ``resiliparse``,
``readability`` and ``justext`` (optional extras: ``missing_package`` says when one is not
installed), or ``learned:MODEL``, a line model file ``thresher train`` wrote.
``external`` is a valid choice for an import but not a cleaner: that clean text arrives
with the document from the user's own pipeline, and the importer takes it from there.
"""

from __future__ import annotations

from pathlib import Path

from app.core.cleaners.base import Cleaner, CleanInput, ImportContext
from app.core.cleaners.library_cleaners import LIBRARY_CLEANERS, missing_package
from app.core.cleaners.lines import (
    LinesCleaner,
    document_lines,
    repeated_lines,
    repeated_lines_from_counts,
)
from app.core.cleaners.simple import NoneCleaner
from app.core.cleaners.trafilatura_cleaner import TrafilaturaCleaner

CLEANER_NAMES: tuple[str, ...] = (
    "trafilatura",
    "lines",
    "none",
    "external",
    *LIBRARY_CLEANERS,
)
LEARNED_PREFIX = "learned:"
# Cleaners a line model may correct: not another learned one, not `external` (nothing runs).
LEARNED_BASES = ("trafilatura", "lines", "none", "resiliparse", "readability", "justext")

__all__ = [
    "CLEANER_NAMES",
    "CleanInput",
    "Cleaner",
    "ImportContext",
    "document_lines",
    "get_cleaner",
    "repeated_lines",
    "repeated_lines_from_counts",
    "unavailable_reason",
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
    if name in LIBRARY_CLEANERS:
        reason = missing_package(name)
        if reason is not None:
            raise ValueError(reason)
        return LIBRARY_CLEANERS[name]()
    if name.startswith(LEARNED_PREFIX):
        # Imported here: the model module needs numpy, which other cleaners never pay for.
        from app.core.cleaners.learned import learned_cleaner  # noqa: PLC0415

        return learned_cleaner(Path(name.removeprefix(LEARNED_PREFIX)), get_cleaner)
    if name == "external":
        raise ValueError(
            "cleaner 'external' is never run: its clean text comes with the document "
            "(a 'clean_text' field, or a '<name>.clean.txt' file beside the page)"
        )
    raise ValueError(
        f"unknown cleaner {name!r}; choose one of: {', '.join(CLEANER_NAMES)},"
        f" or {LEARNED_PREFIX}MODEL"
    )


def unavailable_reason(name: str) -> str | None:
    """Why cleaner ``name`` cannot run here (unknown, not installed, bad model), or None."""
    try:
        get_cleaner(name)
    except ValueError as error:
        return str(error)
    return None
