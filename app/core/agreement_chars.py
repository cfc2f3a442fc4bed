"""Character-level agreement: Cohen's kappa for a pair, Krippendorff's alpha for many.

Every character of a document's raw text is a unit; an annotator's value for it is the
label of the raw-layer span covering it, or ``NO_LABEL`` when none does. When spans of
several labels cover one character, the lexicographically smallest label name is its
value (deterministic, and independent of the order spans were stored in).

Documents are never walked character by character: the span boundaries of all annotators
cut a text into runs over which every annotator's value is constant, and each run counts
with its width. A 2 MB page with a dozen spans is a dozen runs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

# An annotator's value for a character no span covers (label names are never empty).
NO_LABEL = ""

# (start, end, label) of a raw-layer span.
Extent = tuple[int, int, str]
Pair = tuple[str, str]


def run_values(
    extents_by_annotator: Mapping[str, Sequence[Extent]], length: int
) -> Counter[tuple[str, ...]]:
    """Total width of each combination of values over a text of ``length`` characters.

    Keys hold one value per annotator, annotators in sorted order; widths sum to
    ``length``. Spans are clipped to the text; empty ones are ignored.
    """
    names = sorted(extents_by_annotator)
    clipped = {name: _clipped(extents_by_annotator[name], length) for name in names}
    bounds = sorted({0, length}.union(*({s, e} for ext in clipped.values() for s, e, _ in ext)))
    columns = [_values_between(clipped[name], bounds) for name in names]
    runs: Counter[tuple[str, ...]] = Counter()
    for index, (left, right) in enumerate(pairwise(bounds)):
        runs[tuple(column[index] for column in columns)] += right - left
    return runs


def _clipped(extents: Sequence[Extent], length: int) -> list[Extent]:
    clipped = ((max(0, min(s, length)), max(0, min(e, length)), label) for s, e, label in extents)
    return [(s, e, label) for s, e, label in clipped if s < e]


def _values_between(extents: Sequence[Extent], bounds: Sequence[int]) -> list[str]:
    """The value on each interval ``[bounds[i], bounds[i + 1])``; every span edge is a bound."""
    starting: defaultdict[int, list[str]] = defaultdict(list)
    ending: defaultdict[int, list[str]] = defaultdict(list)
    for start, end, label in extents:
        starting[start].append(label)
        ending[end].append(label)
    active: Counter[str] = Counter()
    values = []
    for point in bounds[:-1]:
        active.subtract(ending.get(point, ()))
        active.update(starting.get(point, ()))
        covering = [label for label, count in active.items() if count > 0]
        values.append(min(covering) if covering else NO_LABEL)
    return values


def cohen_kappa(confusion: Mapping[Pair, float]) -> float | None:
    """Cohen's kappa from ``(first's value, second's value) -> weight``.

    ``(p_o - p_e) / (1 - p_e)``, with ``p_o`` the share of units both gave the same value
    and ``p_e`` the chance of that from each one's own value shares. None when it is
    undefined: no units, or both annotators gave every unit one and the same value.
    """
    total = sum(confusion.values())
    if total <= 0:
        return None
    first: defaultdict[str, float] = defaultdict(float)
    second: defaultdict[str, float] = defaultdict(float)
    for (a, b), weight in confusion.items():
        first[a] += weight
        second[b] += weight
    observed = sum(w for (a, b), w in confusion.items() if a == b) / total
    expected = sum(first[v] * second[v] for v in first) / total**2
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


class Coincidences:
    """Krippendorff's coincidence matrix, filled unit by unit (nominal values).

    A unit coded by ``m`` annotators adds, for each ordered pair of two different coders'
    values ``(c, k)``, ``1 / (m - 1)`` to ``o[c, k]`` (times the unit's weight). Units
    coded by fewer than two annotators are not pairable and add nothing.
    """

    def __init__(self) -> None:
        self.matrix: defaultdict[Pair, float] = defaultdict(float)

    def add(self, values: Sequence[str], weight: float = 1.0) -> None:
        """Add ``weight`` units each coded with ``values`` (one value per coder)."""
        coders = len(values)
        if coders < 2 or weight <= 0:
            return
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    self.matrix[(c, k)] += weight * pairs / (coders - 1)

    def add_matrix(self, other: Coincidences) -> None:
        """Add another matrix's coincidences to this one."""
        for key, weight in other.matrix.items():
            self.matrix[key] += weight

    def alpha(self) -> float | None:
        """Nominal alpha, ``1 - D_o / D_e``: 1 is perfect agreement, 0 is chance.

        ``D_o = sum_{c != k} o[c, k] / n`` and ``D_e = sum_{c != k} n_c n_k / (n (n - 1))``,
        with ``n_c`` the row sums of ``o`` and ``n`` their total. None when undefined: no
        pairable values, or a single value used throughout (``D_e = 0``).
        """
        totals: defaultdict[str, float] = defaultdict(float)
        for (c, _), weight in self.matrix.items():
            totals[c] += weight
        n = sum(totals.values())
        if n <= 1:
            return None
        expected = n * n - sum(n_c * n_c for n_c in totals.values())  # sum over c != k
        if expected <= 0:
            return None
        observed = sum(w for (c, k), w in self.matrix.items() if c != k)
        return 1 - (n - 1) * observed / expected


def krippendorff_alpha(units: Iterable[Sequence[str | None]]) -> float | None:
    """Nominal alpha of ``units``, each a value per annotator (None: not coded)."""
    coincidences = Coincidences()
    for unit in units:
        coincidences.add([value for value in unit if value is not None])
    return coincidences.alpha()
