"""``thresher import``, ``show``, ``stats`` and ``validate`` as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import main

EMOJI_TEXT = "첫 줄 😀 끝\r\n국기 🇰🇷 와 가족 👩‍👩‍👧 이모지\r\n마지막 줄"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def show(capsys: pytest.CaptureFixture[str], db: Path, doc_id: str) -> dict[str, object]:
    code, out, _ = run(capsys, "show", db, doc_id)
    assert code == 0
    record: dict[str, object] = json.loads(out)
    return record


def test_sample_pages_import_with_alignment(
    capsys: pytest.CaptureFixture[str], samples: Path, tmp_path: Path
) -> None:
    db = tmp_path / "s.db"
    code, _, err = run(capsys, "import", samples, "--into", db)
    assert code == 0, err
    assert "5 documents added" in err
    code, out, _ = run(capsys, "stats", db, "--json")
    stats = json.loads(out)
    assert stats["documents"] == 5
    assert stats["status"]["todo"] == 5
    for page in sorted(samples.glob("*.txt")):
        record = show(capsys, db, page.stem)
        assert set(record) >= {
            "id",
            "url",
            "title",
            "raw_text",
            "clean_text",
            "cleaner",
            "alignment",
            "raw_sha256",
            "spans",
            "facts",
            "status",
        }
        assert record["cleaner"] == "lines"
        assert record["raw_text"] == page.read_text("utf-8")
        assert record["title"] != "배너"  # the raw page's first line is a banner
        clean = str(record["clean_text"])
        covered = sum(seg[3] - seg[2] for seg in record["alignment"])  # type: ignore[attr-defined]
        assert covered >= 0.95 * len(clean), page.name
        assert "<" not in clean and "contents-hash" not in clean
        assert record["title"] == clean.lstrip().splitlines()[0].strip()[:200]


def test_reimport_adds_nothing(
    capsys: pytest.CaptureFixture[str], samples: Path, tmp_path: Path
) -> None:
    db = tmp_path / "s.db"
    run(capsys, "import", samples, "--into", db)
    code, _, err = run(capsys, "import", samples, "--into", db)
    assert code == 0
    assert "0 documents added, 5 already there" in err


def test_bad_inputs_are_named_and_the_rest_still_imports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.txt").write_text("좋은 기사 본문입니다.\n둘째 문단입니다.", "utf-8")
    (pages / "empty.txt").write_bytes(b"")
    (pages / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    records = tmp_path / "records.jsonl"
    records.write_text(
        "\n".join(
            [
                json.dumps({"id": "r1", "raw_text": "첫 기록의 본문."}, ensure_ascii=False),
                '{"id": "broken", "raw_text": ',
                json.dumps({"raw_text": "id가 없는 기록"}, ensure_ascii=False),
                json.dumps({"id": "r1", "raw_text": "같은 id, 다른 본문"}, ensure_ascii=False),
                json.dumps({"id": "r2", "raw_html": "<p>둘째 기록</p>"}, ensure_ascii=False),
            ]
        ),
        "utf-8",
    )
    db = tmp_path / "t.db"
    code, _, err = run(capsys, "import", pages, records, "--into", db)
    assert code == 1
    assert f"{pages / 'empty.txt'}: empty" in err
    assert f"{pages / 'image.txt'}:" in err and "binary" in err
    assert f"{records}:2: not valid JSON" in err
    assert f"{records}:3: record has no 'id'" in err
    assert f"{records}:4:" in err and "different texts" in err
    assert "3 documents added" in err
    with sqlite3.connect(db) as conn:
        ids = {row[0] for row in conn.execute("SELECT id FROM documents")}
    assert ids == {"good", "r1", "r2"}


def test_a_different_text_under_a_held_id_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "t.db"
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, text in ((first, "원래 본문"), (second, "바뀐 본문")):
        folder.mkdir()
        (folder / "doc.txt").write_text(text, "utf-8")
    run(capsys, "import", first, "--into", db)
    code, _, err = run(capsys, "import", second, "--into", db)
    assert code == 1
    assert "'doc' is already in the file with a different text" in err
    assert show(capsys, db, "doc")["raw_text"] == "원래 본문"


def test_korean_legacy_encodings_decode(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = "과학기술정보통신부 장관은 똠방각하 햏을 만났다."
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "plain.txt").write_bytes(text.encode("cp949"))
    html = f'<html><head><meta charset="euc-kr"><title>제목</title></head><body><p>{text}</p>'
    (pages / "page.html").write_bytes(html.encode("cp949"))
    db = tmp_path / "k.db"
    code, _, err = run(capsys, "import", pages, "--into", db)
    assert code == 0, err
    assert show(capsys, db, "plain")["raw_text"] == text
    record = show(capsys, db, "page")
    assert record["raw_text"] == text
    assert record["title"] == "제목"
    assert record["cleaner"] == "trafilatura"


def test_emoji_and_crlf_keep_exact_offsets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "emoji.txt"
    page.write_bytes(EMOJI_TEXT.encode("utf-8"))
    canonical = EMOJI_TEXT.replace("\r\n", "\n")
    flag = canonical.index("🇰🇷")
    record = {
        "id": "emoji-spans",
        "raw_text": canonical,
        "spans": [
            {"layer": "raw", "start": flag, "end": flag + 2, "label": "other", "text": "🇰🇷"},
            {"layer": "raw", "start": 0, "end": canonical.index("\n"), "label": "nav"},
        ],
    }
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    db = tmp_path / "e.db"
    code, _, err = run(capsys, "import", page, records, "--into", db, "--annotator", "lee")
    assert code == 0, err
    assert show(capsys, db, "emoji")["raw_text"] == canonical
    shown = show(capsys, db, "emoji-spans")
    spans = {span["label"]: span for span in shown["spans"]}  # type: ignore[attr-defined]
    assert spans["other"]["text"] == "🇰🇷" and spans["other"]["start"] == flag
    assert spans["nav"]["text"] == "첫 줄 😀 끝"
    assert spans["nav"]["annotator"] == "lee"
    code, out, _ = run(capsys, "validate", db)
    assert code == 0 and "valid" in out


def test_spans_with_wrong_text_or_unknown_labels_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = tmp_path / "r.jsonl"
    lines = [
        {
            "id": "shifted",
            "raw_text": "가나다라",
            "spans": [{"start": 1, "end": 3, "label": "ad", "text": "가나"}],
        },
        {"id": "crlf", "raw_text": "가\r\n나", "spans": [{"start": 3, "end": 4, "label": "ad"}]},
        {"id": "unknown", "raw_text": "가나", "spans": [{"start": 0, "end": 1, "label": "nope"}]},
    ]
    records.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    code, _, err = run(capsys, "import", records, "--into", tmp_path / "x.db")
    assert code == 1
    assert "span 1: its text '가나' is not the raw text at 1-3 ('나다')" in err
    assert ":2:" not in err  # \r\n no longer refuses a record: its span moves to "나" (issue 16)
    assert "span label 'nope' is not in the label file's schema" in err
    assert "1 documents added" in err


def test_importing_the_same_spans_twice_adds_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = tmp_path / "r.jsonl"
    record = {
        "id": "d",
        "raw_text": "광고 문구 그리고 본문",
        "spans": [{"start": 0, "end": 5, "label": "ad"}],
        "facts": [
            {
                "type": "quantity",
                "slots": [{"role": "value", "layer": "raw", "start": 10, "end": 12, "value": "1"}],
            }
        ],
    }
    records.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    db = tmp_path / "x.db"
    run(capsys, "import", records, "--into", db)
    code, _, err = run(capsys, "import", records, "--into", db)
    assert code == 0
    assert "0 spans and 0 facts added" in err
    shown = show(capsys, db, "d")
    assert len(shown["spans"]) == 1  # type: ignore[arg-type]
    fact = shown["facts"][0]  # type: ignore[index]
    assert fact["slots"][0]["text"] == "본문" and fact["slots"][0]["value"] == "1"


def test_external_clean_text_beside_the_page(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.txt").write_text("메뉴\n기사 본문 한 줄.\n광고", "utf-8")
    (tmp_path / "p" / "a.clean.txt").write_text("기사 본문 한 줄.", "utf-8")
    (tmp_path / "p" / "b.txt").write_text("짝 없는 페이지", "utf-8")
    db = tmp_path / "x.db"
    code, _, err = run(capsys, "import", tmp_path / "p", "--into", db, "--cleaner", "external")
    assert code == 1
    assert "b.txt" in err and "b.clean.txt" in err
    record = show(capsys, db, "a")
    assert record["clean_text"] == "기사 본문 한 줄."
    assert record["alignment"] == [[3, 13, 0, 10]]


def test_many_pages_use_worker_processes(
    capsys: pytest.CaptureFixture[str], samples: Path, tmp_path: Path
) -> None:
    pages = tmp_path / "many"
    pages.mkdir()
    texts = [page.read_text("utf-8") for page in sorted(samples.glob("*.txt"))]
    for i in range(40):
        (pages / f"{i:03d}.txt").write_text(f"{i}번째 변형\n" + texts[i % 5], "utf-8")
    db = tmp_path / "m.db"
    code, _, err = run(capsys, "import", pages, "--into", db, "--workers", "2")
    assert code == 0, err
    assert "40 documents added" in err
    assert show(capsys, db, "007")["raw_text"] == "7번째 변형\n" + texts[2]


def test_unusable_label_file_exits_2_untouched(
    capsys: pytest.CaptureFixture[str], samples: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database")
    code, _, err = run(capsys, "import", samples, "--into", notes)
    assert code == 2
    assert "is not a label file: it holds text" in err
    assert notes.read_text() == "not a database"


def test_validate_finds_a_span_whose_text_drifted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = tmp_path / "r.jsonl"
    records.write_text(
        json.dumps(
            {"id": "d", "raw_text": "가나다", "spans": [{"start": 0, "end": 1, "label": "ad"}]}
        ),
        "utf-8",
    )
    db = tmp_path / "x.db"
    run(capsys, "import", records, "--into", db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE spans SET start = 1, end = 2")
    code, out, _ = run(capsys, "validate", db)
    assert code == 1
    assert "stored text '가' != raw text '나'" in out


def test_show_of_an_unknown_document(
    capsys: pytest.CaptureFixture[str], samples: Path, tmp_path: Path
) -> None:
    db = tmp_path / "s.db"
    run(capsys, "import", samples, "--into", db)
    code, _, err = run(capsys, "show", db, "nope")
    assert code == 2
    assert "no document with id 'nope'" in err
