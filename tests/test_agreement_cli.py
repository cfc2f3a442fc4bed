"""``thresher agreement`` on real label files made from the bundled sample pages."""

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
from storage.assign import write_assignment
from storage.facts import SlotState, add_fact, set_slot
from storage.labelfile import create_label_file, open_label_file
from storage.merge import merge_label_files
from tests.conftest import SAMPLES, Terminal

WEATHER_DOC = "000_8badc66364e1a625"
GPU_DOC = "001_b0f070cd7e78df0e"
THIRD_DOC = "002_85b1cb3dd052f3d4"
FOURTH_DOC = "003_bed9605c1afd4b42"
SHARED = (WEATHER_DOC, GPU_DOC, THIRD_DOC)


def agreement(*argv: str) -> int:
    return main(["agreement", *argv])


def raw_lengths(path: Path, doc_ids: tuple[str, ...]) -> list[int]:
    with sqlite3.connect(path) as db:
        return [
            db.execute("SELECT length(raw_text) FROM documents WHERE id = ?", (d,)).fetchone()[0]
            for d in doc_ids
        ]


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    """Kim and lee agree on a nav line of three pages and tag an ad 10 vs 12 characters
    long; park tagged a comment on a fourth page nobody else did."""
    path = tmp_path / "team.db"
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        assert not import_sources(label_file, [SAMPLES], ImportOptions(annotator="lead")).refusals
        for doc_id in SHARED:
            add_spans(label_file, doc_id, [NewSpan("raw", 0, 10, "nav")], "kim")
            add_spans(label_file, doc_id, [NewSpan("raw", 0, 10, "nav")], "lee")
            add_spans(label_file, doc_id, [NewSpan("raw", 20, 30, "ad")], "kim")
            add_spans(label_file, doc_id, [NewSpan("raw", 20, 32, "ad")], "lee")
            set_status(label_file, doc_id, "kim", "done")
        add_spans(label_file, FOURTH_DOC, [NewSpan("raw", 5, 9, "comment")], "park")
    return path


def run_json(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    assert agreement(str(path), "--json", *extra) == 0
    shape: dict[str, Any] = json.loads(capsys.readouterr().out)
    return shape


def test_json_figures_match_a_hand_count(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shape = run_json(team_file, capsys)
    assert shape["file"] == str(team_file)
    assert shape["documents"] == 3 and shape["annotators"] == ["kim", "lee"]
    labels = {row["label"]: row for row in shape["labels"]}
    assert list(labels) == ["nav", "ad"]  # schema order; park's comment is on no shared page
    nav, ad = labels["nav"], labels["ad"]
    assert (nav["exact_f1"], nav["overlap_f1"], nav["kappa"], nav["alpha"]) == (1, 1, 1, 1)
    assert nav["documents"] == 3 and nav["spans"] == 3
    assert (ad["exact_f1"], ad["overlap_f1"], ad["spans"]) == (0.0, 1.0, 6)
    # Characters of the three pages: kim's ad covers 30, lee's 36; they differ on 6.
    n = sum(raw_lengths(team_file, SHARED))
    observed = (n - 6) / n
    expected = (30 * 36 + (n - 30) * (n - 36)) / n**2
    assert ad["kappa"] == round((observed - expected) / (1 - expected), 4)
    (pair,) = ad["pairs"]
    assert pair == {
        "annotators": ["kim", "lee"],
        "documents": 3,
        "exact_f1": 0.0,
        "overlap_f1": 1.0,
        "kappa": ad["kappa"],
    }
    overall = shape["overall"]
    assert overall["label"] is None and overall["documents"] == 3
    assert overall["exact_f1"] == 0.5  # 3 equal spans of 6 + 6
    assert shape["facts"] == {
        "types": [],
        "overall": {
            "type": None,
            "slots": 0,
            "matched": 0,
            "total": 0,
            "f1": None,
            "pairs": [
                {"annotators": ["kim", "lee"], "documents": 3, "matched": 0, "total": 0, "f1": None}
            ],
        },
    }
    progress = {row["annotator"]: row for row in shape["progress"]}
    assert progress["kim"] == {
        "annotator": "kim",
        "done": 3,
        "assigned": 5,
        "spans": 6,
        "facts": 0,
        "median_active_seconds": None,  # no active time recorded in this file
    }
    assert progress["park"]["spans"] == 1 and progress["park"]["done"] == 0


def test_the_table_shows_labels_pairs_and_progress(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert agreement(str(team_file)) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{team_file}: 3 documents labelled by two or more annotators (kim, lee)")
    lines = [line.split() for line in out.splitlines()]
    assert [
        "label",
        "docs",
        "spans",
        "pairs",
        "exact",
        "F1",
        "overlap",
        "F1",
        "kappa",
        "alpha",
    ] in lines
    assert ["nav", "3", "3", "1", "1.000", "1.000", "1.000", "1.000"] in lines
    ad_row = next(line for line in lines if line[:1] == ["ad"])
    assert ad_row[:6] == ["ad", "3", "6", "1", "0.000", "1.000"]
    overall = next(line for line in lines if line[:1] == ["overall"])
    assert overall[:5] == ["overall", "3", "9", "1", "0.500"]
    assert ["nav", "kim", "/", "lee", "3", "1.000", "1.000", "1.000"] in lines
    assert "no facts on these documents" in out
    assert ["kim", "3/5", "6", "0", "-"] in lines and ["park", "0/5", "1", "0", "-"] in lines


def test_label_restricts_to_one_label(team_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shape = run_json(team_file, capsys, "--label", "ad")
    assert [row["label"] for row in shape["labels"]] == ["ad"]
    assert shape["overall"] is None and shape["facts"]["overall"] is None
    assert agreement(str(team_file), "--label", "nav") == 0
    out = capsys.readouterr().out
    assert "  nav " in out and "overall" not in out and "  ad " not in out


def test_a_label_used_by_nobody_shows_undefined_figures(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert agreement(str(team_file), "--label", "widget") == 0
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["widget", "0", "0", "1", "-", "-", "-", "-"] in lines


def test_an_unknown_label_is_refused_with_the_known_ones(
    team_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert agreement(str(team_file), "--label", "navv") == 2
    err = capsys.readouterr().err
    assert "has no label 'navv'" in err and "nav, related_links, ad" in err


def test_fact_slots_are_compared(team_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_label_file(team_file) as label_file:
        for who, evidence in (("kim", (40, 46)), ("lee", (42, 46))):
            fact = add_fact(label_file, GPU_DOC, "quantity", who)
            set_slot(label_file, fact.id, "value", SlotState("raw", *evidence, "30000"), who)
            unit = "개" if who == "kim" else "대"
            set_slot(label_file, fact.id, "unit", SlotState(value=unit), who)
    shape = run_json(team_file, capsys)
    (quantity,) = shape["facts"]["types"]
    assert quantity["type"] == "quantity" and quantity["slots"] == 4
    assert (quantity["matched"], quantity["total"], quantity["f1"]) == (2, 4, 0.5)
    assert agreement(str(team_file)) == 0
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["quantity", "4", "2/4", "0.500"] in lines
    assert ["overall", "kim", "/", "lee", "2/4", "0.500"] in lines


def test_nothing_to_compare_says_so_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "alone.db"
    with create_label_file(path, owner="kim", schema=default_schema()) as label_file:
        import_sources(label_file, [SAMPLES], ImportOptions(annotator="kim"))
        add_spans(label_file, GPU_DOC, [NewSpan("raw", 0, 10, "nav")], "kim")
        add_spans(label_file, GPU_DOC, [NewSpan("raw", 0, 10, "nav")], "gold")
    assert agreement(str(path)) == 0
    out = capsys.readouterr().out
    assert "nothing to compare: no document is labelled by two or more annotators" in out
    assert "gold" not in out and "kim" in out
    shape = run_json(path, capsys)
    assert shape["documents"] == 0 and shape["labels"] == [] and shape["overall"] is None


def test_assigned_comes_from_the_merge_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team.db"
    with create_label_file(team, owner="lead", schema=default_schema()) as label_file:
        import_sources(label_file, [SAMPLES], ImportOptions(annotator="lead"))
    plan = write_assignment(team, ["kim", "lee"], 0.4, tmp_path / "out", seed=3)
    for name in ("kim", "lee"):
        with open_label_file(tmp_path / "out" / f"{name}.db") as label_file:
            for doc_id in plan.shared:
                add_spans(label_file, doc_id, [NewSpan("raw", 0, 8, "nav")], name)
                set_status(label_file, doc_id, name, "done")
    merged = tmp_path / "merged.db"
    merge_label_files([tmp_path / "out" / "kim.db", tmp_path / "out" / "lee.db"], merged)
    shape = run_json(merged, capsys)
    assert shape["documents"] == len(plan.shared) == 2
    assert shape["overall"]["alpha"] == 1.0
    progress = {row["annotator"]: (row["done"], row["assigned"]) for row in shape["progress"]}
    assert progress == {name: (2, len(plan.documents[name])) for name in ("kim", "lee")}
    # A handed-out file counts its owner's assignment.
    handout = run_json(tmp_path / "out" / "kim.db", capsys)
    assert handout["progress"][0]["assigned"] == len(plan.documents["kim"])


def test_a_bad_file_is_named_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a label file\n", "utf-8")
    for path in (text, tmp_path / "missing.db"):
        assert agreement(str(path)) == 2
        assert str(path) in capsys.readouterr().err


def test_progress_shows_on_a_terminal_only(
    team_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("app.cli.agreement.PROGRESS_FROM", 1)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert agreement(str(team_file)) == 0
    assert f"comparing 3/3: {THIRD_DOC}" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\033[K")  # the line is cleared before the report
    monkeypatch.undo()
    monkeypatch.setattr("app.cli.agreement.PROGRESS_FROM", 1)
    assert agreement(str(team_file)) == 0
    assert capsys.readouterr().err == ""


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        agreement("--help")
    out = capsys.readouterr().out
    assert "thresher agreement merged.db --label nav" in out and "--json" in out
