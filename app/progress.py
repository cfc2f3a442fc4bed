"""A one-line progress display for long commands, drawn only when stderr is a terminal.

Scripts and CI logs get clean output; a person at a terminal sees the count move.
"""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """``\\r<verb> 3/10 documents (120/s)``, redrawn on each step, on a terminal only."""

    def __init__(self, total: int, stream: TextIO, verb: str) -> None:
        self.total, self.done, self.stream, self.verb = total, 0, stream, verb
        self.started = time.monotonic()
        self.live = stream.isatty()

    def advance(self) -> None:
        """Count one more document done."""
        self.done += 1
        if self.live:
            rate = self.done / max(time.monotonic() - self.started, 1e-6)
            self.stream.write(f"\r{self.verb} {self.done}/{self.total} documents ({rate:.0f}/s)")
            self.stream.flush()

    def finish(self) -> None:
        """End the progress line, so what follows starts on a line of its own."""
        if self.live and self.done:
            self.stream.write("\n")
