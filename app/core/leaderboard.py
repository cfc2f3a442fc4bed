"""Cleaners ranked on the same gold: re-clean each judged page with every cleaner, score.

Each page is cleaned by every cleaner, its clean text aligned to the raw text and scored
with ``app.core.evaluation`` (character precision, recall, F1, whitespace left out); for
each spam label the characters a cleaner kept are counted (what leaks through it). The
time a cleaner spends in ``clean`` is summed, so pages per second are one core's rate.

Pure Python, no storage: ``score_page`` runs in worker processes, one page at a time,
with the cleaners built once per worker (``set_worker``).
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from app.core.alignment import align
from app.core.canonical import canonicalize
from app.core.cleaners import Cleaner, CleanInput, ImportContext, get_cleaner
from app.core.evaluation import NO_CHARACTERS, CleanerScore, kept_by_label, score_document

T = TypeVar("T")
R = TypeVar("R")
_WARM_UP_TEXT = "기사 제목\n본문 첫 문단입니다. 두 번째 문장입니다.\n메뉴 | 로그인"
WARM_UP_PAGE = CleanInput(
    _WARM_UP_TEXT,
    "<html><head><title>기사 제목</title></head><body><nav>메뉴 | 로그인</nav><article>"
    "<h1>기사 제목</h1><p>본문 첫 문단입니다. 두 번째 문장입니다.</p></article></body></html>",
)
# Pages per task, and tasks in flight per worker: busy workers, bounded memory.
CHUNK = 4
IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True)
class PageToClean:
    """One judged page: raw text, HTML when stored, and the layer's raw spam spans."""

    doc_id: str
    raw_text: str
    raw_html: str | None
    spam: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True)
class PageResult:
    """One cleaner on one page: the score, kept/total characters per label, seconds."""

    score: CleanerScore
    labels: dict[str, tuple[int, int]]
    seconds: float
    failed: bool


@dataclass
class CleanerTally:
    """One cleaner over all pages."""

    name: str
    version: str
    score: CleanerScore = NO_CHARACTERS
    kept: dict[str, int] = field(default_factory=dict)
    chars: dict[str, int] = field(default_factory=dict)
    f1s: list[float] = field(default_factory=list)
    seconds: float = 0.0
    failed: int = 0

    def add(self, result: PageResult) -> None:
        """Count one page."""
        self.score += result.score
        self.f1s.append(result.score.f1)
        self.seconds += result.seconds
        self.failed += int(result.failed)
        for label, (kept, total) in result.labels.items():
            self.kept[label] = self.kept.get(label, 0) + kept
            self.chars[label] = self.chars.get(label, 0) + total

    @property
    def pages_per_second(self) -> float | None:
        """Pages cleaned per second of this cleaner's own time (one core)."""
        return len(self.f1s) / self.seconds if self.seconds > 0 else None

    def kept_share(self, label: str) -> float | None:
        """The share of ``label``'s characters this cleaner kept (None: none labelled)."""
        total = self.chars.get(label, 0)
        return self.kept.get(label, 0) / total if total else None


def ranked(tallies: Sequence[CleanerTally]) -> list[CleanerTally]:
    """Highest micro F1 first; ties by precision, then name."""
    return sorted(tallies, key=lambda t: (-t.score.f1, -t.score.precision, t.name))


# Worker side: the cleaners and the import context, built once per process.
_worker: dict[str, tuple[list[Cleaner], ImportContext]] = {}


def set_worker(names: Sequence[str], context: ImportContext) -> None:
    """Build the named cleaners in this process (a pool initializer, or before a loop).

    Each cleans a small page once, untimed: a library cleaner imports its library and
    warms up on its first page (trafilatura's first took ~0.2 s), which on a few pages
    made it look several times slower than it is.
    """
    cleaners = [get_cleaner(name) for name in names]
    for cleaner in cleaners:
        with contextlib.suppress(Exception):  # a cleaner that fails here fails on pages too
            cleaner.clean(WARM_UP_PAGE, context)
    _worker["job"] = (cleaners, context)


def score_page(page: PageToClean) -> list[PageResult]:
    """Every cleaner of ``set_worker`` on one page, in their order."""
    cleaners, context = _worker["job"]
    return [clean_and_score(cleaner, page, context) for cleaner in cleaners]


def clean_and_score(cleaner: Cleaner, page: PageToClean, context: ImportContext) -> PageResult:
    """Clean ``page`` with ``cleaner``, align, and score against its spam spans.

    A cleaner that raises on a page kept nothing of it (and the page counts as failed):
    one odd page must not end a comparison of thousands.
    """
    started = time.perf_counter()
    failed = False
    try:
        clean = canonicalize(cleaner.clean(CleanInput(page.raw_text, page.raw_html), context))
    except Exception:  # any library error on any page: that page is lost, not the run
        clean, failed = "", True
    seconds = time.perf_counter() - started
    segments = align(page.raw_text, clean)
    ranges = [(start, end) for start, end, _label in page.spam]
    score = score_document(page.raw_text, clean, segments, ranges)
    return PageResult(score, kept_by_label(page.raw_text, segments, page.spam), seconds, failed)


def run_pool(
    function: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> Iterator[R]:
    """``map(function, items)`` in order, on ``workers`` processes when more than one.

    Items go in chunks, a bounded number in flight, so a large file never sits in memory.
    """
    if workers <= 1:
        initializer(*initargs)
        yield from map(function, items)
        return
    with ProcessPoolExecutor(workers, initializer=initializer, initargs=initargs) as pool:
        pending: deque[Future[list[R]]] = deque()
        iterator = iter(items)
        while chunk := list(islice(iterator, CHUNK)):
            pending.append(pool.submit(_chunk, function, chunk))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _chunk(function: Callable[[T], R], items: list[T]) -> list[R]:
    return [function(item) for item in items]
