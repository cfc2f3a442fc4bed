"""The literals a regular expression requires: every match contains each of them."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.core.regex_fragments import required_fragments


def fragments(pattern: str) -> list[str]:
    return required_fragments(re.compile(pattern))


def test_plain_runs_are_required_and_optional_characters_are_not() -> None:
    assert fragments("무단전재") == ["무단전재"]
    assert fragments(r"Copyright \d{4} 데일리") == ["Copyright ", " 데일리"]
    assert fragments("abcd?ef") == ["abc", "ef"]
    assert fragments("ab+cd") == ["ab", "cd"]
    assert fragments(r"a\.b\x41cd") == ["a.b", "cd"]
    assert fragments(r"(?:x|y)카지노[0-9]+") == ["카지노"]


def test_alternatives_case_folding_and_verbose_give_nothing() -> None:
    assert fragments("카지노|토토") == []
    assert fragments("(?i)casino") == []
    assert fragments("(?x) c a s i n o") == []


_TOKENS = st.sampled_from(
    ["a", "b", "가", "🇰", "\\.", ".", "[ab]", "(a|가)", "*", "+", "?", "{2}", "{1,}", "|",
     "\\d", "^", "$", "\\x61", "(?:b)", "{", "]", "\\b"]
)  # fmt: skip
_TEXT = st.text(st.sampled_from(["a", "b", "가", "🇰", ".", "1", " ", "\n", "{", "]"]), max_size=30)


@given(parts=st.lists(_TOKENS, max_size=8), text=_TEXT)
def test_every_match_contains_every_fragment(parts: list[str], text: str) -> None:
    pattern = "".join(parts)
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except re.error:
        return
    required = required_fragments(compiled)
    for match in compiled.finditer(text):
        for fragment in required:
            assert fragment in match.group(), (pattern, text, fragment)
