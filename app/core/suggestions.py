"""Suggested spam regions: the cleaner's dropped text, cut into runs with a guessed label.

Gold needs every boilerplate line tagged, including what the cleaner already dropped, so
the dropped raw text is offered as suggestions the annotator accepts with one key. How:

1. Each dropped raw range is cut into pieces: one per line, and on lines with HTML left
   in them, tag runs apart from the text between tags (so a copyright notice inside a
   ``<p>`` is not swallowed by the tags around it). Pieces are trimmed of whitespace.
2. Each piece gets a label from ``RULES`` (keywords, first match wins), else from its
   shape: short lines are ``nav``, headline-like lines ``related_links``.
3. Context fixes a few: a line under ``[카테고리]`` or under a commenter's masked name
   takes that label, numbers and counters ("0", "N", "4,000") join the line above.
4. Consecutive pieces of one dropped range with the same label merge, so a 60-line menu
   is one suggestion. Suggestions never cross kept text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.core.alignment import Segment, dropped_raw_ranges
from app.core.cleaners import line_rules as rules
from app.core.cleaners.lines import _SEPARATOR as _TAG

# Pieces up to this many visible characters with no sentence ending are menu entries.
NAV_MAX_CHARS = 25
# Up to this many, a line without a sentence ending reads as a headline in a list.
HEADLINE_MAX_CHARS = 100
# A suggestion is covered when the annotator's spans hold this share of its visible text.
COVERED_SHARE = 0.9
# Keyword rules for UI words skip finished sentences longer than this.
SENTENCE = 40
# A tag run this short between two pieces of one label (``<span>``) takes their label.
INLINE_TAG_CHARS = 16
# A piece the page repeats is a ``duplicate`` only if it is prose this long.
DUPLICATE_MIN_CHARS = 40


@dataclass(frozen=True)
class Suggestion:
    """A suggested spam region on the raw layer: ``raw[start:end]`` and its guessed label."""

    id: str  # f"s{start}-{end}": stable for the same text and alignment
    start: int
    end: int
    label: str
    reason: str  # short and human-readable, for the status bar


class Rule(NamedTuple):
    """A keyword rule: pieces up to ``max_chars`` matching ``pattern`` get ``label``."""

    label: str
    pattern: re.Pattern[str]
    what: str  # the reason, before the words that matched
    max_chars: int | None = None  # longer pieces are article prose that mentions the word
    min_hits: int = 1
    # Finished sentences longer than this are news about the thing, not the thing.
    max_sentence_chars: int | None = None


def _any(*patterns: str | re.Pattern[str]) -> re.Pattern[str]:
    """One case-insensitive pattern of several, taking compiled ones from ``line_rules``."""
    parts = (p.pattern if isinstance(p, re.Pattern) else p for p in patterns)
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE | re.MULTILINE)


# Hangul around a UI word means it is part of another word ("후기내역공유", "구독형").
_H0, _H1 = r"(?<![가-힣])", r"(?:하기)?(?![가-힣])"
_GAMBLING = _any(rules._GAMBLING, r"성인(?:용|물|사이트|방송|인증|영상|채팅|광고)|야설|19금|에로")
_BRACKET = re.compile(r"^\[[^\[\]]{1,20}\]$")  # "[스포츠뉴스]" heading one list item

_HTML = _any(
    rules._MARKUP,
    rules._HASH,
    r"&(?:nbsp|amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);|\b(?:href|src|class|style|onclick)\s*=",
    r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>",
)
_FOOTER = _any(rules._COPYRIGHT, r"(?:대표이사|대표|주소|전화|팩스|발행인|편집인|사업자)\s*[:：]")
_COMMENT = _any(
    rules._COMMENT,
    r"답글|로그인\s*후\s*댓글|님\s*\d+\s*(?:초|분|시간|일|개월)\s*전|(?:비?추천|공감|좋아요)\s*\d+",
)
_WIDGET = _any(
    r"℃|°C|코스피|코스닥|kospi|kosdaq|나스닥|환율|원/달러|날씨|미세먼지|기상청|[▲▼△▽]\s*[\d.,]+",
    r"^\d{4}[.\-/]\s?\d{1,2}[.\-/]\s?\d{1,2}\.?\s*\(?[월화수목금토일]\)?$",  # today's date
)
_AD = _any(rules._AD, rf"{_H0}광고(?![가-힣])|\bAD\b|스폰서|협찬|sponsored|파워링크|애드")
_SHARE = _any(
    rf"{_H0}(?:공유|페이스\s?북|트위터|카카오톡|카카오스토리|스크랩|인쇄|프린트"
    rf"|글자\s?크기|url\s?복사|링크\s?복사){_H1}"
)
_SUBSCRIBE = _any(
    rf"{_H0}(?:구독|뉴스레터|쿠키|(?:자동\s?)?로그인|로그아웃|회원가입|유료\s?회원){_H1}",
    r"cookie|newsletter|subscribe|paywall",
)
_BYLINE = _any(
    rules._DATELINE,
    r"[\w.+-]+@[\w-]+\.[a-z]{2,}",
    r"^\d{4}[.\-/]\s?\d{1,2}[.\-/]\s?\d{1,2}\.?\s+\d{1,2}:\d{2}(?::\d{2})?$",  # date and time
)
_CAPTION = _any(
    r"\[?사진\s*=\s*[^\]\n]{1,30}\]?|(?:사진|영상|자료|그래픽)\s*(?:제공|출처)",
    r"[가-힣a-z]{2,15}\s+제공\s*\]?$|[=/]\s*연합뉴스|(?:AP|AFP|로이터|EPA)\s*=",
)
_LINE = HEADLINE_MAX_CHARS

# First match wins: (label, pattern, reason, max chars, min hits, max sentence chars).
RULES: tuple[Rule, ...] = (
    Rule("gambling_adult_spam", _GAMBLING, "gambling words", _LINE, 1, SENTENCE),
    Rule("gambling_adult_spam", _GAMBLING, "gambling words", _LINE, 2),
    Rule("gambling_adult_spam", _GAMBLING, "many gambling words", None, 3),
    Rule("raw_html_code", _HTML, "tag residue"),
    Rule("copyright_footer", _FOOTER, "copyright/footer", 300),
    Rule("comment", _COMMENT, "comment words", 300),
    Rule("comment", rules._COMMENT_AUTHOR, "commenter's masked name", 40),
    Rule("widget", _WIDGET, "weather/stock ticker", _LINE, 1, SENTENCE),
    Rule("ad", _AD, "ad words", _LINE, 1, SENTENCE),
    Rule("share_toolbar", _SHARE, "share buttons", 40, 1, SENTENCE),
    Rule("subscribe_cookie_paywall", _SUBSCRIBE, "subscribe/login", 60, 1, SENTENCE),
    Rule("byline_dateline", _BYLINE, "byline/date", _LINE),
    Rule("caption", _CAPTION, "photo credit", 200),
    Rule("related_links", rules._RELATED, "related-articles heading", _LINE),
)
# Every rule's words in one pattern: one search tells that no rule can apply. The flags
# only widen what each pattern matches, so a miss here is a miss for every rule.
_ANY_RULE = _any(*dict.fromkeys(rule.pattern for rule in RULES))
# Labels from a piece's shape, not its words: context may overrule them.
_WEAK = "weak"
_LOW = "low"  # hardly any letters: a counter or a number that belongs to its neighbour


@dataclass
class _Piece:
    """A trimmed run of dropped text inside one line and one dropped range."""

    start: int
    end: int
    run: int  # index of the dropped range
    tag: bool  # a run of HTML tags
    label: str = "other"
    reason: str = ""
    kind: str = ""  # "", _WEAK or _LOW


def suggest_spam_regions(raw_text: str, segments: Sequence[Segment]) -> list[Suggestion]:
    """Suggested spam regions over the text the cleaner dropped, sorted, never overlapping.

    Args:
        raw_text: The document's canonical raw text.
        segments: The alignment of its clean text (``alignment.align``).

    Returns:
        One suggestion per run of consecutive dropped pieces with one guessed label; each
        lies inside one dropped range and has no leading or trailing whitespace.
    """
    pieces = list(_pieces(raw_text, dropped_raw_ranges(segments, len(raw_text))))
    repeats = _Repeats(raw_text)
    for piece in pieces:
        _guess(raw_text, piece, repeats)
    _related_lists(pieces)
    _context(raw_text, pieces)
    return _merge(pieces)


def uncovered(
    suggestions: Sequence[Suggestion],
    raw_spans: Sequence[tuple[int, int]],
    raw_text: str | None = None,
) -> list[Suggestion]:
    """The suggestions the annotator's raw spans do not already cover.

    A suggestion counts as covered when the spans hold ``COVERED_SHARE`` of its
    non-whitespace characters; a partly covered one stays.

    Args:
        suggestions: Suggestions of one document.
        raw_spans: The annotator's spans on its raw layer, ``(start, end)``, any order.
        raw_text: The raw text. Without it whitespace counts like text, so a menu tagged
            line by line (newlines left out) may still count as uncovered.

    Returns:
        The suggestions still to show, in their order.
    """
    merged = _union(raw_spans)
    return [s for s in suggestions if not _covered(s, merged, raw_text)]


def _covered(suggestion: Suggestion, spans: list[tuple[int, int]], text: str | None) -> bool:
    def visible(start: int, end: int) -> int:
        if text is None:
            return end - start
        return _visible_chars(text[start:end])

    total = visible(suggestion.start, suggestion.end)
    first = bisect.bisect_right(spans, (suggestion.start, suggestion.start)) - 1
    inside = 0
    for start, end in spans[max(0, first) :]:
        if start >= suggestion.end:
            break
        low, high = max(start, suggestion.start), min(end, suggestion.end)
        inside += visible(low, high) if low < high else 0
    return total > 0 and inside >= COVERED_SHARE * total


def _union(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


# --- pieces ----------------------------------------------------------------------------


def _pieces(text: str, dropped: list[tuple[int, int]]) -> Iterator[_Piece]:
    tags = _LineTags(text)
    for run, (start, end) in enumerate(dropped):
        position = start
        while position < end:
            line_end = text.find("\n", position, end)
            line_end = end if line_end < 0 else line_end
            for part_start, part_end, is_tag in tags.split(position, line_end):
                trimmed = _trim(text, part_start, part_end)
                if trimmed[0] < trimmed[1]:
                    yield _Piece(trimmed[0], trimmed[1], run, is_tag)
            position = line_end + 1


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class _LineTags:
    """HTML tags of whole lines: a dropped piece may start or end inside a tag."""

    def __init__(self, text: str) -> None:
        self._text = text
        # Dropped ranges come in order: the last line seen is the one asked for again.
        self._line = (-1, -1)
        self._spans: tuple[list[int], list[int]] = ([], [])

    def split(self, start: int, end: int) -> Iterator[tuple[int, int, bool]]:
        """Cut ``text[start:end]`` (inside one line) into text and tag parts."""
        if "<" not in self._text[start:end] and ">" not in self._text[start:end]:
            yield start, end, False
            return
        starts, ends = self._tags(start)
        position = start
        for index in range(bisect.bisect_right(ends, start), len(starts)):
            tag_start, tag_end = max(starts[index], start), min(ends[index], end)
            if tag_start >= end:
                break
            if tag_start > position:
                yield position, tag_start, False
            yield tag_start, tag_end, True
            position = tag_end
        if position < end:
            yield position, end, False

    def _tags(self, position: int) -> tuple[list[int], list[int]]:
        if not self._line[0] <= position <= self._line[1]:
            line_start = self._text.rfind("\n", 0, position) + 1
            line_end = self._text.find("\n", position)
            self._line = (line_start, len(self._text) if line_end < 0 else line_end)
            found = [m.span() for m in _TAG.finditer(self._text, *self._line)]
            self._spans = ([s for s, _ in found], [e for _, e in found])
        return self._spans


# --- labels ----------------------------------------------------------------------------


class _Repeats:
    """Whether the page holds a text more than once, without scanning the page each time."""

    def __init__(self, raw_text: str) -> None:
        self.raw_text = raw_text
        self._lines: Counter[str] | None = None

    def __call__(self, text: str) -> bool:
        if self._lines is None:  # built on first need: most pages never ask
            self._lines = Counter(line.strip() for line in self.raw_text.split("\n"))
        count = self._lines.get(text)
        # A piece that is a whole line is looked up; a part of a line is searched for.
        return count > 1 if count is not None else self.raw_text.count(text) > 1


def _visible_chars(text: str) -> int:
    """Characters that are not whitespace (``str.split`` does the scan in C)."""
    return sum(map(len, text.split()))


def _guess(raw_text: str, piece: _Piece, repeated: _Repeats) -> None:
    """Label one piece by itself: tags, then ``RULES``, then its shape."""
    text = raw_text[piece.start : piece.end]
    if piece.tag:
        piece.label, piece.reason = "raw_html_code", "HTML tags"
        return
    core = rules._BULLET.sub("", text)
    for rule in RULES if _ANY_RULE.search(core) else ():
        # One search first: most rules miss, and collecting every hit costs more.
        if not _applies(rule, core) or rule.pattern.search(core) is None:
            continue
        hits = [m.group().strip() for m in rule.pattern.finditer(core)]
        if len(hits) >= rule.min_hits:
            piece.label, piece.reason = rule.label, _reason(rule.what, hits)
            # A bare "[연예뉴스]" only heads a list item: the item may say what it is.
            piece.kind = _WEAK if rule.label == "related_links" and _BRACKET.match(core) else ""
            return
    piece.label, piece.reason, piece.kind = _shape(core, repeated)


def _applies(rule: Rule, text: str) -> bool:
    if rule.max_chars is not None and len(text) > rule.max_chars:
        return False
    limit = rule.max_sentence_chars
    return limit is None or len(text) <= limit or not rules.ends_sentence(text)


def _reason(what: str, hits: list[str]) -> str:
    shown = [hit if len(hit) <= 20 else hit[:19] + "…" for hit in dict.fromkeys(hits)]
    return f"{what}: {', '.join(shown[:3])}"


def _shape(text: str, repeated: _Repeats) -> tuple[str, str, str]:
    """Label, reason and kind of a piece no keyword rule caught."""
    visible = _visible_chars(text)
    ends = rules.ends_sentence(text)
    if ends and visible >= DUPLICATE_MIN_CHARS and repeated(text):
        return "duplicate", "the page repeats this text", ""
    letters = rules.letters(text)
    # "N" (a new-item badge) is no word, "홈" is.
    if letters < 0.5 * visible or (visible == 1 and text.isascii()):
        return "other", "hardly any letters", _LOW
    if text.endswith("더보기") or (visible <= NAV_MAX_CHARS and not ends):
        return "nav", "short line", _WEAK
    if visible <= HEADLINE_MAX_CHARS and not ends:
        return "related_links", "headline-like line", _WEAK
    return "other", "dropped by the cleaner", _WEAK


def _related_lists(pieces: list[_Piece]) -> None:
    """A lone headline-like line is no list of headlines: it becomes ``other``."""
    lists: dict[int, int] = {}
    for piece in pieces:
        lists[piece.run] = lists.get(piece.run, 0) + (piece.label == "related_links")
    for piece in pieces:
        if piece.kind == _WEAK and piece.label == "related_links" and lists[piece.run] < 2:
            piece.label, piece.reason = "other", "dropped by the cleaner"


def _context(raw_text: str, pieces: list[_Piece]) -> None:
    """Let pieces whose label came from their shape take their neighbours' label."""
    for before, piece in itertools.pairwise(pieces):
        if before.run == piece.run and piece.kind and _leads(raw_text, before, piece):
            piece.label, piece.reason = before.label, f"under {before.label}: {before.reason}"
    for index, piece in enumerate(pieces):
        if piece.kind == _LOW:
            _join_neighbour(pieces, index)
    _fill_between(pieces)
    for index in range(1, len(pieces) - 1):
        _inline_tag(raw_text, pieces, index)


def _fill_between(pieces: list[_Piece]) -> None:
    """Shape-labelled pieces between two pieces of one keyword label take that label.

    On a gambling site "축구", "야구" between "토토 홍보" and "카지노 후기" are the same
    gambling menu: one suggestion to accept instead of a dozen to relabel.
    """
    index = 0
    while index < len(pieces):
        last = index
        while last < len(pieces) and pieces[last].kind and pieces[last].run == pieces[index].run:
            last += 1
        if last > index > 0 and last < len(pieces):
            before, after = pieces[index - 1], pieces[last]
            same = before.run == after.run == pieces[index].run and before.label == after.label
            if same and not before.kind and not after.kind:
                for piece in pieces[index:last]:
                    piece.label, piece.reason = before.label, f"inside {before.label}"
        index = max(last, index + 1)


def _leads(raw_text: str, before: _Piece, piece: _Piece) -> bool:
    """True when ``before`` heads ``piece``: a list category, a commenter, a headline."""
    text = raw_text[before.start : before.end]
    if _BRACKET.match(text) or rules.is_comment_author(text):
        return True
    # The truncated teaser under a related headline ends without finishing its sentence.
    teaser = not rules.ends_sentence(raw_text[piece.start : piece.end])
    return before.label == "related_links" and piece.label == "other" and teaser


def _join_neighbour(pieces: list[_Piece], index: int) -> None:
    piece = pieces[index]
    for other in (index - 1, index + 1):
        beside = 0 <= other < len(pieces) and pieces[other].run == piece.run
        if beside and (pieces[other].kind != _LOW or other < index):
            piece.label = pieces[other].label
            piece.reason = f"a number within {piece.label}"
            return


def _inline_tag(raw_text: str, pieces: list[_Piece], index: int) -> None:
    before, piece, after = pieces[index - 1 : index + 2]
    if not piece.tag or piece.end - piece.start > INLINE_TAG_CHARS:
        return
    one_run = before.run == piece.run == after.run and before.label == after.label
    if one_run and "\n" not in raw_text[before.end : after.start]:
        piece.label, piece.reason = before.label, before.reason


def _merge(pieces: list[_Piece]) -> list[Suggestion]:
    suggestions: list[Suggestion] = []
    group: list[_Piece] = []
    for piece in pieces:
        if group and (piece.run != group[0].run or piece.label != group[0].label):
            suggestions.append(_suggestion(group))
            group = []
        group.append(piece)
    if group:
        suggestions.append(_suggestion(group))
    return suggestions


def _suggestion(group: list[_Piece]) -> Suggestion:
    start, end = group[0].start, group[-1].end
    # The reason of a keyword match says more than "short line".
    best = min(group, key=lambda p: (p.kind != "", p.kind == _LOW))
    reason = best.reason if len(group) == 1 else f"{best.reason} ({len(group)} pieces)"
    return Suggestion(f"s{start}-{end}", start, end, group[0].label, reason)
