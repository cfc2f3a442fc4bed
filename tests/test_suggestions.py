"""Suggested spam regions: the label rules, merging, and the five real sample pages."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.alignment import Segment, align, dropped_raw_ranges
from app.core.cleaners import ImportContext, document_lines, repeated_lines_from_counts
from app.core.document import PreparedDocument
from app.core.prepare import ImportOptions, finish_page, read_page
from app.core.sources import FileSource, Refusal
from app.core.suggestions import Suggestion, suggest_spam_regions, uncovered

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


def _labels(raw: str, segments: list[Segment] | None = None) -> list[tuple[str, str]]:
    found = suggest_spam_regions(raw, segments or [])
    return [(raw[s.start : s.end], s.label) for s in found]


# --- the rules, one real line each ----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("토토사이트", "gambling_adult_spam"),
        ("카지노 먹튀", "gambling_adult_spam"),
        ("고액전용 카지노 / 헬렌카지노 파트너 개인 팀 단위 모집중 최고우대", "gambling_adult_spam"),
        ("성인용품 바카라 배팅", "gambling_adult_spam"),
        ('<div id="layerTranslateNotice" style="display:none;"></div>', "raw_html_code"),
        ('" class="thumb_g_article" data-org-width="580" width="658">', "raw_html_code"),
        ("&nbsp;&nbsp;", "raw_html_code"),
        ("Copyright © 아이뉴스24. 무단전재 및 재배포 금지.", "copyright_footer"),
        ("ⓒ 한국경제 All rights reserved", "copyright_footer"),
        ("사업자등록번호 : 123-45-67890 대표이사 : 홍길동", "copyright_footer"),
        ("등록된 댓글이 없습니다.", "comment"),
        ("로그인한 회원만 댓글 등록이 가능합니다.", "comment"),
        ("댓글 총", "comment"),
        ("비추천0", "comment"),
        ("한혜*", "comment"),
        ("홍길동님 3분 전", "comment"),
        ("답글 쓰기", "comment"),
        ("  • 맑음서울 -5.2℃", "widget"),
        ("기상청 제공", "widget"),
        ("코스피 2,501.24 ▲12.3", "widget"),
        ("2026.01.24 (토)", "widget"),
        ("오늘 미세먼지 나쁨", "widget"),
        ("락토핏 당케어 광고 이미지", "ad"),
        ("배너", "ad"),
        ("스폰서 링크", "ad"),
        ("페이스북 트위터 카카오톡 URL복사", "share_toolbar"),
        ("글자크기", "share_toolbar"),
        ("스크랩", "share_toolbar"),
        ("핀(구독)!", "subscribe_cookie_paywall"),
        ("뉴스레터 신청", "subscribe_cookie_paywall"),
        ("회원가입", "subscribe_cookie_paywall"),
        ("입력 2024-12-23 16:38   수정 2024-12-23 16:41", "byline_dateline"),
        ("강경주 기자 qurasoha@hankyung.com", "byline_dateline"),
        ("/서효빈 기자", "byline_dateline"),
        ("2025-03-11 16:57:31", "byline_dateline"),
        ("조회: 89", "byline_dateline"),
        ("기조연설을 하고 있다. [사진=과기정통부]", "caption"),
        ("장관이 브리핑을 진행하고 있다. 과기정통부 제공", "caption"),
        ("서울 도심의 모습. /연합뉴스", "caption"),
        ("관련뉴스", "related_links"),
        ("가장 많이 본 뉴스", "related_links"),
        ("- 이전글SK텔레콤, 조비와 도심항공교통 실증사업 MOU 체결 23.09.24", "related_links"),
        ("공지사항 더보기", "nav"),
        ("업체홍보/구인", "nav"),
        ("자유게시판", "nav"),
        ("7일간 등록된 일정이 없습니다.", "other"),
        ("4,000", "other"),
    ],
)
def test_rule(line: str, label: str) -> None:
    assert [found for _, found in _labels(line)] == [label]


def test_reason_names_the_words_that_matched() -> None:
    (found,) = suggest_spam_regions("카지노 토토 바카라 홍보", [])
    assert found.reason == "gambling words: 카지노, 토토, 바카라"


def test_gambling_words_in_a_long_news_sentence_are_no_spam() -> None:
    line = (
        "정부는 강원랜드 카지노의 매출이 지난해보다 크게 늘었다고 밝혔으며, 관광 산업 전반의 "
        "회복세가 이어지고 있어 지역 경제에 긍정적인 영향을 줄 것으로 기대된다고 설명했다."
    )
    assert _labels(line) == [(line, "other")]


def test_headline_lines_are_related_links_in_a_list_only() -> None:
    one = "GPU 없는 AI 시대 가능할까...GPU 구독형 'GPUaaS'가 바꾸는 AI 개발 공식"
    two = "스키즈 현진-창빈, 뻥튀기 게임 중 '입맞춤'… 창빈은 '가슴 근육' 자랑 ('설빔')"
    assert _labels(one) == [(one, "other")]
    assert _labels(f"{one}\n{two}") == [(f"{one}\n{two}", "related_links")]


# --- merging, trimming, context ---------------------------------------------------------


def test_consecutive_lines_with_one_label_merge_into_one_suggestion() -> None:
    menu = "\n".join(["홈", "정치", "경제", "사회", "", "  국제  ", "문화"] * 10)
    (found,) = suggest_spam_regions(menu, [])
    assert (found.start, found.end, found.label) == (0, len(menu), "nav")
    assert found.reason == "short line (60 pieces)"


def test_labels_change_between_suggestions() -> None:
    raw = "홈\n정치\n카지노 토토\n바카라\nCopyright © 아이뉴스24"
    assert _labels(raw) == [
        ("홈\n정치", "nav"),
        ("카지노 토토\n바카라", "gambling_adult_spam"),
        ("Copyright © 아이뉴스24", "copyright_footer"),
    ]


def test_suggestions_are_trimmed_and_never_whitespace() -> None:
    raw = "  \n\t 홈  \n \xa0\n  정치 \n\n"
    found = suggest_spam_regions(raw, [])
    assert [(s.start, s.end) for s in found] == [(raw.index("홈"), raw.index("정치") + 2)]
    assert suggest_spam_regions(" \n\n\t ", []) == []


def test_ids_are_stable_and_name_the_range() -> None:
    first = suggest_spam_regions("홈\n정치", [])
    assert first == suggest_spam_regions("홈\n정치", [])
    assert first[0].id == "s0-4"


def test_no_suggestion_over_kept_text() -> None:
    raw = "홈\n정치\n기사 본문은 여기에 있습니다.\n경제\n사회"
    clean = "기사 본문은 여기에 있습니다."
    found = suggest_spam_regions(raw, align(raw, clean))
    assert [(raw[s.start : s.end], s.label) for s in found] == [
        ("홈\n정치", "nav"),
        ("경제\n사회", "nav"),
    ]


def test_context_category_commenter_and_numbers() -> None:
    raw = (
        "[카지노 노하우]\n흥부가 놀부될때까지 7\n한혜*\n정말 미래적인 기술이네요.\n추천\n0\n비추천0"
    )
    assert _labels(raw) == [
        ("[카지노 노하우]\n흥부가 놀부될때까지 7", "gambling_adult_spam"),
        ("한혜*\n정말 미래적인 기술이네요.\n추천\n0\n비추천0", "comment"),
    ]


def test_shape_labelled_lines_between_two_keyword_lines_take_their_label() -> None:
    raw = "토토 홍보\n축구\n야구\n카지노 후기\n자유게시판"
    assert _labels(raw) == [
        ("토토 홍보\n축구\n야구\n카지노 후기", "gambling_adult_spam"),
        ("자유게시판", "nav"),
    ]


def test_tags_and_text_on_one_line_are_told_apart() -> None:
    raw = '</div> <p class="">Copyright © 디지털타임스. 무단전재 및 재배포 금지.</p>'
    assert _labels(raw) == [
        ('</div> <p class="">', "raw_html_code"),
        ("Copyright © 디지털타임스. 무단전재 및 재배포 금지.", "copyright_footer"),
        ("</p>", "raw_html_code"),
    ]
    byline = "/서효빈 기자<span>(x40805@inews24.com)</span>"
    assert _labels(byline)[0] == ("/서효빈 기자<span>(x40805@inews24.com)", "byline_dateline")


def test_a_dropped_piece_starting_inside_a_tag_is_tag_residue() -> None:
    raw = '<img alt="장관이 연설하고 있다" class="thumb" width="658"></p> 다음 문단입니다.'
    clean = "장관이 연설하고 있다\n다음 문단입니다."
    found = _labels(raw, align(raw, clean))
    assert found == [
        ('<img alt="', "raw_html_code"),
        ('" class="thumb" width="658"></p>', "raw_html_code"),
    ]


# --- uncovered --------------------------------------------------------------------------


def test_uncovered_drops_suggestions_the_spans_cover() -> None:
    raw = "홈\n정치\n경제\n사회\n\n카지노 토토"
    menu, spam = suggest_spam_regions(raw, [])
    assert uncovered([menu, spam], []) == [menu, spam]
    assert uncovered([menu, spam], [(0, menu.end)]) == [spam]
    assert uncovered([menu, spam], [(0, 2)]) == [menu, spam]  # partly covered stays
    lines = [(raw.index(w), raw.index(w) + 2) for w in ("홈", "정치", "경제", "사회")]
    assert uncovered([menu, spam], lines, raw) == [spam]  # newlines need no covering
    assert uncovered([menu, spam], [(spam.start - 1, spam.end + 3), (0, 100)]) == []


# --- the five real pages, prepared as the importer would ------------------------------


@cache
def _documents() -> dict[str, PreparedDocument]:
    pages = [read_page(FileSource(p.stem, p)) for p in sorted(SAMPLES.glob("*.txt"))]
    counts: Counter[str] = Counter()
    for page in pages:
        assert not isinstance(page, Refusal)
        counts.update(document_lines(page.raw_text))
    context = ImportContext(repeated_lines_from_counts(counts, len(pages)))
    documents = {}
    for page in pages:
        assert not isinstance(page, Refusal)
        document = finish_page(page, ImportOptions("kim"), context)
        assert isinstance(document, PreparedDocument)
        documents[page.doc_id[:3]] = document
    return documents


KEYS = ("000", "001", "002", "003", "004")


def _suggestions(key: str) -> tuple[PreparedDocument, list[Suggestion]]:
    document = _documents()[key]
    return document, suggest_spam_regions(document.raw_text, document.segments)


@pytest.mark.parametrize("key", KEYS)
def test_suggestions_lie_within_dropped_text(key: str) -> None:
    document, found = _suggestions(key)
    dropped = dropped_raw_ranges(document.segments, len(document.raw_text))
    assert found
    for suggestion in found:
        assert any(s <= suggestion.start < suggestion.end <= e for s, e in dropped)


@pytest.mark.parametrize("key", KEYS)
def test_accepting_all_suggestions_tags_every_dropped_line(key: str) -> None:
    document, found = _suggestions(key)
    raw = document.raw_text
    tagged = [False] * len(raw)
    for suggestion in found:
        tagged[suggestion.start : suggestion.end] = [True] * (suggestion.end - suggestion.start)
    for start, end in dropped_raw_ranges(document.segments, len(raw)):
        missed = [i for i in range(start, end) if not raw[i].isspace() and not tagged[i]]
        assert not missed, raw[missed[0] : missed[0] + 40]


# Real lines of the pages and the label they must be suggested with.
SENSIBLE = [
    ("000", "맑음서울 -5.2℃", "widget"),
    ("000", "배너", "ad"),
    ("000", "가장 많이 본 뉴스", "related_links"),
    ("001", "락토핏 당케어 광고 이미지", "ad"),
    ("001", "강경주 기자 qurasoha@hankyung.com", "byline_dateline"),
    ("001", "입력 2024-12-23 16:38", "byline_dateline"),
    ("001", "캐시충전", "nav"),
    ("002", "정말 미래적인 기술이네요", "comment"),
    ("002", "등록된 댓글이 없습니다", "comment"),
    ("002", "이전글SK텔레콤", "related_links"),
    ("003", "무단전재 및 재배포 금지", "copyright_footer"),
    ("003", '<div id="layerTranslateNotice"', "raw_html_code"),
    ("003", "[사진=과기정통부]", "caption"),
    ("003", "/서효빈 기자", "byline_dateline"),
    ("004", "토토사이트", "gambling_adult_spam"),
    ("004", "카지노 블랙잭 카드 조합으로", "gambling_adult_spam"),
    ("004", "html5웹미니게임제작 해시게임제작", "gambling_adult_spam"),
    ("004", "무단전재 및 재배포 금지", "copyright_footer"),
    ("004", "</figcaption> </figure>", "raw_html_code"),
    ("004", "넘어져도 메달리스트로", "related_links"),
    ("004", "댓글등록", "comment"),
]


@pytest.mark.parametrize(("key", "needle", "label"), SENSIBLE)
def test_labels_are_sensible_on_the_samples(key: str, needle: str, label: str) -> None:
    document, found = _suggestions(key)
    position = document.raw_text.rindex(needle)
    (hit,) = [s for s in found if s.start <= position < s.end]
    assert hit.label == label, hit.reason


# --- properties -------------------------------------------------------------------------

WORDS = [
    "홈",
    "카지노",
    "기사 본문입니다.",
    "<p>",
    '" a="b">',
    "댓글 0",
    "ⓒ 뉴스",
    " ",
    "\n",
    "\xa0\t",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30), st.data())
def test_suggestion_properties(parts: list[str], data: st.DataObject) -> None:
    raw = "".join(parts)
    kept = data.draw(st.lists(st.sampled_from(WORDS), max_size=10))
    segments = align(raw, "".join(kept))
    found = suggest_spam_regions(raw, segments)
    dropped = dropped_raw_ranges(segments, len(raw))
    previous_end = 0
    for suggestion in found:
        assert previous_end <= suggestion.start < suggestion.end  # sorted, disjoint
        previous_end = suggestion.end
        text = raw[suggestion.start : suggestion.end]
        assert text == text.strip()
        assert any(s <= suggestion.start and suggestion.end <= e for s, e in dropped)
    tagged = {i for s in found for i in range(s.start, s.end)}
    for start, end in dropped:  # accepting all of them tags every dropped character
        assert all(raw[i].isspace() or i in tagged for i in range(start, end))
