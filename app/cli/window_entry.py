"""The command line's one door to the window.

Qt is imported here only when a window is wanted, so every other command runs without a
display and without loading PySide6 (a test checks ``import app.cli`` leaves it out).
"""

from __future__ import annotations

from pathlib import Path


def launch_window(path: Path | None, *, demo: bool = False) -> int:
    """Open the review window; return the process exit status."""
    from app.gui.launch import run_gui  # noqa: PLC0415 (keeps Qt out of other commands)

    return run_gui(path, demo=demo)
