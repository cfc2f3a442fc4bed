"""Suggestions learned from the annotator's own tags: a line tagged on one page of a site
is suggested, with that label, wherever it comes back on the site's other pages.

Boilerplate repeats within a site (the same menu, widget, footer on every page) and not
across sites, so what is learned stays within its site: the host of the document's URL
(without a leading ``www.``), or without a URL the folder of its id (``news/0001`` is in
``news``). Lines match whitespace-normalised (runs of spaces, tabs, no-break spaces count
as one space; ends trimmed). Only whole lines teach: a line counts as tagged when a span
of one label covers all of its visible text.

Pure functions and plain data: the storage reader (``storage.learned_rows``) gathers the
tagged lines, the window draws the suggestions like the cleaner's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class TaggedLine:
    """One whole line an annotator tagged: its document, the document's URL, text, label."""

    doc_id: str
    url: str | None
    text: str
    label: str


@dataclass(frozen=True)
class LearnedSuggestion:
    """A suggested region ``raw[start:end]`` (whole lines, trimmed) and where it was learned."""

    start: int
    end: int
    label: str
    pages: int  # other pages of the site where these lines carry this label (the fewest)
    learned_from: str  # "nav, tagged on 3 pages of this site"


def site_of(doc_id: str, url: str | None) -> str:
    """The site a document belongs to: ``host:`` and its URL's host, else ``folder:`` and
    its id's folder (the two never collide)."""
    host = _host(url)
    if host:
        return f"host:{host}"
    return f"folder:{doc_id.rpartition('/')[0]}"


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:  # a malformed URL ("http://[x") has no host we can trust
        return ""
    return host.removeprefix("www.")


def normalise(line: str) -> str:
    """A line as lines are compared: whitespace runs made one space, ends trimmed."""
    return " ".join(line.split())


@dataclass
class _Evidence:
    """Per label, the documents that tagged one normalised line."""

    by_label: dict[str, set[str]] = field(default_factory=dict)

    def best(self, exclude: str) -> tuple[str, int] | None:
        """The label most other documents gave the line (ties: by name), and their count."""
        counted = [
            (len(docs - {exclude}), label)
            for label, docs in self.by_label.items()
            if docs - {exclude}
        ]
        if not counted:
            return None
        pages, label = min(counted, key=lambda entry: (-entry[0], entry[1]))
        return label, pages


class LineMemory:
    """What was tagged, per site: normalised line -> label -> documents."""

    def __init__(self, tagged: Iterable[TaggedLine] = ()) -> None:
        self._sites: dict[str, dict[str, _Evidence]] = {}
        for line in tagged:
            self.add(line)

    def add(self, line: TaggedLine) -> None:
        """Learn one tagged line (blank lines teach nothing)."""
        key = normalise(line.text)
        if not key:
            return
        lines = self._sites.setdefault(site_of(line.doc_id, line.url), {})
        lines.setdefault(key, _Evidence()).by_label.setdefault(line.label, set()).add(line.doc_id)

    def suggest(self, doc_id: str, url: str | None, raw_text: str) -> list[LearnedSuggestion]:
        """Suggestions on one document from the other pages of its site, in text order.

        Consecutive suggested lines with one label (blank lines between allowed) become
        one suggestion, so a 60-line menu is accepted with one key. The document's own
        tags are not evidence: they are already spans.
        """
        lines = self._sites.get(site_of(doc_id, url))
        if not lines:
            return []
        found: list[tuple[int, int, str, int]] = []
        for start, end in _visible_lines(raw_text):
            evidence = lines.get(normalise(raw_text[start:end]))
            best = evidence.best(doc_id) if evidence is not None else None
            if best is not None:
                found.append((start, end, *best))
        return _merged(raw_text, found)


def learned_suggestions(
    tagged: Iterable[TaggedLine], doc_id: str, url: str | None, raw_text: str
) -> list[LearnedSuggestion]:
    """``LineMemory(tagged).suggest(doc_id, url, raw_text)`` in one call."""
    return LineMemory(tagged).suggest(doc_id, url, raw_text)


def _visible_lines(text: str) -> Iterator[tuple[int, int]]:
    """Each non-blank line's range without its leading and trailing whitespace."""
    position = 0
    while position <= len(text):
        newline = text.find("\n", position)
        end = len(text) if newline < 0 else newline
        line = text[position:end]
        stripped = line.strip()
        if stripped:
            first = position + len(line) - len(line.lstrip())
            yield first, first + len(stripped)
        if newline < 0:
            return
        position = newline + 1


def _merged(text: str, found: list[tuple[int, int, str, int]]) -> list[LearnedSuggestion]:
    groups: list[list[tuple[int, int, str, int]]] = []
    for item in found:
        previous = groups[-1][-1] if groups else None
        if previous is not None and previous[2] == item[2] and _only_blank(text, previous, item):
            groups[-1].append(item)
        else:
            groups.append([item])
    suggestions = []
    for group in groups:
        pages = min(item[3] for item in group)
        label = group[0][2]
        where = f"tagged on {pages} page{'s' if pages != 1 else ''} of this site"
        suggestions.append(
            LearnedSuggestion(group[0][0], group[-1][1], label, pages, f"{label}, {where}")
        )
    return suggestions


def _only_blank(
    text: str, before: tuple[int, int, str, int], after: tuple[int, int, str, int]
) -> bool:
    """True when only whitespace lies between two suggested lines (no untagged text)."""
    return not text[before[1] : after[0]].strip()
