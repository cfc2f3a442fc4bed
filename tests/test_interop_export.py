"""Back out to Label Studio and Prodigy, and back in again with the same spans."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import main

TEXT_1 = (
    "메뉴 | 정치 😀 경제\n기사 본문입니다. 정부는 GPU 3만 장을 확보한다.\n무단전재 및 재배포 금지"
)
TEXT_2 = "홈 > 뉴스\n오늘의 날씨는 맑습니다.\n광고 문의: 02-123-4567"


def _span(text: str, piece: str, label: str, layer: str = "raw") -> dict[str, object]:
    start = text.index(piece)
    return {"layer": layer, "start": start, "end": start + len(piece), "label": label}


RECORDS = [
    {
        "id": "news/0001",
        "url": "https://news.example.kr/a/1",
        "raw_text": TEXT_1,
        "clean_text": "기사 본문입니다. 정부는 GPU 3만 장을 확보한다.",
        "spans": [
            _span(TEXT_1, "메뉴 | 정치 😀 경제", "nav"),
            _span(TEXT_1, "무단전재 및 재배포 금지", "copyright_footer"),
            _span(TEXT_1, "문입니", "other"),  # not on token boundaries
        ],
    },
    {
        "id": "news/0002",
        "raw_text": TEXT_2,
        "spans": [_span(TEXT_2, "광고 문의: 02-123-4567", "ad")],
    },
]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def spans_of(db: Path, layer: str = "raw") -> set[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            'SELECT doc_id, start, "end", label, annotator, text FROM spans'
            " WHERE deleted = 0 AND layer = ?",
            (layer,),
        ).fetchall()
    return set(rows)


@pytest.fixture
def kim_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    source = tmp_path / "records.jsonl"
    source.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in RECORDS), "utf-8"
    )
    db = tmp_path / "kim.db"
    code, _, err = run(capsys, "import", source, "--into", db, "--annotator", "kim")
    assert code == 0, err
    assert len(spans_of(db)) == 4
    return db


@pytest.mark.parametrize(("fmt", "name"), [("labelstudio", "tasks.json"), ("prodigy", "p.jsonl")])
def test_export_and_import_again_gives_the_same_spans(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kim_file: Path, fmt: str, name: str
) -> None:
    output = tmp_path / name
    code, out, err = run(
        capsys, "export", kim_file, "-o", output, "--format", fmt, "--layer", "kim"
    )
    assert code == 0, err
    assert "2 documents" in out
    again = tmp_path / "again.db"
    code, _, err = run(capsys, "import", output, "--into", again)
    assert code == 0, err
    assert spans_of(again) == spans_of(kim_file)


def test_label_studio_tasks_carry_the_spans_as_predictions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kim_file: Path
) -> None:
    output = tmp_path / "tasks.json"
    assert (
        run(capsys, "export", kim_file, "-o", output, "--format", "labelstudio", "--layer", "kim")[
            0
        ]
        == 0
    )
    tasks = json.loads(output.read_text("utf-8"))
    first = tasks[0]
    assert first["data"] == {
        "text": TEXT_1,
        "id": "news/0001",
        "url": "https://news.example.kr/a/1",
    }
    (prediction,) = first["predictions"]
    assert prediction["model_version"] == "thresher:kim"
    for region in prediction["result"]:
        value = region["value"]
        assert (region["from_name"], region["to_name"], region["type"]) == (
            "label",
            "text",
            "labels",
        )
        assert TEXT_1[value["start"] : value["end"]] == value["text"]
        assert len(value["labels"]) == 1


def test_prodigy_examples_have_tokens_and_token_bounds_where_spans_fit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kim_file: Path
) -> None:
    output = tmp_path / "p.jsonl"
    assert (
        run(capsys, "export", kim_file, "-o", output, "--format", "prodigy", "--layer", "kim")[0]
        == 0
    )
    examples = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    first = examples[0]
    assert first["answer"] == "accept" and first["_annotator_id"] == "kim"
    assert isinstance(first["_input_hash"], int) and isinstance(first["_task_hash"], int)
    tokens = first["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    assert all(TEXT_1[t["start"] : t["end"]] == t["text"] for t in tokens)
    assert "|" in [t["text"] for t in tokens] and "😀" in [t["text"] for t in tokens]
    by_label = {span["label"]: span for span in first["spans"]}
    nav = by_label["nav"]
    assert tokens[nav["token_start"]]["start"] == nav["start"]
    assert tokens[nav["token_end"]]["end"] == nav["end"]  # inclusive, as Prodigy counts
    assert "token_start" not in by_label["other"]
    same_text = {e["_input_hash"] for e in examples if e["text"] == TEXT_1}
    assert len(same_text) == 1


def test_the_spans_export_imports_back_with_both_layers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kim_file: Path
) -> None:
    with sqlite3.connect(kim_file) as connection:
        connection.execute(
            'INSERT INTO spans (id, doc_id, layer, start, "end", label, text, annotator,'
            " created, updated, deleted) SELECT 'c1', 'news/0001', 'clean', 0, 2, 'other',"
            " '기사', 'kim', created, updated, 0 FROM spans LIMIT 1"
        )
    output = tmp_path / "spans.jsonl"
    assert (
        run(capsys, "export", kim_file, "-o", output, "--format", "spans", "--layer", "kim")[0] == 0
    )
    again = tmp_path / "again.db"
    code, _, err = run(capsys, "import", output, "--into", again)
    assert code == 0, err
    assert spans_of(again) == spans_of(kim_file)
    assert spans_of(again, "clean") == spans_of(kim_file, "clean") != set()
