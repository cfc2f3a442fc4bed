"""``thresher adjudicate`` on real label files, checked in the SQLite file afterwards."""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path

import pytest

from app.cli.adjudicate import add_adjudicate_command
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import NewSpan, add_spans, set_status
from storage.labelfile import create_label_file, open_label_file
from tests.conftest import SAMPLES, Terminal

WEATHER_DOC = "000_8badc66364e1a625"
GPU_DOC = "001_b0f070cd7e78df0e"
THIRD_DOC = "002_85b1cb3dd052f3d4"
FOURTH_DOC = "003_bed9605c1afd4b42"


def adjudicate(*argv: str) -> int:
    """Run the command as app/cli.py would: parse, then call the handler."""
    parser = argparse.ArgumentParser(prog="thresher")
    add_adjudicate_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["adjudicate", *argv])
    code: int = args.handler(args)
    return code


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    """Kim and lee agree on a nav line of three pages and differ on an ad; park was away."""
    path = tmp_path / "team.db"
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        assert not import_sources(label_file, [SAMPLES], ImportOptions(annotator="lead")).refusals
        for doc_id in (WEATHER_DOC, GPU_DOC, THIRD_DOC):
            add_spans(label_file, doc_id, [NewSpan("raw", 0, 10, "nav")], "kim")
            add_spans(label_file, doc_id, [NewSpan("raw", 0, 10, "nav")], "lee")
            add_spans(label_file, doc_id, [NewSpan("raw", 20, 30, "ad")], "kim")
            add_spans(label_file, doc_id, [NewSpan("raw", 20, 32, "ad")], "lee")
        add_spans(label_file, FOURTH_DOC, [NewSpan("raw", 5, 9, "comment")], "lee")
    return path


def gold_spans(path: Path) -> list[tuple[str, int, int, str, int]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT doc_id, start, end, label, deleted FROM spans WHERE annotator = 'gold'"
            " ORDER BY doc_id, start"
        ).fetchall()


def test_auto_unanimous_copies_what_everyone_agrees_on_once(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert adjudicate(str(team_file), "--auto", "unanimous") == 0
    out = capsys.readouterr().out
    assert gold_spans(team_file) == [
        (doc_id, 0, 10, "nav", 0) for doc_id in (WEATHER_DOC, GPU_DOC, THIRD_DOC)
    ]
    assert "3 documents labelled by two or more annotators" in out
    assert "1 labelled by one annotator only" in out
    assert "copied into gold:   3 items (3 spans, 0 facts)" in out
    assert "already in gold:    0 items" in out
    assert "disagreements left: 6 items on 3 documents" in out
    assert adjudicate(str(team_file), "--auto", "unanimous") == 0
    again = capsys.readouterr().out
    assert "copied into gold:   0 items" in again and "already in gold:    3 items" in again
    assert len(gold_spans(team_file)) == 3


def test_a_done_annotator_with_no_span_makes_a_lone_span_a_disagreement(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_label_file(team_file) as label_file:
        set_status(label_file, FOURTH_DOC, "kim", "done")
    adjudicate(str(team_file), "--auto", "unanimous")
    out = capsys.readouterr().out
    assert "4 documents labelled" in out and "disagreements left: 7 items on 4 documents" in out
    assert f"   1  {FOURTH_DOC}" in out


def test_auto_majority_copies_what_most_annotators_agree_on(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_label_file(team_file) as label_file:
        add_spans(label_file, GPU_DOC, [NewSpan("raw", 20, 32, "ad")], "park")
        add_spans(label_file, GPU_DOC, [NewSpan("raw", 0, 10, "nav")], "park")
    assert adjudicate(str(team_file), "--auto", "unanimous") == 0
    assert "majority items left: 1 (--auto majority copies them)" in capsys.readouterr().out
    assert adjudicate(str(team_file), "--auto", "majority") == 0
    out = capsys.readouterr().out
    assert "copied into gold:   1 items (1 spans, 0 facts)" in out
    assert (GPU_DOC, 20, 32, "ad", 0) in gold_spans(team_file)
    # Kim's 20-30 version lost to lee's and park's, and is decided with it.
    assert "disagreements left: 4 items on 2 documents" in out


def test_without_auto_nothing_is_written(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = team_file.read_bytes()
    assert adjudicate(str(team_file)) == 0
    out = capsys.readouterr().out
    assert "agreed, not yet in gold: 3 unanimous, 0 majority items" in out
    assert "disagreements left: 6 items on 3 documents" in out
    assert f"thresher open {team_file}, then Ctrl+R" in out
    assert team_file.read_bytes() == before and gold_spans(team_file) == []


def test_a_bad_file_is_named_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a label file\n", "utf-8")
    for path in (text, tmp_path / "missing.db"):
        assert adjudicate(str(path), "--auto", "unanimous") == 2
        assert str(path) in capsys.readouterr().err


def test_a_file_that_opens_read_only_only_is_refused(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(team_file) as db:
        db.execute("CREATE TABLE extra (x)")  # a file from elsewhere: read-only only
    assert adjudicate(str(team_file), "--auto", "unanimous") == 2
    err = capsys.readouterr().err
    assert str(team_file) in err and "not opened for writing" in err
    assert gold_spans(team_file) == []


def test_a_read_only_file_is_refused(
    team_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    team_file.chmod(0o444)
    if os.geteuid() == 0:  # root may write anything: let it see the file as others do
        monkeypatch.setattr("app.cli.adjudicate.os.access", lambda path, mode: False)
    try:
        assert adjudicate(str(team_file), "--auto", "unanimous") == 2
    finally:
        team_file.chmod(0o644)
    assert f"{team_file} is not writable" in capsys.readouterr().err
    assert gold_spans(team_file) == []


def test_progress_shows_on_a_terminal_only(
    team_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    adjudicate(str(team_file), "--auto", "unanimous")
    assert "\r\x1b[Kadjudicating 3/3 documents" in terminal.getvalue()
    monkeypatch.undo()
    adjudicate(str(team_file))
    assert capsys.readouterr().err == ""
