"""The line model, ``thresher train`` and the learned cleaner (``learned:MODEL``)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli import main
from app.core.cleaners import CleanInput, ImportContext, get_cleaner
from app.core.line_features import KEEP, line_labels, page_lines
from app.core.line_model import (
    ModelRefused,
    PageExample,
    char_weight,
    load_model,
    model_json,
    page_example,
    save_model,
    train,
)
from app.core.line_training import kept_text
from bench.gold_corpus import write_corpus

MENU = "홈 | 뉴스 | 스포츠"
PROSE = "정부는 오늘 새로운 과학기술 정책을 발표했으며 내년부터 적용될 예정이라고 밝혔다."
FOOTER = "Copyright © 데일리. 무단전재 및 재배포 금지."


def labelled_page(number: int) -> tuple[str, list[tuple[int, int, str]]]:
    lines = [MENU, f"{PROSE} ({number})", FOOTER]
    raw = "\n".join(lines)
    footer_at = raw.index(FOOTER)
    return raw, [(0, len(MENU), "nav"), (footer_at, footer_at + len(FOOTER), "copyright_footer")]


def example(raw: str, spam: list[tuple[int, int, str]]) -> PageExample:
    lines, rows = page_example(raw, [])
    return PageExample(rows, line_labels(lines, spam), [char_weight(line) for line in lines])


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = train([example(*labelled_page(n)) for n in range(6)], "none")
    path = tmp_path_factory.mktemp("model") / "lines.model.json"
    save_model(model, path)
    return path


def test_labels_follow_the_lines_export_rule() -> None:
    raw, spam = labelled_page(1)
    assert line_labels(page_lines(raw), spam) == ["nav", KEEP, "copyright_footer"]
    half = [(0, 3, "ad")]  # "홈 |": 2 of the line's 6 visible characters
    assert line_labels(page_lines(MENU), half) == [KEEP]


def test_a_model_round_trips_through_its_file(model_path: Path) -> None:
    loaded = load_model(model_path)
    again = load_model(model_path)
    raw, _spam = labelled_page(99)
    rows = page_example(raw, [])[1]
    assert loaded.predict(rows) == ["nav", KEEP, "copyright_footer"]
    assert np.array_equal(loaded.weights, again.weights)
    assert model_json(loaded) == model_path.read_text("utf-8")


def tampered(model_path: Path, tmp_path: Path, change: str) -> Path:
    body = json.loads(model_path.read_text("utf-8"))
    if change == "weight":
        body["weights"][0][0] += 1.0
    elif change == "resealed-shape":  # a forger who recomputes the checksum
        from app.core.line_model import _checksum  # noqa: PLC0415

        body["weights"] = body["weights"][:-1]
        body["sha256"] = _checksum(body)
    elif change == "pickle":
        path = tmp_path / "evil.json"
        path.write_bytes(b"\x80\x04cos\nsystem\n(S'touch pwned'\ntR.")
        return path
    path = tmp_path / f"{change}.json"
    path.write_text(json.dumps(body), "utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("weight", "do not match the checksum"),
        ("resealed-shape", "weights is not a"),
        ("pickle", "not JSON"),
    ],
)
def test_a_tampered_model_file_is_refused_not_run(
    model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, reason: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tampered(model_path, tmp_path, change)
    with pytest.raises(ModelRefused, match=reason):
        load_model(path)
    with pytest.raises(ValueError, match=reason):
        get_cleaner(f"learned:{path}")
    assert not (tmp_path / "pwned").exists()


def test_the_learned_cleaner_keeps_the_lines_the_model_keeps(model_path: Path) -> None:
    raw, _spam = labelled_page(7)
    cleaner = get_cleaner(f"learned:{model_path}")
    assert cleaner.clean(CleanInput(raw), ImportContext()) == f"{PROSE} (7)"
    assert cleaner.name == "learned" and cleaner.version.startswith("learned-1:")


@given(st.lists(st.sampled_from(["  홈 ", "본문 문장이다.", "", " \t", "끝"]), max_size=8))
def test_kept_text_aligns_with_the_raw_lines(parts: list[str]) -> None:
    raw = "\n".join(parts)
    lines = page_lines(raw)
    labels = [KEEP if i % 2 == 0 else "nav" for i in range(len(lines))]
    clean, segments = kept_text(lines, labels)
    for segment in segments:
        piece = raw[segment.raw_start : segment.raw_end]
        assert piece == clean[segment.clean_start : segment.clean_end] == piece.strip()
    kept = [line.text.strip() for line, label in zip(lines, labels, strict=True) if label == KEEP]
    assert clean == "\n".join(kept)


# --- the command line -------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus of 6 sites x 5 pages with gold on every chrome line, gold done."""
    folder = tmp_path_factory.mktemp("corpus")
    records = write_corpus(folder / "corpus.jsonl", 6, 5)
    path = folder / "corpus.db"
    assert main(["import", str(records), "--into", str(path), "--workers", "1"]) == 0
    return path


def test_train_reports_held_out_figures_and_writes_a_small_model(
    corpus_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.json"
    argv = ["train", str(corpus_file), "-o", str(model), "--base", "lines", "--workers", "1"]
    assert main([*argv, "--hold-out-by", "site", "--held-out", "0.34"]) == 0
    out = capsys.readouterr().out
    assert "line model over lines, trained on" in out
    assert "of the sites by a hash of seed 0 and id" in out
    assert "line accuracy" in out and "F1" in out and "(lines alone: F1" in out
    trained = load_model(model).trained
    assert trained["held_out"]["documents"] > 0 and trained["documents"] > 0
    assert trained["held_out"]["documents"] + trained["documents"] == 30
    assert 0.8 < trained["held_out"]["f1"] <= 1.0
    assert model.stat().st_size < 200_000


def test_the_learned_cleaner_imports_and_competes_in_the_leaderboard(
    corpus_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.json"
    assert main(["train", str(corpus_file), "-o", str(model), "--base", "none"]) == 0
    capsys.readouterr()
    names = f"none,learned:{model}"
    assert main(["evaluate", str(corpus_file), "--cleaners", names, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [row["name"] for row in report["cleaners"]] == [f"learned:{model}", "none"]
    pages = tmp_path / "pages.jsonl"
    with sqlite3.connect(corpus_file) as db:
        rows = db.execute("SELECT id, raw_text FROM documents LIMIT 3").fetchall()
    pages.write_text(
        "".join(json.dumps({"id": i, "raw_text": t}, ensure_ascii=False) + "\n" for i, t in rows),
        "utf-8",
    )
    into = tmp_path / "new.db"
    assert main(["import", str(pages), "--into", str(into), "--cleaner", f"learned:{model}"]) == 0
    with sqlite3.connect(into) as db:
        assert {row[0] for row in db.execute("SELECT cleaner FROM documents")} == {"learned"}


def test_a_tampered_model_stops_an_import_before_it_starts(
    model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tampered(model_path, tmp_path, "weight")
    page = tmp_path / "page.txt"
    page.write_text(PROSE, "utf-8")
    into = tmp_path / "x.db"
    with pytest.raises(SystemExit) as stop:
        main(["import", str(page), "--into", str(into), "--cleaner", f"learned:{bad}"])
    assert stop.value.code == 2
    assert "do not match the checksum" in capsys.readouterr().err
    assert not into.exists()


def test_train_refuses_a_file_with_too_few_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PROSE, "utf-8")
    into = tmp_path / "x.db"
    assert main(["import", str(page), "--into", str(into)]) == 0
    assert main(["train", str(into), "-o", str(tmp_path / "m.json")]) == 2
    assert "too few labels to learn from" in capsys.readouterr().err
    assert not (tmp_path / "m.json").exists()


def test_training_runs_in_a_helper_process(corpus_file: Path) -> None:
    """What a window's background trainer does: plain data in, a fitted model out."""
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    from app.line_trainer import TrainRequest, train_from_label_file  # noqa: PLC0415

    with ProcessPoolExecutor(1) as pool:
        outcome = pool.submit(
            train_from_label_file, TrainRequest(corpus_file, base="none")
        ).result()
    assert outcome.documents + outcome.measured.pages == 30
    assert {"keep", "nav", "copyright_footer"} <= set(outcome.model.classes)
    raw, _spam = labelled_page(3)
    assert outcome.model.predict(page_example(raw, [])[1])[1] == KEEP
