"""``thresher evaluate --cleaners``: every cleaner re-cleans the same pages, ranked on gold."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.core import leaderboard
from app.core.cleaners import CleanInput, ImportContext
from app.core.labelschema import default_schema
from app.core.leaderboard import PageToClean
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.labelfile import create_label_file
from tests.conftest import Terminal

MENU = "홈 | 뉴스 | 스포츠 | 연예 | 더보기"
ARTICLE = (
    "정부는 오늘 새로운 과학기술 정책을 발표했으며 이 정책은 내년부터 전국의 연구소와"
    " 대학에 적용될 예정이라고 밝혔다."
)
AD = "카지노 슬롯 바로가기 에볼루션 토지노"
PAGES = 10


def article(number: int) -> str:
    """Each page's article differs: a line repeated on every page is site chrome."""
    return f"{ARTICLE} 관련 기사는 {number}번째 보도이다."


def raw(number: int) -> str:
    return f"{MENU}\n{article(number)}\n{AD}"


def visible(text: str) -> int:
    return len("".join(text.split()))


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    """Ten hand-made pages: a menu line (nav), an article line, a gambling line (ad)."""
    records = tmp_path / "pages.jsonl"
    with records.open("w", encoding="utf-8") as stream:
        for number in range(PAGES):
            text = raw(number)
            record = {
                "id": f"hand/{number}",
                "raw_text": text,
                "spans": [
                    {"start": 0, "end": len(MENU), "label": "nav", "annotator": "gold"},
                    {
                        "start": len(text) - len(AD),
                        "end": len(text),
                        "label": "ad",
                        "annotator": "gold",
                    },
                ],
            }
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    path = tmp_path / "gold.db"
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        assert not import_sources(label_file, [records], ImportOptions(annotator="lead")).refusals
    return path


def board(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["evaluate", *argv, "--json"]) == 0
    captured = capsys.readouterr()
    report: dict[str, Any] = json.loads(captured.out)
    report["stderr"] = captured.err
    return report


def test_two_cleaners_ranked_on_the_same_gold(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = board(capsys, str(gold_file), "--cleaners", "none,lines", "--workers", "1")
    assert report["documents"] == PAGES and report["labels"] == ["ad", "nav"]
    rows = {row["name"]: row for row in report["cleaners"]}
    # `none` keeps everything: all the article, and all of both spam lines.
    none = rows["none"]
    articles = sum(visible(article(number)) for number in range(PAGES))
    assert (none["tp"], none["fp"], none["fn"]) == (
        articles,
        PAGES * (visible(MENU) + visible(AD)),
        0,
    )
    assert none["kept_share"] == {"ad": 1.0, "nav": 1.0}
    assert none["label_chars"] == {"ad": 10 * visible(AD), "nav": 10 * visible(MENU)}
    # `lines` drops the menu and the gambling line and keeps the article: it ranks first.
    lines = rows["lines"]
    assert (lines["tp"], lines["fp"], lines["fn"]) == (articles, 0, 0)
    assert lines["kept_share"] == {"ad": 0.0, "nav": 0.0}
    assert [row["name"] for row in report["cleaners"]] == ["lines", "none"]
    assert [row["rank"] for row in report["cleaners"]] == [1, 2]
    assert all(row["pages_per_second"] > 0 for row in report["cleaners"])


def test_worker_processes_give_the_same_figures(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = board(capsys, str(gold_file), "--cleaners", "none,lines", "--workers", "1")
    pooled = board(capsys, str(gold_file), "--cleaners", "none,lines", "--workers", "2")
    keys = ("name", "tp", "fp", "fn", "kept_chars", "label_chars")
    assert [{k: r[k] for k in keys} for r in alone["cleaners"]] == [
        {k: r[k] for k in keys} for r in pooled["cleaners"]
    ]


def test_the_text_report_is_one_table_with_a_column_per_spam_label(
    gold_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["evaluate", str(gold_file), "--cleaners", "lines,none", "--workers", "1"]) == 0
    assert f"re-cleaning {PAGES}/{PAGES} documents" in terminal.getvalue()  # the progress line
    out = capsys.readouterr().out.splitlines()
    assert "10 documents re-cleaned by 2 cleaners" in out[0]
    assert out[1].split() == ["#", "cleaner", "precision", "recall", "F1", "pages/s", "ad", "nav"]
    assert out[2].split()[:5] == ["1", "lines", "1.000", "1.000", "1.000"]
    assert out[2].split()[-2:] == ["0%", "0%"]
    assert out[3].split()[:2] == ["2", "none"] and out[3].split()[-2:] == ["100%", "100%"]


def test_a_cleaner_that_is_not_installed_is_skipped_with_a_message(
    gold_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None)
    report = board(capsys, str(gold_file), "--cleaners", "resiliparse,none", "--workers", "1")
    assert [row["name"] for row in report["cleaners"]] == ["none"]
    assert "pip install 'thresher[resiliparse]'" in report["unavailable"]["resiliparse"]
    assert "skipped cleaner resiliparse" in report["stderr"]


@pytest.mark.parametrize("name", ["resiliparse", "readability", "justext"])
def test_each_library_cleaner_keeps_the_article_of_an_html_page(name: str) -> None:
    from app.core.cleaners import CleanInput, ImportContext, get_cleaner  # noqa: PLC0415

    pytest.importorskip({"readability": "readability"}.get(name, name))
    article = " ".join([ARTICLE] * 3)
    page = (
        "<html><body><nav><ul><li><a href='/'>홈</a></li><li><a href='/n'>뉴스</a></li>"
        f"</ul></nav><article><h1>제목</h1><p>{article}</p><p>{article}</p></article>"
        "<footer>Copyright © 데일리. 무단전재 금지</footer></body></html>"
    )
    clean = get_cleaner(name).clean(CleanInput("unused", page), ImportContext())
    assert ARTICLE in clean


def test_a_cleaners_first_page_warm_up_is_not_counted_in_its_speed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A library cleaner imports and warms up on its first page: that is paid before the
    timing, so a few pages do not make it look several times slower than it is."""

    class SlowFirstPage:
        name, version = "slow-start", "1"
        calls = 0

        def clean(self, page: CleanInput, context: ImportContext) -> str:
            SlowFirstPage.calls += 1
            if SlowFirstPage.calls == 1:
                time.sleep(0.3)  # an import on the first call
            return page.raw_text

    monkeypatch.setattr(leaderboard, "get_cleaner", lambda name: SlowFirstPage())
    leaderboard.set_worker(["slow-start"], ImportContext())
    page = PageToClean("d", "본문입니다.\n메뉴", None, ((6, 8, "nav"),))
    [result] = leaderboard.score_page(page)
    assert result.seconds < 0.1
    assert SlowFirstPage.calls == 2  # the warm-up page, then the page itself
