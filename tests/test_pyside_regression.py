"""PySide6 6.12.0 aborts Python 3.11 after a few thousand calls of a void method.

FIELD-NOTES: every Qt call that returns nothing drops a reference to ``None``; on Python
< 3.12 (where None is not immortal) the interpreter dies with ``none_dealloc``. The
dependency pin keeps 6.12 off 3.11; this test proves the installed pair survives.
"""

from __future__ import annotations

import subprocess
import sys

CALLS = 20_000

_SCRIPT = f"""
from PySide6.QtGui import QTextCursor, QTextDocument
document = QTextDocument("가나다라마바사" * 10)
cursor = QTextCursor(document)
for i in range({CALLS}):
    cursor.setPosition(i % 50)
print("survived", {CALLS})
"""


def test_void_qt_calls_do_not_kill_the_interpreter() -> None:
    # In a child process: if the bug is back, the child dies, not the test run.
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == f"survived {CALLS}"
