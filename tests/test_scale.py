"""Thresher's cleaners as datatrove blocks give what ``thresher import`` gives."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from app.cli import main
from bench.bench_scale import news_records, warc_record, write_warc

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.writers import ParquetWriter

from app.core.line_features import line_labels
from app.core.line_model import PageExample, char_weight, page_example, save_model, train
from app.scale.blocks import LineModelTagger, ThresherExtractor, ThresherWarcReader

MENU = "홈 | 뉴스 | 스포츠 | 연예"
PROSE = "정부는 오늘 새로운 과학기술 정책을 발표했으며 내년부터 적용될 예정이라고 밝혔다."
FOOTER = "Copyright © 데일리. 무단전재 및 재배포 금지."
EUCKR = "<html><head><title>날씨</title></head><body><p>오늘 서울은 맑고 따뜻하겠습니다.</p>"


def text_page(number: int) -> str:
    return "\n".join([MENU, f"{PROSE} ({number})", FOOTER])


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two WARC files (two tasks): news pages on two hosts, text pages, EUC-KR, a 404."""
    folder = tmp_path_factory.mktemp("crawl")
    pages = list(news_records(8))
    write_warc(folder / "one.warc.gz", pages[:4], compress=True)
    with (folder / "two.warc").open("wb") as stream:
        for uri, body in pages[4:]:
            stream.write(warc_record(uri, body))
        for number in range(3):
            body = text_page(number).encode()
            stream.write(warc_record(f"https://txt.example.kr/{number}", body, "text/plain"))
        euckr = EUCKR.encode("euc-kr")
        stream.write(warc_record("https://kr.example.kr/w", euckr, "text/html; charset=euc-kr"))
        stream.write(warc_record("https://kr.example.kr/gone", b"no", "text/html", "404 Not Found"))
    return folder


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A line model that drops the menu and the footer of the text pages."""
    examples = []
    for number in range(6):
        raw = text_page(number)
        at = raw.index(FOOTER)
        spam = [(0, len(MENU), "nav"), (at, at + len(FOOTER), "copyright_footer")]
        lines, rows = page_example(raw, [])
        weights = [char_weight(line) for line in lines]
        examples.append(PageExample(rows, line_labels(lines, spam), weights))
    path = tmp_path_factory.mktemp("model") / "lines.model.json"
    save_model(train(examples, "none"), path)
    return path


def imported(folder: Path, into: Path, *options: str) -> dict[str, dict[str, Any]]:
    """What ``thresher import`` stores for every page of the crawl."""
    assert main(["import", str(folder), "--into", str(into), *options]) == 0
    with sqlite3.connect(into) as db:
        rows = db.execute("SELECT id, clean_text, cleaner, cleaner_version, title FROM documents")
        return {
            row[0]: {"text": row[1], "cleaner": row[2], "version": row[3], "title": row[4]}
            for row in rows
        }


def pipeline_output(folder: Path, work: Path, *steps: Any) -> dict[str, dict[str, Any]]:
    """Run reader -> steps -> Parquet writer with the local executor on two tasks."""
    out = work / "out"
    pipeline = [ThresherWarcReader(str(folder)), *steps, ParquetWriter(str(out))]
    LocalPipelineExecutor(pipeline, tasks=2, logging_dir=str(work / "logs")).run()
    shards = sorted(out.glob("*.parquet"))
    assert len(shards) == 2  # one per task
    return {row["id"]: row for shard in shards for row in pq.read_table(shard).to_pylist()}


def test_the_extractor_gives_what_import_stores(crawl: Path, tmp_path: Path) -> None:
    expected = imported(crawl, tmp_path / "ref.db", "--cleaner", "trafilatura")
    got = pipeline_output(crawl, tmp_path, ThresherExtractor("trafilatura"))
    assert "kr.example.kr/w" in expected and len(expected) == 12  # the 404 is skipped
    nonempty = {doc_id for doc_id, doc in expected.items() if doc["text"]}
    assert set(got) == nonempty  # datatrove drops documents left empty, as its extractors do
    for doc_id in nonempty:
        metadata = got[doc_id]["metadata"]
        assert got[doc_id]["text"] == expected[doc_id]["text"], doc_id
        assert metadata["cleaner"] == expected[doc_id]["cleaner"]
        assert metadata["cleaner_version"] == expected[doc_id]["version"]
        assert metadata["title"] == expected[doc_id]["title"]
    assert "오늘 서울은 맑고" in got["kr.example.kr/w"]["text"]  # the HTTP charset is used


def test_the_learned_cleaner_runs_through_the_registry(
    crawl: Path, model: Path, tmp_path: Path
) -> None:
    name = f"learned:{model}"
    expected = imported(crawl, tmp_path / "ref.db", "--cleaner", name)
    got = pipeline_output(crawl, tmp_path, ThresherExtractor(name))
    assert got["txt.example.kr/1"]["text"] == f"{PROSE} (1)"
    for doc_id, record in got.items():
        assert record["text"] == expected[doc_id]["text"], doc_id
        assert record["metadata"]["cleaner"] == "learned"


def test_the_line_model_tags_each_page(crawl: Path, model: Path, tmp_path: Path) -> None:
    got = pipeline_output(crawl, tmp_path, LineModelTagger(str(model)))
    page = got["txt.example.kr/2"]["metadata"]
    assert (page["lines_total"], page["lines_dropped"]) == (3, 2)
    prose = len(f"{PROSE} (2)".replace(" ", ""))
    visible = prose + len(MENU.replace(" ", "")) + len(FOOTER.replace(" ", ""))
    assert page["line_share_keep"] == pytest.approx(prose / visible)
    assert page["line_share_nav"] == pytest.approx(len(MENU.replace(" ", "")) / visible)
    assert got["txt.example.kr/2"]["text"] == text_page(2)  # tagging leaves the text alone


def test_a_bad_cleaner_name_fails_when_the_pipeline_is_built() -> None:
    with pytest.raises(ValueError, match="unknown cleaner"):
        ThresherExtractor("nonesuch")


def test_the_command_line_never_imports_datatrove() -> None:
    code = "import sys, app.cli; print(any(m.startswith('datatrove') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
