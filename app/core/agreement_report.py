"""What an agreement run found, as plain frozen data for the command line and the window.

``app.core.agreement`` explains how each figure is computed; this module only holds them,
averages them over pairs, and turns them into the JSON ``thresher agreement --json``
prints. A figure that is undefined is None (JSON ``null``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

# Figures are rounded to this many decimals in JSON.
JSON_DIGITS = 4


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the defined values; None when none is."""
    defined = [value for value in values if value is not None]
    return sum(defined) / len(defined) if defined else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, JSON_DIGITS)


@dataclass(frozen=True)
class PairAgreement:
    """Span figures of one pair of annotators over the documents both labelled."""

    annotators: tuple[str, str]
    documents: int
    exact_f1: float | None
    overlap_f1: float | None
    kappa: float | None

    def as_json(self) -> dict[str, Any]:
        """The pair as ``--json`` prints it."""
        return {
            "annotators": list(self.annotators),
            "documents": self.documents,
            "exact_f1": _rounded(self.exact_f1),
            "overlap_f1": _rounded(self.overlap_f1),
            "kappa": _rounded(self.kappa),
        }


@dataclass(frozen=True)
class LabelAgreement:
    """One label's figures (``label`` None: every label together, the overall row)."""

    label: str | None
    documents: int  # shared documents where someone used the label (overall: all of them)
    spans: int  # distinct spans on those documents, all annotators together
    alpha: float | None
    pairs: tuple[PairAgreement, ...]

    @property
    def name(self) -> str:
        """The label, or ``overall``."""
        return self.label if self.label is not None else "overall"

    @property
    def exact_f1(self) -> float | None:
        """Mean exact-match F1 over the pairs."""
        return mean(pair.exact_f1 for pair in self.pairs)

    @property
    def overlap_f1(self) -> float | None:
        """Mean overlap F1 over the pairs."""
        return mean(pair.overlap_f1 for pair in self.pairs)

    @property
    def kappa(self) -> float | None:
        """Mean character-level Cohen's kappa over the pairs."""
        return mean(pair.kappa for pair in self.pairs)

    def as_json(self) -> dict[str, Any]:
        """The row as ``--json`` prints it."""
        return {
            "label": self.label,
            "documents": self.documents,
            "spans": self.spans,
            "exact_f1": _rounded(self.exact_f1),
            "overlap_f1": _rounded(self.overlap_f1),
            "kappa": _rounded(self.kappa),
            "alpha": _rounded(self.alpha),
            "pairs": [pair.as_json() for pair in self.pairs],
        }


@dataclass(frozen=True)
class FactPairAgreement:
    """Fact-slot figures of one pair: matched slots of both sides over all their slots."""

    annotators: tuple[str, str]
    documents: int
    matched: int
    total: int
    f1: float | None

    def as_json(self) -> dict[str, Any]:
        """The pair as ``--json`` prints it."""
        return {
            "annotators": list(self.annotators),
            "documents": self.documents,
            "matched": self.matched,
            "total": self.total,
            "f1": _rounded(self.f1),
        }


@dataclass(frozen=True)
class FactAgreement:
    """One fact type's slot agreement (``fact_type`` None: every type together)."""

    fact_type: str | None
    slots: int  # distinct slots, every annotator's, on the shared documents
    pairs: tuple[FactPairAgreement, ...]

    @property
    def name(self) -> str:
        """The fact type, or ``overall``."""
        return self.fact_type if self.fact_type is not None else "overall"

    @property
    def f1(self) -> float | None:
        """Mean slot F1 over the pairs."""
        return mean(pair.f1 for pair in self.pairs)

    @property
    def matched(self) -> int:
        """Matched slots, summed over the pairs."""
        return sum(pair.matched for pair in self.pairs)

    @property
    def total(self) -> int:
        """Slots compared, summed over the pairs."""
        return sum(pair.total for pair in self.pairs)

    def as_json(self) -> dict[str, Any]:
        """The row as ``--json`` prints it."""
        return {
            "type": self.fact_type,
            "slots": self.slots,
            "matched": self.matched,
            "total": self.total,
            "f1": _rounded(self.f1),
            "pairs": [pair.as_json() for pair in self.pairs],
        }


@dataclass(frozen=True)
class AnnotatorProgress:
    """How far one annotator is: documents done of those assigned, live spans and facts."""

    annotator: str
    done: int
    assigned: int
    spans: int
    facts: int
    # Median active seconds per document (storage.active_time); None when none recorded.
    median_active_seconds: float | None = None

    @property
    def share_done(self) -> float:
        """Done over assigned, 0 to 1 (0 when nothing is assigned)."""
        return min(1.0, self.done / self.assigned) if self.assigned else 0.0

    def as_json(self) -> dict[str, Any]:
        """The annotator as ``--json`` prints them."""
        return {
            "annotator": self.annotator,
            "done": self.done,
            "assigned": self.assigned,
            "spans": self.spans,
            "facts": self.facts,
            "median_active_seconds": _rounded(self.median_active_seconds),
        }


@dataclass(frozen=True)
class AgreementReport:
    """Everything ``thresher agreement`` reports, and what the agreement view draws."""

    documents: int  # documents labelled by two or more annotators
    annotators: tuple[str, ...]  # who labelled those documents
    labels: tuple[LabelAgreement, ...]  # one row per label used there, in schema order
    overall: LabelAgreement | None  # every label together (None with --label, or nothing)
    facts: tuple[FactAgreement, ...]  # one row per fact type used there
    facts_overall: FactAgreement | None
    progress: tuple[AnnotatorProgress, ...]  # every annotator of the file, by name

    def with_active_time(self, medians: dict[str, float]) -> AgreementReport:
        """The report with each annotator's median active seconds per document filled in
        (an annotator with time but nothing else to show gets a row too)."""
        rows = {row.annotator: row for row in self.progress}
        for name in medians.keys() - rows.keys():
            rows[name] = AnnotatorProgress(name, 0, 0, 0, 0)
        progress = tuple(
            replace(rows[name], median_active_seconds=medians.get(name)) for name in sorted(rows)
        )
        return replace(self, progress=progress)

    @property
    def comparable(self) -> bool:
        """True when at least one document has two annotators to compare."""
        return self.documents > 0

    def as_json(self) -> dict[str, Any]:
        """The report as one JSON object (see the README for its shape)."""
        return {
            "documents": self.documents,
            "annotators": list(self.annotators),
            "labels": [row.as_json() for row in self.labels],
            "overall": self.overall.as_json() if self.overall else None,
            "facts": {
                "types": [row.as_json() for row in self.facts],
                "overall": self.facts_overall.as_json() if self.facts_overall else None,
            },
            "progress": [row.as_json() for row in self.progress],
        }


def format_duration(seconds: float | None) -> str:
    """Median active time per document: ``42s``, ``3m 05s``; ``-`` when none is recorded."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    return f"{whole}s" if whole < 60 else f"{whole // 60}m {whole % 60:02d}s"
