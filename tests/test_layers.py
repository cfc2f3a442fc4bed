"""The layers hold: no Qt below widgets/ and app/gui/, widgets never touch storage."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_the_command_line_never_loads_qt() -> None:
    code = (
        "import sys, app.cli, app.ingest, storage.labelfile, app.core.prepare\n"
        "app.cli.build_parser()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "[]"


def test_import_contracts_hold() -> None:
    lint_imports = REPO / ".venv" / "bin" / "lint-imports"
    executable = str(lint_imports) if lint_imports.exists() else "lint-imports"
    result = subprocess.run([executable], check=False, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
