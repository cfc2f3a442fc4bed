"""Label Studio, Prodigy and doccano files come in as their tools' documentation shows them."""

from __future__ import annotations

import json
import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from app.cli import main
from app.core.interop.labels import WINDOW_LABEL_LIMIT, labels_to_add
from app.core.labelschema import default_schema

DATA = Path(__file__).parent / "data"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def spans_of(db: Path) -> set[tuple[str, int, int, str, str, str]]:
    """Every live span: (document, start, end, label, annotator, text)."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            'SELECT doc_id, start, "end", label, annotator, text FROM spans WHERE deleted = 0'
        ).fetchall()
    return {tuple(row) for row in rows}  # type: ignore[misc]


def raw_text(db: Path, doc_id: str) -> str:
    with sqlite3.connect(db) as connection:
        (text,) = connection.execute(
            "SELECT raw_text FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
    return str(text)


def test_label_studio_full_export_keeps_annotators_and_skips_cancelled(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "ls.db"
    code, _, err = run(capsys, "import", DATA / "labelstudio_full.json", "--into", db)
    assert code == 0, err
    spans = spans_of(db)
    assert {(s[0], s[3], s[4]) for s in spans} == {
        ("1", "nav", "1"),
        ("1", "copyright_footer", "1"),
        ("1", "nav", "lee@example.com"),
        ("2", "ad", "1"),
    }
    assert all(raw_text(db, doc)[start:end] == text for doc, start, end, _l, _a, text in spans)
    assert "1  Label Studio annotations skipped: cancelled" in err
    assert "1  Label Studio predictions skipped: model output, not labels" in err
    assert "1  Label Studio results skipped: not a text span (choices)" in err


def test_label_studio_region_counted_in_utf16_lands_on_its_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "ls.db"
    assert run(capsys, "import", DATA / "labelstudio_full.json", "--into", db)[0] == 0
    (ad,) = [span for span in spans_of(db) if span[3] == "ad"]
    assert ad[5] == "광고 문의: 02-123-4567"


def test_label_studio_json_min(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "min.db"
    code, _, err = run(capsys, "import", DATA / "labelstudio_min.json", "--into", db)
    assert code == 0, err
    assert {(s[3], s[4], s[5]) for s in spans_of(db)} == {
        ("nav", "kim@example.com", "메뉴 | 정치 | 경제"),
        ("copyright_footer", "kim@example.com", "무단전재 및 재배포 금지"),
    }


def test_label_studio_text_field_names_the_data_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tasks = json.loads((DATA / "labelstudio_full.json").read_text("utf-8"))
    for task in tasks:
        task["data"] = {"article": task["data"]["text"], "source": "crawl"}
    export = tmp_path / "renamed.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), "utf-8")
    code, _, err = run(capsys, "import", export, "--into", tmp_path / "a.db")
    assert code == 1
    assert "name it with --text-field (article, source)" in err
    code, _, err = run(
        capsys, "import", export, "--into", tmp_path / "b.db", "--text-field", "article"
    )
    assert code == 0, err
    assert len(spans_of(tmp_path / "b.db")) == 4


def test_prodigy_takes_accepted_answers_and_joins_annotators_by_input_hash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "p.db"
    code, _, err = run(capsys, "import", DATA / "prodigy_ner_manual.jsonl", "--into", db)
    assert code == 0, err
    assert "1 documents added" in err
    assert {(s[0], s[3], s[4]) for s in spans_of(db)} == {
        ("-1254628733", "nav", "news_ner-kim"),
        ("-1254628733", "copyright_footer", "news_ner-kim"),
        ("-1254628733", "nav", "news_ner-lee"),
    }
    assert "1  Prodigy examples skipped: answer reject" in err
    assert "1  Prodigy examples skipped: answer ignore" in err


def test_doccano_windows_text_keeps_its_spans_on_the_canonical_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "d.db"
    code, _, err = run(capsys, "import", DATA / "doccano.jsonl", "--into", db)
    assert code == 0, err
    assert "\r" not in raw_text(db, "1")
    assert {(s[0], s[3], s[5]) for s in spans_of(db)} == {
        ("1", "nav", "메뉴 | 정치 | 경제"),
        ("1", "copyright_footer", "무단전재 및 재배포 금지"),
        ("2", "ad", "광고 문의: 02-123-4567"),
    }


def test_doccano_entities_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    code, _, err = run(capsys, "import", DATA / "doccano_entities.jsonl", "--into", db)
    assert code == 0, err
    assert {(s[0], s[3]) for s in spans_of(db)} == {("6400", "nav"), ("6400", "copyright_footer")}


def test_thresher_record_with_decomposed_hangul_keeps_and_widens_its_spans(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = unicodedata.normalize("NFD", "메뉴 홈\r\n기사 본문\r\n")
    inside = text.index("\u1112") + 1  # ends between a consonant and its vowel
    record = {
        "id": "mac",
        "raw_text": text,
        "spans": [{"start": 0, "end": inside, "label": "nav"}],
    }
    source = tmp_path / "mac.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    db = tmp_path / "m.db"
    code, _, err = run(capsys, "import", source, "--into", db)
    assert code == 0, err
    ((_doc, start, end, _label, _who, covered),) = spans_of(db)
    assert (start, end, covered) == (0, 4, "메뉴 홈")
    assert "1  spans widened to a whole line end or character by canonicalisation" in err


def test_unknown_labels_are_refused_by_name_unless_added(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = (DATA / "doccano.jsonl").read_text("utf-8").replace('"ad"', '"phone_number"')
    source = tmp_path / "new_label.jsonl"
    source.write_text(lines, "utf-8")
    code, _, err = run(capsys, "import", source, "--into", tmp_path / "a.db")
    assert code == 1
    assert "span label 'phone_number' is not in the label file's schema" in err
    db = tmp_path / "b.db"
    code, _, err = run(capsys, "import", source, "--into", db, "--add-labels")
    assert code == 0, err
    assert "added 1 labels to the schema: phone_number" in err
    with sqlite3.connect(db) as connection:
        (color,) = connection.execute(
            "SELECT color FROM labels WHERE name = 'phone_number'"
        ).fetchone()
    assert color.startswith("#")


def test_add_labels_refuses_a_name_the_schema_cannot_hold(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "upper.jsonl"
    shutil.copy(DATA / "doccano.jsonl", source)
    source.write_text(source.read_text("utf-8").replace('"ad"', '"PER"'), "utf-8")
    code, _, err = run(capsys, "import", source, "--into", tmp_path / "a.db", "--add-labels")
    assert code == 1
    assert "label 'PER' cannot be added" in err
    assert "span label 'PER' is not in the label file's schema" in err


def test_a_json_file_that_is_not_a_label_studio_export_is_refused_by_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    schema = tmp_path / "my_labels.json"  # a schema file named as a source by mistake
    schema.write_text('{"format": "thresher-label-schema", "labels": []}', "utf-8")
    code, _, err = run(capsys, "import", schema, "--into", tmp_path / "a.db")
    assert code == 1
    assert f"refused {schema}: not a Label Studio JSON export (a list of tasks)" in err


def test_added_labels_stop_where_the_window_runs_out_of_keys() -> None:
    schema = default_schema()
    names = {f"extra_{number}" for number in range(10)}
    labels, problems = labels_to_add(names, schema)
    assert len(schema.labels) + len(labels) == WINDOW_LABEL_LIMIT
    assert len(problems) == 10 - len(labels)
    assert all("more than 18 labels" in problem for problem in problems)
