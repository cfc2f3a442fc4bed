"""Active time per document: counted on a fake clock, stored, merged, reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.active_clock import ActiveClock
from app.core.labelschema import default_schema
from app.ingest import ImportOptions, import_sources
from storage.active_time import active_seconds, add_active_seconds, median_active_seconds
from storage.errors import ReadOnlyLabelFile
from storage.labelfile import create_label_file, open_label_file
from storage.merge import merge_label_files

DOCS = ("news/1", "news/2", "news/3")


def test_time_counts_only_focused_and_within_two_minutes_of_an_event() -> None:
    clock = ActiveClock()
    clock.focus(True, 0.0)
    assert clock.take(30.0) == 0.0  # focused, but nothing touched yet
    clock.event(30.0)
    clock.event(40.0)
    assert clock.take(50.0) == 20.0
    # Away from the keys: only two minutes after the last event count.
    assert clock.take(1000.0) == 110.0  # from 50 to 40 + 120
    clock.event(1000.0)
    clock.focus(False, 1010.0)
    assert clock.take(1100.0) == 10.0  # another window had the focus
    clock.focus(True, 1100.0)  # back within two minutes of the last event: counting resumes
    assert clock.take(1110.0) == 10.0


def labelled(path: Path, owner: str) -> Path:
    source = path.with_suffix(".jsonl")
    source.write_text(
        "".join(json.dumps({"id": d, "raw_text": f"{d} 본문\n"}) + "\n" for d in DOCS), "utf-8"
    )
    with create_label_file(path, owner=owner, schema=default_schema()) as label_file:
        assert not import_sources(label_file, [source], ImportOptions(owner)).refusals
    return path


def test_seconds_add_up_per_annotator_and_document(tmp_path: Path) -> None:
    path = labelled(tmp_path / "kim.db", "kim")
    clock = ActiveClock()
    clock.focus(True, 0.0)
    with open_label_file(path) as label_file:
        for moment in (0.0, 10.0, 25.0):
            clock.event(moment)
        add_active_seconds(label_file, "news/1", "kim", clock.take(25.0))
        clock.event(40.0)
        assert add_active_seconds(label_file, "news/1", "kim", clock.take(45.0)) == 45.0
        add_active_seconds(label_file, "news/1", "lee", 7.5)
        with pytest.raises(ValueError, match="0 or more"):
            add_active_seconds(label_file, "news/1", "kim", -1.0)
        db = label_file.connection
        assert active_seconds(db, "news/1", "kim") == 45.0
        assert active_seconds(db, "news/1", "lee") == 7.5
        assert active_seconds(db, "news/2", "kim") == 0.0
    with open_label_file(path, read_only=True) as read_only, pytest.raises(ReadOnlyLabelFile):
        add_active_seconds(read_only, "news/2", "kim", 1.0)


def test_merge_keeps_each_record_once_the_newest_winning(tmp_path: Path) -> None:
    kim = labelled(tmp_path / "kim.db", "kim")
    lead = labelled(tmp_path / "lead.db", "lead")
    with open_label_file(lead) as label_file:  # an old copy of kim's record
        add_active_seconds(label_file, "news/1", "kim", 30.0, now="2026-01-01T00:00:00.000000Z")
    with open_label_file(kim) as label_file:
        add_active_seconds(label_file, "news/1", "kim", 30.0, now="2026-01-01T00:00:00.000000Z")
        add_active_seconds(label_file, "news/1", "kim", 60.0, now="2026-01-02T00:00:00.000000Z")
        add_active_seconds(label_file, "news/2", "kim", 20.0)
    for order, name in (([kim, lead], "a.db"), ([lead, kim], "b.db")):
        merge_label_files(order, tmp_path / name)
        with open_label_file(tmp_path / name, read_only=True) as merged:
            db = merged.connection
            assert active_seconds(db, "news/1", "kim") == 90.0  # not 30, not 120
            assert active_seconds(db, "news/2", "kim") == 20.0
            (rows,) = db.execute("SELECT count(*) FROM active_time").fetchone()
            assert rows == 2


def test_agreement_reports_the_median_per_annotator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = labelled(tmp_path / "team.db", "lead")
    with open_label_file(path) as label_file:
        for doc_id, seconds in zip(DOCS, (30.0, 200.0, 50.0), strict=True):
            add_active_seconds(label_file, doc_id, "kim", seconds)
        add_active_seconds(label_file, "news/1", "gold", 99.0)  # gold is nobody's time
        assert median_active_seconds(label_file.connection) == {"kim": 50.0}
    assert main(["agreement", str(path), "--json"]) == 0
    progress = json.loads(capsys.readouterr().out)["progress"]
    assert [(row["annotator"], row["median_active_seconds"]) for row in progress] == [("kim", 50.0)]
    assert main(["agreement", str(path)]) == 0
    assert "active/doc" in capsys.readouterr().out
    with open_label_file(path) as label_file:
        add_active_seconds(label_file, "news/3", "kim", 100.0)  # 30, 150, 200
    main(["agreement", str(path)])
    kim_row = next(line for line in capsys.readouterr().out.splitlines() if "kim" in line)
    assert kim_row.split()[-2:] == ["2m", "30s"]
