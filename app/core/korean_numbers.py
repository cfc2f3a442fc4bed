"""Korean quantity, money and date expressions, found in text and normalised.

News writes figures in a mix of digits and Korean myriad units: ``3만 개`` (30,000),
``35조5000억원`` (35.5 trillion won), ``1만3000장``, ``2024년 12월 23일``. A trainer can
only compare them once they are normalised, so every expression found gets a ``value``:

- quantities and money: a plain decimal (``30000``, ``35500000000000``, ``3.5``), with
  the counter or currency as ``unit`` (``개``, ``장``, ``명``, ``%``, ``KRW``, ``USD``);
- dates: ISO 8601 as far as the text says (``2026``, ``2024-12-23``, ``2024-12-23T16:38``)
  and XML Schema's partial forms when the year is missing (``--12-23``, ``--09``, ``---20``);
- ranges: both ends joined by ``..`` (``4~5단계`` -> ``4..5``).

Particles (``3만개를``) stay outside the expression; a bare number with neither a unit nor
a Korean multiplier is not an expression. A four-digit ``N년`` is a year, a shorter one a
count of years (``24년이 지난``). Everything is one regular-expression pass, so a 2 MB
page takes milliseconds, and the functions are pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Korean multipliers; 만, 억 and 조 start a new group of four digits, the others do not.
_MYRIADS = {"만": Decimal(10) ** 4, "억": Decimal(10) ** 8, "조": Decimal(10) ** 12}
_SMALL = {"십": Decimal(10), "백": Decimal(100), "천": Decimal(1000)}
_CURRENCIES = {"원": "KRW", "달러": "USD", "$": "USD", "엔": "JPY", "위안": "CNY", "유로": "EUR"}
# Counters, and what must not follow them: "3대 강국" counts, "3대학" is another word.
_COUNTERS = {
    "개월": "",
    "개국": "",
    "단계": "",
    "퍼센트": "",
    "시간": "",
    "가구": "",
    "마리": "",
    "개": "발|최|선|혁|편|정|방|인|념|막|성|입",
    "장": "관|기|례|르|점|소|비|애|학|려|치|면|악|착|단|벽",
    "명": "단|예|확|시|칭|절|령|소|동|백|문|품|성",
    "대": "학|통|비|상|표|응|한|책|규|회|형|신|부|출|체|립|중|기|해",
    "곳": "",
    "건": "설|강|물|전|축|국|립",
    "배": "터|우|경|치|송|포|달|출|제",
    "세": "계|대|종|상|금|력|부|기|미|제|션|트|일",
    "회": "장|사|원|계|견|복|담|차|관|화|동|전|기",
    "위": "원|해|기|험|치|반|성|상|협|임",
    "종": "목|류|합|료|교",
    "년": "대",
    "%": "",
    "℃": "",
    "°C": "",
}
_LATIN_UNITS = ("km", "kg", "GB", "TB", "MB", "MW", "GW", "kW", "mm", "cm", "m")
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_MULT = "[십백천만억조]"
_AMOUNT = rf"{_NUM}(?:{_MULT}+(?:[ ]?{_NUM}{_MULT}+)*(?:{_NUM}(?![.,]?\d))?)?"


def _alternatives(units: dict[str, str]) -> str:
    ordered = sorted(units, key=len, reverse=True)  # 개월 before 개
    return "|".join(re.escape(u) + (f"(?!{units[u]})" if units[u] else "") for u in ordered)


_HANGUL_UNITS = {**_COUNTERS, **{c: "장|자|인|칙|래|본|격|료|고|회|리|작" for c in _CURRENCIES}}
_HANGUL_UNITS.pop("$")
_UNIT = (
    rf"(?:{_alternatives(_HANGUL_UNITS)}"
    rf"|(?:{'|'.join(_LATIN_UNITS)})(?![A-Za-z]))"
)
_MONTH = r"(?:1[0-2]|0?[1-9])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_TIME = r"(?:[ T](?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?(?!\d))?"
_RANGE_MARKS = "~∼～〜–"
_PATTERN = re.compile(
    # The lookahead first: the scan skips text that cannot start a figure four times faster.
    rf"""(?=[\d$\-−])(?<![A-Za-z0-9.,_/\-])(?:
    (?P<iy>\d{{4}})(?P<sep>[.\-/])(?P<im>{_MONTH})(?P=sep)(?P<id>{_DAY})(?!\d){_TIME}
  | (?P<sy>\d{{2}})\.(?P<sm>{_MONTH})\.(?P<sd>{_DAY})(?![\d.])
  | (?:(?P<ky>\d{{4}})년[ ]?)?(?P<km>{_MONTH})월(?:[ ]?(?P<kd>{_DAY})일)?
  | (?P<year>\d{{4}})년(?!대)
  | (?P<day>{_DAY})일
  | (?P<dollar>\$[ ]?)?(?P<sign>[-−])?(?P<low>{_AMOUNT})
    (?:[ ]?[{_RANGE_MARKS}][ ]?(?P<high>{_AMOUNT}))?(?P<about>[ ]?여)?(?:[ ]?(?P<unit>{_UNIT}))?
)""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Expression:
    """A figure in a text: ``text[start:end]``, its kind, normalised value and unit."""

    start: int
    end: int
    text: str
    kind: str  # "quantity", "money" or "date"
    value: str
    unit: str | None


def normalise_number(text: str) -> str | None:
    """The plain decimal a Korean number means (``1만3000`` -> ``13000``); None if none.

    Digits may carry thousands commas and a decimal point; 만/억/조 multiply the group of
    four digits before them, 십/백/천 the digits before them. A multiplier no smaller
    than the one before multiplies everything so far (``1만8000만`` -> ``180000000``).
    """
    tokens = re.findall(rf"{_NUM}|{_MULT}| ", text)
    if "".join(tokens) != text or not tokens or not _spaces_follow_multipliers(tokens):
        return None
    total, group = Decimal(0), Decimal(0)
    pending: Decimal | None = None
    last_myriad: Decimal | None = None
    for token in tokens:
        if token == " ":
            continue
        if token in _SMALL:
            group += (pending if pending is not None else Decimal(1)) * _SMALL[token]
            pending = None
        elif token in _MYRIADS:
            unit = _MYRIADS[token]
            group += pending if pending is not None else Decimal(0)
            group = group or Decimal(1)
            if last_myriad is not None and unit >= last_myriad:
                total = (total + group) * unit  # "1만8000만": the whole figure times 만
            else:
                total += group * unit
            last_myriad, group, pending = unit, Decimal(0), None
        elif pending is not None:
            return None  # two numbers in a row: "3 4"
        else:
            try:
                pending = Decimal(token.replace(",", ""))
            except InvalidOperation:  # pragma: no cover - the pattern only lets digits in
                return None
    return _plain(total + group + (pending or 0))


def find_expressions(text: str) -> list[Expression]:
    """Every quantity, money and date expression of ``text``, in order, never overlapping."""
    found = []
    for match in _PATTERN.finditer(text):
        expression = _expression(match)
        if expression is not None:
            found.append(expression)
    return found


def normalise_expression(text: str) -> Expression | None:
    """The one expression ``text`` holds (offsets into ``text``), else None.

    A selection like ``3만개를`` or ``GPU 3만장`` gives its figure; a bare number
    (``30,000``) is read as a quantity without unit; two figures are ambiguous: None.
    """
    found = find_expressions(text)
    if len(found) == 1:
        return found[0]
    stripped = text.strip()
    value = normalise_number(stripped) if not found and stripped else None
    if value is None:
        return None
    start = text.index(stripped)
    return Expression(start, start + len(stripped), stripped, "quantity", value, None)


# -- building one expression ------------------------------------------------------------------


def _expression(match: re.Match[str]) -> Expression | None:
    date = _date_value(match)
    if date is not None:
        return Expression(match.start(), match.end(), match.group(), "date", date, None)
    return _amount(match)


def _date_value(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups["iy"]:
        day = f"{groups['iy']}-{int(groups['im']):02d}-{int(groups['id']):02d}"
        if groups["hour"]:
            seconds = f":{groups['second']}" if groups["second"] else ""
            day += f"T{int(groups['hour']):02d}:{groups['minute']}{seconds}"
        return day
    if groups["sy"]:
        return f"20{groups['sy']}-{int(groups['sm']):02d}-{int(groups['sd']):02d}"
    if groups["km"]:
        year = groups["ky"] or "-"
        day = f"-{int(groups['kd']):02d}" if groups["kd"] else ""
        return f"{year}-{int(groups['km']):02d}{day}"
    if groups["year"]:
        return groups["year"]
    if groups["day"]:
        return f"---{int(groups['day']):02d}"
    return None


def _amount(match: re.Match[str]) -> Expression | None:
    low, high, unit = match.group("low"), match.group("high"), match.group("unit")
    multiplied = any(char in _MYRIADS or char in _SMALL for char in low + (high or ""))
    if unit is None and not multiplied and not match.group("dollar"):
        return None  # a bare number: a page number, a hash, a count of views
    if high is not None:
        low = _inherit_multiplier(low, high)
    low_value, high_value = normalise_number(low), normalise_number(high or low)
    if low_value is None or high_value is None:  # pragma: no cover - the pattern is strict
        return None
    sign = "-" if match.group("sign") else ""
    value = f"{sign}{low_value}" if high is None else f"{sign}{low_value}..{high_value}"
    currency = "USD" if match.group("dollar") else _CURRENCIES.get(unit or "")
    kind, unit_name = ("money", currency) if currency else ("quantity", unit)
    if unit == "년" and high is not None and len(low) == len(high) == 4:
        kind, unit_name = "date", None  # "2024~2025년": a span of years
    return Expression(match.start(), match.end(), match.group(), kind, value, unit_name)


def _inherit_multiplier(low: str, high: str) -> str:
    """``3~4만``: the low end of a range takes the high end's trailing multipliers."""
    if any(char in _MYRIADS or char in _SMALL for char in low):
        return low
    trailing = re.search(rf"{_MULT}+$", high)
    return low + trailing.group() if trailing else low


def _spaces_follow_multipliers(tokens: list[str]) -> bool:
    """``35조 5000억`` is one figure, ``3 4`` is two."""
    return all(
        token != " " or (i > 0 and (tokens[i - 1] in _MYRIADS or tokens[i - 1] in _SMALL))
        for i, token in enumerate(tokens)
    )


def _plain(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 30000, 3.5."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")
