"""Shared fixtures: the bundled sample pages and fresh label files on disk."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.labelschema import default_schema
from storage.labelfile import LabelFile, create_label_file

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "resources" / "samples"


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, so commands draw their progress line on it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def samples() -> Path:
    """The bundled sample pages (a copy of the seed corpus; never ../shared)."""
    return SAMPLES


@pytest.fixture
def label_file(tmp_path: Path) -> Iterator[LabelFile]:
    """A new, empty label file on disk, owned by 'kim'."""
    opened = create_label_file(tmp_path / "labels.db", owner="kim", schema=default_schema())
    yield opened
    opened.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--kills N``: how many times the kill test kills its child (default: a modest 12)."""
    parser.addoption("--kills", type=int, default=12, help="kills in tests/test_kill.py")


@pytest.fixture
def kills(request: pytest.FixtureRequest) -> int:
    """The number of kills asked for on the command line."""
    return int(request.config.getoption("--kills"))


@pytest.fixture(scope="session")
def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)
