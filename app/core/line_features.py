"""What the line model sees of one raw line: its text, its neighbours, what a cleaner kept.

A page's *lines* are its raw text split at ``\\n``; blank lines carry no characters that
count (scoring leaves whitespace out) and are never classified. Each non-blank line gets:

- *kept*: the share of its non-whitespace characters the base cleaner kept (traced by the
  alignment), for the line itself, its neighbours and a window of three on each side: a
  cleaner's decision is strong evidence, and its neighbourhood says "article" or "chrome";
- *shape*: length, words, Hangul / Latin / digit / punctuation shares, sentence end,
  bullets, separators, position on the page, repeats within the page, neighbours' lengths;
- *rules*: the `lines` cleaner's hard reason (nav, widget, ad ...) and prose class;
- *words*: each word hashed (CRC-32, stable across runs and machines) into
  ``HASH_BUCKETS`` presence flags, so a site's own menu words and footers are learnable.

``FEATURE_VERSION`` names this recipe: a model trained on one recipe is refused by another.
Labels (``line_labels``) follow the ``lines`` export: a line is spam when spam spans cover
at least half of its non-whitespace characters, labelled with the label covering most.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.core.alignment import Segment
from app.core.cleaners import line_rules as rules

FEATURE_VERSION = "lines-v1"
KEEP = "keep"
HASH_BUCKETS = 256
WINDOW = 3
_REASONS = (
    "nav",
    "related_links",
    "ad",
    "gambling_adult_spam",
    "comment",
    "share_toolbar",
    "copyright_footer",
    "byline_dateline",
    "subscribe_cookie_paywall",
    "widget",
    "raw_html_code",
    "other",
)
_CLASSES = (rules.SHORT, rules.NEAR_GOOD, rules.GOOD, rules.BAD)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[^\w\s]")
_WORD = re.compile(r"\w+")
_SEPARATORS = re.compile(r"[|·•/>›»]")
DENSE_NAMES: tuple[str, ...] = (
    "kept",
    "kept_prev",
    "kept_next",
    "kept_window",
    "edge_prev",
    "edge_next",
    "log_chars",
    "log_words",
    "hangul",
    "latin",
    "digits",
    "punct",
    "ends_sentence",
    "bullet",
    "separators",
    "position",
    "repeated_in_page",
    "log_chars_prev",
    "log_chars_next",
    "stopwords",
    *(f"reason_{reason}" for reason in _REASONS),
    *(f"class_{name}" for name in _CLASSES),
)
FEATURE_COUNT = len(DENSE_NAMES) + HASH_BUCKETS


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank raw line: its ``[start, end)`` in the raw text and its text."""

    start: int
    end: int
    text: str


def page_lines(raw_text: str) -> list[Line]:
    """The non-blank lines of a page, in order."""
    lines, start = [], 0
    for text in raw_text.split("\n"):
        end = start + len(text)
        if text.strip():
            lines.append(Line(start, end, text))
        start = end + 1
    return lines


def kept_shares(lines: Sequence[Line], segments: Iterable[Segment]) -> list[float]:
    """Per line, the share of its non-whitespace characters the segments' raw side covers."""
    ranges = sorted((s.raw_start, s.raw_end) for s in segments if s.raw_start < s.raw_end)
    shares, cursor = [], 0
    for line in lines:
        while cursor < len(ranges) and ranges[cursor][1] <= line.start:
            cursor += 1
        covered, index = 0, cursor
        while index < len(ranges) and ranges[index][0] < line.end:
            start, end = max(ranges[index][0], line.start), min(ranges[index][1], line.end)
            covered += _solid(line.text[start - line.start : end - line.start])
            index += 1
        total = _solid(line.text)
        shares.append(covered / total if total else 0.0)
    return shares


def _solid(text: str) -> int:
    return sum(map(len, text.split()))


def line_features(lines: Sequence[Line], kept: Sequence[float]) -> list[list[float]]:
    """One row of ``FEATURE_COUNT`` numbers per line (dense first, then word buckets)."""
    counts = Counter(line.text.strip() for line in lines)
    lengths = [math.log1p(len(line.text.strip())) for line in lines]
    rows = []
    last = len(lines) - 1
    for i, line in enumerate(lines):
        text = line.text.strip()
        window = kept[max(0, i - WINDOW) : i + WINDOW + 1]
        dense = [
            kept[i],
            kept[i - 1] if i > 0 else 0.0,
            kept[i + 1] if i < last else 0.0,
            sum(window) / len(window),
            float(i == 0),
            float(i == last),
            lengths[i],
            math.log1p(len(_WORD.findall(text))),
            *_shares(text),
            float(rules.ends_sentence(text)),
            float(rules._BULLET.match(text) is not None),
            min(len(_SEPARATORS.findall(text)), 10) / 10,
            i / last if last else 0.0,
            float(counts[text] > 1),
            lengths[i - 1] if i > 0 else 0.0,
            lengths[i + 1] if i < last else 0.0,
            rules.stopword_density(text),
            *_rule_flags(text),
        ]
        rows.append(dense + _buckets(text))
    return rows


def _shares(text: str) -> list[float]:
    size = max(len(text), 1)
    return [len(pattern.findall(text)) / size for pattern in (_HANGUL, _LATIN, _DIGIT, _PUNCT)]


def _rule_flags(text: str) -> list[float]:
    reason = rules.hard_reason(text)
    kind = rules.prose_class(text) if reason is None else None
    return [float(reason == r) for r in _REASONS] + [float(kind == c) for c in _CLASSES]


def _buckets(text: str) -> list[float]:
    flags = [0.0] * HASH_BUCKETS
    for word in _WORD.findall(text.lower()):
        flags[zlib.crc32(word.encode("utf-8")) % HASH_BUCKETS] = 1.0
    return flags


def line_labels(lines: Sequence[Line], spam: Sequence[tuple[int, int, str]]) -> list[str]:
    """``keep`` or the spam label of each line (the ``lines`` export's rule).

    Only non-whitespace characters count; a label's overlapping spans count a character
    once; ties go to the first label name in alphabetical order.
    """
    labels = []
    for line in lines:
        by_label: dict[str, set[int]] = {}
        for start, end, label in spam:
            a, b = max(start, line.start), min(end, line.end)
            if a < b:
                chars = by_label.setdefault(label, set())
                chars.update(i for i in range(a, b) if not line.text[i - line.start].isspace())
        union = set().union(*by_label.values()) if by_label else set()
        if not union or len(union) * 2 < _solid(line.text):
            labels.append(KEEP)
        else:
            labels.append(min(sorted(by_label), key=lambda name: -len(by_label[name])))
    return labels
