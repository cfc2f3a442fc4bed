"""A corpus of sites for the throughput benchmark: pages that share their site's template.

Each site has the chrome of one kind of page in ``resources/samples``: a news portal's
menu and weather widget, an economy paper's service menus and ad images, a community
board's comment threads, a gambling forum's navigation, a blog's share and subscribe
lines, a sports paper's cookie banner and score widget. Every page of a site repeats its
template with the small changes real pages have (the section the page is in marked in
the menu, ads rotating, the date, the temperatures, the comments) around an article
drawn from a small sentence grammar and the sample pages' sentences, so no two articles
are alike.

Every line carries its gold label (None for the article and its title); blank lines
between blocks carry none. ``write_site_corpus`` writes the pages as JSONL records with
a URL whose host is the site, ready for ``thresher import`` (with the gold spans as the
annotator ``gold``, or without).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.gold_corpus import article_sentences

GOLD = "gold"


@dataclass(frozen=True)
class GoldLine:
    """One line of a page and its gold label (None: article, kept)."""

    text: str
    label: str | None


@dataclass(frozen=True)
class SitePage:
    """One page: its site, its number on the site (from 1), its lines with gold."""

    site: str  # the URL's host
    number: int
    lines: tuple[GoldLine, ...]

    @property
    def doc_id(self) -> str:
        return f"{self.site.split('.')[0]}/{self.number:03d}"

    @property
    def url(self) -> str:
        return f"https://{self.site}/article/{1000 + self.number}"

    @property
    def raw_text(self) -> str:
        return "\n".join(line.text for line in self.lines) + "\n"

    def line_ranges(self) -> Iterator[tuple[int, int, GoldLine]]:
        """Each line's range ``[start, end)`` in ``raw_text`` (without its newline)."""
        at = 0
        for line in self.lines:
            yield at, at + len(line.text), line
            at += len(line.text) + 1

    def gold_spans(self) -> list[tuple[int, int, str]]:
        """One raw-layer span per labelled line: (start, end, label)."""
        return [(s, e, line.label) for s, e, line in self.line_ranges() if line.label]


# -- the article: a sentence grammar plus the sample pages' sentences --------------------

_WHO = [
    "과학기술정보통신부",
    "서울시",
    "한국은행",
    "산업통상자원부",
    "국토교통부",
    "교육부",
    "중소벤처기업부",
    "부산시",
    "환경부",
    "보건복지부",
    "금융위원회",
    "문화체육관광부",
]
_WHEN = ["지난 {d}일", "오는 {d}일", "{m}월 {d}일", "올해 {m}월", "이번 주", "지난달"]
_TOPIC = [
    "반도체 공급망",
    "청년 일자리",
    "전기차 충전 인프라",
    "수도권 주택 공급",
    "AI 인재 양성",
    "탄소중립 이행",
    "지역 관광 활성화",
    "중소기업 수출",
    "의료 인력 확충",
    "디지털 교과서",
    "양자 기술 연구",
    "소상공인 금융 지원",
    "해상 풍력 발전",
    "저출생 대책",
]
_ACT = [
    "관련 간담회를 열고",
    "추진 계획을 발표하며",
    "협약을 체결하고",
    "예산 {n}억 원을 편성해",
    "현장 점검에 나서",
    "공청회를 개최하고",
    "시범 사업을 시작하며",
]
_GOAL = [
    "연내 성과를 내겠다고 밝혔다",
    "제도 개선 방안을 논의했다",
    "관계 기관과 협력을 강화하기로 했다",
    "지원 대상을 {n}곳으로 늘리겠다고 설명했다",
    "전문가 의견을 수렴하겠다고 말했다",
    "참여 기업이 {n}% 늘었다고 전했다",
    "후속 조치를 마련하겠다고 강조했다",
]
_QUOTE = [
    '"현장의 목소리를 정책에 반영하겠다"고 말했다.',
    '"{n}년까지 가시적인 결과를 내겠다"고 덧붙였다.',
    "업계는 이번 조치를 환영한다는 입장을 냈다.",
    "일각에서는 실효성에 의문을 제기하기도 했다.",
]


def _fill(pattern: str, rng: random.Random) -> str:
    return pattern.format(d=rng.randint(1, 28), m=rng.randint(1, 12), n=rng.randint(2, 95))


def _topic_particle(word: str) -> str:
    """은 after a final consonant (한국은행은), 는 after a vowel (서울시는)."""
    last = ord(word[-1]) - 0xAC00
    return "은" if 0 <= last < 11172 and last % 28 else "는"


def _sentence(rng: random.Random) -> str:
    who, topic = rng.choice(_WHO), rng.choice(_TOPIC)
    when, act, goal = (_fill(rng.choice(part), rng) for part in (_WHEN, _ACT, _GOAL))
    return f"{who}{_topic_particle(who)} {when} {topic} {act} {goal}."


def _article(rng: random.Random, samples: list[str]) -> list[GoldLine]:
    """A title and four to eight paragraphs of one to three sentences."""
    topic = rng.choice(_TOPIC)
    headline = _fill(rng.choice(["대책 발표", "{n}억 투입", "논의 본격화", "협력 강화"]), rng)
    title = f"{rng.choice(_WHO)}, {topic} {headline}"
    lines = [GoldLine(title, None), GoldLine("", None)]
    for _ in range(rng.randint(4, 8)):
        parts = [_sentence(rng) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.35:
            parts.append(rng.choice(samples))
        if rng.random() < 0.3:
            parts.append(_fill(rng.choice(_QUOTE), rng))
        lines.append(GoldLine(" ".join(parts), None))
    return lines


# -- the chrome of each kind of site ------------------------------------------------------

_CITIES = ["동두천", "강릉", "서울", "인천", "수원", "청주", "대전", "대구", "전주", "부산", "제주"]
_SKY = ["맑음", "구름조금", "흐림", "비", "눈"]
_COMMENT_NAMES = ["한혜*", "박성*", "김샛*", "이준*", "최민*", "정유*", "강서*", "윤하*"]
_COMMENTS = [
    "좋은 정보 담아갑니다.",
    "정말 미래적인 기술이네요. 어서 빨리 상용화 되었으면 좋겠습니다.",
    "정말이지 이런뉴스는 올리지 말아주세요.",
    "기사 잘 읽었습니다.",
    "이게 사실인가요?",
    "세금 낭비 아닌가요",
    "응원합니다!",
    "현장 분위기가 궁금하네요.",
    "ㅋㅋㅋ 또 시작이네",
]


def _date(rng: random.Random) -> tuple[int, int, int]:
    return 2024, rng.randint(1, 12), rng.randint(1, 28)


def _weekday(y: int, m: int, d: int) -> str:
    return "월화수목금토일"[date(y, m, d).weekday()]


def _short_date(rng: random.Random) -> str:
    return f"24.{rng.randint(1, 12):02d}.{rng.randint(1, 28):02d}"


def _menu(words: list[str], rng: random.Random, marker: str) -> list[GoldLine]:
    """A menu, one word a line; the page's own section marked, as sites mark it."""
    current = rng.randrange(len(words))
    return [
        GoldLine(f"{marker}{word}" if n == current else word, "nav") for n, word in enumerate(words)
    ]


def _weather(rng: random.Random, cities: int) -> list[GoldLine]:
    lines = [
        GoldLine(f"  • {rng.choice(_SKY)}{city} {rng.uniform(-9, 6):.1f}℃", "widget")
        for city in _CITIES[:cities]
    ]
    return [*lines, GoldLine("기상청 제공", "widget")]


def _comments(rng: random.Random, most: int) -> list[GoldLine]:
    count = rng.randint(0, most)
    if count == 0:
        return [GoldLine("등록된 댓글이 없습니다.", "comment")]
    lines = [GoldLine(f"댓글 {count}", "comment")]
    for name, text in zip(
        rng.sample(_COMMENT_NAMES, count), rng.sample(_COMMENTS, count), strict=True
    ):
        lines += [GoldLine(name, "comment"), GoldLine(text, "comment")]
    return lines


def _related(rng: random.Random, header: str) -> list[GoldLine]:
    titles = [
        f"{rng.choice(_WHO)}, {rng.choice(_TOPIC)} {rng.choice(['점검', '확대', '논란'])}"
        for _ in range(3)
    ]
    return [
        GoldLine(header, "related_links"),
        *(GoldLine(f"- {t}", "related_links") for t in titles),
    ]


def _portal(rng: random.Random, name: str) -> list[list[GoldLine]]:
    y, m, d = _date(rng)
    ads = rng.sample(
        ["락토핏 당케어 광고 이미지", "난각막NEM 광고 이미지", "관절엔 보스웰리아 광고 이미지"], 2
    )
    return [
        [
            GoldLine("배너", "ad"),
            *_menu(["정치", "경제", "사회", "국제", "IT", "문화", "스포츠", "연예"], rng, "▶ "),
        ],
        [
            GoldLine(f"{y}.{m:02d}.{d:02d} ({_weekday(y, m, d)})", "byline_dateline"),
            *_weather(rng, 8),
        ],
        [
            GoldLine(f"입력 {y}-{m:02d}-{d:02d} 16:{rng.randint(10, 59)}", "byline_dateline"),
            *(GoldLine(ad, "ad") for ad in ads),
        ],
        [],  # the article goes here
        [
            GoldLine(
                f"{rng.choice(['강경주', '김민수', '이서연'])} 기자 news@hanbit-daily.example",
                "byline_dateline",
            )
        ],
        _related(rng, "관련뉴스"),
        [GoldLine("공유하기 페이스북 트위터 카카오톡 URL복사", "share_toolbar")],
        [
            GoldLine(f"Copyright © {name}. 무단전재 및 재배포 금지.", "copyright_footer"),
            GoldLine("서울특별시 중구 세종대로 21 | 대표전화 02-360-4114", "copyright_footer"),
        ],
    ]


def _economy(rng: random.Random, name: str) -> list[list[GoldLine]]:
    y, m, d = _date(rng)
    day = f"{y}-{m:02d}-{d:02d}"
    return [
        [
            GoldLine("    top", "nav"),
            *(GoldLine(f"    • {w}", "nav") for w in ["마이핀", "와우캐시", "고객센터", "유튜브"]),
        ],
        [
            GoldLine(
                f"입력 {day} 09:{rng.randint(10, 59)}   수정 {day} 11:0{d % 10}", "byline_dateline"
            )
        ],
        [],
        [
            GoldLine(
                rng.choice(["GOLD 한국경제 TV 실시간 방송", "GOLD PLUS 골드서비스 + VOD 주식강좌"]),
                "ad",
            ),
            GoldLine("월정액 서비스", "ad"),
        ],
        [
            GoldLine("    와우넷에서 실제 현금과", "widget"),
            GoldLine("    동일하게 사용되는 사이버머니", "widget"),
            GoldLine("    캐시충전", "widget"),
        ],
        [
            GoldLine("강연회·행사 더보기", "widget"),
            GoldLine(
                rng.choice(["7일간 등록된 일정이 없습니다.", f"{m}월 {d}일 투자 설명회"]), "widget"
            ),
        ],
        [GoldLine(f"ⓒ {name}, 무단전재 및 재배포 금지", "copyright_footer")],
    ]


def _community(rng: random.Random, name: str) -> list[list[GoldLine]]:
    return [
        [
            GoldLine("로그인", "nav"),
            GoldLine("회원가입", "nav"),
            GoldLine("자유게시판", "nav"),
            GoldLine("정보게시판", "nav"),
        ],
        [],
        [
            GoldLine("추천", "share_toolbar"),
            GoldLine(str(rng.randint(0, 40)), "share_toolbar"),
            GoldLine(f"비추천{rng.randint(0, 9)}", "share_toolbar"),
        ],
        [
            GoldLine(
                f"- 이전글{rng.choice(_TOPIC)} 소식 {_short_date(rng)}",
                "related_links",
            ),
            GoldLine(
                f"- 다음글{rng.choice(_TOPIC)} 정리 {_short_date(rng)}",
                "related_links",
            ),
        ],
        _comments(rng, 4),
        [GoldLine(f"{name} | 운영정책 | 개인정보처리방침", "copyright_footer")],
    ]


def _gambling(rng: random.Random, name: str) -> list[list[GoldLine]]:
    menu = [
        "토토사이트",
        "먹튀사이트/제보",
        "업체홍보/구인",
        "신규사이트",
        "놀이터홍보",
        "보증업체",
        "카지노 먹튀",
        "토토 먹튀",
        "홀덤 노하우",
        "꽁머니홍보",
    ]
    banner = rng.choice(
        ["신규가입 꽁머니 3만원 지급", "첫충 20% 매충 10% 보증업체", "에볼루션 카지노 바로가기"]
    )
    return [
        [GoldLine("로그인", "nav"), *(GoldLine(word, "gambling_adult_spam") for word in menu)],
        [
            GoldLine(banner, "gambling_adult_spam"),
            GoldLine("텔레그램 @mtpolice 문의", "gambling_adult_spam"),
        ],
        [],
        _comments(rng, 2),
        [GoldLine(f"Copyright © {name} All rights reserved.", "copyright_footer")],
    ]


def _blog(rng: random.Random, name: str) -> list[list[GoldLine]]:
    return [
        [GoldLine(f"{name}의 블로그", "nav"), GoldLine("홈 | 태그 | 방명록", "nav")],
        [GoldLine(f"카테고리 없음 · {rng.randint(1, 12)}시간 전", "byline_dateline")],
        [],
        [
            GoldLine(f"공감 {rng.randint(0, 30)} 댓글 {rng.randint(0, 5)}", "share_toolbar"),
            GoldLine("공유하기 신고하기", "share_toolbar"),
        ],
        [
            GoldLine("구독하기", "subscribe_cookie_paywall"),
            GoldLine("이 블로그의 새 글을 메일로 받아보세요", "subscribe_cookie_paywall"),
        ],
        _comments(rng, 3),
        [GoldLine(f"Powered by Tistory, Designed by {name}", "copyright_footer")],
    ]


def _sports(rng: random.Random, name: str) -> list[list[GoldLine]]:
    teams = rng.sample(["LG", "두산", "KIA", "삼성", "롯데", "SSG", "NC", "한화"], 4)
    scores = [
        GoldLine(f"{a} {rng.randint(0, 9)} : {rng.randint(0, 9)} {b}", "widget")
        for a, b in zip(teams[::2], teams[1::2], strict=True)
    ]
    return [
        [
            GoldLine(
                "이 사이트는 쿠키를 사용합니다. 계속 이용하면 동의한 것으로 봅니다. [확인]",
                "subscribe_cookie_paywall",
            )
        ],
        _menu(["야구", "축구", "농구", "배구", "골프", "e스포츠"], rng, "● "),
        [GoldLine("오늘의 경기", "widget"), *scores],
        [],
        _related(rng, "많이 본 뉴스"),
        [GoldLine(rng.choice(["[AD] 지금 가입하면 50% 할인", "광고 문의 02-123-4567"]), "ad")],
        [GoldLine(f"© {name} 무단 전재 및 재배포 금지", "copyright_footer")],
    ]


_KINDS = (
    ("hanbit-daily.example", "한빛일보", _portal),
    ("nuri-economy.example", "누리경제", _economy),
    ("bareun-board.example", "바른게시판", _community),
    ("mt-police.example", "먹튀폴리스", _gambling),
    ("saebyeok.example", "새벽", _blog),
    ("daily-sports.example", "데일리스포츠", _sports),
)


def site_corpus(sites: int = 6, pages: int = 10, seed: int = 17) -> list[SitePage]:
    """``sites`` sites (up to six kinds, then again with other names) of ``pages`` pages,
    site by site, each site's pages in order."""
    samples = article_sentences()
    corpus = []
    for site in range(sites):
        host, name, kind = _KINDS[site % len(_KINDS)]
        if site >= len(_KINDS):
            host, name = f"s{site}-{host}", f"{name}{site}"
        for number in range(1, pages + 1):
            rng = random.Random(f"{seed}/{site}/{number}")
            blocks = kind(rng, name)
            lines: list[GoldLine] = []
            for block in blocks:
                lines += block or _article(rng, samples)
                lines.append(GoldLine("", None))
            corpus.append(SitePage(host, number, tuple(lines)))
    return corpus


def page_record(page: SitePage, *, gold: bool) -> dict[str, Any]:
    """The JSONL record of a page: id, URL, raw text, and gold's spans and status."""
    record: dict[str, Any] = {"id": page.doc_id, "url": page.url, "raw_text": page.raw_text}
    if gold:
        record["spans"] = [
            {"layer": "raw", "start": s, "end": e, "label": label, "annotator": GOLD}
            for s, e, label in page.gold_spans()
        ]
        record["status"] = [{"annotator": GOLD, "status": "done"}]
    return record


def write_site_corpus(path: Path, corpus: list[SitePage], *, gold: bool = False) -> Path:
    """Write the pages as JSONL records to ``path`` (gold spans too with ``gold``)."""
    with path.open("w", encoding="utf-8") as stream:
        for page in corpus:
            stream.write(json.dumps(page_record(page, gold=gold), ensure_ascii=False) + "\n")
    return path
