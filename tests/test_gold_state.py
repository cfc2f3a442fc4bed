"""Gold state per document: auto-adjudication marks gold done, stats and export follow it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import NewSpan, add_spans, set_status
from storage.labelfile import create_label_file, open_label_file
from tests.conftest import SAMPLES

AGREED = ("000_8badc66364e1a625", "001_b0f070cd7e78df0e")
DISPUTED = "002_85b1cb3dd052f3d4"
ALONE = "003_bed9605c1afd4b42"
FLAGGED = "004_b248406a6be265a2"


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    """Kim and lee agree on two pages, differ on a third; one page only lee labelled; on
    the fifth they agree but the lead flagged it."""
    path = tmp_path / "team.db"
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        assert not import_sources(label_file, [SAMPLES], ImportOptions(annotator="lead")).refusals
        for doc_id in (*AGREED, DISPUTED, FLAGGED):
            for who in ("kim", "lee"):
                add_spans(label_file, doc_id, [NewSpan("raw", 0, 10, "nav")], who)
        add_spans(label_file, DISPUTED, [NewSpan("raw", 20, 30, "ad")], "kim")
        add_spans(label_file, ALONE, [NewSpan("raw", 5, 9, "comment")], "lee")
        set_status(label_file, FLAGGED, "gold", "flagged", "check the menu")
    return path


def gold_status(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT doc_id, status FROM document_status WHERE annotator = 'gold' AND deleted = 0"
        ).fetchall()
    return dict(rows)


def stats(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["stats", str(path), "--json"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_auto_marks_gold_done_where_nothing_is_left_to_decide(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["adjudicate", str(team_file), "--auto", "majority"]) == 0
    assert "marked gold done:   2 documents" in capsys.readouterr().out
    # The disputed page stays open, the one-annotator page is never adjudicated, and the
    # lead's flag is the lead's word.
    assert gold_status(team_file) == {AGREED[0]: "done", AGREED[1]: "done", FLAGGED: "flagged"}
    assert main(["adjudicate", str(team_file), "--auto", "majority"]) == 0
    assert "marked gold done:   0 documents" in capsys.readouterr().out


def test_a_unanimous_pass_leaves_majority_items_undecided(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_label_file(team_file) as label_file:
        add_spans(label_file, AGREED[0], [NewSpan("raw", 40, 50, "ad")], "kim")
        add_spans(label_file, AGREED[0], [NewSpan("raw", 40, 50, "ad")], "park")
        set_status(label_file, AGREED[0], "lee", "done")
    assert main(["adjudicate", str(team_file), "--auto", "unanimous"]) == 0
    capsys.readouterr()
    assert AGREED[0] not in gold_status(team_file)


def test_stats_shows_gold_progress(team_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = stats(team_file, capsys)["gold"]
    assert before == {"done": 0, "open_disagreements": 1, "not_started": 4, "open_items": 1}
    main(["adjudicate", str(team_file), "--auto", "majority"])
    capsys.readouterr()
    after = stats(team_file, capsys)["gold"]
    assert after == {"done": 2, "open_disagreements": 1, "not_started": 2, "open_items": 1}
    assert main(["stats", str(team_file)]) == 0
    out = capsys.readouterr().out
    assert "gold:       2 done, 1 with open disagreements (1 items), 2 not started" in out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_a_default_gold_export_leaves_unfinished_documents_out_and_says_so(
    team_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["adjudicate", str(team_file), "--auto", "majority"])
    capsys.readouterr()
    out = tmp_path / "gold.jsonl"
    assert main(["export", str(team_file), "-o", str(out), "--format", "jsonl"]) == 0
    printed = capsys.readouterr().out
    assert sorted(record["id"] for record in read_jsonl(out)) == sorted(AGREED)
    assert "left out 3 documents gold is not done with:" in printed
    assert "1 with open disagreements, 2 not adjudicated yet" in printed
    assert all("gold_state" not in record for record in read_jsonl(out))


def test_include_unfinished_exports_every_document_marked(
    team_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["adjudicate", str(team_file), "--auto", "majority"])
    out = tmp_path / "all.jsonl"
    argv = ["export", str(team_file), "-o", str(out), "--format", "jsonl", "--include-unfinished"]
    assert main(argv) == 0
    assert "left out" not in capsys.readouterr().out
    states = {record["id"]: record["gold_state"] for record in read_jsonl(out)}
    assert states == {
        AGREED[0]: "done",
        AGREED[1]: "done",
        DISPUTED: "open_disagreements",
        ALONE: "not_started",
        FLAGGED: "not_started",
    }


def test_an_annotator_layer_is_not_filtered_by_gold(
    team_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "kim.jsonl"
    argv = ["export", str(team_file), "-o", str(out), "--format", "jsonl", "--layer", "kim"]
    assert main(argv) == 0
    assert len(read_jsonl(out)) == 5
    assert "left out" not in capsys.readouterr().out


def test_parquet_carries_the_gold_state_too(
    team_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet as pq  # noqa: PLC0415 (only this test reads Parquet)

    main(["adjudicate", str(team_file), "--auto", "majority"])
    out = tmp_path / "all.parquet"
    argv = ["export", str(team_file), "-o", str(out), "--format", "parquet"]
    assert main([*argv, "--include-unfinished"]) == 0
    table = pq.read_table(out)
    states = dict(
        zip(table.column("id").to_pylist(), table.column("gold_state").to_pylist(), strict=True)
    )
    assert states[DISPUTED] == "open_disagreements" and states[ALONE] == "not_started"
    assert states[AGREED[0]] == "done"
    assert main(argv) == 0  # without it: the same columns, the state null
    assert pq.read_table(out).column("gold_state").to_pylist() == [None, None]
