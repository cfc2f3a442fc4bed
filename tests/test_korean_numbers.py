"""The Korean figure normaliser: real forms from news pages, the seed pages, and laws."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.korean_numbers import find_expressions, normalise_expression, normalise_number

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"

# (text as written, the expression found, kind, value, unit)
FORMS = [
    # Every figure on the seed pages.
    ("GPU 3만개를 확보해", "3만개", "quantity", "30000", "개"),
    ("GPU 26만 장 확보", "26만 장", "quantity", "260000", "장"),
    ("GPU 1만개 구입해", "1만개", "quantity", "10000", "개"),
    ("2026년까지", "2026년", "date", "2026", None),
    ("2030년으로 계획한", "2030년", "date", "2030", None),
    ("연구자를 다 합해도 12만명이", "12만명", "quantity", "120000", "명"),
    ("역대 최대 규모인 35조5000억원의", "35조5000억원", "money", "35500000000000", "KRW"),
    ("3조원 규모", "3조원", "money", "3000000000000", "KRW"),
    ("10만장, 20만장씩 확보", "10만장", "quantity", "100000", "장"),
    ("20만명의 직원", "20만명", "quantity", "200000", "명"),
    ("1만3000장의 GPU가", "1만3000장", "quantity", "13000", "장"),
    ("GPU 8000장과 합쳐", "8000장", "quantity", "8000", "장"),
    ("총 1만8000만개를", "1만8000만개", "quantity", "180000000", "개"),
    ("GPU) 3만장 확보", "3만장", "quantity", "30000", "장"),
    ("2023년 발표한", "2023년", "date", "2023", None),
    ("2000년 이미 법제화", "2000년", "date", "2000", None),
    ("24년이 지난 지금도", "24년", "quantity", "24", "년"),
    ("TRL 1~9단계를", "1~9단계", "quantity", "1..9", "단계"),
    ("낮은 4~5단계의", "4~5단계", "quantity", "4..5", "단계"),
    ("AI 3대 강국", "3대", "quantity", "3", "대"),
    ("50대 국가전략기술", "50대", "quantity", "50", "대"),
    ("AI 4대 분야", "4대", "quantity", "4", "대"),
    ("최대 4년까지", "4년", "quantity", "4", "년"),
    ("3∼4년 걸리는", "3∼4년", "quantity", "3..4", "년"),
    ("2년 후인", "2년", "quantity", "2", "년"),
    ("6개월 이내", "6개월", "quantity", "6", "개월"),
    ("9개월 만에", "9개월", "quantity", "9", "개월"),
    ("10월 11일 발표", "10월 11일", "date", "--10-11", None),
    ("입력 2024-12-23 16:38", "2024-12-23 16:38", "date", "2024-12-23T16:38", None),
    ("2025-03-11 16:57:31", "2025-03-11 16:57:31", "date", "2025-03-11T16:57:31", None),
    ("2026.01.24 (토)", "2026.01.24", "date", "2026-01-24", None),
    ("MOU 체결 23.09.24", "23.09.24", "date", "2023-09-24", None),
    ("제21회 과학기술사회", "21회", "quantity", "21", "회"),
    ("9월 중", "9월", "date", "--09", None),
    ("20일부터", "20일", "date", "---20", None),
    ("맑음동두천 -6.9℃", "-6.9℃", "quantity", "-6.9", "℃"),
    ("쇼트트랙 1000m 동메달", "1000m", "quantity", "1000", "m"),
    # Common forms elsewhere in the news.
    ("2024년 12월 23일 세종에서", "2024년 12월 23일", "date", "2024-12-23", None),
    ("2024년 12월", "2024년 12월", "date", "2024-12", None),
    ("2024/12/23", "2024/12/23", "date", "2024-12-23", None),
    ("3.5억원", "3.5억원", "money", "350000000", "KRW"),
    ("1.2만 명", "1.2만 명", "quantity", "12000", "명"),
    ("3천5백만 원", "3천5백만 원", "money", "35000000", "KRW"),
    ("1억2천만원", "1억2천만원", "money", "120000000", "KRW"),
    ("35조 5000억 원", "35조 5000억 원", "money", "35500000000000", "KRW"),
    ("1,234개", "1,234개", "quantity", "1234", "개"),
    ("10만~20만 명", "10만~20만 명", "quantity", "100000..200000", "명"),
    ("3~4만 명", "3~4만 명", "quantity", "30000..40000", "명"),
    ("3만여 명이", "3만여 명", "quantity", "30000", "명"),
    ("10.5% 늘어", "10.5%", "quantity", "10.5", "%"),
    ("50억 달러", "50억 달러", "money", "5000000000", "USD"),
    ("$1,000 상당", "$1,000", "money", "1000", "USD"),
    ("5억원대", "5억원", "money", "500000000", "KRW"),
    ("전국 300곳", "300곳", "quantity", "300", "곳"),
    ("12건의 신고", "12건", "quantity", "12", "건"),
    ("2배 이상", "2배", "quantity", "2", "배"),
    ("21회의 토론회", "21회", "quantity", "21", "회"),
    ("3종이 출시", "3종", "quantity", "3", "종"),
    ("2024~2025년", "2024~2025년", "date", "2024..2025", None),
]


@pytest.mark.parametrize(("text", "found", "kind", "value", "unit"), FORMS)
def test_real_forms_are_found_and_normalised(
    text: str, found: str, kind: str, value: str, unit: str | None
) -> None:
    expression = find_expressions(text)[0]
    assert text[expression.start : expression.end] == expression.text == found
    assert (expression.kind, expression.value, expression.unit) == (kind, value, unit)


@pytest.mark.parametrize(
    "text",
    [
        "엔비디아 H100 등",  # a model name
        "x40805@inews24.com",  # an address
        "t1.daumcdn.net/news/202512/18/inews24/20251218141724932mqdg.jpg",  # a URL
        "조회수 1,234",  # a bare number
        "세계 톱10 수준",  # a rank without counter
        "13월 45일",  # no such month or day
        "유상임 장관은",  # words that hold counters: 장, 명, 대
        "2030년대",  # a decade, not a year
        "1990 대한민국",  # 대 starting another word
    ],
)
def test_what_is_not_a_figure(text: str) -> None:
    assert find_expressions(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3만", "30000"),
        ("35조5000억", "35500000000000"),
        ("35조 5000억", "35500000000000"),
        ("1만3000", "13000"),
        ("3.5억", "350000000"),
        ("1,234", "1234"),
        ("2천", "2000"),
        ("5백", "500"),
        ("1.2만", "12000"),
        ("1만8000만", "180000000"),
        ("1억2천만", "120000000"),
        ("만", "10000"),
        ("0.25", "0.25"),
    ],
)
def test_numbers_normalise(text: str, value: str) -> None:
    assert normalise_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "3 4", " 3만", "3만개", "1.2.3"])
def test_what_is_not_a_number(text: str) -> None:
    assert normalise_number(text) is None


def test_a_selection_gives_its_one_figure() -> None:
    money = normalise_expression("35조5000억원의")
    assert money is not None and (money.value, money.unit) == ("35500000000000", "KRW")
    bare = normalise_expression(" 30,000 ")
    assert bare is not None and (bare.start, bare.end, bare.value) == (1, 7, "30000")
    assert normalise_expression("10만장, 20만장씩") is None  # two figures: which one?
    assert normalise_expression("과학기술정보통신부") is None


def test_every_seed_figure_is_found_where_the_page_has_it() -> None:
    expected = {
        "001_b0f070cd7e78df0e.txt": {"3만개", "3만장", "2026년", "2030년", "10만장", "20만장"},
        "003_bed9605c1afd4b42.txt": {"26만 장", "35조5000억원", "3조원", "1만3000장", "50대"},
        "004_b248406a6be265a2.txt": {"1만개", "8000장", "1만8000만개", "20만명", "12만명"},
    }
    for name, figures in expected.items():
        text = (SAMPLES / name).read_text(encoding="utf-8")
        found = find_expressions(text)
        assert figures <= {e.text for e in found}, name
        assert all(text[e.start : e.end] == e.text for e in found)
        # The pages' hashes, image names and addresses give no figures.
        assert not any(e.text.isdigit() for e in found)


def _korean(number: int) -> str:
    """``number`` as news writes it: groups of four digits with 조, 억, 만."""
    parts = []
    for unit, size in (("조", 10**12), ("억", 10**8), ("만", 10**4)):
        group, number = divmod(number, size)
        if group:
            parts.append(f"{group}{unit}")
    if number or not parts:
        parts.append(str(number))
    return "".join(parts)


@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_korean_grouping_normalises_back_to_the_number(number: int) -> None:
    assert normalise_number(_korean(number)) == str(number)


@given(st.integers(min_value=1, max_value=10**15), st.sampled_from(["개", "장", "명", "원"]))
def test_figures_with_a_counter_are_found_whole_among_words(number: int, counter: str) -> None:
    text = f"정부는 {_korean(number)}{counter}을 확보했다"
    (expression,) = find_expressions(text)
    assert expression.text == f"{_korean(number)}{counter}"
    assert expression.value == str(number)


@given(st.text(alphabet="0123456789만억조천,.~- 년월일개장명원%$가나다ab\n", max_size=80))
def test_expressions_are_ordered_disjoint_slices(text: str) -> None:
    found = find_expressions(text)
    assert all(text[e.start : e.end] == e.text for e in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
