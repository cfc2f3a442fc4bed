"""``thresher evaluate`` on real label files, its figures recounted here from the stored texts."""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.cli.evaluate import add_evaluate_command
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import NewSpan, add_spans, set_status
from storage.labelfile import LabelFile, create_label_file
from tests.conftest import SAMPLES, Terminal

WEATHER_DOC = "000_8badc66364e1a625"
GPU_DOC = "001_b0f070cd7e78df0e"
THIRD_DOC = "002_85b1cb3dd052f3d4"
FOURTH_DOC = "003_bed9605c1afd4b42"
SPAM_DOC = "004_b248406a6be265a2"
OWN_DOC = "own/0001"

MENU = "메뉴 홈 뉴스 스포츠"
ARTICLE = "정부는 오늘 새 정책을 발표했다."  # 14 visible characters
AD = "광고 카지노 바로가기"
OWN_RECORD = {
    "id": OWN_DOC,
    "raw_text": f"{MENU}\n{ARTICLE}\n{AD}",
    "clean_text": f"{ARTICLE} (끝)",  # "(끝)": 3 visible characters the raw text never had
}

Counts = tuple[int, int, int]


def evaluate(*argv: str) -> int:
    """Run the command as app/cli.py would: parse, then call the handler."""
    parser = argparse.ArgumentParser(prog="thresher")
    add_evaluate_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["evaluate", *argv])
    code: int = args.handler(args)
    return code


def dropped(db: sqlite3.Connection, doc_id: str) -> list[tuple[int, int]]:
    """Raw ranges the cleaner dropped, read straight from the alignment table."""
    (length,) = db.execute("SELECT raw_length FROM documents WHERE id = ?", (doc_id,)).fetchone()
    gaps, at = [], 0
    for start, end in db.execute(
        "SELECT raw_start, raw_end FROM alignment WHERE doc_id = ? ORDER BY raw_start", (doc_id,)
    ):
        if start > at:
            gaps.append((at, start))
        at = end
    return [*gaps, (at, length)] if length > at else gaps


def kept(db: sqlite3.Connection, doc_id: str) -> list[tuple[int, int]]:
    return db.execute(
        "SELECT raw_start, raw_end FROM alignment WHERE doc_id = ? ORDER BY raw_start", (doc_id,)
    ).fetchall()


def tag(label_file: LabelFile, doc_id: str, ranges: list[tuple[int, int]], who: str) -> None:
    add_spans(label_file, doc_id, [NewSpan("raw", s, e, "nav") for s, e in ranges], who)


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    """Gold agrees with the cleaner on one page, calls part of its article spam on another,
    keeps everything of a third (done, no spans) and some spam of a fourth; only kim labels
    a fifth, so gold does not judge it; one record brings its own clean text, with text the
    raw page never had."""
    records = tmp_path / "own.jsonl"
    records.write_text(json.dumps(OWN_RECORD, ensure_ascii=False) + "\n", "utf-8")
    path = tmp_path / "gold.db"
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        report = import_sources(label_file, [SAMPLES, records], ImportOptions(annotator="lead"))
        assert not report.refusals
        db = label_file.connection
        tag(label_file, WEATHER_DOC, dropped(db, WEATHER_DOC), "gold")
        tag(label_file, FOURTH_DOC, [*dropped(db, FOURTH_DOC), kept(db, FOURTH_DOC)[0]], "gold")
        set_status(label_file, GPU_DOC, "gold", "done")
        tag(label_file, SPAM_DOC, dropped(db, SPAM_DOC)[:3], "gold")
        raw = str(OWN_RECORD["raw_text"])
        tag(label_file, OWN_DOC, [(0, len(MENU)), (raw.index(AD), len(raw))], "gold")
        tag(label_file, THIRD_DOC, [(0, 40)], "kim")
    return path


def recount(path: Path, doc_id: str, layer: str) -> Counts:
    """The definition, one character at a time, from the rows as stored."""
    with sqlite3.connect(path) as db:
        raw, clean = db.execute(
            "SELECT raw_text, clean_text FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        segments = db.execute(
            "SELECT raw_start, raw_end, clean_start, clean_end FROM alignment WHERE doc_id = ?",
            (doc_id,),
        ).fetchall()
        spans = db.execute(
            "SELECT start, end FROM spans WHERE doc_id = ? AND annotator = ? AND layer = 'raw'"
            " AND deleted = 0",
            (doc_id, layer),
        ).fetchall()
    spam = {i for start, end in spans for i in range(start, end)}
    gold = {i for i, char in enumerate(raw) if not char.isspace() and i not in spam}
    ours = {i for rs, re, _cs, _ce in segments for i in range(rs, re) if not raw[i].isspace()}
    traced = {i for _rs, _re, cs, ce in segments for i in range(cs, ce)}
    invented = sum(1 for i, char in enumerate(clean) if i not in traced and not char.isspace())
    return len(ours & gold), len(ours - gold) + invented, len(gold - ours)


def figures(counts: Counts) -> tuple[float, float, float]:
    tp, fp, fn = counts
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


GOLD_DOCS = (WEATHER_DOC, GPU_DOC, FOURTH_DOC, SPAM_DOC, OWN_DOC)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert evaluate(*argv, "--json") == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_json_figures_match_a_recount_of_the_stored_texts(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_json(capsys, str(gold_file))
    expected = {doc_id: recount(gold_file, doc_id, "gold") for doc_id in GOLD_DOCS}
    assert (report["layer"], report["documents"], report["skipped"]) == ("gold", 5, 1)
    tp, fp, fn = (sum(counts[i] for counts in expected.values()) for i in range(3))
    overall = report["overall"]
    assert (overall["tp"], overall["fp"], overall["fn"]) == (tp, fp, fn)
    assert (overall["precision"], overall["recall"], overall["f1"]) == pytest.approx(
        figures((tp, fp, fn))
    )
    f1s = {doc_id: figures(counts)[2] for doc_id, counts in expected.items()}
    assert report["macro_f1"] == pytest.approx(sum(f1s.values()) / len(f1s))
    for row in report["worst"]:
        assert (row["tp"], row["fp"], row["fn"]) == expected[row["id"]], row["id"]
        assert row["f1"] == pytest.approx(f1s[row["id"]])
    assert [row["id"] for row in report["worst"]] == sorted(f1s, key=f1s.__getitem__)


def test_the_hand_made_record_and_what_each_page_shows(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = {row["id"]: row for row in run_json(capsys, str(gold_file))["worst"]}
    own = rows[OWN_DOC]
    assert (own["cleaner"], own["tp"], own["fp"], own["fn"]) == ("external", 14, 3, 0)
    assert own["precision"] == pytest.approx(14 / 17) and own["recall"] == 1.0
    assert rows[WEATHER_DOC]["f1"] == 1.0  # gold dropped exactly what the cleaner dropped
    assert rows[GPU_DOC]["precision"] == 1.0 > rows[GPU_DOC]["recall"]  # gold keeps it all
    assert rows[FOURTH_DOC]["recall"] == 1.0 > rows[FOURTH_DOC]["precision"]
    assert THIRD_DOC not in rows  # only kim labelled it


def test_each_cleaner_gets_a_row(gold_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cleaners = run_json(capsys, str(gold_file))["cleaners"]
    assert list(cleaners) == ["external", "lines"]
    lines = [recount(gold_file, doc_id, "gold") for doc_id in GOLD_DOCS if doc_id != OWN_DOC]
    summed = tuple(sum(counts[i] for counts in lines) for i in range(3))
    assert cleaners["lines"]["documents"] == 4
    assert (cleaners["lines"]["tp"], cleaners["lines"]["fp"], cleaners["lines"]["fn"]) == summed
    assert cleaners["lines"]["f1"] == pytest.approx(figures(summed)[2])
    assert cleaners["external"]["documents"] == 1 and cleaners["external"]["fp"] == 3


def numbers(line: str) -> list[str]:
    """The six figure columns of a report row: precision, recall, F1, tp, fp, fn."""
    words = line.split()
    start = next(i for i, word in enumerate(words) if word[0].isdigit() and "." in word)
    return words[start : start + 6]


def shown(counts: Counts) -> list[str]:
    return [*(f"{value:.3f}" for value in figures(counts)), *(str(c) for c in counts)]


def test_the_text_report_shows_overall_cleaners_and_worst_first(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate(str(gold_file)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == f"{gold_file}: 5 documents scored against layer gold; 1 not labelled on gold, not scored"
    )
    expected = {doc_id: recount(gold_file, doc_id, "gold") for doc_id in GOLD_DOCS}
    summed = tuple(sum(counts[i] for counts in expected.values()) for i in range(3))
    overall = next(line for line in lines if "overall (micro)" in line)
    assert numbers(overall) == shown(summed)
    macro = sum(figures(counts)[2] for counts in expected.values()) / 5
    assert next(line for line in lines if "macro F1" in line).split()[-1] == f"{macro:.3f}"
    assert any(line.split()[:3] == ["lines", "(4", "docs)"] for line in lines)
    worst = lines[lines.index("  worst documents (lowest F1 first):") + 1 :]
    assert [line.split()[-1] for line in worst] == sorted(
        expected, key=lambda doc_id: figures(expected[doc_id])[2]
    )
    for line in worst:
        assert numbers(line) == shown(expected[line.split()[-1]])


def test_worst_n_limits_the_list(gold_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate(str(gold_file), "--worst", "2") == 0
    out = capsys.readouterr().out
    worst = out.split("  worst documents (lowest F1 first):\n")[1].splitlines()
    assert len(worst) == 3 and worst[-1] == "    ... and 3 more (--worst N, or --json for all)"


def test_an_annotator_layer_scores_that_annotators_documents(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_json(capsys, str(gold_file), "--layer", "kim")
    assert (report["documents"], report["skipped"]) == (1, 5)
    (row,) = report["worst"]
    assert row["id"] == THIRD_DOC
    assert (row["tp"], row["fp"], row["fn"]) == recount(gold_file, THIRD_DOC, "kim")


def test_a_layer_with_nothing_labelled_claims_no_score(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_json(capsys, str(gold_file), "--layer", "lead")
    assert (report["documents"], report["skipped"], report["worst"]) == (0, 6, [])
    assert report["overall"]["f1"] is None and report["macro_f1"] is None
    assert evaluate(str(gold_file), "--layer", "lead") == 0
    assert "nothing to score" in capsys.readouterr().out


def test_an_unknown_layer_names_the_layers_the_file_has(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(gold_file), "--layer", "park"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{gold_file}: no layer 'park'" in captured.err
    assert "gold, kim, lead" in captured.err


def test_a_bad_file_is_named_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a label file\n", "utf-8")
    for path in (text, tmp_path / "missing.db"):
        assert main(["evaluate", str(path)]) == 2
        assert str(path) in capsys.readouterr().err


def test_the_file_is_only_read(gold_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = gold_file.read_bytes()
    evaluate(str(gold_file), "--json")
    assert gold_file.read_bytes() == before


def test_progress_shows_on_a_terminal_only(
    gold_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    evaluate(str(gold_file))
    assert "\r\x1b[Kevaluating 5/5 documents" in terminal.getvalue()
    monkeypatch.undo()
    evaluate(str(gold_file), "--json")
    assert capsys.readouterr().err == ""
