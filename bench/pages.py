"""Realistic HTML pages for benchmarks, made from the bundled sample pages.

Each page wraps one sample's lines in the chrome of a news site (head with scripts and
styles, a navigation menu, a weather widget, related links, comments, a footer), with the
paragraphs shuffled per page so no two pages are the same text.
"""

from __future__ import annotations

import html
import random
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"

_HEAD = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>{title}</title><style>body {{ font-family: sans-serif; }} .ad {{ color: red; }}</style>
<script>window.dataLayer = window.dataLayer || [];
function gtag(){{dataLayer.push(arguments);}}</script>
<link rel="stylesheet" href="https://example.invalid/site.css"></head><body>
<header><nav><ul>{menu}</ul></nav>
<div class="weather">맑음서울 -5.2℃ 구름조금강릉 -3.4℃</div></header>
<main><article><h1>{title}</h1><p class="byline">입력 2024-12-23 16:38 박영우 기자</p>
"""
_TAIL = """</article><aside><h3>많이 본 뉴스</h3><ul>{related}</ul></aside>
<section class="comments"><h3>댓글</h3><p>등록된 댓글이 없습니다.</p></section></main>
<footer><p>Copyright © 데일리연합. 무단전재 및 재배포 금지.</p>
<p>서울특별시 중구 세종대로 1</p></footer>
<script src="https://example.invalid/ads.js"></script></body></html>
"""
_MENU = ["정치", "경제", "사회", "국제", "IT/과학", "문화", "스포츠", "연예", "오피니언", "포토"]


def sample_lines() -> list[list[str]]:
    """The non-empty lines of each sample page."""
    return [
        [line for line in page.read_text("utf-8").split("\n") if line.strip()]
        for page in sorted(SAMPLES.glob("*.txt"))
    ]


def make_page(index: int, samples: list[list[str]]) -> str:
    """One HTML page, different for every ``index``."""
    rng = random.Random(index)
    lines = list(samples[index % len(samples)])
    rng.shuffle(lines)
    title = html.escape(f"{index}번 기사: {lines[0][:40]}")
    menu = "".join(f'<li><a href="/s/{i}">{name}</a></li>' for i, name in enumerate(_MENU))
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines)
    related = "".join(
        f'<li><a href="/a/{rng.randrange(10**6)}">{html.escape(line[:30])}</a></li>'
        for line in rng.sample(lines, min(5, len(lines)))
    )
    return _HEAD.format(title=title, menu=menu) + body + _TAIL.format(related=related)


def write_pages(folder: Path, count: int) -> list[Path]:
    """Write ``count`` pages into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = sample_lines()
    paths = []
    for index in range(count):
        path = folder / f"page{index:05d}.html"
        path.write_text(make_page(index, samples), "utf-8")
        paths.append(path)
    return paths
