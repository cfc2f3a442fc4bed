"""Counting active seconds: time with the window focused and a key or mouse event in the
last two minutes.

The window feeds it what happens (``focus``, ``event``) with the time from its clock
and takes the seconds when it leaves a document (``take``), then stores them
(``storage.active_time.add_active_seconds``). No clock is read here, so tests pass
times in and nothing waits.
"""

from __future__ import annotations

# An annotator with no key or mouse event for this long has stepped away.
IDLE_AFTER_SECONDS = 120.0


class ActiveClock:
    """Active seconds since the last ``take``. Times are seconds on one monotonic clock."""

    def __init__(self, idle_after: float = IDLE_AFTER_SECONDS) -> None:
        self.idle_after = idle_after
        self._focused = False
        self._last_event: float | None = None
        self._counted_to: float | None = None
        self._pending = 0.0

    def focus(self, focused: bool, now: float) -> None:
        """The window gained (True) or lost (False) the focus at ``now``."""
        self._advance(now)
        self._focused = focused

    def event(self, now: float) -> None:
        """A key or mouse event reached the window at ``now``."""
        self._advance(now)
        self._last_event = now

    def take(self, now: float) -> float:
        """The active seconds up to ``now`` not taken before (the counting goes on)."""
        self._advance(now)
        seconds, self._pending = self._pending, 0.0
        return seconds

    def _advance(self, now: float) -> None:
        """Count ``(counted_to, now]`` where focused and within ``idle_after`` of an event."""
        since = now if self._counted_to is None else self._counted_to
        if self._focused and self._last_event is not None:
            until = min(now, self._last_event + self.idle_after)
            begin = max(since, self._last_event)
            if until > begin:
                self._pending += until - begin
        self._counted_to = max(now, since)
