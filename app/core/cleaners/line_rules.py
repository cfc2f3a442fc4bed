"""Rules of the `lines` cleaner that look at one paragraph of text at a time.

Each rule is a keyword list, a pattern or a ratio, in the spirit of the C4 and FineWeb(-2)
line filters and of jusText's paragraph features. ``hard_reason`` names the boilerplate a
paragraph is (the names are the default label schema's, so the reason can become a
suggested spam label); ``prose_class`` says how much a paragraph looks like article prose,
for the context pass in ``lines``. All patterns are compiled once, at import.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import justext

# jusText-style paragraph classes.
BAD, SHORT, NEAR_GOOD, GOOD = "bad", "short", "near-good", "good"

# Lengths in characters. Korean packs about twice as much into a character as English,
# so jusText's 70/200 become 30/80 here; every article paragraph of the samples is >= 60.
LENGTH_LOW = 30
LENGTH_HIGH = 80
# Stopword densities over whitespace words; Korean prose measures 0.3-0.6 with jusText's
# Korean list, menus and link titles mostly below 0.15.
STOPWORDS_LOW = 0.15
STOPWORDS_HIGH = 0.25
# Keyword and pattern rules only judge paragraphs shorter than this: a long paragraph
# that mentions a casino or the weather is an article about it.
SHORT_RULE_CHARS = 100
# Comment and copyright phrases are also looked for in paragraphs up to this long.
_CHROME_CHARS = 300

_stopwords: frozenset[str] | None = None


def stopwords() -> frozenset[str]:
    """jusText's Korean and English stoplists, loaded once per process on first use."""
    global _stopwords  # noqa: PLW0603 - a lazy module cache keeps cleaners picklable
    if _stopwords is None:
        _stopwords = frozenset(justext.get_stoplist("Korean")) | frozenset(
            justext.get_stoplist("English")
        )
    return _stopwords


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (keeps long word lists readable)."""
    return frozenset(text.split())


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
# Closing quotes and brackets may follow a sentence's final punctuation.
_SENTENCE_END = re.compile(r"(?:[.!?。…]|[다요죠])[\"'”’」』)\]]*$")
_BULLET = re.compile(r"^[•·∙◦\-–—*▶▷►▸■□◆◇○●※→]+\s*")

# Markup and script residue; only searched when one of _MARKUP_CHARS occurs (speed).
_MARKUP = _any(
    r"</?[a-z][a-z0-9:-]*(?:\s+[\w:-]+=|\s*/?>)",  # a tag the splitter did not recognise
    r"\b[a-z][\w:-]*=[\"']",  # attribute residue: class="...", data-x='...'
    r"javascript:|function\s*\(|\bvar\s+\w+\s*=|document\.\w+\(|window\.\w+",
    r"^[{}\[\];]+$|\{\s*[\w-]+\s*:[^}]*;",  # braces, CSS rules
)
_MARKUP_CHARS = frozenset("<>={};")
_HASH = re.compile(r"[0-9a-fA-F]{32,}")  # content hashes, digests
_GAMBLING = re.compile(
    r"토토|카지노|먹튀|홀덤|총판|꽁머니|슬롯|바카라|파워볼|사다리게임|릴게임|룰렛|블랙잭|"
    r"배팅|베팅|에볼루션|놀이터홍보|안전놀이터|메이저사이트|토지노|섹시|야동|조건만남|"
    r"출장안마|betting|casino|poker|slot",
    re.IGNORECASE,
)
_COMMENT = _any(
    r"등록된 댓글이 없습니다|로그인한 회원만|댓글을? ?(?:입력|작성|달|남기|등록)|첫 (?:번째 )?댓글",
    r"^(?:댓글|댓글 ?총|댓글등록|댓글쓰기|댓글보기|비?추천|비?공감|좋아요|싫어요)\s*\d*\s*개?$",
)
# A commenter shown masked ("한혜*", "user12***") or with a masked IP ("(211.36.*.*)").
_COMMENT_AUTHOR = _any(
    r"^[\w.]{1,12}\*{1,4}(?:\s*\(?[\d.*]+\)?)?$",
    r"\(?\d{1,3}\.\d{1,3}\.\*{1,3}\.\*{1,3}\)?",
)
_COPYRIGHT = _any(
    r"무단\s*전재|재배포\s*금지|copyright|all rights reserved|저작권자|ⓒ|©|\(c\)\s*\w",
    r"사업자\s*등록\s*번호|청소년\s*보호\s*책임자|개인정보\s*(?:처리|취급)\s*방침|이용\s*약관",
    r"등록번호\s*[:：]|발행인\s*[:：]|편집인\s*[:：]",
)
_WIDGET = _any(
    r"^(?:맑음|흐림|구름\S*|비|눈|소나기|안개|황사|눈비|뇌우)[가-힣]*\s*-?\d+(?:\.\d+)?\s*(?:℃|°C)",
    r"기상청\s*제공|^\d{4}[.\-/]\s?\d{1,2}[.\-/]\s?\d{1,2}\.?\s*(?:\(?[월화수목금토일]\)?)?\s*"
    r"(?:\d{1,2}:\d{2}(?::\d{2})?)?$",  # a date or clock alone
    r"[▲▼△▽]\s*[\d.,]+|(?:코스피|코스닥|kospi|kosdaq|나스닥|다우|원/달러|환율)\s*[\d,]+\.\d",
)
_AD = _any(
    r"광고(?:\s*(?:이미지|배너|문의|보기))?$",
    r"^\(?(?:광고|ad|배너|banner)\)?$|sponsored|스폰서 링크|파워링크",
)
_DATELINE = _any(
    r"^(?:입력|수정|등록|기사입력|최종\s*수정|승인|발행|업데이트|작성일|게재|송고)\s*[:：]?\s*\d",
    r"^\S{0,12}\s*조회(?:수)?\s*[:：]?\s*[\d,]*$",
    r"@[\w-]+\.[a-z]",  # an e-mail in a short paragraph: the byline
    r"^/?[가-힣]{2,4}\s*(?:기자|특파원|객원기자|논설위원|통신원)(?:\s|$)",
)
_RELATED = _any(
    r"^(?:관련\s*(?:뉴스|기사|자료|콘텐츠|링크)|(?:가장\s*)?많이\s*본\s*(?:뉴스|기사)|포토\s*뉴스)",
    r"^(?:인기|추천|최신|주요|실시간|오늘의|핫)\s*(?:뉴스|기사|이슈)",
    r"^(?:이전|다음)\s*(?:글|기사|뉴스)",
    r"^\[[^\[\]]{1,20}\]$",  # a lone category tag heading a list item: [스포츠뉴스]
)
# Interface words: a paragraph made only of these (and bullets, brackets, separators) is
# a menu, a button or a share toolbar, wherever it sits.
_UI_WORDS = words(
    "더보기 로그인 로그아웃 자동로그인 회원가입 정보찾기 아이디 비밀번호 찾기 목록 글쓰기 "
    "맨위로 top 위로 이전 다음 닫기 열기 open close more menu home login logout share print "
    "공유 공유하기 스크랩 인쇄 프린트 구독 구독하기 좋아요 검색 메뉴 전체메뉴 홈 바로가기 본문 "
    "채팅하기 출석하기 기사원문 원문보기 글자크기 확대 축소 페이스북 페이스 북 트위터 카카오톡 "
    "카카오스토리 밴드 네이버 유튜브 인스타그램 텔레그램 url 복사 링크복사 url복사 고객센터 "
    "공지사항 이벤트 새창 전체보기 sns"
)
_UI_SPLIT = re.compile(r"[\s|/·,\[\]()<>:]+")
_SHARE_WORDS = words("공유 공유하기 스크랩 인쇄 프린트 페이스북 트위터 카카오톡 url복사")
_LIST_SEPARATORS = re.compile(r"\s*[|›»]\s*|\s>\s")


def letters(text: str) -> int:
    """Number of letters (any script) in ``text``, HTML entities not counted."""
    if "&" in text:
        text = _ENTITY.sub("", text)
    return len(_LETTER.findall(text))


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends like a finished sentence (Korean '-다.' or punctuation)."""
    return _SENTENCE_END.search(text) is not None


def stopword_density(text: str) -> float:
    """Share of whitespace words that are stopwords (jusText's measure)."""
    words = text.lower().split()
    if not words:
        return 0.0
    known = stopwords()
    return sum(word in known for word in words) / len(words)


def is_comment_author(text: str) -> bool:
    """True for a commenter's masked name or IP: the paragraph after it is a comment."""
    return len(text) <= 40 and _COMMENT_AUTHOR.search(text) is not None


def _ui_reason(text: str) -> str | None:
    words = [word for word in _UI_SPLIT.split(_BULLET.sub("", text).lower()) if word]
    if not words or not all(word in _UI_WORDS for word in words):
        return None
    return "share_toolbar" if any(word in _SHARE_WORDS for word in words) else "nav"


def _is_link_list(text: str) -> bool:
    """Three or more short items between separators: a footer or breadcrumb line."""
    items = [item for item in _LIST_SEPARATORS.split(text) if item.strip()]
    return len(items) >= 3 and sum(map(len, items)) / len(items) <= 12


def _is_gambling(text: str) -> bool:
    hits = len(_GAMBLING.findall(text))
    if hits == 0:
        return False
    if len(text) >= SHORT_RULE_CHARS:
        # A long paragraph needs many hits: a news story may mention a casino.
        return hits / len(text.split()) >= 0.15
    # One mention in a finished sentence is news about gambling; spam titles are terse.
    return hits >= 2 or len(text) < 40 or not ends_sentence(text)


def _is_low_letters(text: str) -> bool:
    """Hardly any letters: counters, prices, dates, lone symbols ("0", "4,000", "N")."""
    count = letters(text)
    return count < 2 or count < 0.5 * (len(text) - text.count(" "))


_SHORT_RULES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("comment", lambda t: _COMMENT.search(t) is not None),
    ("copyright_footer", lambda t: _COPYRIGHT.search(t) is not None),
    ("widget", lambda t: _WIDGET.search(t) is not None),
    ("ad", lambda t: len(t) <= 40 and _AD.search(t) is not None),
    ("byline_dateline", lambda t: _DATELINE.search(t) is not None),
    ("related_links", lambda t: _RELATED.search(t) is not None),
    ("nav", lambda t: _is_link_list(t) or t.endswith("더보기")),
)


def hard_reason(text: str) -> str | None:
    """Why the paragraph ``text`` is boilerplate whatever its neighbours, or None.

    Args:
        text: One paragraph, stripped, inline pieces joined by single spaces.

    Returns:
        A label name of the default schema (``nav``, ``widget``, ...), or ``"other"``
        for text with hardly any letters, or None when no rule applies.
    """
    if (not _MARKUP_CHARS.isdisjoint(text) and _MARKUP.search(text)) or _HASH.search(text):
        return "raw_html_code"
    if _is_gambling(text):
        return "gambling_adult_spam"
    if len(text) >= _CHROME_CHARS:
        return None
    if len(text) >= SHORT_RULE_CHARS:
        # Comment-box chrome and footers often share one long line with link titles.
        return "comment" if _COMMENT.search(text) else _copyright(text)
    return _short_reason(text)


def _copyright(text: str) -> str | None:
    return "copyright_footer" if _COPYRIGHT.search(text) else None


def _short_reason(text: str) -> str | None:
    """The rules for paragraphs shorter than ``SHORT_RULE_CHARS``."""
    ui = _ui_reason(text) if len(text) <= 40 else None
    if ui is not None:
        return ui
    core = _BULLET.sub("", text)
    for reason, rule in _SHORT_RULES:
        if rule(core):
            return reason
    # A short bulleted item that is no sentence: a menu or list entry.
    if core != text and len(text) <= 20 and not ends_sentence(text):
        return "nav"
    return "other" if _is_low_letters(text) else None


def prose_class(text: str) -> str:
    """jusText's class for a paragraph no hard rule caught: short, near-good, good or bad."""
    if len(text) < LENGTH_LOW:
        return SHORT
    density = stopword_density(text)
    if density >= STOPWORDS_HIGH and len(text) >= LENGTH_HIGH and ends_sentence(text):
        return GOOD
    if density >= STOPWORDS_LOW:
        return NEAR_GOOD
    return BAD
