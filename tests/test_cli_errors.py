"""Where a traceback used to be, a one-line message and the README's exit status.

No display for the window, a reader that leaves early (``| head``), destinations that
cannot be written (read-only, full, too big, missing, a folder): each is said in words,
leaves no half file and no hidden temporary file behind.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import EXIT_BROKEN_PIPE, main
from app.cli.window_entry import display_missing
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage import export_formats
from storage.labelfile import create_label_file
from tests.conftest import REPO, SAMPLES

# Displays and Qt platforms a test run may carry; the no-display tests remove them all.
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-errors") / "team.db"
    with create_label_file(path, owner="kim", schema=default_schema()) as label_file:
        report = import_sources(label_file, [SAMPLES], ImportOptions(annotator="kim"))
    assert not report.refusals
    return path


@pytest.fixture
def team(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(built, tmp_path / "team.db"))


def run_cli(
    *args: str, env: dict[str, str] | None = None, **options: Any
) -> subprocess.CompletedProcess[str]:
    """``python -m app.cli ARGS`` in a fresh process (stdin closed, stderr captured)."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=REPO,
        env=env if env is not None else os.environ.copy(),
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        **options,
    )


def leftovers(folder: Path) -> list[str]:
    """Hidden temporary files (of exports and merges) in ``folder``."""
    return sorted(name for name in os.listdir(folder) if name.startswith("."))


# -- no display -------------------------------------------------------------------------------


@pytest.fixture
def no_display(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES}
    # Settings and the demo file go to the test's folder, never the user's.
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    yield env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland displays")
@pytest.mark.parametrize("command", [["open", "FILE"], [], ["demo"]])
def test_the_window_without_a_display_says_one_is_needed(
    command: list[str], team: Path, no_display: dict[str, str]
) -> None:
    args = [str(team) if arg == "FILE" else arg for arg in command]
    result = run_cli(*args, env=no_display, stdout=subprocess.PIPE)
    # Before the fix Qt printed a plugin error and aborted: -6 (SIGABRT).
    assert result.returncode == 2, result.stderr
    assert "needs a display" in result.stderr
    assert "xvfb-run" in result.stderr
    assert "Traceback" not in result.stderr


def test_which_environments_have_a_display() -> None:
    assert display_missing({}, "linux")
    assert display_missing({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not display_missing({"DISPLAY": ":0"}, "linux")
    assert not display_missing({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not display_missing({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not display_missing({"QT_QPA_PLATFORM": "vnc:size=800x600"}, "linux")
    assert not display_missing({}, "darwin")
    assert not display_missing({}, "win32")


# -- a reader that leaves early ---------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["show", "FILE", "001_b0f070cd7e78df0e"],
        ["stats", "FILE"],
        ["agreement", "FILE"],
        ["evaluate", "FILE", "--layer", "kim"],
        ["adjudicate", "FILE"],
        ["export", "FILE", "-o", "OUT", "--format", "jsonl", "--layer", "all"],
    ],
)
def test_output_into_a_closed_pipe_stops_quietly(command: list[str], team: Path) -> None:
    args = [
        str(team) if arg == "FILE" else str(team.parent / "out.jsonl") if arg == "OUT" else arg
        for arg in command
    ]
    reader, writer = os.pipe()
    os.close(reader)  # what `| head` does once it has its lines: every write now fails
    try:
        result = run_cli(*args, stdout=writer)
    finally:
        os.close(writer)
    assert result.returncode == EXIT_BROKEN_PIPE, result.stderr
    assert "Traceback" not in result.stderr
    assert "BrokenPipeError" not in result.stderr


def test_show_into_head_prints_the_start_without_a_traceback(team: Path) -> None:
    head = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert head.stdin is not None
    result = run_cli("show", str(team), "001_b0f070cd7e78df0e", stdout=head.stdin)
    head.stdin.close()
    assert head.stdout is not None
    out = head.stdout.read()
    head.stdout.close()
    assert head.wait() == 0
    assert out.startswith(b"{")
    assert result.returncode in (0, EXIT_BROKEN_PIPE)  # whether head left before the end
    assert "Traceback" not in result.stderr


# -- destinations that cannot be written ------------------------------------------------------


def export_args(team: Path, out: Path, *more: str) -> list[str]:
    return ["export", str(team), "-o", str(out), "--format", "jsonl", "--layer", "all", *more]


def test_export_to_a_full_disk_names_the_file_and_leaves_nothing(
    team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    written: list[int] = []
    real_write = export_formats._JsonLines.write

    def fill_up(self: Any, row: dict[str, Any]) -> None:
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(self, row)
        written.append(1)

    monkeypatch.setattr(export_formats._JsonLines, "write", fill_up)
    out = tmp_path / "out" / "gold.jsonl"
    out.parent.mkdir()
    assert main(export_args(team, out)) == 2
    error = capsys.readouterr().err
    assert f"{out}: cannot write it: the disk is full" in error
    assert "Traceback" not in error
    assert os.listdir(out.parent) == []  # neither the output nor a temporary file


@pytest.mark.parametrize(
    "case",
    [
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "permission denied"),
        (errno.EFBIG, "the file would be larger than this file system or a limit allows"),
    ],
)
def test_export_to_a_read_only_place_names_the_file_and_the_reason(
    case: tuple[int, str],
    team: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, words = case
    real_open = os.open

    def refuse(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if str(path).endswith(".part"):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    out = tmp_path / "gold.jsonl"
    assert main(export_args(team, out)) == 2
    assert f"thresher: {out}: cannot write it: {words}" in capsys.readouterr().err
    assert not out.exists()


def test_export_over_the_file_size_limit_is_refused_whole(team: Path, tmp_path: Path) -> None:
    """A real EFBIG: the export runs under a file-size limit smaller than its output."""
    out = tmp_path / "gold.jsonl"

    def limit() -> None:
        # Room for SQLite's 32 KiB -shm file; the export is about 95 KB.
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

    result = run_cli(*export_args(team, out), stdout=subprocess.PIPE, preexec_fn=limit)
    assert result.returncode == 2, result.stderr
    assert f"{out}: cannot write it: the file would be larger" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["/sys/thresher-test/", "/proc/self/", "FILE/"])
def test_commands_writing_where_nothing_can_be_written_say_so(
    where: str, team: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Real failures: /sys refuses new files (EACCES), /proc too (ENOENT), a file is no folder."""
    folder = str(team) + "/" if where == "FILE/" else where
    commands = {
        "export": export_args(team, Path(folder + "gold.jsonl")),
        "merge": ["merge", str(team), "-o", folder + "merged.db"],
        "import": ["import", str(SAMPLES), "--into", folder + "new.db"],
    }
    for name, argv in commands.items():
        assert main(argv) == 2, name
        error = capsys.readouterr().err
        assert error.startswith(f"thresher: {folder.rstrip('/')}"), (name, error)
        assert "cannot write it" in error or "is not a folder" in error, (name, error)
        assert error.count("\n") == 1, (name, error)  # one line, no traceback
    assert leftovers(tmp_path) == []


def test_merge_onto_a_full_disk_names_the_output(
    team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3  # noqa: PLC0415

    from storage import merge  # noqa: PLC0415

    def full(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(merge, "create_label_file", full)
    out = tmp_path / "merged.db"
    assert main(["merge", str(team), "-o", str(out)]) == 2
    assert f"thresher: {out}: cannot write it: the disk is full" in capsys.readouterr().err
    assert not out.exists()
    assert leftovers(tmp_path) == []


# -- export -o FOLDER ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "more", [[], ["--format", "spans", "--split", "train=0.5,test=0.5"], ["--format", "articles"]]
)
def test_export_to_a_folder_is_refused_and_leaves_no_part_file(
    more: list[str], team: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, the whole export went to a hidden .part file, then the rename failed."""
    folder = tmp_path / "exports"
    folder.mkdir()
    argv = export_args(team, folder) + more  # the last --format counts
    if "articles" in more:
        argv = [arg if arg != "all" else "kim" for arg in argv]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert f"thresher: {folder} is a folder; -o names the file to write" in error
    assert leftovers(tmp_path) == []
    assert os.listdir(folder) == []
