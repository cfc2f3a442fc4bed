"""One writer per label file: a second instance opens it read-only instead of racing.

SQLite alone would let two windows write the same file safely, but each would show a
stale picture of the other's labels. An advisory ``flock`` on ``FILE.lock`` marks the
writer; the lock goes away with the process, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class WriterLock:
    """A held writer lock; release it with ``release`` (or let the process end)."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor: int | None = descriptor

    def release(self) -> None:
        """Give the lock up."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


def try_writer_lock(path: Path) -> WriterLock | None:
    """Take the writer lock of label file ``path``, or None if another process has it.

    None also when the lock file cannot be made (a read-only folder): that file cannot be
    written anyway. The lock sits beside the file's real path, symlinks resolved, so a
    link to the file (or a path through a linked folder) meets the same lock.
    """
    real = path.resolve()
    lock_path = real.with_name(real.name + ".lock")
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return None
    return WriterLock(descriptor)
