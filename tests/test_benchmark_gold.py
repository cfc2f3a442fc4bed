"""Importing an article benchmark's ground truth: the article becomes gold on the raw text."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.core.benchmark_gold import is_ground_truth, spam_lines

ARTICLE = [
    "정부는 오늘 새로운 과학기술 정책을 발표했다.",
    "이 정책은 내년부터 전국의 연구소에 적용된다.",
]
PAGE = (
    "<html><head><title>기사</title><script>var a = 1;</script></head><body>"
    "<nav><ul><li>홈</li><li>뉴스</li></ul></nav>"
    f"<article><p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p></article>"
    "<footer><p>Copyright © 데일리. 무단전재 금지</p></footer></body></html>"
)


@pytest.fixture
def benchmark(tmp_path: Path) -> Path:
    """A benchmark folder: html/a.html, html/b.html.gz, and one entry with no page."""
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "a.html").write_text(PAGE, "utf-8")
    (tmp_path / "html" / "b.html.gz").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    truth = {
        doc_id: {"articleBody": "\n".join(ARTICLE), "url": f"https://x.example/{doc_id}"}
        for doc_id in ("a", "b", "missing")
    }
    path = tmp_path / "ground-truth.json"
    path.write_text(json.dumps(truth, ensure_ascii=False), "utf-8")
    return path


def test_every_line_the_article_does_not_cover_becomes_gold_other(
    benchmark: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "bench.db"
    assert main(["import", str(benchmark), "--into", str(into)]) == 1  # "missing" refused
    assert "missing: no HTML page for it" in capsys.readouterr().err
    with sqlite3.connect(into) as db:
        for doc_id in ("a", "b"):
            raw, url = db.execute(
                "SELECT raw_text, url FROM documents WHERE id = ?", (doc_id,)
            ).fetchone()
            spans = db.execute(
                "SELECT start, end, label, annotator FROM spans WHERE doc_id = ? AND deleted = 0",
                (doc_id,),
            ).fetchall()
            assert {label for _s, _e, label, _a in spans} == {"other"}
            assert {annotator for *_rest, annotator in spans} == {"gold"}
            tagged = {raw[start:end] for start, end, _l, _a in spans}
            lines = {line.strip() for line in raw.split("\n") if line.strip()}
            assert tagged == lines - set(ARTICLE)
            assert {"홈", "뉴스", "Copyright © 데일리. 무단전재 금지"} <= tagged
            assert url == f"https://x.example/{doc_id}"
        done = db.execute(
            "SELECT count(*) FROM document_status WHERE annotator = 'gold' AND status = 'done'"
        ).fetchone()
        assert done == (2,)


def test_benchmark_gold_scores_the_article_as_perfect(
    benchmark: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The gold clean text of an imported page is exactly the article's lines."""
    into = tmp_path / "bench.db"
    main(["import", str(benchmark), "--into", str(into)])
    out = tmp_path / "articles.json"
    assert main(["export", str(into), "-o", str(out), "--format", "articles"]) == 0
    articles = json.loads(out.read_text("utf-8"))
    assert articles["a"]["articleBody"].split("\n") == ARTICLE


def test_a_line_mostly_in_the_article_is_kept() -> None:
    raw = "메뉴\n정부는 오늘 새로운 정책을 발표했다. (사진)\n끝"
    assert [raw[s:e] for s, e in spam_lines(raw, "정부는 오늘 새로운 정책을 발표했다.")] == [
        "메뉴",
        "끝",
    ]


def test_only_the_articles_shape_is_taken_for_ground_truth(tmp_path: Path) -> None:
    studio = tmp_path / "studio.json"
    studio.write_text(json.dumps([{"data": {"text": "x"}, "annotations": []}]), "utf-8")
    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps({"a": {"articleBody": "x", "url": None}}), "utf-8")
    assert not is_ground_truth(studio) and is_ground_truth(truth)


def test_another_tools_json_is_never_parsed_whole_to_tell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "labelstudio.json"
    export.write_text(json.dumps([{"id": 1, "data": {"text": "articleBody"}}]), encoding="utf-8")
    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps({"a": {"articleBody": "기사", "url": "u"}}), encoding="utf-8")

    def parsed(path: Path) -> object:
        raise AssertionError(f"{path.name} was parsed whole")

    monkeypatch.setattr("app.core.benchmark_gold._read_truth", parsed)
    assert not is_ground_truth(export)
    with pytest.raises(AssertionError, match=r"truth\.json"):
        is_ground_truth(truth)  # the head looks like ground truth: only then is it parsed
