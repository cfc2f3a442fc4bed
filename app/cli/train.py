"""``thresher train FILE -o MODEL``: learn a line cleaner from a layer's labels.

The labelled pages are cleaned by the base cleaner in worker processes and every raw line
becomes a labelled feature row (``app.core.line_training``); a share of the pages, chosen
by a hash of seed and id, is held out; the model is fitted on the rest, measured on the
held-out pages (line accuracy, character F1 as ``thresher evaluate`` counts it, beside the
base cleaner's F1 there) and written as a small JSON model file. The label file is only
read. ``--cleaner learned:MODEL`` then uses it in ``import`` and ``evaluate --cleaners``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.core.adjudication import GOLD
from app.core.cleaners import LEARNED_BASES, unavailable_reason
from app.progress import Progress

if TYPE_CHECKING:
    from app.line_trainer import TrainOutcome

EXIT_OK, EXIT_USAGE = 0, 2
DEFAULT_BASE = "lines"

_EXAMPLE = """\
Examples:
  thresher train merged.db -o lines.model.json
  thresher train merged.db -o scratch.model.json --base none
  thresher evaluate merged.db --cleaners trafilatura,learned:lines.model.json

Learns from the gold-done documents of the gold layer (or, with --layer NAME, every
document NAME labelled): each non-blank raw line is keep, or the spam label covering at
least half of it. The model corrects the base cleaner's output line by line (--base none:
it learns from the text alone). --held-out of the documents (by a hash of --seed and id)
are kept for measuring; the model written is the one fitted on the rest. The model file
is JSON with a checksum; an edited or damaged one is refused, never run.
Exit status: 0 written, 2 unusable label file, unknown layer or too few labels."""


def add_train_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``train`` on the command line."""
    parser = commands.add_parser(
        "train",
        help="learn a line cleaner from the labels (learned:MODEL)",
        description="Train a line classifier (keep or a spam label per raw line) on a layer's "
        "labelled documents and write it as a model file for --cleaner learned:MODEL.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="the label file")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="MODEL")
    parser.add_argument("--layer", default=GOLD, help="whose labels: gold (default) or a name")
    parser.add_argument(
        "--base",
        default=DEFAULT_BASE,
        choices=LEARNED_BASES,
        help=f"the cleaner whose output the model corrects (default {DEFAULT_BASE})",
    )
    parser.add_argument(
        "--held-out", type=float, default=0.2, metavar="SHARE", help="share held out (0.2)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the held-out choice")
    parser.add_argument(
        "--hold-out-by",
        choices=("document", "site"),
        default="document",
        help="hold out single documents (default) or whole sites (the id's folder), to"
        " measure on sites the model never saw",
    )
    parser.add_argument("--workers", type=int, default=None, metavar="N")
    parser.set_defaults(handler=run_train)


def run_train(args: argparse.Namespace) -> int:
    """Train and write the model; 0 written, 2 the request cannot run."""
    problem = _problem(args)
    if problem:
        print(f"thresher: {problem}", file=sys.stderr)
        return EXIT_USAGE
    # numpy and the model load here, not with every command.
    from app.core.line_model import save_model  # noqa: PLC0415
    from app.line_trainer import TrainRequest, train_from_label_file  # noqa: PLC0415

    request = TrainRequest(
        args.file,
        args.layer,
        args.base,
        args.held_out,
        args.seed,
        args.hold_out_by,
        args.workers or os.cpu_count() or 1,
    )
    progress = Progress(0, sys.stderr, "preparing")
    try:
        outcome = train_from_label_file(request, lambda n, t: progress.show(n, t, "pages"))
    except ValueError as error:
        progress.finish()
        print(f"thresher: {args.file}: {error}; label more documents", file=sys.stderr)
        return EXIT_USAGE
    progress.finish()
    try:
        save_model(outcome.model, args.output)
    except OSError as error:
        print(f"thresher: {args.output}: cannot write it: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    _print_report(args, outcome, sys.stdout)
    return EXIT_OK


def _problem(args: argparse.Namespace) -> str | None:
    if not 0 < args.held_out < 1:
        return f"--held-out {args.held_out} is not a share between 0 and 1"
    if not args.output.parent.is_dir():
        return f"{args.output.parent} is not a folder; create it first"
    return unavailable_reason(args.base)


def _print_report(args: argparse.Namespace, outcome: TrainOutcome, out: TextIO) -> None:
    measured = outcome.measured
    print(
        f"{args.output}: line model over {args.base}, trained on {outcome.documents} documents"
        f" ({outcome.lines} lines) of layer {args.layer} in {outcome.seconds:.1f} s;"
        f" classes {', '.join(outcome.model.classes)}",
        file=out,
    )
    print(
        f"  held out: {measured.pages} documents ({args.held_out:.0%} of the"
        f" {args.hold_out_by}s by a hash of seed {args.seed} and id), {measured.lines} lines",
        file=out,
    )
    if not measured.pages:
        print("  nothing held out to measure on: label more documents", file=out)
        return
    score = measured.score
    print(
        f"  line accuracy {measured.line_accuracy:.3f}; characters: precision"
        f" {score.precision:.3f}, recall {score.recall:.3f}, F1 {score.f1:.3f}"
        f" ({args.base} alone: F1 {measured.base_score.f1:.3f})",
        file=out,
    )
    print(f"  use it: --cleaner learned:{args.output}", file=out)


def cleaner_choice(text: str) -> str:
    """``--cleaner``'s check: a cleaner this install can run, or ``learned:MODEL`` whose
    model file loads (so a bad model is one message before the import, not one per page)."""
    if text == "external":
        return text
    reason = unavailable_reason(text)
    if reason is not None:
        raise argparse.ArgumentTypeError(reason)
    return text
