"""One helper process for the window's slow work; the latest request of each kind wins.

On a 2 MB page finding suggestions takes most of a second and scoring the cleaner about
60 ms: the window would stop for both. Such work runs in one helper process, and a result
arrives as a call on the window's thread, only if no newer request of the same kind (its
channel) was made since and the channel was not forgotten: a result for a page or labels
no longer on screen is thrown away. A process, not a thread: a thread would hold the
interpreter lock the window's painting needs. It is started (``spawn``, never ``fork`` in a
program running Qt threads) on the first request.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import count
from typing import Any

from PySide6.QtCore import QObject, Signal


class HelperProcess(QObject):
    """Runs functions in one helper process; per channel only the latest result is kept."""

    _finished = Signal(str, int, object)  # channel, request number, result (pool thread)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool: ProcessPoolExecutor | None = None
        self._numbers = count(1)
        self._wanted: dict[str, tuple[int, Callable[[Any], None]]] = {}
        self._finished.connect(self._deliver)

    def run(
        self, channel: str, on_result: Callable[[Any], None], work: Callable[..., Any], *args: Any
    ) -> None:
        """Run ``work(*args)`` in the helper; ``on_result`` gets it unless a newer one came."""
        number = next(self._numbers)
        self._wanted[channel] = (number, on_result)
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        future = self._pool.submit(work, *args)
        future.add_done_callback(lambda done: self._report(channel, number, done))

    def forget(self, channel: str) -> None:
        """Drop the result still to come on ``channel``."""
        self._wanted.pop(channel, None)

    def busy(self, channel: str) -> bool:
        """True while a wanted result on ``channel`` has not arrived."""
        return channel in self._wanted

    def busy_any(self) -> bool:
        """True while any wanted result has not arrived."""
        return bool(self._wanted)

    def shutdown(self) -> None:
        """Stop the helper; results still running are dropped."""
        self._wanted.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _report(self, channel: str, number: int, done: Future[Any]) -> None:
        # Runs on the pool's thread; the signal crosses to the window's thread queued.
        if not done.cancelled() and done.exception() is None:
            self._finished.emit(channel, number, done.result())

    def _deliver(self, channel: str, number: int, result: object) -> None:
        wanted = self._wanted.get(channel)
        if wanted is not None and wanted[0] == number:
            del self._wanted[channel]
            wanted[1](result)
