"""``thresher export`` from the command line: what it prints, its exit status, its files."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from app.cli import main
from tests.test_export import EMOJI_DOC, build_file, read_jsonl


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_file(tmp_path_factory.mktemp("export-cli") / "merged.db")


@pytest.fixture
def merged(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(built, tmp_path / "merged.db"))


def test_every_format_is_written_and_loads(
    merged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt, name in (
        ("jsonl", "gold.jsonl"),
        ("parquet", "gold.parquet"),
        ("lines", "lines.parquet"),
        ("spans", "spans.jsonl"),
        ("articles", "articles.json"),
    ):
        argv = ["export", str(merged), "-o", str(tmp_path / name), "--format", fmt]
        assert main([*argv, "--include-unfinished"]) == 0  # half the gold is not done
        out = capsys.readouterr().out
        assert f"{name}: 6 documents, 8 spans (layer gold, format {fmt})" in out
    assert len(read_jsonl(tmp_path / "gold.jsonl")) == 6
    assert pq.read_table(tmp_path / "gold.parquet").num_rows == 6
    assert set(pq.read_table(tmp_path / "lines.parquet").column("label").to_pylist()) >= {"keep"}
    assert len(read_jsonl(tmp_path / "spans.jsonl")) == 12
    assert EMOJI_DOC in json.loads((tmp_path / "articles.json").read_text("utf-8"))


def test_split_files_are_named_after_their_part(
    merged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", str(merged), "-o", str(tmp_path / "gold.jsonl"), "--format", "jsonl"]
    assert main([*argv, "--split", "train=0.5,test=0.5", "--seed", "3", "--status", "done"]) == 0
    out = capsys.readouterr().out
    assert "gold.jsonl: 3 documents" in out
    train, test = tmp_path / "gold.train.jsonl", tmp_path / "gold.test.jsonl"
    assert f"{train}: " in out and f"{test}: " in out
    assert len(read_jsonl(train)) + len(read_jsonl(test)) == 3
    assert not (tmp_path / "gold.jsonl").exists()


def test_a_corrupted_span_exits_1_naming_it_and_writes_nothing(
    merged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(merged) as db:
        (span_id,) = db.execute(
            "SELECT id FROM spans WHERE doc_id = ? AND layer = 'clean'", (EMOJI_DOC,)
        ).fetchone()
        db.execute("UPDATE spans SET text = '어제' WHERE id = ?", (span_id,))
    db.close()
    out = tmp_path / "gold.parquet"
    argv = ["export", str(merged), "-o", str(out), "--format", "parquet"]
    assert main([*argv, "--include-unfinished"]) == 1  # the corrupted span is on unfinished gold
    error = capsys.readouterr().err
    assert EMOJI_DOC in error and span_id in error
    assert "'어제'" in error and "'오늘'" in error and "nothing was written" in error
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".gold")]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--layer", "park"], "no annotator 'park'"),
        (["--labels", "nav,spam"], "unknown labels spam"),
        (["--split", "train=0.7,test=0.2"], "add up to 0.9"),
        (["--split", "train"], "not NAME=SHARE"),
        (["--format", "lines", "--layer", "all"], "not 'all'"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(
    merged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    out = tmp_path / "out.jsonl"
    argv = ["export", str(merged), "-o", str(out), "--format", "jsonl"]
    assert main([*argv, *extra]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_missing_file_or_folder_exits_2(
    merged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "export",
        str(tmp_path / "none.db"),
        "-o",
        str(tmp_path / "o.jsonl"),
        "--format",
        "jsonl",
    ]
    assert main(argv) == 2
    assert "none.db" in capsys.readouterr().err
    nowhere = str(tmp_path / "no" / "o.jsonl")
    assert main(["export", str(merged), "-o", nowhere, "--format", "jsonl"]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_an_unknown_format_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", str(tmp_path / "x.db"), "-o", str(tmp_path / "o"), "--format", "csv"])
    assert exited.value.code == 2
    assert "invalid choice: 'csv'" in capsys.readouterr().err
