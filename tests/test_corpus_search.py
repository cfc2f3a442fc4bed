"""Find across the corpus: exact code-point ranges, the trigram index kept current."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main
from app.core.labelschema import default_schema
from app.ingest import ImportOptions, import_sources
from storage.copying import DOCUMENT_COLUMNS
from storage.corpus_search import PatternError, find
from storage.errors import NotALabelFile
from storage.labelfile import LabelFile, create_label_file, open_label_file
from storage.merge import merge_label_files
from storage.schema import APPLICATION_ID, MIGRATIONS
from storage.text_index import unindexed_count
from storage.validate import validate

TEXTS = {
    "news/1": "오늘의 날씨\n서울 맑음 🇰🇷 -5.2℃\nCopyright © 데일리. 무단전재 금지\n",
    "news/2": "👨‍👩‍👧 가족 이야기\n무단전재 금지 무단전재 금지\nABC abc Abc\n",
    "blog/1": "Hello 세계\n\n끝 🇰🇷🇯🇵\n",
}


def records_file(folder: Path, texts: dict[str, str], name: str = "docs") -> Path:
    path = folder / f"{name}.jsonl"
    lines = [json.dumps({"id": i, "raw_text": t}, ensure_ascii=False) for i, t in texts.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def filled(path: Path, texts: dict[str, str] = TEXTS, owner: str = "kim") -> Path:
    with create_label_file(path, owner=owner, schema=default_schema()) as label_file:
        report = import_sources(
            label_file, [records_file(path.parent, texts, path.stem)], ImportOptions(owner)
        )
    assert not report.refusals
    return path


def naive(texts: dict[str, str], pattern: str) -> list[tuple[str, int, int]]:
    found = []
    for doc_id, text in texts.items():
        position = text.find(pattern)
        while position >= 0:
            found.append((doc_id, position, position + len(pattern)))
            position = text.find(pattern, position + len(pattern))
    return found


def ranges(label_file: LabelFile, pattern: str, **options: Any) -> list[tuple[str, int, int]]:
    result = find(label_file.connection, pattern, **options)
    return [(hit.doc_id, hit.start, hit.end) for hit in result.hits]


@pytest.fixture
def corpus(tmp_path: Path) -> LabelFile:
    return open_label_file(filled(tmp_path / "corpus.db"), read_only=True)


def test_a_korean_literal_gives_exact_ranges_lines_and_totals(corpus: LabelFile) -> None:
    result = find(corpus.connection, "무단전재 금지")
    assert result.used_index
    assert [(h.doc_id, h.line, h.start, h.end) for h in result.hits] == [
        ("news/1", 3, 39, 46),
        ("news/2", 2, 13, 20),
        ("news/2", 2, 21, 28),
    ]
    assert (result.documents, result.total_hits) == (2, 3)
    for hit in result.hits:
        assert TEXTS[hit.doc_id][hit.start : hit.end] == "무단전재 금지"
        assert hit.context == TEXTS[hit.doc_id][hit.context_start :].split("\n")[0]
    assert unindexed_count(corpus.connection) == 0  # the import indexed every document
    assert validate(corpus.connection) == []


def test_emoji_and_flags_are_counted_in_code_points(corpus: LabelFile) -> None:
    # A flag is two regional indicators; a family emoji is five code points joined.
    assert ranges(corpus, "🇰🇷") == [("news/1", 13, 15), ("blog/1", 12, 14)]
    assert ranges(corpus, "맑음 🇰🇷 -5") == [("news/1", 10, 18)]
    assert ranges(corpus, "👨‍👩‍👧 가족") == [("news/2", 0, 8)]
    assert ranges(corpus, "🇯🇵\n") == [("blog/1", 14, 17)]


def test_the_index_folds_case_but_hits_do_not(corpus: LabelFile) -> None:
    assert ranges(corpus, "ABC") == [("news/2", 29, 32)]
    assert ranges(corpus, "Abc") == [("news/2", 37, 40)]
    assert ranges(corpus, "abc", regex=True) == [("news/2", 33, 36)]


def test_a_regex_uses_its_literal_and_anchors_at_lines(corpus: LabelFile) -> None:
    result = find(corpus.connection, r"^무단전재 \w+", regex=True)
    assert result.used_index
    # In news/1 "Copyright © 데일리. " comes first on the line: not at ^.
    assert [(h.doc_id, h.start, h.end, h.text) for h in result.hits] == [
        ("news/2", 13, 20, "무단전재 금지")
    ]
    alternatives = find(corpus.connection, "세계|날씨", regex=True)
    assert not alternatives.used_index
    assert [h.text for h in alternatives.hits] == ["날씨", "세계"]


def test_limit_caps_the_list_not_the_totals(corpus: LabelFile) -> None:
    result = find(corpus.connection, "금지", limit=1)
    assert len(result.hits) == 1 and result.truncated
    assert (result.documents, result.total_hits) == (2, 3)


def test_a_first_page_of_hits_stops_reading_at_the_limit(corpus: LabelFile) -> None:
    first = find(corpus.connection, "금지", limit=1, count_all=False)
    assert [(h.doc_id, h.start) for h in first.hits] == [("news/1", 44)]
    assert not first.complete and first.truncated and first.read == 1
    everything = find(corpus.connection, "금지", limit=4, count_all=False)
    assert everything.complete and not everything.truncated and everything.total_hits == 3


def test_empty_and_invalid_patterns_are_refused(corpus: LabelFile) -> None:
    with pytest.raises(PatternError):
        find(corpus.connection, "")
    with pytest.raises(PatternError, match="not a valid regular expression"):
        find(corpus.connection, "(무단", regex=True)


def test_documents_copied_in_by_sql_are_still_found(tmp_path: Path) -> None:
    # A hand-out copies documents by SQL, past the index: find scans what it lacks.
    with open_label_file(filled(tmp_path / "a.db")) as label_file:
        columns = ", ".join(DOCUMENT_COLUMNS)
        renamed = columns.replace("id,", "'x' || id,", 1)
        with label_file.transaction() as db:
            db.execute(
                f"INSERT INTO documents ({columns}) SELECT {renamed}"
                " FROM documents WHERE id = 'blog/1'"
            )
        result = find(label_file.connection, "Hello 세계")
        assert result.used_index
        assert [(h.doc_id, h.start) for h in result.hits] == [("blog/1", 0), ("xblog/1", 0)]
        assert unindexed_count(label_file.connection) == 1
        assert validate(label_file.connection) == []  # not a fault: find scans it


def v1_file(path: Path, texts: dict[str, str]) -> Path:
    """A label file as the first format wrote it: no text index."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.executescript(MIGRATIONS[0])
    for doc_id, text in texts.items():
        db.execute(
            "INSERT INTO documents (id, cleaner, cleaner_version, raw_sha256, canonical_form,"
            " aligned_share, imported, raw_length, clean_length, raw_text, clean_text)"
            " VALUES (?, 'none', '1', ?, 'nfc-lf-v1', 0, '2026-01-01T00:00:00.000000Z', ?, 0, ?,"
            " '')",
            (doc_id, "0" * 64, len(text), text),
        )
    db.execute("PRAGMA user_version = 1")
    db.close()
    return path


def test_a_version_1_file_is_scanned_read_only_and_indexed_when_opened(tmp_path: Path) -> None:
    path = v1_file(tmp_path / "old.db", TEXTS)
    with open_label_file(path, read_only=True) as old:
        scanned = find(old.connection, "무단전재")
        assert not scanned.used_index
    with open_label_file(path) as upgraded:  # writable: migrated, index built
        indexed = find(upgraded.connection, "무단전재")
        assert indexed.used_index
    assert indexed.hits == scanned.hits
    assert [(h.doc_id, h.start, h.end) for h in indexed.hits] == naive(TEXTS, "무단전재")


def test_merge_output_has_the_index_rebuilt(tmp_path: Path) -> None:
    first = filled(tmp_path / "kim.db", {"a/1": "공통 메뉴 하나\n"}, "kim")
    second = filled(tmp_path / "lee.db", {"b/1": "다른 공통 메뉴\n"}, "lee")
    merge_label_files([first, second], tmp_path / "merged.db")
    with open_label_file(tmp_path / "merged.db", read_only=True) as merged:
        result = find(merged.connection, "공통 메뉴")
        assert result.used_index
        assert [h.doc_id for h in result.hits] == ["a/1", "b/1"]
        assert validate(merged.connection) == []


def test_validate_names_an_emptied_or_foreign_index(tmp_path: Path) -> None:
    path = filled(tmp_path / "a.db")
    with open_label_file(path) as label_file, label_file.transaction() as db:
        db.execute("INSERT INTO text_index (text_index) VALUES ('delete-all')")
    with open_label_file(path, read_only=True) as label_file:
        assert any("does not find document" in p for p in validate(label_file.connection))
        # Candidates are verified, so a broken index can only lose hits, never invent them.
        assert find(label_file.connection, "Hello").hits == ()
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("DROP TABLE text_index")
    raw.execute("CREATE VIRTUAL TABLE text_index USING fts5(raw_text)")
    raw.close()
    with open_label_file(path, read_only=True) as label_file:
        assert any("text_index is defined otherwise" in p for p in validate(label_file.connection))
        result = find(label_file.connection, "Hello")  # not trusted: scanned instead
        assert not result.used_index and [h.doc_id for h in result.hits] == ["blog/1"]
    with pytest.raises(NotALabelFile, match="defined otherwise"):
        open_label_file(path)


def test_the_command_prints_hits_and_totals(
    corpus: LabelFile, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["find", str(corpus.path), "🇰🇷"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "news/1:2:13-15: 서울 맑음 🇰🇷 -5.2℃"
    assert out[-1].endswith("2 hits in 2 documents")
    assert main(["find", str(corpus.path), "금지", "--json", "--limit", "1"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["hits"], printed["listed"], printed["truncated"]) == (3, 1, True)
    assert printed["results"][0]["text"] == "금지"
    assert main(["find", str(corpus.path), "[", "--regex"]) == 2
    assert "not a valid regular expression" in capsys.readouterr().err


_ALPHABET = st.sampled_from(["가", "나", "a", "A", "b", " ", "\n", "🇰", "🇷", "é"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.text(_ALPHABET, max_size=40), min_size=1, max_size=4),
    pattern=st.text(_ALPHABET, min_size=1, max_size=5),
)
def test_literal_hits_equal_a_plain_scan(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], pattern: str
) -> None:
    folder = tmp_path_factory.mktemp("law")
    path = folder / "f.db"
    with create_label_file(path, owner="kim", schema=default_schema()) as label_file:
        given_texts = {f"d/{number}": text for number, text in enumerate(texts)}
        import_sources(label_file, [records_file(folder, given_texts)], ImportOptions("kim"))
    with open_label_file(path, read_only=True) as label_file:
        # The stored (canonical) texts are the truth; blank ones were refused at import.
        by_id = dict(
            label_file.connection.execute("SELECT id, raw_text FROM documents ORDER BY rowid")
        )
        assert ranges(label_file, pattern) == naive(by_id, pattern)
        expression = re.escape(pattern) + "+"
        found = ranges(label_file, expression, regex=True)
    expected = [
        (doc_id, m.start(), m.end())
        for doc_id, text in by_id.items()
        for m in re.finditer(expression, text, re.MULTILINE)
    ]
    assert found == expected
