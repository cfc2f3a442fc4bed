"""Exports of a merged label file, loaded back the way a trainer would load them.

The file: the five sample pages plus one JSONL page with emoji and decomposed Hangul;
kim's and lee's spans, gold spans on every page (one on the clean layer), a gold fact
with evidence, and gold statuses. Every format is written and read back with ``json`` or
``pyarrow``; every offset must reproduce its text.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import unicodedata
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from app.core.gold_text import gold_clean_text
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import NewSpan, add_spans, set_status
from storage.export import (
    ExportOptions,
    ExportRefused,
    SpanMismatch,
    export_label_file,
    parse_split,
    split_of,
)
from storage.export_formats import line_label
from storage.facts import SlotState, add_fact, set_slot
from storage.labelfile import create_label_file, open_label_file
from tests.conftest import SAMPLES

EMOJI_DOC = "web/emoji"
EMOJI_RAW = (
    "🎰 카지노 바로가기 👩‍👩‍👧\n"
    + unicodedata.normalize("NFD", "오늘의 기사 본문입니다 😀")
    + "\n무단전재 금지"
)
ONE_LINE_DOC = "003_bed9605c1afd4b42"
SPLIT = "train=0.6,dev=0.2,test=0.2"


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def first_line_end(raw: str) -> int:
    """Where gold's nav span ends: the first line (the one-line sample: its first 40)."""
    end = raw.find("\n")
    return end if end > 0 else 40


def build_file(path: Path) -> Path:
    """The merged file described in the module docstring."""
    sources = [SAMPLES, write_jsonl(path.with_suffix(".in.jsonl"), [emoji_record()])]
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        report = import_sources(label_file, sources, ImportOptions(annotator="lead"))
        assert not report.refusals
        ids = [row[0] for row in label_file.connection.execute("SELECT id FROM documents")]
        for number, doc_id in enumerate(ids):
            raw = raw_text(label_file.connection, doc_id)
            first = first_line_end(raw)
            add_spans(label_file, doc_id, [NewSpan("raw", 0, first, "nav")], "gold")
            add_spans(label_file, doc_id, [NewSpan("raw", 0, first + 1, "nav")], "kim")
            add_spans(label_file, doc_id, [NewSpan("raw", 1, 3, "ad")], "lee")
            if number % 2 == 0:
                set_status(label_file, doc_id, "gold", "done")
        emoji = raw_text(label_file.connection, EMOJI_DOC)
        footer = emoji.index("무단전재")
        add_spans(
            label_file, EMOJI_DOC, [NewSpan("raw", footer, len(emoji), "copyright_footer")], "gold"
        )
        add_spans(label_file, EMOJI_DOC, [NewSpan("clean", 0, 2, "other")], "gold")
        fact = add_fact(label_file, EMOJI_DOC, "statement", "gold")
        body = emoji.index("오늘")
        set_slot(label_file, fact.id, "content", SlotState("raw", body, body + 6), "gold")
        set_slot(label_file, fact.id, "date", SlotState(value="2026"), "gold")
    return path


def emoji_record() -> dict[str, Any]:
    return {
        "id": EMOJI_DOC,
        "raw_text": EMOJI_RAW,
        "clean_text": EMOJI_RAW.split("\n")[1],
        "url": "https://example.invalid/e",
    }


def raw_text(db: sqlite3.Connection, doc_id: str) -> str:
    return str(db.execute("SELECT raw_text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_file(tmp_path_factory.mktemp("export") / "merged.db")


@pytest.fixture
def merged(built: Path, tmp_path: Path) -> Path:
    """A private copy of the merged file, so a test may change it."""
    return Path(shutil.copy(built, tmp_path / "merged.db"))


def export(source: Path, output: Path, fmt: str, **options: Any) -> Path:
    # Half the gold here is not done: these tests read every document, so they ask for all.
    options.setdefault("include_unfinished", True)
    export_label_file(source, output, ExportOptions(format=fmt, **options))
    return output


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def assert_offsets_hold(record: dict[str, Any]) -> None:
    texts = {"raw": record["raw_text"], "clean": record["clean_text"]}
    for span in record["spans"]:
        assert texts[span["layer"]][span["start"] : span["end"]] == span["text"]
    for fact in record["facts"]:
        for slot in fact["slots"]:
            if slot["layer"] is not None:
                assert texts[slot["layer"]][slot["start"] : slot["end"]] == slot["text"]
    gold = record["gold_clean_text"]
    for gold_start, gold_end, raw_start in record["gold_clean_pieces"]:
        assert (
            gold[gold_start:gold_end]
            == record["raw_text"][raw_start : raw_start + gold_end - gold_start]
        )


def test_jsonl_holds_the_gold_layer_with_text_at_every_offset(merged: Path, tmp_path: Path) -> None:
    records = read_jsonl(export(merged, tmp_path / "gold.jsonl", "jsonl"))
    assert len(records) == 6
    assert records[-1]["id"] == EMOJI_DOC
    for record in records:
        assert_offsets_hold(record)
        assert {span["annotator"] for span in record["spans"]} == {"gold"}
        assert {status["annotator"] for status in record["status"]} <= {"gold"}
        spam = [(s["start"], s["end"]) for s in record["spans"] if s["layer"] == "raw"]
        assert record["gold_clean_text"] == gold_clean_text(record["raw_text"], spam).text
    emoji = records[-1]
    assert emoji["raw_text"].startswith("🎰") and "오늘의 기사" in emoji["raw_text"]
    assert emoji["gold_clean_text"] == "오늘의 기사 본문입니다 😀"
    (fact,) = emoji["facts"]
    assert [(slot["role"], slot["text"], slot["value"]) for slot in fact["slots"]] == [
        ("content", "오늘의 기사", None),
        ("date", None, "2026"),
    ]
    assert [span["layer"] for span in emoji["spans"]] == ["raw", "raw", "clean"]


def test_layer_annotator_all_and_labels_choose_the_spans(merged: Path, tmp_path: Path) -> None:
    kim = read_jsonl(export(merged, tmp_path / "kim.jsonl", "jsonl", layer="kim"))
    assert {s["annotator"] for r in kim for s in r["spans"]} == {"kim"}
    assert all(
        r["gold_clean_text"]
        == gold_clean_text(r["raw_text"], [(0, first_line_end(r["raw_text"]) + 1)]).text
        for r in kim
    )
    everyone = read_jsonl(export(merged, tmp_path / "all.jsonl", "jsonl", layer="all"))
    assert {s["annotator"] for r in everyone for s in r["spans"]} == {"gold", "kim", "lee"}
    gold = read_jsonl(export(merged, tmp_path / "gold.jsonl", "jsonl"))
    assert [r["gold_clean_text"] for r in everyone] == [r["gold_clean_text"] for r in gold]
    ads = read_jsonl(
        export(merged, tmp_path / "ads.jsonl", "jsonl", layer="all", labels=frozenset({"ad"}))
    )
    assert {(s["annotator"], s["label"]) for r in ads for s in r["spans"]} == {("lee", "ad")}


def test_status_done_keeps_what_the_layer_marked_done(merged: Path, tmp_path: Path) -> None:
    done = read_jsonl(export(merged, tmp_path / "done.jsonl", "jsonl", status="done"))
    assert len(done) == 3
    assert all(
        r["status"]
        == [
            {
                "annotator": "gold",
                "status": "done",
                "note": "",
                "updated": r["status"][0]["updated"],
            }
        ]
        for r in done
    )
    assert (
        read_jsonl(export(merged, tmp_path / "kim.jsonl", "jsonl", layer="kim", status="done"))
        == []
    )


def test_parquet_rows_are_the_jsonl_records(merged: Path, tmp_path: Path) -> None:
    records = read_jsonl(export(merged, tmp_path / "gold.jsonl", "jsonl", layer="all"))
    table = pq.read_table(export(merged, tmp_path / "gold.parquet", "parquet", layer="all"))
    assert table.num_rows == len(records)
    # gold_state is a fixed, nullable column (set only with --include-unfinished).
    assert table.drop_columns(["gold_state"]).to_pylist() == records
    assert table.column("gold_state").null_count == table.num_rows
    assert str(table.schema.field("spans").type).startswith("list<element: struct<id: string")


def test_an_empty_parquet_export_still_has_every_column(merged: Path, tmp_path: Path) -> None:
    path = export(merged, tmp_path / "none.parquet", "parquet", layer="kim", status="done")
    table = pq.read_table(path)
    assert table.num_rows == 0
    assert "gold_clean_pieces" in table.column_names and "facts" in table.column_names


def test_lines_label_every_raw_line_in_jsonl_and_parquet(merged: Path, tmp_path: Path) -> None:
    rows = read_jsonl(export(merged, tmp_path / "lines.jsonl", "lines"))
    table = pq.read_table(export(merged, tmp_path / "lines.parquet", "lines"))
    assert table.to_pylist() == rows
    texts = {
        r["id"]: r["raw_text"] for r in read_jsonl(export(merged, tmp_path / "g.jsonl", "jsonl"))
    }
    for row in rows:
        raw = texts[row["doc_id"]]
        assert raw[row["start"] : row["end"]] == row["text"] == raw.split("\n")[row["line_no"] - 1]
    emoji = [(row["line_no"], row["label"]) for row in rows if row["doc_id"] == EMOJI_DOC]
    assert emoji == [(1, "nav"), (2, "keep"), (3, "copyright_footer")]
    first_lines = {row["doc_id"]: row["label"] for row in rows if row["line_no"] == 1}
    assert first_lines.pop(ONE_LINE_DOC) == "keep"  # 40 characters of a 4,215-character line
    assert set(first_lines.values()) == {"nav"}


def test_a_line_is_spam_when_spam_covers_half_its_letters() -> None:
    line = "  기사 본문 광고광고  "
    ad = line.index("광고")
    assert line_label(line, 0, len(line), [(ad, ad + 4, "ad")]) == "ad"  # 4 of 8
    assert line_label(line, 0, len(line), [(ad, ad + 3, "ad")]) == "keep"  # 3 of 8
    assert line_label(line, 0, len(line), [(0, 5, "nav"), (ad, ad + 4, "ad")]) == "ad"
    tie = [(2, 4, "nav"), (ad, ad + 2, "ad")]
    assert line_label(line, 0, len(line), tie) == "ad"
    overlapping = [(ad, ad + 2, "ad"), (ad, ad + 2, "ad"), (ad + 2, ad + 3, "ad")]
    assert line_label(line, 0, len(line), overlapping) == "keep"


def test_spans_format_reads_as_spacy_char_spans(merged: Path, tmp_path: Path) -> None:
    rows = read_jsonl(export(merged, tmp_path / "spans.jsonl", "spans", layer="all"))
    assert [(r["id"], r["layer"]) for r in rows[-2:]] == [(EMOJI_DOC, "raw"), (EMOJI_DOC, "clean")]
    assert len(rows) == 12
    for row in rows:
        for span in row["spans"]:
            assert row["text"][span["start"] : span["end"]] == span["text"]
            assert set(span) == {"id", "start", "end", "label", "text", "annotator"}
    assert [s["label"] for s in rows[-1]["spans"]] == ["other"]


def test_articles_is_one_object_of_gold_article_bodies(merged: Path, tmp_path: Path) -> None:
    articles = json.loads(export(merged, tmp_path / "gt.json", "articles").read_text("utf-8"))
    records = read_jsonl(export(merged, tmp_path / "gold.jsonl", "jsonl"))
    assert list(articles) == [r["id"] for r in records]
    assert articles[EMOJI_DOC] == {
        "articleBody": "오늘의 기사 본문입니다 😀",
        "url": "https://example.invalid/e",
    }
    assert all(articles[r["id"]]["articleBody"] == r["gold_clean_text"] for r in records)
    empty = export(merged, tmp_path / "none.json", "articles", layer="kim", status="done")
    assert json.loads(empty.read_text("utf-8")) == {}


def test_splits_are_disjoint_repeatable_and_stable_when_documents_are_added(
    merged: Path, tmp_path: Path
) -> None:
    splits = parse_split(SPLIT)
    export(merged, tmp_path / "a.jsonl", "jsonl", splits=splits, seed=7)
    export(merged, tmp_path / "b.jsonl", "jsonl", splits=splits, seed=7)
    parts = {name: read_jsonl(tmp_path / f"a.{name}.jsonl") for name in ("train", "dev", "test")}
    ids = [r["id"] for part in parts.values() for r in part]
    assert sorted(ids) == sorted(
        r["id"] for r in read_jsonl(export(merged, tmp_path / "all.jsonl", "jsonl"))
    )
    for name in parts:
        assert (tmp_path / f"a.{name}.jsonl").read_bytes() == (
            tmp_path / f"b.{name}.jsonl"
        ).read_bytes()
    with open_label_file(merged) as label_file:
        record = {"id": "web/new", "raw_text": "새 문서\n본문"}
        import_sources(
            label_file, [write_jsonl(tmp_path / "new.jsonl", [record])], ImportOptions("lead")
        )
    export(merged, tmp_path / "c.jsonl", "jsonl", splits=splits, seed=7)
    for name, part in parts.items():
        after = [r["id"] for r in read_jsonl(tmp_path / f"c.{name}.jsonl")]
        assert [r["id"] for r in part] == [i for i in after if i != "web/new"]


def test_split_assignment_follows_the_shares_and_the_seed() -> None:
    splits = parse_split(SPLIT)
    docs = [(f"{n:064x}", f"doc{n}") for n in range(3000)]
    first = [split_of(splits, 1, sha, doc_id) for sha, doc_id in docs]
    assert 0.55 < first.count("train") / 3000 < 0.65
    assert 0.15 < first.count("test") / 3000 < 0.25
    assert first == [split_of(splits, 1, sha, doc_id) for sha, doc_id in docs]
    assert first != [split_of(splits, 2, sha, doc_id) for sha, doc_id in docs]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("train=0.8,dev=0.1", "add up to 0.9"),
        ("train=0.5,train=0.5", "named twice"),
        ("train:1", "not NAME=SHARE"),
        ("train=lots", "not a number"),
        ("train=1.5,test=-0.5", "not between 0 and 1"),
    ],
)
def test_bad_split_strings_are_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(ExportRefused, match=message):
        parse_split(text)


@pytest.mark.parametrize("layer", ["gold", "kim", "all"])
def test_import_of_an_export_exports_the_same_bytes(
    merged: Path, tmp_path: Path, layer: str
) -> None:
    first = export(merged, tmp_path / "first.jsonl", "jsonl", layer=layer)
    with create_label_file(tmp_path / "again.db", owner="someone", schema=default_schema()) as new:
        report = import_sources(new, [first], ImportOptions(annotator="someone"))
    assert not report.refusals and report.counts.added == 6
    second = export(tmp_path / "again.db", tmp_path / "second.jsonl", "jsonl", layer=layer)
    assert second.read_bytes() == first.read_bytes()


def test_a_corrupted_span_stops_the_export_before_any_output_exists(
    merged: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(merged) as db:
        span_id = db.execute(
            "SELECT id FROM spans WHERE doc_id = ? AND label = ?", (EMOJI_DOC, "copyright_footer")
        ).fetchone()[0]
        db.execute("UPDATE spans SET text = '무단전재 허용' WHERE id = ?", (span_id,))
    db.close()
    for fmt in ("jsonl", "parquet", "lines", "articles"):
        with pytest.raises(SpanMismatch) as caught:
            export(merged, out / f"gold.{fmt}", fmt, splits=parse_split(SPLIT))
        message = str(caught.value)
        assert EMOJI_DOC in message and span_id in message
        assert "'무단전재 허용'" in message and "'무단전재 금지'" in message
    assert list(out.iterdir()) == []


def test_a_failed_export_leaves_an_earlier_output_as_it_was(merged: Path, tmp_path: Path) -> None:
    earlier = export(merged, tmp_path / "gold.jsonl", "jsonl")
    before = earlier.read_bytes()
    with sqlite3.connect(merged) as db:
        db.execute("UPDATE fact_slots SET text = 'x' WHERE text IS NOT NULL")
    db.close()
    with pytest.raises(SpanMismatch, match="slot 'content'"):
        export(merged, earlier, "jsonl")
    assert earlier.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("merged.db")] == [
        "gold.jsonl"
    ]


@pytest.mark.parametrize(
    ("fmt", "options", "message"),
    [
        ("lines", {"layer": "all"}, "not 'all'"),
        ("articles", {"layer": "all"}, "not 'all'"),
        ("jsonl", {"layer": "park"}, "no annotator 'park'"),
        ("jsonl", {"labels": frozenset({"nav", "spam"})}, "unknown labels spam"),
        ("csv", {}, "unknown format 'csv'"),
    ],
)
def test_requests_that_cannot_run_are_refused_and_write_nothing(
    merged: Path, tmp_path: Path, fmt: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ExportRefused, match=message):
        export(merged, tmp_path / "out.jsonl", fmt, **options)
    assert not (tmp_path / "out.jsonl").exists()
