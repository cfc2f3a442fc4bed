"""New output files written whole or not at all, and the words for why one could not be.

An output (an export, a merged label file) is written to a hidden temporary file beside
it, named from the output, this machine and this process (``.gold.jsonl.HOST.PID.part``),
and renamed into place only when whole. A killed run cannot remove its temporary file,
so every run first removes those an earlier run *of the same output* on this machine
left, when the process named in them is gone. Temporary files of live processes, of
other machines (a shared folder) and of other outputs are never touched.

Operating-system errors on the way (read-only media, a full disk, a missing folder) become
``OutputUnusable``, a one-line message naming the path and the reason.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import sqlite3
from pathlib import Path

from storage.errors import LabelFileError

# For a SQLite output, its journal files go with it.
DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")

_REASONS = {
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would be larger than this file system or a limit allows",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "its folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    # Making its folders met a file: the only way an output's path meets EEXIST here.
    errno.EEXIST: "a part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EIO: "an input/output error on the device",
}


class OutputUnusable(LabelFileError):
    """An output cannot be written where it was asked to go; nothing was left there."""


def reason(error: OSError) -> str:
    """What an operating-system error means for a destination, in a few words."""
    if error.errno in _REASONS:
        return _REASONS[error.errno]
    return error.strerror or str(error)


def unusable(path: Path, error: OSError) -> OutputUnusable:
    """``error`` met while writing ``path``, as a message naming the path and the reason."""
    why = reason(error)
    if error.errno == errno.ENOENT and path.parent.is_dir():
        why = "its folder takes no new files"  # /proc, some FUSE mounts
    return OutputUnusable(f"{path}: cannot write it: {why}; nothing was written")


def _host() -> str:
    # Dots would make the name ambiguous; short, so a long output name still fits.
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:24] or "host"


def temporary_path(output: Path, tag: str = "part", pid: int | None = None) -> Path:
    """The hidden temporary name of ``output`` for this machine and process ``pid``."""
    return output.with_name(f".{output.name}.{_host()}.{pid or os.getpid()}.{tag}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def stale_temporaries(output: Path, tag: str = "part") -> list[Path]:
    """Temporary files of ``output`` left by dead processes of this machine."""
    prefix, suffix = f".{output.name}.{_host()}.", f".{tag}"
    try:
        names = os.listdir(output.parent)
    except OSError:
        return []
    stale = []
    for name in names:
        middle = name[len(prefix) : -len(suffix)]
        if name.startswith(prefix) and name.endswith(suffix) and middle.isdigit():
            pid = int(middle)
            if pid != os.getpid() and not _pid_alive(pid):
                stale.append(output.parent / name)
    return stale


def remove_stale_temporaries(output: Path, tag: str = "part", *, database: bool = False) -> int:
    """Remove what killed runs of ``output`` left (with SQLite journals); return how many."""
    removed = 0
    for path in stale_temporaries(output, tag):
        for companion in DATABASE_COMPANIONS if database else ("",):
            try:
                path.with_name(path.name + companion).unlink(missing_ok=True)
            except OSError:
                continue  # not ours to fight over: the run goes on without it
        removed += 1
    return removed


def new_temporary(output: Path, tag: str = "part") -> Path:
    """Clean up after killed runs, then make this run's empty temporary file of ``output``.

    Raises:
        OutputUnusable: the folder cannot take a new file (read-only, missing, full ...).
    """
    remove_stale_temporaries(output, tag)
    temporary = temporary_path(output, tag)
    try:
        # A file of this name is a killed run's whose pid came round again to us.
        temporary.unlink(missing_ok=True)
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except OSError as error:
        raise unusable(output, error) from error
    return temporary


def check_folder_writable(output: Path) -> None:
    """Raise ``OutputUnusable`` unless a new file can be made beside ``output``.

    Used to give a reason when a library (SQLite) only says "unable to open".
    """
    probe = temporary_path(output, "probe")
    try:
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except FileExistsError:
        pass
    except OSError as error:
        raise unusable(output, error) from error
    probe.unlink(missing_ok=True)


# SQLite's words for a destination it could not write, as opposed to an input's trouble.
_SQLITE_FULL = ("database or disk is full",)
_SQLITE_CANNOT_WRITE = ("unable to open database file", "readonly database")


def explain_database_failure(output: Path, error: sqlite3.Error) -> OutputUnusable | None:
    """``error`` met while making the database ``output``, as a message; None: not about it."""
    text = str(error)
    if any(words in text for words in _SQLITE_FULL):
        return unusable(output, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    if not any(words in text for words in _SQLITE_CANNOT_WRITE):
        return None
    try:
        check_folder_writable(output)
    except OutputUnusable as unusable_output:
        return unusable_output
    return OutputUnusable(f"{output}: cannot write it: {text}; nothing was written")
