"""What killed exports and merges leave behind is cleaned up by the next run of the same output.

A killed run cannot remove its hidden temporary file. Its name says which output, which
machine and which process it belongs to, so the next run of that output removes it once
the process is gone, and leaves alone what live processes, other machines and other
outputs are writing.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.labelfile import create_label_file
from storage.output_file import stale_temporaries, temporary_path
from tests.conftest import SAMPLES

PAGES = 5


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("output-file") / "team.db"
    with create_label_file(path, owner="kim", schema=default_schema()) as label_file:
        assert not import_sources(label_file, [SAMPLES], ImportOptions(annotator="kim")).refusals
    return path


@pytest.fixture
def team(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(built, tmp_path / "team.db"))


def leave(path: Path, size: int = 100_000) -> Path:
    """A temporary file as a killed run leaves it: big and incomplete."""
    path.write_bytes(b"{" * size)
    return path


def export(team: Path, out: Path) -> int:
    return main(["export", str(team), "-o", str(out), "--format", "jsonl", "--layer", "all"])


def test_an_export_removes_what_a_killed_export_of_it_left(
    team: Path, tmp_path: Path, dead_pid: int
) -> None:
    out = tmp_path / "gold.jsonl"
    killed = leave(temporary_path(out, "part", pid=dead_pid))
    live = leave(temporary_path(out, "part", pid=os.getppid()))  # a run still writing
    other_output = leave(temporary_path(tmp_path / "other.jsonl", "part", pid=dead_pid))
    other_host = leave(tmp_path / f".gold.jsonl.elsewhere.{dead_pid}.part")  # a shared folder
    assert export(team, out) == 0
    assert not killed.exists()
    assert live.exists() and other_output.exists() and other_host.exists()
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == PAGES  # whole
    hidden = {path.name for path in tmp_path.iterdir() if path.name.startswith(".")}
    assert hidden == {live.name, other_output.name, other_host.name}


def test_a_temporary_file_under_this_process_id_is_replaced_not_kept(
    team: Path, tmp_path: Path
) -> None:
    """A killed run whose process id came round again to this run."""
    out = tmp_path / "gold.jsonl"
    leave(temporary_path(out))
    assert export(team, out) == 0
    assert len(out.read_text("utf-8").splitlines()) == PAGES
    assert not temporary_path(out).exists()


def test_a_merge_removes_what_a_killed_merge_of_it_left(
    team: Path, tmp_path: Path, dead_pid: int
) -> None:
    out = tmp_path / "merged.db"
    killed = leave(temporary_path(out, "merging", pid=dead_pid))
    journal = leave(killed.with_name(killed.name + "-wal"))
    assert main(["merge", str(team), "-o", str(out)]) == 0
    assert not killed.exists() and not journal.exists()
    assert main(["validate", str(out)]) == 0
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_only_dead_processes_temporaries_are_stale(tmp_path: Path, dead_pid: int) -> None:
    out = tmp_path / "gold.jsonl"
    dead = leave(temporary_path(out, pid=dead_pid), 1)
    leave(temporary_path(out, pid=os.getpid()), 1)  # this run's own
    leave(temporary_path(out, pid=os.getppid()), 1)
    leave(out.with_name(f".{out.name}.x.{dead_pid}.part"), 1)  # not this machine
    leave(out.with_name(f".{out.name}.notapid.part"), 1)
    assert stale_temporaries(out) == [dead]
    assert stale_temporaries(tmp_path / "missing" / "gold.jsonl") == []
