"""A label file opened for the window: writable with the writer lock, or read-only."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from storage.errors import NotALabelFile
from storage.labelfile import LabelFile, open_label_file
from storage.lock import WriterLock, try_writer_lock


@dataclass
class OpenedFile:
    """An open label file, who is annotating, and why it is read-only if it is."""

    path: Path
    label_file: LabelFile
    annotator: str
    read_only_reason: str = ""
    lock: WriterLock | None = None

    def close(self) -> None:
        """Checkpoint and close the file, then give up the writer lock."""
        self.label_file.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def open_for_review(path: Path, annotator: str) -> OpenedFile:
    """Open ``path`` for editing, or read-only when it cannot or may not be written.

    Raises:
        NotALabelFile: the path is not a usable label file (it is left untouched).
    """
    reason = _not_writable(path)
    lock = None
    if not reason:
        lock = try_writer_lock(path)
        if lock is None:
            reason = "another Thresher window is editing it"
    try:
        label_file = open_label_file(path, read_only=bool(reason))
    except NotALabelFile as refused:
        if refused.reason != "tampered" or reason:
            raise
        # Triggers or views someone added must never run on our edits: look, do not touch.
        if lock is not None:
            lock.release()
        lock, reason = None, "it holds schema objects a label file does not have"
        label_file = open_label_file(path, read_only=True)
    return OpenedFile(path, label_file, annotator, reason, lock)


def _not_writable(path: Path) -> str:
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is not writable"
    if not os.access(path.parent, os.W_OK):
        return "its folder is not writable"
    return ""
