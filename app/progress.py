"""The one-line progress display of long commands, drawn only when stderr is a terminal.

Scripts and CI logs get clean output; a person at a terminal sees the count move. Two
ways to feed it: ``advance(n)`` for commands that count documents as they go (import,
adjudicate, evaluate, export), ``show(number, total, what)`` for those that name each
step (assign and merge name a file, agreement a document).
"""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """``\\r<verb> 3/10 documents (120/s)`` or ``\\r<verb> 3/10: what``, on a terminal only."""

    def __init__(self, total: int, stream: TextIO, verb: str) -> None:
        self.total, self.done, self.stream, self.verb = total, 0, stream, verb
        self.started = time.monotonic()
        self.live = stream.isatty()

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more documents done."""
        self.done += count
        if self.live:
            rate = self.done / max(time.monotonic() - self.started, 1e-6)
            self._draw(f"{self.verb} {self.done}/{self.total} documents ({rate:.0f}/s)")

    def show(self, number: int, total: int, what: str) -> None:
        """Step ``number`` of ``total`` is ``what`` (a file, a document)."""
        self.done, self.total = number, total
        if self.live:
            self._draw(f"{self.verb} {number}/{total}: {what}")

    def finish(self) -> None:
        """Clear the progress line, so what follows starts on a clean line."""
        if self.live and self.done:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _draw(self, line: str) -> None:
        self.stream.write(f"\r\033[K{line}")
        self.stream.flush()
