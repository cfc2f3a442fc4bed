"""Recording the annotator's active seconds on each document while the window is used.

Active means the window has the focus and a key or mouse event reached it in the last
two minutes (``app.core.active_clock``). The seconds counted on a document are stored as
the annotator's own record (``DocumentSession.record_active_seconds``) when another
document is shown and when the window closes. The clock is a parameter, so tests move
time on by hand instead of waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from app.core.active_clock import ActiveClock
from app.gui.command_runner import WRITE_ERRORS, Say
from app.session.document_session import DocumentSession

Clock = Callable[[], float]  # seconds on a monotonic clock
_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.ShortcutOverride,  # a key that is a shortcut never arrives as a KeyPress
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel,
}
_FOCUS = {QEvent.Type.WindowActivate: True, QEvent.Type.WindowDeactivate: False}


class ActiveTimeRecorder(QObject):
    """Watches the window's input and focus; stores active seconds per document."""

    def __init__(
        self, window: QWidget, session: DocumentSession, say: Say, clock: Clock = time.monotonic
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.say = say
        self.doc_id: str | None = None
        self.use_clock(clock)
        app = QApplication.instance()
        if app is not None:  # key and mouse events go to the focused child, not the window
            app.installEventFilter(self)

    def use_clock(self, clock: Clock) -> None:
        """Count with ``clock`` from now on (what was counted so far is dropped)."""
        self.clock = clock
        self.active = ActiveClock()
        self.active.focus(self.window.isActiveWindow(), clock())

    def document_shown(self, doc_id: str | None) -> None:
        """Another document is on screen: store the last one's seconds."""
        self.flush()
        self.doc_id = doc_id

    def flush(self) -> None:
        """Store the seconds counted on the current document so far."""
        seconds = self.active.take(self.clock())
        if self.doc_id is None or seconds <= 0:
            return
        try:
            self.session.record_active_seconds(self.doc_id, seconds)
        except WRITE_ERRORS as error:  # a full disk loses the time, never the labels
            self.say(f"Active time was not saved: {error}")

    def stop(self) -> None:
        """Store what is counted and stop watching (the window closes)."""
        self.flush()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Qt override: note focus changes of the window and input reaching it."""
        kind = event.type()
        if kind in _FOCUS and watched is self.window:
            self.active.focus(_FOCUS[kind], self.clock())
        elif kind in _INPUT and isinstance(watched, QWidget) and self._inside(watched):
            self.active.event(self.clock())
        return False

    def _inside(self, widget: QWidget) -> bool:
        return widget is self.window or self.window.isAncestorOf(widget)
