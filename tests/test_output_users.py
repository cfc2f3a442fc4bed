"""``assign`` and ``export --format hf`` write their outputs whole or not at all.

A killed run leaves only hidden temporary files named after the output, this machine and
its process; the next run into the same place removes them once that process is gone.
A destination that cannot take the output (here a full disk) is one line naming it,
exit 2, and nothing of the output is left behind.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import storage.assign
from app.cli import main
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import set_status
from storage.labelfile import create_label_file, open_label_file
from storage.output_file import temporary_path
from tests.conftest import SAMPLES

PAGES = 5
FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five sample pages, gold done on each (so a gold export takes them all)."""
    path = tmp_path_factory.mktemp("output-users") / "team.db"
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        assert not import_sources(label_file, [SAMPLES], ImportOptions(annotator="lead")).refusals
        for (doc_id,) in label_file.connection.execute("SELECT id FROM documents").fetchall():
            set_status(label_file, doc_id, "gold", "done")
    return path


@pytest.fixture
def team(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(built, tmp_path / "team.db"))


def leave(path: Path) -> Path:
    """A half-written file as a killed run leaves it."""
    path.write_bytes(b"SQLite format 3\0" + b"\xff" * 50_000)
    return path


def leave_folder(path: Path) -> Path:
    """A half-written dataset folder as a killed export leaves it."""
    (path / "data").mkdir(parents=True)
    leave(path / "data" / ".train-00000.parquet")
    return path


def hidden(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def assign(team: Path, handout: Path) -> int:
    return main(
        ["assign", str(team), "--annotators", "kim,lee", "--overlap", "0.4", "-o", str(handout)]
    )


def handed_out(handout: Path) -> dict[str, int]:
    """Documents in each handed-out file (each opens as a whole label file)."""
    counts = {}
    for name in ("kim", "lee"):
        with open_label_file(handout / f"{name}.db", read_only=True) as label_file:
            (counts[name],) = label_file.connection.execute(
                "SELECT count(*) FROM documents"
            ).fetchone()
    return counts


def test_assign_removes_what_a_killed_assign_left(
    team: Path, tmp_path: Path, dead_pid: int
) -> None:
    handout = tmp_path / "handout"
    handout.mkdir()
    killed = leave(temporary_path(handout / "kim.db", "writing", pid=dead_pid))
    journal = leave(killed.with_name(killed.name + "-journal"))
    live = leave(temporary_path(handout / "lee.db", "writing", pid=os.getppid()))
    assert assign(team, handout) == 0
    assert not killed.exists() and not journal.exists()
    assert hidden(handout) == [live.name]  # a run still writing is left alone
    assert handed_out(handout) == {"kim": 4, "lee": 3}


@pytest.mark.parametrize(
    "failure",
    [FULL, sqlite3.OperationalError("database or disk is full")],
    ids=["os-error", "sqlite-error"],
)
def test_a_full_disk_during_assign_leaves_no_hand_out(
    team: Path,
    tmp_path: Path,
    failure: Exception,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The second file fails after the first was written whole: neither is left."""
    handout = tmp_path / "handout"
    written = storage.assign.fsync_path if isinstance(failure, OSError) else None
    copy = storage.assign.copy_documents

    def fsync_but_lee(path: Path) -> None:
        if path.name.startswith(".lee.db."):
            raise failure
        assert written is not None
        written(path)

    def copy_but_lee(db: sqlite3.Connection, alias: str) -> None:
        if "lee" in db.execute("SELECT value FROM meta WHERE key = 'owner'").fetchone():
            raise failure
        copy(db, alias)

    if isinstance(failure, OSError):
        monkeypatch.setattr(storage.assign, "fsync_path", fsync_but_lee)
    else:
        monkeypatch.setattr(storage.assign, "copy_documents", copy_but_lee)
    assert assign(team, handout) == 2
    err = capsys.readouterr().err
    lee = handout / "lee.db"
    assert err == f"thresher: {lee}: cannot write it: the disk is full; nothing was written\n"
    assert list(handout.iterdir()) == []  # no kim.db without lee.db, no temporary file


def export_hf(team: Path, folder: Path) -> int:
    return main(["export", str(team), "-o", str(folder), "--format", "hf"])


def rows(folder: Path) -> int:
    return sum(pq.read_table(shard).num_rows for shard in (folder / "data").glob("train-*"))


def test_an_hf_export_removes_what_a_killed_one_left(
    team: Path, tmp_path: Path, dead_pid: int
) -> None:
    folder = tmp_path / "dataset"
    killed = leave_folder(temporary_path(folder, "part", pid=dead_pid))
    swapped = leave_folder(temporary_path(folder, "old", pid=dead_pid))  # killed mid-swap
    live = leave_folder(temporary_path(folder, "part", pid=os.getppid()))
    other = leave_folder(temporary_path(tmp_path / "other", "part", pid=dead_pid))
    assert export_hf(team, folder) == 0
    assert not killed.exists() and not swapped.exists()
    assert hidden(tmp_path) == sorted([live.name, other.name])
    assert rows(folder) == PAGES
    assert hidden(folder / "data") == []
    # And a second export over the first leaves nothing beside it either.
    assert export_hf(team, folder) == 0
    assert hidden(tmp_path) == sorted([live.name, other.name])
    assert rows(folder) == PAGES


def test_a_full_disk_during_an_hf_export_leaves_the_earlier_one_as_it_was(
    team: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "dataset"
    assert export_hf(team, folder) == 0
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}

    def full(*args: Any, **kwargs: Any) -> None:
        raise FULL

    monkeypatch.setattr(pq, "write_table", full)
    capsys.readouterr()
    assert export_hf(team, folder) == 2
    err = capsys.readouterr().err
    assert err == f"thresher: {folder}: cannot write it: the disk is full; nothing was written\n"
    assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == before
    assert hidden(tmp_path) == []
    shutil.rmtree(folder)
    assert export_hf(team, folder) == 2  # and a first export leaves no folder at all
    assert sorted(path.name for path in tmp_path.iterdir()) == ["team.db"]


def test_a_failed_swap_puts_the_earlier_hf_export_back(
    team: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "dataset"
    assert export_hf(team, folder) == 0
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    replace = os.replace

    def refuse_the_new_folder(source: Path, target: Path) -> None:
        if Path(source).name.endswith(".part"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        replace(source, target)

    monkeypatch.setattr(os, "replace", refuse_the_new_folder)
    assert export_hf(team, folder) == 2
    assert "an input/output error on the device" in capsys.readouterr().err
    assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == before
    assert hidden(tmp_path) == []
