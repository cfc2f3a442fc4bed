"""The command line's one door to the window.

Qt is imported here only when a window is wanted, so every other command runs without a
display and without loading PySide6 (a test checks ``import app.cli`` leaves it out).
Before Qt is loaded, a Linux machine without a display is told so: Qt itself would print
a plugin error and abort the process (SIGABRT), which reads like a crash.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

EXIT_NO_DISPLAY = 2
# Qt platforms that draw without a display server (tests, screenshots, VNC, a console).
_NO_SERVER_PLATFORMS = ("offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs")

NO_DISPLAY_MESSAGE = """\
thresher: the review window needs a display, and this session has none (DISPLAY and
WAYLAND_DISPLAY are not set). Run it on a desktop session, or over SSH with X forwarding
(ssh -X), or under a virtual display (xvfb-run thresher open FILE, then look at it with a
VNC viewer). Every other command (import, show, stats, merge, export ...) needs no display."""


def display_missing(environ: dict[str, str] | os._Environ[str], platform: str) -> bool:
    """True when Qt would find no display to open a window on (Linux and BSDs only)."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False  # macOS and Windows always have their own window system
    chosen = environ.get("QT_QPA_PLATFORM", "")
    # "offscreen", "vnc:size=800x600", "wayland;xcb": the first entry is tried first.
    first = chosen.split(";")[0].split(":")[0].strip()
    if first in _NO_SERVER_PLATFORMS:
        return False
    if first.startswith("wayland"):
        return False  # Wayland also finds its socket without WAYLAND_DISPLAY (wayland-0)
    if first == "xcb":
        return not environ.get("DISPLAY")
    return not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def launch_window(path: Path | None, *, demo: bool = False) -> int:
    """Open the review window; return the process exit status (2: no display)."""
    if display_missing(os.environ, sys.platform):
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return EXIT_NO_DISPLAY
    from app.gui.launch import run_gui  # noqa: PLC0415 (keeps Qt out of other commands)

    return run_gui(path, demo=demo)
