"""The marks of one pane, found by range in O(log n + found), changed by key.

A pane asks for the marks over each line it is about to draw (``overlapping``). An edit
takes out the marks of a few keys and puts their new ones in (``update``), so it changes a
few entries, not the whole index. Thousands at once (accepting every suggestion of a long
page) can be handed over with ``update_later``: the index answers for the result at once,
from the old marks less the removed keys plus the new ones kept aside, and merges the two
when ``settle`` runs, which the pane does after painting. Anything that needs the merged
index (``marks``, ``keyed``, another update) settles it first, so a caller never sees
the difference.

Pure Python on purpose: the pane is the only Qt here, and the index is tested by laws.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Sequence
from operator import attrgetter

from widgets.marks import Mark

# Marks up to this long are found by binary search on their start; longer ones are few
# (whole dropped runs) and checked one by one.
SHORT_MARK = 4_096
# From this many marks changed at once, an update rebuilds rather than inserts, and a pane
# leaves the rebuild until after its paint (``update_later``).
BULK_MARKS = 256

_by_start = attrgetter("start")


class SortedMarks:
    """Marks in start order (short ones) plus a plain list (long ones): range search."""

    def __init__(self, marks: Sequence[Mark]) -> None:
        # Timsort: runs already in order (a pane's marks come mostly so) merge in O(n).
        self.short = sorted((m for m in marks if m.end - m.start <= SHORT_MARK), key=_by_start)
        self.long = [m for m in marks if m.end - m.start > SHORT_MARK]
        self.starts = [mark.start for mark in self.short]

    def without(self, keys: Collection[str], added: Sequence[Mark]) -> SortedMarks:
        """These marks less those with a key in ``keys``, plus ``added``: one sort."""
        kept = [mark for mark in self.short if mark.key not in keys]
        kept += [mark for mark in self.long if mark.key not in keys]
        return SortedMarks(kept + list(added))

    def overlapping(self, start: int, end: int) -> list[Mark]:
        """Marks sharing at least one code point with ``[start, end)`` (``end > start``)."""
        # A short mark reaching past ``start`` begins after ``start - SHORT_MARK``.
        low = bisect_right(self.starts, start - SHORT_MARK)
        high = bisect_left(self.starts, end)
        found = [mark for mark in self.short[low:high] if mark.end > start]
        found += [mark for mark in self.long if mark.start < end and mark.end > start]
        return found

    def put_in(self, mark: Mark) -> None:
        """Add one mark in its place."""
        if mark.end - mark.start > SHORT_MARK:
            self.long.append(mark)
            return
        index = bisect_right(self.starts, mark.start)
        self.short.insert(index, mark)
        self.starts.insert(index, mark.start)

    def take_out(self, mark: Mark) -> None:
        """Remove this very mark (held: found by identity, not by value)."""
        if mark.end - mark.start > SHORT_MARK:
            self.long.remove(mark)
            return
        index = bisect_left(self.starts, mark.start)
        while self.short[index] is not mark:
            index += 1
        del self.short[index], self.starts[index]

    def all(self) -> tuple[Mark, ...]:
        """Every mark held: short ones in start order, then the long ones."""
        return (*self.short, *self.long)


class _Batch:
    """A change not merged yet: keys whose old marks are gone, and the new marks."""

    def __init__(self, gone: set[str], marks: list[Mark]) -> None:
        self.gone = gone
        self.marks = marks
        self.sorted = SortedMarks(marks)


class MarkIndex:
    """The marks of one pane, searchable by range, changeable by key."""

    def __init__(self, marks: Iterable[Mark]) -> None:
        kept = [mark for mark in marks if mark.end > mark.start]
        self._sorted = SortedMarks(kept)
        # A key's mark, or its list of marks when it has several (a span cut in pieces on
        # the clean pane): most keys have one, and 11,000 one-item lists cost a third of
        # accepting every suggestion's repaint.
        self._by_key: dict[str, Mark | list[Mark]] = {}
        self._index_keys(kept)
        self._all: tuple[Mark, ...] | None = tuple(kept)
        self._batch: _Batch | None = None

    @property
    def marks(self) -> tuple[Mark, ...]:
        """Every mark held."""
        self.settle()
        if self._all is None:
            self._all = self._sorted.all()
        return self._all

    @property
    def unsettled(self) -> bool:
        """Whether a change handed to ``update_later`` is still to be merged."""
        return self._batch is not None

    def keyed(self, key: str) -> list[Mark]:
        """The marks with ``key``."""
        self.settle()
        held = self._by_key.get(key)
        if held is None:
            return []
        return list(held) if isinstance(held, list) else [held]

    def overlapping(self, start: int, end: int) -> list[Mark]:
        """Marks sharing at least one code point with ``[start, end)``."""
        if end <= start:
            return []
        found = self._sorted.overlapping(start, end)
        batch = self._batch
        if batch is None:
            return found
        gone = batch.gone
        return [m for m in found if m.key not in gone] + batch.sorted.overlapping(start, end)

    def update(self, remove: Iterable[str], add: Iterable[Mark]) -> tuple[list[Mark], list[Mark]]:
        """Take out every mark with a key in ``remove``, put ``add`` in; (removed, added).

        A few marks are moved one by one; many (all suggestions accepted) rebuild the
        index in one sort, cheaper than thousands of list insertions.
        """
        self.settle()
        return self._update(_key_set(remove), [mark for mark in add if mark.end > mark.start])

    def update_later(self, remove: Collection[str], add: Sequence[Mark]) -> None:
        """As ``update``, but the index is rebuilt when ``settle`` runs.

        ``overlapping`` answers for the result at once. For thousands of marks: it saves
        the rebuild (10-15 ms on a long page) before the pane shows the change. A set
        ``remove`` is kept as given until then (the pane's own), not copied.
        """
        self.settle()
        self._batch = _Batch(_key_set(remove), [mark for mark in add if mark.end > mark.start])
        self._all = None

    def settle(self) -> None:
        """Merge a change handed to ``update_later`` into the index."""
        batch, self._batch = self._batch, None
        if batch is not None:
            self._update(batch.gone, batch.marks)

    def _update(self, keys: set[str], added: list[Mark]) -> tuple[list[Mark], list[Mark]]:
        removed: list[Mark] = []
        take = self._by_key.pop
        for key in keys:
            held = take(key, None)
            if held is not None:
                if isinstance(held, list):
                    removed += held
                else:
                    removed.append(held)
        if not removed and not added:
            return removed, added
        self._all = None
        self._index_keys(added)
        if len(removed) + len(added) > BULK_MARKS:
            self._sorted = self._sorted.without(keys, added)
            return removed, added
        for mark in removed:
            self._sorted.take_out(mark)
        for mark in added:
            self._sorted.put_in(mark)
        return removed, added

    def _index_keys(self, marks: Iterable[Mark]) -> None:
        by_key, held_by = self._by_key, self._by_key.get
        for mark in marks:
            key = mark.key
            if key is None:
                continue
            held = held_by(key)
            if held is None:
                by_key[key] = mark
            elif isinstance(held, list):
                held.append(mark)
            else:
                by_key[key] = [held, mark]


def _key_set(keys: Iterable[str]) -> set[str]:
    """``keys`` as a set, without copying one that already is (11,000 keys: a copy per
    pane and per layer cost milliseconds of accepting all)."""
    return keys if isinstance(keys, set) else set(keys)
