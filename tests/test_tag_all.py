"""Tag all: every hit of a find tagged in one transaction, whole lines grown, undo exact."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storage.tag_all as tag_all_module
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import AnnotationRefused, NewSpan, add_spans
from storage.corpus_search import find
from storage.errors import WriteFailed
from storage.labelfile import LabelFile, create_label_file
from storage.tag_all import grown_to_line, retag_all, tag_all, untag_all

TEXTS = {
    "news/1": "오늘의 날씨\n  무단전재 금지  \n서울 맑음 🇰🇷 -5.2℃ 무단전재 금지 끝\n",
    "news/2": "👨‍👩‍👧 가족 이야기\n무단전재 금지\n🇰🇷🇯🇵 무단전재 금지\n",
    "blog/1": "Hello 세계\n\n끝 🇰🇷🇯🇵\n",
}


@pytest.fixture
def corpus(tmp_path: Path) -> LabelFile:
    records = tmp_path / "docs.jsonl"
    lines = [json.dumps({"id": i, "raw_text": t}, ensure_ascii=False) for i, t in TEXTS.items()]
    records.write_text("\n".join(lines) + "\n", "utf-8")
    label_file = create_label_file(tmp_path / "labels.db", owner="kim", schema=default_schema())
    report = import_sources(label_file, [records], ImportOptions("kim"))
    assert not report.refusals
    return label_file


def hits_of(label_file: LabelFile, pattern: str, regex: bool = False) -> list[tuple[str, int, int]]:
    result = find(label_file.connection, pattern, regex=regex)
    return [(hit.doc_id, hit.start, hit.end) for hit in result.hits]


def live(label_file: LabelFile) -> list[tuple[str, int, int, str, str, str]]:
    return label_file.connection.execute(
        "SELECT doc_id, start, end, label, text, annotator FROM spans WHERE deleted = 0"
        " ORDER BY doc_id, start"
    ).fetchall()


def raw(label_file: LabelFile, doc_id: str) -> str:
    row = label_file.connection.execute("SELECT raw_text FROM documents WHERE id = ?", (doc_id,))
    return str(row.fetchone()[0])


def test_whole_line_hits_grow_to_their_lines_and_the_rest_stay_exact(corpus: LabelFile) -> None:
    result = tag_all(corpus, hits_of(corpus, "무단전재 금지"), "copyright_footer", "kim")

    spans = live(corpus)
    texts = {(doc_id, text) for doc_id, _, _, _, text, _ in spans}
    # news/1 line 2 is the phrase between spaces: the whole line, spaces and all.
    assert ("news/1", "  무단전재 금지  ") in texts
    # Inside a longer line (after a flag, or before "끝") only the phrase is tagged.
    assert ("news/1", "무단전재 금지") in texts and ("news/2", "무단전재 금지") in texts
    for doc_id, start, end, label, text, annotator in spans:
        assert raw(corpus, doc_id)[start:end] == text  # code points: emoji, flags, Hangul
        assert (label, annotator) == ("copyright_footer", "kim")
    assert len(spans) == len(result.written) == 4 and result.covered == 0
    assert result.documents == 2


def test_ranges_after_emoji_and_flags_are_code_points(corpus: LabelFile) -> None:
    tag_all(corpus, hits_of(corpus, "무단전재 금지"), "copyright_footer", "kim")
    text = raw(corpus, "news/2")
    after_flags = text.index("🇰🇷🇯🇵 무단전재") + len("🇰🇷🇯🇵 ")
    assert ("news/2", after_flags, after_flags + 7, "copyright_footer", "무단전재 금지", "kim") in (
        live(corpus)
    )


def test_hits_already_covered_by_the_label_are_left_alone(corpus: LabelFile) -> None:
    line = raw(corpus, "news/2").split("\n")[1]
    start = raw(corpus, "news/2").index(line)
    add_spans(corpus, "news/2", [NewSpan("raw", start, start + len(line), "ad")], "kim")
    add_spans(corpus, "news/2", [NewSpan("raw", 0, start + 3, "copyright_footer")], "kim")
    # Touching spans of the label cover a hit together; another annotator's never does.
    add_spans(corpus, "news/2", [NewSpan("raw", start + 3, start + 8, "copyright_footer")], "kim")
    add_spans(corpus, "news/1", [NewSpan("raw", 0, len(raw(corpus, "news/1")), "nav")], "lee")

    first = tag_all(corpus, hits_of(corpus, "무단전재 금지"), "copyright_footer", "kim")
    assert first.covered == 1  # news/2's line: the two touching spans cover it
    assert {w.doc_id for w in first.written} == {"news/1", "news/2"}
    again = tag_all(corpus, hits_of(corpus, "무단전재 금지"), "copyright_footer", "kim")
    assert again.written == () and again.covered == 4


def test_only_the_checked_hits_are_tagged(corpus: LabelFile) -> None:
    hits = hits_of(corpus, "🇰🇷")
    assert len(hits) == 3
    tag_all(corpus, hits[1:2], "widget", "kim")
    assert [(d, t) for d, _, _, _, t, _ in live(corpus)] == [("news/2", "🇰🇷")]


def test_a_failure_midway_writes_nothing(
    corpus: LabelFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = tag_all_module._tag_document

    def failing_on_second(*args: object, **kwargs: object) -> object:
        calls.append(args[1])
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tag_all_module, "_tag_document", failing_on_second)
    with pytest.raises(WriteFailed, match="everything saved before is intact"):
        tag_all(corpus, hits_of(corpus, "무단전재 금지"), "copyright_footer", "kim")
    assert calls == ["news/1", "news/2"]
    assert live(corpus) == []


def test_a_bad_hit_anywhere_refuses_the_whole_tag_all(corpus: LabelFile) -> None:
    hits = [*hits_of(corpus, "무단전재 금지"), ("blog/1", 5, 500)]
    with pytest.raises(AnnotationRefused, match="outside the raw text"):
        tag_all(corpus, hits, "copyright_footer", "kim")
    with pytest.raises(AnnotationRefused, match="no document"):
        tag_all(corpus, [("news/1", 0, 2), ("nowhere", 0, 1)], "nav", "kim")
    with pytest.raises(AnnotationRefused, match="not in this file's schema"):
        tag_all(corpus, [("news/1", 0, 2)], "no-such-label", "kim")
    assert live(corpus) == []


def test_undo_removes_exactly_the_written_spans_and_redo_restores_them(
    corpus: LabelFile,
) -> None:
    own = add_spans(corpus, "news/1", [NewSpan("raw", 0, 3, "copyright_footer")], "kim")
    before = live(corpus)
    result = tag_all(corpus, hits_of(corpus, "무단전재 금지"), "copyright_footer", "kim")
    after = live(corpus)

    untag_all(corpus, result)
    assert live(corpus) == before  # the span that was there before stays
    retag_all(corpus, result)
    assert live(corpus) == after
    marks = ",".join("?" * len(result.written))
    stamps = dict(
        corpus.connection.execute(
            f"SELECT id, updated FROM spans WHERE id IN ({marks})", result.span_ids
        ).fetchall()
    )
    # Each undo and redo is a new version, later than the one it replaces (merge keeps it).
    for written in result.written:
        assert stamps[written.span.id] > written.span.updated
    assert own[0].id not in stamps


def test_a_regex_for_whole_lines_tags_whole_lines(corpus: LabelFile) -> None:
    tag_all(corpus, hits_of(corpus, r"(?m)^\S.*이야기$", regex=True), "nav", "kim")
    assert [t for *_, t, _ in live(corpus)] == ["👨‍👩‍👧 가족 이야기"]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="ab \n🇰", max_size=30), st.integers(0, 30), st.integers(0, 30))
def test_growing_is_the_line_only_for_a_hit_that_is_a_whole_line(
    text: str, first: int, second: int
) -> None:
    start, end = sorted((min(first, len(text)), min(second, len(text))))
    if start == end:
        return
    grown = grown_to_line(text, start, end)
    assert grown[0] <= start and end <= grown[1]
    if grown != (start, end):
        assert text[start:end] == text[grown[0] : grown[1]].strip()
        assert "\n" not in text[grown[0] : grown[1]].strip("\n") or "\n" in text[start:end]
        before = text[: grown[0]]
        assert before == "" or before.endswith("\n")
        assert grown[1] == len(text) or text[grown[1]] == "\n"
