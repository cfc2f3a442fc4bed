"""``thresher agreement``: how well annotators agree, per label and overall, and their progress.

The figures are defined in ``app.core.agreement``; this module reads the file through
``storage.agreement_read`` and prints a table, or with ``--json`` one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app.core.agreement import AgreementReport, FactAgreement, LabelAgreement
from app.core.agreement_report import format_duration
from app.progress import Progress
from storage.active_time import median_active_seconds
from storage.agreement_read import agreement_report
from storage.labelfile import open_label_file
from storage.schema_rows import read_label_schema

EXIT_OK, EXIT_USAGE = 0, 2
# A terminal shows progress from this many shared documents on (smaller files are instant).
PROGRESS_FROM = 200
PROGRESS_STEPS = 200

_EXAMPLE = """\
Examples:
  thresher agreement merged.db
  thresher agreement merged.db --label nav
  thresher agreement merged.db --json | jq '.overall.alpha'

Compares the annotators of each document labelled by two or more of them (a status
"done", or any span or fact; gold never counts). Per label and overall: exact-match F1
(same layer, range and label), overlap F1 (an overlapping span with the same label),
character-level Cohen's kappa for each pair (raw characters as units, raw-layer spans
only) and Krippendorff's alpha (nominal) across all annotators. Facts: slot agreement
(same type and role, overlapping evidence, equal normalised value). Then each
annotator's progress. "-" marks a figure that is undefined (nothing to compare, or a
single value everywhere). A file with no document labelled twice prints so and exits 0."""


def add_agreement_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``agreement`` on the command line."""
    parser = commands.add_parser(
        "agreement",
        help="agreement between annotators per label (F1, kappa, alpha) and their progress",
        description="Measure agreement between the annotators of a (merged) label file, per "
        "label and overall, for spans and fact slots; show each annotator's progress.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="the (merged) label file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--label", metavar="L", default=None, help="only this label's figures")
    parser.set_defaults(handler=run_agreement)


def run_agreement(args: argparse.Namespace) -> int:
    """Print the report; 0 done (also when there is nothing to compare), 2 unknown label."""
    with open_label_file(args.file, read_only=True) as label_file:
        if args.label is not None:
            known = [label.name for label in read_label_schema(label_file.connection).labels]
            if args.label not in known:
                print(
                    f"thresher: {args.file} has no label {args.label!r};"
                    f" its labels are {', '.join(known) or '(none)'}",
                    file=sys.stderr,
                )
                return EXIT_USAGE
        shown = Progress(0, sys.stderr, "comparing")
        report = agreement_report(
            label_file,
            label=args.label,
            progress=lambda n, total, doc_id: _advance(shown, n, total, doc_id),
        )
        shown.finish()
        report = report.with_active_time(median_active_seconds(label_file.connection))
    if args.json:
        print(
            json.dumps({"file": str(args.file), **report.as_json()}, ensure_ascii=False, indent=2)
        )
    else:
        print_report(args.file, report, sys.stdout)
    return EXIT_OK


def _advance(shown: Progress, number: int, total: int, doc_id: str) -> None:
    step = max(1, total // PROGRESS_STEPS)
    if total >= PROGRESS_FROM and (number == total or number % step == 0):
        shown.show(number, total, doc_id)


def print_report(path: Path, report: AgreementReport, out: TextIO) -> None:
    """The report as tables a person reads."""
    if not report.comparable:
        print(
            f"{path}: nothing to compare: no document is labelled by two or more annotators",
            file=out,
        )
    else:
        print(
            f"{path}: {report.documents} documents labelled by two or more annotators"
            f" ({', '.join(report.annotators)})",
            file=out,
        )
        _print_spans(report, out)
        _print_facts(report, out)
    _print_progress(report, out)


def _print_spans(report: AgreementReport, out: TextIO) -> None:
    rows = [*report.labels, *([report.overall] if report.overall else [])]
    print("\nspans", file=out)
    _table(
        out,
        ["label", "docs", "spans", "pairs", "exact F1", "overlap F1", "kappa", "alpha"],
        [
            [row.name, str(row.documents), str(row.spans), str(len(row.pairs))]
            + [_figure(value) for value in (row.exact_f1, row.overlap_f1, row.kappa, row.alpha)]
            for row in rows
        ],
    )
    if any(row.pairs for row in rows):
        print("\nspans by pair", file=out)
        _table(
            out,
            ["label", "pair", "docs", "exact F1", "overlap F1", "kappa"],
            [cells for row in rows for cells in _span_pair_cells(row)],
            left=2,
        )


def _span_pair_cells(row: LabelAgreement) -> list[list[str]]:
    return [
        [row.name, " / ".join(pair.annotators), str(pair.documents)]
        + [_figure(value) for value in (pair.exact_f1, pair.overlap_f1, pair.kappa)]
        for pair in row.pairs
    ]


def _print_facts(report: AgreementReport, out: TextIO) -> None:
    if report.facts_overall is None:
        return
    print("\nfact slots (same type and role, overlapping evidence, equal value)", file=out)
    if not report.facts_overall.slots:
        print("  no facts on these documents", file=out)
        return
    rows: list[FactAgreement] = [*report.facts, report.facts_overall]
    cells = [
        [row.name, "", str(row.slots), f"{row.matched}/{row.total}", _figure(row.f1)]
        for row in rows
    ]
    cells += [
        [
            "overall",
            " / ".join(pair.annotators),
            "",
            f"{pair.matched}/{pair.total}",
            _figure(pair.f1),
        ]
        for pair in report.facts_overall.pairs
    ]
    _table(out, ["type", "pair", "slots", "matched/total", "F1"], cells, left=2)


def _print_progress(report: AgreementReport, out: TextIO) -> None:
    print("\nprogress", file=out)
    if not report.progress:
        print("  no annotator has labelled anything yet", file=out)
        return
    _table(
        out,
        ["annotator", "done/assigned", "spans", "facts", "active/doc"],
        [
            [
                row.annotator,
                f"{row.done}/{row.assigned}",
                str(row.spans),
                str(row.facts),
                format_duration(row.median_active_seconds),
            ]
            for row in report.progress
        ],
    )


def _table(
    out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1
) -> None:
    """Columns as wide as their widest cell; the first ``left`` ones left-aligned."""
    widths = [max(_display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for cells in [header, *rows]:
        parts = []
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            padding = " " * (width - _display_width(cell))
            parts.append(cell + padding if index < left else padding + cell)
        print("  " + "  ".join(parts).rstrip(), file=out)


def _display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
