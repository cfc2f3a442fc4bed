"""Errors the label file raises, each saying what is wrong in words a user can act on."""

from __future__ import annotations

from pathlib import Path


class LabelFileError(Exception):
    """A label file cannot be used as asked."""


class NotALabelFile(LabelFileError):
    """The path holds something other than a usable Thresher label file.

    ``reason`` is one of ``missing``, ``empty``, ``not-sqlite``, ``truncated``,
    ``other-application``, ``newer-version``, ``corrupt``, ``tampered``, ``missing-values``
    (a table lacks a column of the format, or a required column holds NULL), ``busy``
    (another program held it longer than the wait for it).
    """

    def __init__(self, path: Path, reason: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.reason = reason


class ReadOnlyLabelFile(LabelFileError):
    """An edit was asked of a label file opened read-only."""


class WriteFailed(LabelFileError):
    """A change could not be written (disk full, read-only, locked); it was rolled back."""


class ImportRefused(LabelFileError):
    """A document cannot go into the label file (for example, another text under its id)."""


class MergeRefused(LabelFileError):
    """Label files cannot be merged (or handed out) as asked; nothing was written."""
