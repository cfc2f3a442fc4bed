"""``thresher evaluate``: score each document's cleaner against the gold clean text.

A trainer runs it on an adjudicated file to see, in character precision, recall and F1,
how well the cleaners did and which documents they fail worst on. The scoring rule is in
``app.core.evaluation``; which documents are judged is in ``storage.evaluation_read``.
The file is only read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from app.cli.leaderboard import leaderboard, parse_cleaners, print_leaderboard
from app.core.adjudication import GOLD
from app.core.evaluation import (
    CleanerScore,
    ScoredDocument,
    by_cleaner,
    macro_f1,
    score_document,
    total,
    worst_first,
)
from app.progress import Progress
from storage.evaluation_read import (
    DocumentToScore,
    check_layer,
    document_total,
    documents_to_score,
    judged_documents,
)
from storage.labelfile import open_label_file

EXIT_OK, EXIT_USAGE = 0, 2
WORST_SHOWN = 20

_EXAMPLE = """\
Examples:
  thresher evaluate merged.db                      # the cleaners against the gold layer
  thresher evaluate team.db --layer kim --worst 5  # against kim's labels, 5 worst pages
  thresher evaluate merged.db --json | jq '.worst[0]'
  thresher evaluate merged.db --cleaners trafilatura,lines,resiliparse,learned:lines.model

Scores on raw-text characters, whitespace left out. Gold keeps the raw characters no
spam span of the layer covers (the gold clean text); the cleaner keeps the raw characters
its alignment traces, plus any clean text traced to nothing (counted as wrong). Precision
= both keep / cleaner keeps, recall = both keep / gold keeps; a page where neither keeps
anything scores 1.0. Only documents the layer labelled (a raw span or status "done") are
scored; overall figures sum the characters of all of them (micro), macro F1 averages the
documents. --cleaners re-cleans the scored documents with each cleaner instead (in worker
processes) and ranks them by F1, with pages per second and, per spam label, the share of
its characters each cleaner kept; a cleaner whose package is not installed is skipped with
a message. Exit status: 0 done, 2 unusable label file or unknown layer."""


def add_evaluate_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``evaluate`` on the command line."""
    parser = commands.add_parser(
        "evaluate",
        help="score the cleaners against the labels: character precision, recall, F1",
        description="Score each labelled document's clean text against its gold clean text "
        "(the raw text without the layer's spam spans), overall, per cleaner and worst first.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="the label file")
    parser.add_argument(
        "--layer",
        default=GOLD,
        help="whose labels are the truth: gold (default) or an annotator's name",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--worst",
        type=_count,
        default=WORST_SHOWN,
        metavar="N",
        help=f"how many of the worst documents to list (default {WORST_SHOWN})",
    )
    parser.add_argument(
        "--cleaners",
        metavar="A,B,...",
        help="re-clean every scored document with each of these cleaners (trafilatura, lines,"
        " none, resiliparse, readability, justext, learned:MODEL) and rank them in one table",
    )
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="worker processes for --cleaners"
    )
    parser.set_defaults(handler=run_evaluate)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of documents (0 or more)")
    return value


def run_evaluate(args: argparse.Namespace) -> int:
    """Score the file; a bad file or layer raises LabelFileError (exit 2 in ``main``)."""
    if args.cleaners is not None:
        return _run_leaderboard(args)
    with open_label_file(args.file, read_only=True) as label_file:
        check_layer(label_file, args.layer)
        db = label_file.connection
        doc_ids = judged_documents(db, args.layer)
        skipped = document_total(db) - len(doc_ids)
        scored = _score(documents_to_score(db, doc_ids, args.layer), len(doc_ids), sys.stderr)
    if args.json:
        report = _json_report(args.layer, scored, skipped)
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_report(args.file, args.layer, scored, skipped, sys.stdout, worst=args.worst)
    return EXIT_OK


def _run_leaderboard(args: argparse.Namespace) -> int:
    names = parse_cleaners(args.cleaners)
    if not names:
        print("thresher: --cleaners names no cleaner", file=sys.stderr)
        return EXIT_USAGE
    with open_label_file(args.file, read_only=True) as label_file:
        check_layer(label_file, args.layer)
        report = leaderboard(label_file, args.layer, names, args.workers, sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_leaderboard(args.file, report, sys.stdout)
    return EXIT_OK


def _score(
    documents: Iterable[DocumentToScore], count: int, stream: TextIO
) -> list[ScoredDocument]:
    progress = Progress(count, stream, "evaluating")
    scored = []
    for doc in documents:
        score = score_document(doc.raw_text, doc.clean_text, doc.segments, doc.spam_spans)
        scored.append(ScoredDocument(doc.doc_id, doc.cleaner, score))
        progress.advance()
    progress.finish()
    return scored


def _figures(score: CleanerScore) -> dict[str, Any]:
    return {
        "precision": score.precision,
        "recall": score.recall,
        "f1": score.f1,
        "tp": score.tp,
        "fp": score.fp,
        "fn": score.fn,
    }


def _json_report(layer: str, scored: Sequence[ScoredDocument], skipped: int) -> dict[str, Any]:
    scores = [doc.score for doc in scored]
    overall = _figures(total(scores))
    if not scored:  # nothing judged: 1.0 would claim a perfect cleaner
        overall.update(precision=None, recall=None, f1=None)
    return {
        "layer": layer,
        "documents": len(scored),
        "skipped": skipped,
        "overall": overall,
        "macro_f1": macro_f1(scores),
        "cleaners": {
            name: {"documents": len(group), **_figures(total(group)), "macro_f1": macro_f1(group)}
            for name, group in by_cleaner(scored).items()
        },
        "worst": [
            {"id": doc.doc_id, "cleaner": doc.cleaner, **_figures(doc.score)}
            for doc in worst_first(scored)
        ],
    }


def _print_report(
    path: Path,
    layer: str,
    scored: Sequence[ScoredDocument],
    skipped: int,
    out: TextIO,
    *,
    worst: int,
) -> None:
    skipped_note = f"; {skipped} not labelled on {layer}, not scored" if skipped else ""
    print(f"{path}: {len(scored)} documents scored against layer {layer}{skipped_note}", file=out)
    if not scored:
        print(f"  nothing to score: no document has a raw span or status done by {layer}", file=out)
        return
    scores = [doc.score for doc in scored]
    print(f"  {'':<24}{_HEADER}", file=out)
    print(f"  {'overall (micro)':<24}{_columns(total(scores))}", file=out)
    print(f"  {'macro F1':<24}{'':<20}{macro_f1(scores) or 0.0:7.3f}", file=out)
    print("  by cleaner:", file=out)
    for name, group in by_cleaner(scored).items():
        print(f"    {f'{name} ({len(group)} docs)':<22}{_columns(total(group))}", file=out)
    ranked = worst_first(scored)[:worst]
    if not ranked:
        return
    print("  worst documents (lowest F1 first):", file=out)
    for doc in ranked:
        print(f"    {doc.cleaner:<22}{_columns(doc.score)}  {doc.doc_id}", file=out)
    if len(scored) > len(ranked):
        print(
            f"    ... and {len(scored) - len(ranked)} more (--worst N, or --json for all)", file=out
        )


_HEADER = f"{'precision':>10}{'recall':>10}{'F1':>7}{'tp':>10}{'fp':>10}{'fn':>10}"


def _columns(score: CleanerScore) -> str:
    """P, R, F1 and the counts behind them, under ``_HEADER``."""
    return (
        f"{score.precision:10.3f}{score.recall:10.3f}{score.f1:7.3f}"
        f"{score.tp:10d}{score.fp:10d}{score.fn:10d}"
    )
