"""The `lines` cleaner: paragraph rules plus jusText-style context, for plain-text pages.

How a page is cleaned:

1. ``split_units`` cuts the raw text into paragraphs: at newlines and at block-level
   HTML tags left in the text (``</p>``, ``<br>``, ``</div>``...). Tags, their attributes
   and the content of ``script``/``style`` are never text; an inline tag (``<span>``,
   ``<a>``) splits a paragraph into pieces without ending it.
2. Each paragraph gets a hard reason (``line_rules.hard_reason``: nav, widget, ad, ...), or
   a prose class from its length, stopword density and final punctuation.
3. Short and near-good paragraphs take the class of their neighbours (jusText's context
   pass), and a heading just above good text is kept.
4. Lines the import repeats on many pages, and paragraphs the page already showed, go.

The clean text is the kept pieces joined by newlines: every line of it is an exact
substring of the raw text (stripped, never unescaped or rewritten), so it aligns.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.core.cleaners import line_rules as rules
from app.core.cleaners.base import CleanInput, ImportContext

VERSION = "lines-1"

# Elements that do not break a paragraph; any other tag does.
_INLINE = rules.words(
    "a abbr b bdi bdo cite code data del dfn em font i img ins kbd label mark q rp rt ruby "
    "s samp small span strike strong sub sup time tt u var wbr"
)
# Elements whose content is never visible text.
_SKIP = ("script", "style", "noscript", "template", "svg")
_BLOCK = (
    "address article aside audio blockquote body br button canvas caption center col colgroup "
    "dd details dialog div dl dt embed fieldset figcaption figure footer form h1 h2 h3 h4 h5 "
    "h6 head header hgroup hr html iframe input legend li link main map meta nav object ol "
    "optgroup option p param picture pre section select source summary table tbody td "
    "textarea tfoot th thead title tr track ul video"
)
# Only real HTML element names count as tags, so "<AI 시대>" or "<기생충>" stay text. A tag
# cut off at the end of a line (crawler truncation) still counts.
_NAMES = "|".join(sorted({*_INLINE, *_SKIP, *_BLOCK.split()}, key=len, reverse=True))
_SEPARATOR = re.compile(
    r"\n|<!--.*?(?:-->|$)|<![a-z][^<>]*>|"
    rf"<(?P<close>/?)(?P<name>{_NAMES})(?![\w-])"
    r"(?:(?:\s(?:[^<>\"']|\"[^\"]*\"|'[^']*')*|\s[^<>]*)?/?>|[^<>\n]*(?=\n|\Z))",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
_SKIP_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _SKIP}

# Only lines this short can be site chrome repeated across an import; longer repeats
# are more likely one article syndicated (or crawled) several times.
REPEATED_MAX_CHARS = 100
# How far below a heading the good text may start for the heading to be kept.
HEADING_DISTANCE = 150
# Reasons of menus and lists: a heading above one of these is not the article's.
_LIST_REASONS = frozenset({"nav", "related_links", "gambling_adult_spam", "comment", "repeated"})
# A heading has at least this many characters: shorter lines are menu entries.
HEADING_MIN_CHARS = 10


@dataclass(frozen=True, slots=True)
class Unit:
    """One paragraph: its pieces as ``(start, end)`` raw offsets and its joined text."""

    pieces: tuple[tuple[int, int], ...]
    text: str


@dataclass(frozen=True, slots=True)
class Decision:
    """What the cleaner did with one paragraph, and why it dropped it."""

    unit: Unit
    keep: bool
    # A label name of the default schema, or "repeated", "context" (its neighbours are
    # boilerplate) or "low_prose" (few stopwords); None when kept.
    reason: str | None


def split_units(text: str) -> list[Unit]:
    """Cut ``text`` into paragraphs of stripped, non-empty pieces (see the module doc)."""
    if "<" not in text:
        return _split_lines(text)
    units: list[Unit] = []
    pieces: list[tuple[int, int]] = []
    pos = 0
    while True:
        match = _SEPARATOR.search(text, pos)
        end = len(text) if match is None else match.start()
        _add_piece(text, pos, end, pieces)
        if match is None:
            break
        pos = match.end()
        name = (match.group("name") or "").lower()
        if match.group(0) == "\n" or (name and name not in _INLINE):
            _flush(text, pieces, units)
        if name in _SKIP_END and not match.group("close"):
            closing = _SKIP_END[name].search(text, pos)
            pos = len(text) if closing is None else closing.end()
            _flush(text, pieces, units)
    _flush(text, pieces, units)
    return units


def _split_lines(text: str) -> list[Unit]:
    """The fast path for text without tags: one paragraph per non-blank line."""
    units: list[Unit] = []
    start = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            first = start + len(line) - len(line.lstrip())
            units.append(Unit(((first, first + len(stripped)),), stripped))
        start += len(line) + 1
    return units


def _add_piece(text: str, start: int, end: int, pieces: list[tuple[int, int]]) -> None:
    segment = text[start:end]
    stripped = segment.strip()
    if stripped:
        first = start + len(segment) - len(segment.lstrip())
        pieces.append((first, first + len(stripped)))


def _flush(text: str, pieces: list[tuple[int, int]], units: list[Unit]) -> None:
    if pieces:
        joined = " ".join(text[start:end] for start, end in pieces)
        units.append(Unit(tuple(pieces), joined))
        pieces.clear()


def decide(units: list[Unit], repeated: frozenset[str] = frozenset()) -> list[Decision]:
    """Keep or drop each paragraph of one page (steps 2-4 of the module doc)."""
    reasons = _hard_reasons(units, repeated)
    initial = [
        rules.BAD if r else rules.prose_class(u.text) for u, r in zip(units, reasons, strict=True)
    ]
    final = _revise(initial)
    _keep_headings(units, reasons, final)
    decisions: list[Decision] = []
    seen: set[str] = set()
    for unit, reason, klass, first in zip(units, reasons, final, initial, strict=True):
        if klass == rules.GOOD and unit.text in seen:
            decisions.append(Decision(unit, False, "duplicate"))
            continue
        if klass == rules.GOOD:
            seen.add(unit.text)
            decisions.append(Decision(unit, True, None))
        else:
            why = reason or ("low_prose" if first == rules.BAD else "context")
            decisions.append(Decision(unit, False, why))
    return decisions


def _hard_reasons(units: list[Unit], repeated: frozenset[str]) -> list[str | None]:
    reasons: list[str | None] = []
    after_author = False
    for unit in units:
        reason = "repeated" if unit.text in repeated else rules.hard_reason(unit.text)
        if reason is None and after_author:
            reason = "comment"  # the paragraph under a commenter's name is the comment
        after_author = rules.is_comment_author(unit.text)
        reasons.append("comment" if after_author else reason)
    return reasons


def _nearest(classes: list[str], skip: frozenset[str]) -> tuple[list[str], list[str]]:
    """For each paragraph, the class of the nearest one before and after it not in ``skip``.

    The page's edges count as bad. Two linear passes, so a page of thousands of short
    lines stays fast.
    """
    before, after = [rules.BAD] * len(classes), [rules.BAD] * len(classes)
    last = rules.BAD
    for i, klass in enumerate(classes):
        before[i] = last
        last = last if klass in skip else klass
    last = rules.BAD
    for i in range(len(classes) - 1, -1, -1):
        after[i] = last
        last = last if classes[i] in skip else classes[i]
    return before, after


_WEAK = frozenset({rules.SHORT, rules.NEAR_GOOD})


def _revise(initial: list[str]) -> list[str]:
    """jusText's context pass: weak paragraphs follow their nearest good or bad neighbours."""
    final = list(initial)
    strong_before, strong_after = _nearest(initial, _WEAK)
    near_before, near_after = _nearest(initial, frozenset({rules.SHORT}))
    for i, klass in enumerate(initial):
        if klass not in _WEAK:
            continue
        before, after = strong_before[i], strong_after[i]
        if klass == rules.NEAR_GOOD:
            final[i] = rules.BAD if before == after == rules.BAD else rules.GOOD
        elif before == after:
            final[i] = before
        else:
            # Between good and bad: good only when a near-good paragraph comes first on the
            # bad side, which marks the edge of the article rather than of a menu.
            near = (before == rules.BAD and near_before[i] == rules.NEAR_GOOD) or (
                after == rules.BAD and near_after[i] == rules.NEAR_GOOD
            )
            final[i] = rules.GOOD if near else rules.BAD
    return final


def _keep_headings(units: list[Unit], reasons: list[str | None], final: list[str]) -> None:
    """Keep a heading-like paragraph when good text follows within ``HEADING_DISTANCE``.

    Only datelines, ads, bylines and other weak lines may stand between the two: a menu
    or list in between means the heading belongs to the menu. Headings kept here do not
    count as good text for the headings above them, so kept headings never chain.
    """
    revised = list(final)
    for i, unit in enumerate(units):
        text = unit.text
        if revised[i] != rules.BAD or reasons[i] is not None or rules.ends_sentence(text):
            continue
        if not HEADING_MIN_CHARS <= len(text) <= 2 * rules.LENGTH_HIGH:
            continue
        distance = 0
        for j in range(i + 1, len(units)):
            if revised[j] == rules.GOOD and reasons[j] is None:
                final[i] = rules.GOOD
                break
            distance += len(units[j].text)
            if distance > HEADING_DISTANCE or reasons[j] in _LIST_REASONS:
                break


class LinesCleaner:
    """Line and paragraph rules for plain-text pages (the default for ``.txt`` sources)."""

    name: str = "lines"
    version: str = VERSION

    def clean(self, page: CleanInput, context: ImportContext) -> str:
        """Return the kept pieces of ``page.raw_text``, one per line."""
        return "\n".join(
            page.raw_text[start:end]
            for decision in self.decisions(page, context)
            if decision.keep
            for start, end in decision.unit.pieces
        )

    def decisions(self, page: CleanInput, context: ImportContext) -> list[Decision]:
        """Every paragraph of ``page.raw_text`` with the cleaner's verdict and reason."""
        return decide(split_units(page.raw_text), context.repeated_lines)


def document_lines(raw_text: str) -> set[str]:
    """The distinct stripped, non-empty lines of one page, as ``repeated_lines`` counts them."""
    return {line.strip() for line in raw_text.split("\n")} - {""}


def repeated_lines_from_counts(
    counts: Mapping[str, int],
    documents: int,
    *,
    min_documents: int = 3,
    min_share: float = 0.05,
) -> frozenset[str]:
    """Lines found in at least ``max(min_documents, min_share * documents)`` documents.

    Args:
        counts: For each stripped line, how many documents of the import contain it.
        documents: How many documents were counted.
        min_documents: Never fewer documents than this, so a small import finds nothing
            by chance.
        min_share: Share of the import a line must reach: site chrome sits on most pages
            of a site; a sentence two articles quote does not.

    Returns:
        The repeated lines of at most ``REPEATED_MAX_CHARS`` characters.
    """
    threshold = max(min_documents, math.ceil(min_share * documents))
    return frozenset(
        line
        for line, count in counts.items()
        if count >= threshold and len(line) <= REPEATED_MAX_CHARS
    )


def repeated_lines(
    raw_texts: Iterable[str], *, min_documents: int = 3, min_share: float = 0.05
) -> frozenset[str]:
    """Count ``raw_texts`` once each and return their repeated lines (see above)."""
    counts: Counter[str] = Counter()
    documents = 0
    for text in raw_texts:
        documents += 1
        counts.update(document_lines(text))
    return repeated_lines_from_counts(
        counts, documents, min_documents=min_documents, min_share=min_share
    )
