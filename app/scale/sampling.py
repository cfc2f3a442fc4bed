"""Choosing N pages from a crawl too large for memory: a seeded, stratified bottom-k.

Every candidate page carries a sort key (smaller is preferred): a seeded hash of its id,
so the choice is a uniform random sample that is the same for the same seed whatever the
order the files are read in; with ``--prefer disagreement``, the character F1 between two
cleaners' outputs comes first (lowest F1, the most disagreement, preferred) and the hash
breaks ties.

With hosts as strata, a page's priority is ``(rank, key)``: its rank among its own host's
pages by key, then its key. The N best priorities are every host's best page, then every
host's second best, and so on: round robin in key order, so no host takes more than its
share, and a host with fewer pages leaves its share to the others. Without strata every
page has one host and this is the plain bottom-k.

Memory is O(N) pages plus one key per host that ever lost a page: a page, once out of the
N best, never comes back (priorities only get worse as pages arrive), and a later page of
the same host with a larger key ranks below it, so one "floor" key per host suffices to
turn those away without remembering the pages themselves.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SortKey = tuple[float, int, str, int, int]


def seeded_hash(seed: int, doc_id: str) -> int:
    """A 64-bit hash of ``doc_id`` under ``seed``: stable across runs and machines."""
    digest = hashlib.blake2b(f"{seed}\0{doc_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def host_of(doc_id: str) -> str:
    """The host of a WARC document id (the target URI without its scheme), lowercased."""
    return doc_id.split("/", 1)[0].lower()


@dataclass(frozen=True)
class Candidate:
    """A page that may be chosen: where it is, its host and what orders it."""

    doc_id: str
    host: str
    source: int  # index of its file among the files read
    ordinal: int  # its record's position in that file
    hash: int
    f1: float = 0.0  # agreement of two cleaners (0.0 when disagreement is not preferred)

    @property
    def sort(self) -> SortKey:
        """Smaller is preferred; unique per id, so every order is total."""
        return (self.f1, self.hash, self.doc_id, self.source, self.ordinal)


@dataclass(frozen=True)
class _Worst:
    """A heap entry for a host's last page; the heap is a min-heap, so the order is reversed."""

    priority: tuple[int, SortKey]
    host: str

    def __lt__(self, other: _Worst) -> bool:
        return self.priority > other.priority


@dataclass
class Reservoir:
    """The ``size`` best candidates seen so far, stratified by host when ``by_host``."""

    size: int
    by_host: bool = False
    _hosts: dict[str, list[Candidate]] = field(default_factory=dict)
    _floors: dict[str, SortKey] = field(default_factory=dict)
    _ids: set[str] = field(default_factory=set)
    _heap: list[_Worst] = field(default_factory=list)
    _seen_hosts: set[str] = field(default_factory=set)

    def add(self, candidate: Candidate) -> None:
        """Offer one candidate (a second page with an id already held is ignored)."""
        host = candidate.host if self.by_host else ""
        self._seen_hosts.add(candidate.host)
        if self.size <= 0 or candidate.doc_id in self._ids:
            return
        floor = self._floors.get(host)
        if floor is not None and candidate.sort >= floor:
            return
        pages = self._hosts.setdefault(host, [])
        rank = bisect.bisect(pages, candidate.sort, key=lambda page: page.sort)
        if len(self._ids) >= self.size:
            worst = self._worst()
            if (rank, candidate.sort) >= worst.priority:
                self._lower_floor(host, candidate.sort)
                if not pages:
                    del self._hosts[host]
                return
        pages.insert(rank, candidate)
        self._ids.add(candidate.doc_id)
        self._push(host)
        if len(self._ids) > self.size:
            self._evict(self._worst().host)

    def chosen(self) -> list[Candidate]:
        """The chosen candidates, best first."""
        ranked = [
            (rank, page.sort, page)
            for pages in self._hosts.values()
            for rank, page in enumerate(pages)
        ]
        return [page for _, _, page in sorted(ranked)]

    @property
    def hosts_seen(self) -> int:
        """How many distinct hosts were offered."""
        return len(self._seen_hosts)

    def _evict(self, host: str) -> None:
        pages = self._hosts[host]
        last = pages.pop()
        self._ids.discard(last.doc_id)
        self._lower_floor(host, last.sort)
        if pages:
            self._push(host)
        else:
            del self._hosts[host]

    def _lower_floor(self, host: str, key: SortKey) -> None:
        floor = self._floors.get(host)
        if floor is None or key < floor:
            self._floors[host] = key

    def _push(self, host: str) -> None:
        pages = self._hosts[host]
        heapq.heappush(self._heap, _Worst((len(pages) - 1, pages[-1].sort), host))
        if len(self._heap) > 4 * len(self._hosts) + 64:  # drop stale entries now and then
            self._heap = [self._entry(name) for name in self._hosts]
            heapq.heapify(self._heap)

    def _entry(self, host: str) -> _Worst:
        pages = self._hosts[host]
        return _Worst((len(pages) - 1, pages[-1].sort), host)

    def _worst(self) -> _Worst:
        """The held page with the worst priority (stale heap entries are dropped on the way)."""
        while True:
            top = self._heap[0]
            pages = self._hosts.get(top.host)
            if pages and top.priority == (len(pages) - 1, pages[-1].sort):
                return top
            heapq.heappop(self._heap)


def brute_force(candidates: Iterable[Candidate], size: int, *, by_host: bool) -> list[Candidate]:
    """The same choice with everything in memory: the law the reservoir keeps (for tests)."""
    first: dict[str, Candidate] = {}
    for candidate in candidates:
        first.setdefault(candidate.doc_id, candidate)
    hosts: dict[str, list[Candidate]] = {}
    for candidate in first.values():
        hosts.setdefault(candidate.host if by_host else "", []).append(candidate)
    ranked = [
        (rank, page.sort, page)
        for pages in hosts.values()
        for rank, page in enumerate(sorted(pages, key=lambda page: page.sort))
    ]
    return [page for _, _, page in sorted(ranked)[:size]]


def host_counts(chosen: Sequence[Candidate]) -> dict[str, int]:
    """Pages chosen per host, most first."""
    counts: dict[str, int] = {}
    for page in chosen:
        counts[page.host] = counts.get(page.host, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
