"""A generated corpus with gold: sites of templated pages, every chrome line labelled.

Each site has its own template (menu words, a weather widget, ad and gambling lines,
related links, share buttons, comments, a copyright footer), varied a little per page;
the article is a different draw of sentences from the bundled sample pages. Records are
JSONL with ``raw_text``, gold spans on every chrome line and gold's status ``done``, so a
plain ``thresher import`` makes a gold-done label file to train and measure on.
"""

from __future__ import annotations

import html
import json
import random
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
_MENU = [
    "정치",
    "경제",
    "사회",
    "국제",
    "IT",
    "과학",
    "문화",
    "스포츠",
    "연예",
    "오피니언",
    "포토",
    "영상",
    "지역",
    "생활",
    "건강",
    "여행",
]
_GAMBLING = [
    "카지노 슬롯 바로가기 에볼루션 토지노",
    "스포츠토토 분양 문의 텔레그램 @bet",
    "html5웹미니게임제작 카드포커게임제작",
]
_ADS = ["광고 문의 02-123-4567", "[AD] 지금 가입하면 50% 할인", "광고 배너 클릭"]
_SHARE = ["공유하기 페이스북 트위터 카카오톡", "스크랩 인쇄 URL복사", "좋아요 0 공유"]
_WIDGET = ["맑음서울 -5.2℃ 구름조금강릉 -3.4℃", "오늘의 날씨 흐림 3℃", "코스피 2,501.2 ▲1.3"]


def article_sentences() -> list[str]:
    """Long sentence lines of the bundled sample pages: the article text to draw from."""
    found = []
    for page in sorted(SAMPLES.glob("*.txt")):
        for line in page.read_text("utf-8").split("\n"):
            text = line.strip()
            if len(text) >= 60 and text.endswith("다.") and "<" not in text:
                # One sentence per line: many more distinct article lines to draw from.
                parts = text.split("다. ")
                sentences = [part + "다." for part in parts[:-1]] + parts[-1:]
                found.extend(part.strip() for part in sentences if len(part) > 30)
    return found


def _template(site: int, rng: random.Random) -> dict[str, Any]:
    name = f"{rng.choice(['데일리', '한빛', '누리', '바른', '새벽'])}{site}뉴스"
    return {
        "name": name,
        "menu": rng.sample(_MENU, 6),
        "gambling": rng.choice(_GAMBLING),
        "ad": rng.choice(_ADS),
        "share": rng.choice(_SHARE),
        "widget": rng.choice(_WIDGET),
        "footer": f"Copyright © {name}. 무단전재 및 재배포 금지.",
    }


def make_page(site: int, page: int, sentences: list[str]) -> list[tuple[str, str | None]]:
    """One page as (line, label or None for article) pairs."""
    site_rng = random.Random(site)
    template = _template(site, site_rng)
    rng = random.Random(site * 1000 + page)
    menu = [word for word in template["menu"] if rng.random() > 0.1]
    lines: list[tuple[str, str | None]] = [(item, "nav") for item in menu]
    lines.append((template["widget"], "widget"))
    lines.append(
        (f"입력 2024.{rng.randint(1, 12):02d}.{rng.randint(1, 28):02d} 기자", "byline_dateline")
    )
    article = rng.sample(sentences, rng.randint(4, 9))
    for index, sentence in enumerate(article):
        lines.append((sentence, None))
        if index == 2 and rng.random() < 0.5:
            lines.append((template["ad"], "ad"))
    lines.append((template["share"], "share_toolbar"))
    lines.append(("많이 본 뉴스", "related_links"))
    for sentence in rng.sample(sentences, 3):
        lines.append((sentence[:28] + "...", "related_links"))
    lines.append((f"댓글 {rng.randint(0, 9)}", "comment"))
    # Comments written as prose: a sentence alone cannot tell them from the article.
    for sentence in rng.sample(sentences, rng.randint(0, 3)):
        lines.append((f"user{rng.randint(1, 999)} 2024.{rng.randint(1, 12):02d}.01", "comment"))
        lines.append((sentence, "comment"))
    lines.append((template["gambling"], "gambling_adult_spam"))
    lines.append((template["footer"], "copyright_footer"))
    return lines


def page_record(doc_id: str, lines: list[tuple[str, str | None]]) -> dict[str, Any]:
    """The JSONL record: raw text, gold spans on the labelled lines, gold done."""
    spans, at = [], 0
    for text, label in lines:
        if label is not None:
            spans.append(
                {
                    "layer": "raw",
                    "start": at,
                    "end": at + len(text),
                    "label": label,
                    "annotator": "gold",
                }
            )
        at += len(text) + 1
    raw = "\n".join(text for text, _label in lines)
    return {
        "id": doc_id,
        "raw_text": raw,
        "spans": spans,
        "status": [{"annotator": "gold", "status": "done"}],
    }


def write_corpus(path: Path, sites: int, pages: int) -> Path:
    """Write ``sites`` x ``pages`` records to the JSONL file ``path``."""
    sentences = article_sentences()
    with path.open("w", encoding="utf-8") as stream:
        for site in range(sites):
            for page in range(pages):
                record = page_record(f"site{site}/{page:03d}", make_page(site, page, sentences))
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


_CONTAINERS = {
    None: ("<article>", "</article>", "p"),
    "nav": ("<header><nav><ul>", "</ul></nav></header>", "li"),
    "related_links": ("<aside><ul>", "</ul></aside>", "li"),
    "comment": ('<section class="comments">', "</section>", "p"),
    "copyright_footer": ("<footer>", "</footer>", "p"),
}


def page_html(title: str, lines: list[tuple[str, str | None]]) -> str:
    """The page as HTML: runs of one label in their usual containers (nav, article ...)."""
    body, run, label = [], [], object()
    for text, line_label in [*lines, ("", "end")]:
        if line_label != label and run:
            opening, closing, tag = _CONTAINERS.get(label, ('<div class="x">', "</div>", "p"))  # type: ignore[call-overload]
            items = "".join(f"<{tag}>{html.escape(item)}</{tag}>" for item in run)
            body.append(f"{opening}{items}{closing}")
            run = []
        run.append(text)
        label = line_label
    head = f'<html lang="ko"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
    return head + "<script>var x = 1;</script></head><body>\n" + "\n".join(body) + "</body></html>"


def write_html_benchmark(folder: Path, sites: int, pages: int) -> Path:
    """HTML pages in ``folder/html`` and their ``ground-truth.json``; return the JSON's path."""
    sentences = article_sentences()
    (folder / "html").mkdir(parents=True, exist_ok=True)
    truth = {}
    for site in range(sites):
        for page in range(pages):
            doc_id = f"site{site}/{page:03d}"
            lines = make_page(site, page, sentences)
            (folder / "html" / f"site{site}").mkdir(exist_ok=True)
            (folder / "html" / f"{doc_id}.html").write_text(page_html(doc_id, lines), "utf-8")
            article = "\n".join(text for text, label in lines if label is None)
            truth[doc_id] = {"articleBody": article, "url": f"https://site{site}.example/{page}"}
    path = folder / "ground-truth.json"
    path.write_text(json.dumps(truth, ensure_ascii=False), "utf-8")
    return path
