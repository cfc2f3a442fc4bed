"""Other tools' files keep to the import size limit: a huge line is refused, never held whole."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.core import sources
from app.core.interop.common import first_object
from app.core.interop.labelstudio import EXPORT_LIMIT_PAGES

DATA = Path(__file__).parent / "data"
LIMIT = 8192  # small, so a "huge" line is a few dozen KB and the tests stay fast
HUGE_TEXT = "큰 레코드 " * 5000  # about 60 KB of UTF-8


@pytest.fixture(autouse=True)
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_PAGE_BYTES", LIMIT)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str]:
    code = main([str(arg) for arg in argv])
    return code, capsys.readouterr().err


def ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM documents ORDER BY id")]


def labels(db: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT doc_id, label FROM spans WHERE deleted = 0")
        return {(row[0], row[1]) for row in rows}


def write_lines(path: Path, objects: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), "utf-8")
    return path


def prodigy(doc_id: str, text: str) -> dict[str, Any]:
    span = {"start": 0, "end": 1, "label": "nav"}
    return {"text": text, "meta": {"id": doc_id}, "answer": "accept", "spans": [span]}


def doccano(doc_id: str, text: str) -> dict[str, Any]:
    return {"id": doc_id, "text": text, "label": [[0, 1, "nav"]]}


def spans_line(doc_id: str, text: str) -> dict[str, Any]:
    span = {"start": 0, "end": 1, "label": "nav"}
    return {"id": doc_id, "layer": "raw", "text": text, "spans": [span]}


@pytest.mark.parametrize("shape", [prodigy, doccano, spans_line], ids=lambda f: f.__name__)
def test_a_huge_line_is_refused_by_line_and_the_rest_imported(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    shape: Callable[[str, str], dict[str, Any]],
) -> None:
    lines = [shape("a", "메뉴 첫 문서"), shape("big", HUGE_TEXT), shape("b", "메뉴 둘째 문서")]
    path = write_lines(tmp_path / "export.jsonl", lines)
    db = tmp_path / "s.db"
    code, err = run(capsys, "import", path, "--into", db, "--add-labels")
    assert code == 1, err
    assert f"{path}:2: record too large (the limit is {LIMIT} bytes)" in err
    assert ids(db) == ["a", "b"]
    assert labels(db) == {("a", "nav"), ("b", "nav")}


def test_a_huge_first_line_does_not_hide_a_prodigy_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "prodigy.jsonl"
    huge = json.dumps(prodigy("big", HUGE_TEXT), ensure_ascii=False) + "\n"
    path.write_bytes(huge.encode() + (DATA / "prodigy_ner_manual.jsonl").read_bytes())
    db = tmp_path / "p.db"
    code, err = run(capsys, "import", path, "--into", db)
    assert code == 1, err
    assert f"{path}:1: record too large (the limit is {LIMIT} bytes)" in err
    # Read as Prodigy (accepted answers, joined by input hash), not as Thresher records.
    assert ids(db) == ["-1254628733"]
    assert {label for _, label in labels(db)} == {"nav", "copyright_footer"}
    assert "1  Prodigy examples skipped: answer reject" in err


def test_detection_never_holds_a_huge_first_line(tmp_path: Path) -> None:
    path = tmp_path / "huge-first.jsonl"
    with path.open("wb") as stream:
        stream.write(b'{"text": "' + b"a" * (16 * 1024 * 1024) + b'", "answer": "accept"}\n')
        stream.write(json.dumps(prodigy("second", "둘째 줄")).encode() + b"\n")
    tracemalloc.start()
    try:
        first = first_object(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first is not None and first["meta"] == {"id": "second"}
    assert peak < 4 * 1024 * 1024  # the 16 MB line is skipped in pieces, never read whole


def test_label_studio_export_over_the_cap_is_refused_and_others_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cap = EXPORT_LIMIT_PAGES * LIMIT
    tasks = json.loads((DATA / "labelstudio_min.json").read_text("utf-8"))
    task = tasks[0]
    many = [{**task, "id": 1000 + number} for number in range(2 * cap // len(json.dumps(task)))]
    big = tmp_path / "big.json"
    big.write_text(json.dumps(many, ensure_ascii=False), "utf-8")
    assert big.stat().st_size > cap
    db = tmp_path / "ls.db"
    code, err = run(capsys, "import", big, DATA / "labelstudio_min.json", "--into", db)
    assert code == 1, err
    assert f"{big}: too large for a Label Studio export (over {cap} bytes)" in err
    assert not any(doc.startswith("10") for doc in ids(db))
    assert labels(db)  # the small export, under the cap, came in with its spans
