"""Cleaners: the `lines` rules on the five real sample pages, the registry, trafilatura."""

from __future__ import annotations

import html
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from app.core.canonical import is_canonical
from app.core.cleaners import (
    CLEANER_NAMES,
    CleanInput,
    ImportContext,
    get_cleaner,
    repeated_lines,
    repeated_lines_from_counts,
    simple,
    trafilatura_cleaner,
)
from app.core.cleaners import line_rules as rules
from app.core.cleaners import lines as lines_module
from app.core.cleaners.lines import LinesCleaner, decide, split_units

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
PAGES = {path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))}
CONTEXT = ImportContext(repeated_lines(PAGES.values()))
EMPTY = ImportContext()

# Per page: sentences of the article body that must survive, and boilerplate that must go.
KEPT = {
    "000": [
        "과학기술정보통신부, 국제 과학기술 전망 논의 및 국제협력 강화",
        "유상임 과학기술정보통신부 장관은 10월 6일 일본에서 개최된 제21회 과학기술사회 토론회",
        "이화학연구소(RIKEN) 이사장과 면담을 가졌다",
        "과학기술 국제협력 정책도 능동적으로 대응할 계획이다",
    ],
    "001": [
        "2026년까지 3만개를 확보해야 한다",
        "2030년으로 계획한 그래픽처리장치(GPU) 3만장 확보 시기를",
        "제4이통사 유치 문제 등을 진지하게 고민했고",
        "정상적인 상황이 됐으면 하는 바람이 있다",
    ],
    "002": [
        "한·미 양국, 과학기술 협력 강화 및 인재 양성을 위한 협력 다짐",
        "IBM 왓슨연구소를 방문하여 양자 컴퓨터와 AI 연구 동향을 청취하고",
        "미래 성장동력을 확보하기 위한 중요한 도약이 될 것으로 기대된다.",
    ],
    "003": [
        "35조5000억원",
        "2030년까지 GPU 26만 장을 확보하고",
        "세계 톱10 수준으로 끌어올리고",
        "정부 차원에서 사이버 안보 역량을 강화하겠다",
    ],
    "004": [
        "총 1만8000만개를 확보하려던 계획이",
        "심한 보릿고개가 예상된다",
        "중국 화웨이는 20만명의 직원 중 12만명이 연구자인데",
        "국무총리실이 컨트롤타워로 역할을 해 줬으면 한다",
    ],
}


def _items(text: str) -> list[str]:
    """Split a '|'-separated list (keeps the long per-page lists compact)."""
    return text.split("|")


DROPPED = {
    "000": _items(
        "맑음서울 -5.2℃|2026.01.24 (토)|기상청 제공|더보기|가장 많이 본 뉴스|포토뉴스|SNS TV|GPUaaS"
    ),
    "001": _items(
        "광고 이미지|락토핏|입력 2024-12-23|관련뉴스|마이핀|와우캐시|고객센터|공지사항|핀(구독)"
        "|7일간 등록된 일정이 없습니다"
    ),
    "002": _items(
        "추천|이전글|다음글|한혜*|정말 미래적인 기술이네요|좋은 정보 담아갑니다"
        "|이런뉴스는 올리지 말아주세요|등록된 댓글이 없습니다"
    ),
    "003": _items("등록된 댓글이 없습니다|로그인한 회원만|스윙스|틱톡|관련자료|daumcdn|figure_frm"),
    "004": _items(
        "토토사이트|먹튀|카지노|홀덤|총판|꽁머니|섹시bj|포인트 랭킹|상품권|채팅하기|댓글"
        "|[스포츠뉴스]|김길리|옥주현|포유소프트|무료만화|온카뱅크관리자|맨위로|글쓰기"
    ),
}
# Never in any clean text: chrome common to all pages, and every trace of HTML.
NEVER = _items("<|>|contents-hash|dmcf-|data-|https://|배너|로그인|Copyright|무단전재|재배포")
HEX_RUN = re.compile(r"[0-9a-f]{32,}")
P_TEXT = re.compile(r'dmcf-ptype="general">(.*?)</p>', re.DOTALL)


def _between(text: str, start: str, end: str) -> str:
    first = text.index(start) + len(start)
    return text[first : text.index(end, first)]


def article_paragraphs(key: str) -> list[str]:
    """The article's paragraphs in each raw page, as a reader would mark them."""
    raw = PAGES[key]
    if key in ("003", "004"):
        return [match.strip() for match in P_TEXT.findall(raw)]
    if key == "000":
        body = _between(raw, "기상청 제공", "\n배너")
    elif key == "001":
        body = _between(raw, "난각막NEM 광고 이미지", "강경주 기자")
    else:
        body = raw[: raw.index("\n추천\n")]
    return [line.strip() for line in body.split("\n") if line.strip()]


def clean(key: str) -> str:
    return LinesCleaner().clean(CleanInput(PAGES[key]), CONTEXT)


# --- the five real pages -------------------------------------------------------------


def test_all_five_samples_are_present() -> None:
    assert sorted(PAGES) == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("key", sorted(KEPT))
def test_lines_keeps_the_article(key: str) -> None:
    text = clean(key)
    for sentence in KEPT[key]:
        assert sentence in text, sentence
    paragraphs = article_paragraphs(key)
    kept_lines = set(text.split("\n"))
    kept = [paragraph for paragraph in paragraphs if paragraph in kept_lines]
    assert len(paragraphs) >= 3
    assert len(kept) >= 0.9 * len(paragraphs), set(paragraphs) - set(kept)


@pytest.mark.parametrize("key", sorted(DROPPED))
def test_lines_drops_the_boilerplate(key: str) -> None:
    text = clean(key)
    for chrome in DROPPED[key] + NEVER:
        assert chrome not in text, chrome
    assert HEX_RUN.search(text) is None


@pytest.mark.parametrize("key", sorted(PAGES))
def test_lines_output_is_a_sequence_of_raw_substrings(key: str) -> None:
    raw, text = PAGES[key], clean(key)
    position = 0
    for line in text.split("\n"):
        assert line and line == line.strip()
        found = raw.find(line, position)
        assert found >= 0, line[:60]
        position = found + len(line)


@pytest.mark.parametrize("key", sorted(PAGES))
def test_lines_is_deterministic(key: str) -> None:
    again = LinesCleaner().clean(
        CleanInput(PAGES[key]), ImportContext(repeated_lines(PAGES.values()))
    )
    assert clean(key) == clean(key) == again
    assert is_canonical(again)


def test_page_repeating_its_paragraphs_keeps_them_once() -> None:
    text = clean("002")
    for paragraph in article_paragraphs("002"):
        assert text.split("\n").count(paragraph) == 1, paragraph[:40]


def test_tag_residue_lines_become_paragraphs() -> None:
    """003 is one 4,000-character line of HTML fragments; each <p> is a line of its own."""
    text = clean("003")
    assert PAGES["003"].count("\n") <= 1
    assert text.count("\n") >= 10
    assert "[아이뉴스24 서효빈 기자] 배경훈 부총리 겸 과학기술정보통신부 장관은" in text


def test_repeated_lines_of_the_five_samples_finds_nothing_spurious() -> None:
    assert CONTEXT.repeated_lines == frozenset()


def test_drop_reasons_name_labels_of_the_default_schema() -> None:
    decisions = LinesCleaner().decisions(CleanInput(PAGES["004"]), CONTEXT)
    reasons = {decision.reason for decision in decisions if not decision.keep}
    assert {"gambling_adult_spam", "nav", "copyright_footer", "comment"} <= reasons
    assert all(decision.reason is None for decision in decisions if decision.keep)


# --- splitting text into paragraphs --------------------------------------------------


def _texts(text: str) -> list[list[str]]:
    return [[text[a:b] for a, b in unit.pieces] for unit in split_units(text)]


def test_split_plain_lines_strips_and_skips_blank_lines() -> None:
    text = "  첫 줄  \n\n\u00a0\n둘째 줄"
    units = split_units(text)
    assert [unit.text for unit in units] == ["첫 줄", "둘째 줄"]
    assert [text[a:b] for unit in units for a, b in unit.pieces] == ["첫 줄", "둘째 줄"]


def test_split_at_block_tags_and_not_inside_attributes() -> None:
    text = (
        '<p contents-hash="ab12" dmcf-pid="x">첫 문단.</p> <figure><img alt="사진 설명" '
        'data-org-src="https://example.com/a.jpg"></figure><p>둘째<br>셋째</p>'
    )
    assert _texts(text) == [["첫 문단."], ["둘째"], ["셋째"]]


def test_inline_tags_split_pieces_but_not_the_paragraph() -> None:
    text = "/홍길동 기자<span>(hong@example.com)</span> </address>다음"
    assert _texts(text) == [["/홍길동 기자", "(hong@example.com)"], ["다음"]]
    assert split_units(text)[0].text == "/홍길동 기자 (hong@example.com)"


def test_script_and_style_content_is_never_text() -> None:
    text = "앞<script type='x'>var a = '<p>';\nalert(1)</script>뒤<style>p{}</style>끝"
    assert _texts(text) == [["앞"], ["뒤"], ["끝"]]


def test_truncated_tag_at_line_end_and_non_tags_stay() -> None:
    text = '본문입니다. <img alt="잘린" src="https://x\n<AI 시대> 와 <기생충> 그리고 a < b'
    assert _texts(text) == [["본문입니다."], ["<AI 시대> 와 <기생충> 그리고 a < b"]]


def test_entities_are_not_unescaped() -> None:
    assert _texts("<p>R&amp;D 예산&nbsp;확대</p>") == [["R&amp;D 예산&nbsp;확대"]]


# --- single-paragraph rules ----------------------------------------------------------

LONG_SENTENCE = (
    "정부는 내년도 예산으로 역대 최대 규모의 연구개발 투자를 편성했으며, 이를 통해 "
    "인공지능 인프라를 확충하고 우수 인재를 확보하는 데 힘을 쏟을 계획이라고 밝혔다."
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("• 맑음서울 -5.2℃", "widget"),
        ("2026.01.24 (토)", "widget"),
        ("기상청 제공", "widget"),
        ("코스피 2,501.23 ▲12.3", "widget"),
        ("락토핏 당케어 광고 이미지", "ad"),
        ("배너", "ad"),
        ("Copyright © 아이뉴스24. 무단전재 및 재배포 금지.", "copyright_footer"),
        ("ⓒ 한국경제, All rights reserved", "copyright_footer"),
        ("등록된 댓글이 없습니다.", "comment"),
        ("댓글 0", "comment"),
        ("비추천0", "comment"),
        ("토토사이트", "gambling_adult_spam"),
        ("바카라 꽁머니 3만 지급 이벤트", "gambling_adult_spam"),
        ("카지노 1번 총판 코드 내립니다.", "gambling_adult_spam"),
        ("더보기", "nav"),
        ("강연회·행사 더보기", "nav"),
        ("로그인", "nav"),
        ("홈 | 정치 | 경제 | 사회", "nav"),
        ("• 마이핀", "nav"),
        ("공유하기", "share_toolbar"),
        ("관련뉴스", "related_links"),
        ("[스포츠뉴스]", "related_links"),
        ("- 이전글SK텔레콤, 조비와 도심항공교통 실증사업 MOU 체결 23.09.24", "related_links"),
        ("입력 2024-12-23 16:38   수정 2024-12-23 16:41", "byline_dateline"),
        ("강경주 기자 qurasoha@hankyung.com", "byline_dateline"),
        ('<div class="article_view" data-x="1">', "raw_html_code"),
        ('class="thumb_g_article" height="auto"', "raw_html_code"),
        ("842110bdf369c421f44c9039abc03916ed427cc4f32a5ab8f7973dbfeb55d2f3", "raw_html_code"),
        ("function loadAds() { document.write('x'); }", "raw_html_code"),
        ("4,000", "other"),
        ("N", "other"),
        (LONG_SENTENCE, None),
        (
            "정부는 강원랜드 카지노의 매출이 지난해보다 12% 늘어 지역 경제에 보탬이 됐다고 밝혔다.",
            None,
        ),
        ("서울의 아침 기온은 영하 5.2℃까지 떨어졌고, 한파는 주말까지 이어질 전망이다.", None),
    ],
)
def test_hard_reason(text: str, reason: str | None) -> None:
    assert rules.hard_reason(text) == reason


def test_prose_classes() -> None:
    assert rules.prose_class(LONG_SENTENCE) == rules.GOOD
    assert rules.prose_class(LONG_SENTENCE.removesuffix("이라고 밝혔다.")) == rules.NEAR_GOOD
    assert rules.prose_class("좋은 정보 담아갑니다.") == rules.SHORT
    assert rules.prose_class("GOLD PLUS 골드서비스 + VOD 주식강좌 파트너방송 녹화방송") == rules.BAD


def test_ends_sentence_and_stopwords() -> None:
    assert rules.ends_sentence('"이라고 밝혔다."') and rules.ends_sentence("기대된다”")
    assert not rules.ends_sentence("다양한 GPU 모델")
    assert rules.stopword_density(LONG_SENTENCE) >= rules.STOPWORDS_HIGH
    assert rules.stopword_density("") == 0.0


# --- context ---------------------------------------------------------------------------


def _kept(text: str, repeated: frozenset[str] = frozenset()) -> list[str]:
    return [d.unit.text for d in decide(split_units(text), repeated) if d.keep]


def test_short_line_between_good_paragraphs_is_kept_and_menu_dropped() -> None:
    text = "\n".join(
        ["회사소개", "채용", LONG_SENTENCE, "사진 설명을 붙인 짧은 줄", LONG_SENTENCE + " 또한"]
    )
    text += "\n" + LONG_SENTENCE.replace("정부는", "정부도")
    assert _kept(text) == [
        LONG_SENTENCE,
        "사진 설명을 붙인 짧은 줄",
        LONG_SENTENCE + " 또한",
        LONG_SENTENCE.replace("정부는", "정부도"),
    ]


def test_heading_above_the_article_is_kept_across_a_dateline() -> None:
    text = "\n".join(["AI 인프라 확충에 예산 집중", "입력 2024-12-23 16:38", LONG_SENTENCE])
    assert _kept(text) == ["AI 인프라 확충에 예산 집중", LONG_SENTENCE]


def test_heading_above_a_menu_is_not_kept() -> None:
    text = "\n".join(["오늘의 인기 글 모음 제목", "[유머]", "글쓰기", LONG_SENTENCE])
    assert _kept(text) == [LONG_SENTENCE]


def test_comment_under_a_masked_name_is_dropped_even_when_long() -> None:
    text = "\n".join([LONG_SENTENCE, "김샛*", LONG_SENTENCE.replace("정부는", "저는")])
    assert _kept(text) == [LONG_SENTENCE]


def test_truncated_teaser_after_the_article_is_dropped() -> None:
    teaser = LONG_SENTENCE.removesuffix("계획이라고 밝혔다.") + " 그리고 다양한 GPU 모델"
    assert _kept("\n".join([LONG_SENTENCE, "포토뉴스", "더보기", teaser])) == [LONG_SENTENCE]


def test_context_repeated_lines_are_dropped() -> None:
    text = "\n".join([LONG_SENTENCE, "우리 신문 구독 안내 문구입니다 여기를 누르세요"])
    assert len(_kept(text)) == 2 or _kept(text)[0] == LONG_SENTENCE
    repeated = frozenset({"우리 신문 구독 안내 문구입니다 여기를 누르세요"})
    assert _kept(text, repeated) == [LONG_SENTENCE]


# --- repeated lines across an import ---------------------------------------------------


def test_repeated_lines_rule() -> None:
    long_line = LONG_SENTENCE + " " + LONG_SENTENCE  # syndicated text, not site chrome
    docs = [f"사이트 메뉴\n기사 {i}\n{long_line}" for i in range(5)]
    docs[0] += "\n두 문서만 가진 줄"
    docs[1] += "\n두 문서만 가진 줄"
    assert repeated_lines(docs) == frozenset({"사이트 메뉴"})  # long sentence: too long
    assert repeated_lines(docs[:2]) == frozenset()  # fewer than min_documents
    assert repeated_lines(docs[:2], min_documents=2) == {"사이트 메뉴", "두 문서만 가진 줄"}


def test_repeated_lines_scale_with_the_import() -> None:
    counts = {"a line on four pages": 4, "a line on five pages": 5}
    assert repeated_lines_from_counts(counts, 100) == {"a line on five pages"}
    assert repeated_lines_from_counts(counts, 100, min_share=0.01) == set(counts)
    assert repeated_lines_from_counts(counts, 10) == set(counts)


def test_repeated_lines_counts_each_document_once() -> None:
    assert repeated_lines(["x\nx\nx\nx", "y"]) == frozenset()


# --- registry, none, pickling ----------------------------------------------------------


def test_registry_names_and_cleaners() -> None:
    names = ("trafilatura", "lines", "none", "external")
    library = ("resiliparse", "readability", "justext")  # optional extras
    assert (*names, *library) == CLEANER_NAMES
    for name in ("trafilatura", "lines", "none"):
        cleaner = get_cleaner(name)
        assert cleaner.name == name
        assert cleaner.version
    assert lines_module.VERSION == "lines-1" and simple.VERSION == "none-1"
    assert trafilatura_cleaner.VERSION.startswith("trafilatura-2.")


def test_get_cleaner_external_explains() -> None:
    with pytest.raises(ValueError, match="comes with the document"):
        get_cleaner("external")


def test_get_cleaner_unknown_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="trafilatura, lines, none, external"):
        get_cleaner("boilerpipe")


def test_none_returns_raw() -> None:
    raw = PAGES["003"]
    assert get_cleaner("none").clean(CleanInput(raw, "<p>x</p>"), CONTEXT) == raw


@pytest.mark.parametrize("name", ["trafilatura", "lines", "none"])
def test_cleaners_pickle(name: str) -> None:
    cleaner = get_cleaner(name)
    assert type(pickle.loads(pickle.dumps(cleaner))) is type(cleaner)


def _clean_in_worker(raw: str) -> str:
    return get_cleaner("lines").clean(CleanInput(raw), CONTEXT)


def test_lines_runs_in_a_worker_process() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(_clean_in_worker, PAGES["001"]).result() == clean("001")


# --- trafilatura ---------------------------------------------------------------------


def news_page() -> tuple[str, list[str]]:
    """A real-looking HTML page around 001's paragraphs, with nav, scripts and a footer."""
    paragraphs = article_paragraphs("001")
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page = f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>유상임 장관, AI 경쟁력 확보 '올인' | 한국경제</title>
<script>var trackerQueue = []; function loadAds() {{ document.write('SCRIPTMARK'); }}</script>
<style>.gnb {{ color: red; }}</style></head><body>
<header><nav class="gnb"><ul><li><a href="/">홈</a></li><li><a href="/economy">경제</a></li>
<li><a href="/it">IT·과학</a></li><li><a href="/login">로그인</a></li></ul></nav></header>
<main><article><h1>유상임 장관, AI 경쟁력 확보 '올인'…"2년 내 GPU 3만개 확보"</h1>
<div class="date">입력 2024-12-23 16:38</div><div class="article-body">{body}</div></article>
<aside><h2>관련뉴스</h2><ul><li><a href="/1">다른 기사 제목 하나</a></li></ul></aside></main>
<footer><p>Copyright ⓒ 한국경제. 무단전재 및 재배포 금지</p>
<ul><li><a href="/privacy">개인정보처리방침</a></li></ul></footer>
<script>loadAds();</script></body></html>"""
    return page, paragraphs


def test_trafilatura_keeps_paragraphs_and_drops_nav_and_scripts() -> None:
    page, paragraphs = news_page()
    text = get_cleaner("trafilatura").clean(CleanInput(PAGES["001"], page), EMPTY)
    for paragraph in paragraphs:
        assert paragraph in text, paragraph[:40]
    for chrome in ["SCRIPTMARK", "trackerQueue", "로그인", "IT·과학", "개인정보처리방침", "<"]:
        assert chrome not in text, chrome
    assert is_canonical(text)


def test_trafilatura_on_plain_text() -> None:
    text = get_cleaner("trafilatura").clean(CleanInput(PAGES["001"]), EMPTY)
    assert "2026년까지 3만개를 확보해야 한다" in text
    assert is_canonical(text)
    tagged = get_cleaner("trafilatura").clean(CleanInput("보도 <b> 자료\n"), EMPTY)
    assert tagged == "보도 <b> 자료"  # escaped on the way in: tag residue stays text


def test_trafilatura_nothing_found_is_empty() -> None:
    assert get_cleaner("trafilatura").clean(CleanInput(""), EMPTY) == ""
    assert get_cleaner("trafilatura").clean(CleanInput("", "<html></html>"), EMPTY) == ""


def test_trafilatura_drops_a_repeated_paragraph() -> None:
    paragraphs = article_paragraphs("002")
    page = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paragraphs + paragraphs)
    text = get_cleaner("trafilatura").clean(
        CleanInput("", page + "</article></body></html>"), EMPTY
    )
    assert text.split("\n").count(paragraphs[2]) == 1
