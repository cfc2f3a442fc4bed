"""Test helpers: find a process's descendants in /proc, wait for things without sleeping blind.

A process is identified by its pid *and* its start time, so a pid the system hands to a
new process after ours ended is never mistaken for ours. A zombie counts as ended.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Callable, Iterable
from contextlib import closing, suppress
from pathlib import Path
from typing import TypeVar

PROC = Path("/proc")
T = TypeVar("T")

Process = tuple[int, str]  # (pid, start time in clock ticks since boot)


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2 :].split()


def _identity(pid: int) -> Process | None:
    fields = _stat(pid)
    return None if fields is None else (pid, fields[19])


def descendants(root: int) -> set[Process]:
    """Every living process below ``root`` (children, grandchildren ...)."""
    parents: dict[int, int] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return {identity for pid in found if (identity := _identity(pid)) is not None}


def alive(processes: Iterable[Process]) -> set[Process]:
    """Those of ``processes`` still running (the same pid and start time, not a zombie)."""
    living = set()
    for pid, started in processes:
        fields = _stat(pid)
        if fields is not None and fields[19] == started and fields[0] != "Z":
            living.add((pid, started))
    return living


def kill_all(processes: Iterable[Process]) -> None:
    """SIGKILL whichever of ``processes`` still run (clean-up after a failed check)."""
    for pid, _ in alive(processes):
        with suppress(OSError):  # it ended meanwhile
            os.kill(pid, signal.SIGKILL)


def wait_for(check: Callable[[], T | None], what: str, deadline: float = 60.0) -> T:
    """Poll ``check`` until it returns something other than None; fail after ``deadline`` s."""
    end = time.monotonic() + deadline
    while True:
        result = check()
        if result is not None:
            return result
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what} after {deadline:.0f} s")
        time.sleep(0.02)


def committed_documents(path: Path) -> int:
    """How many documents a label file holds now (0 while it is being created)."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            return int(db.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0
