"""``thresher export``: gold data for training, as JSONL, Parquet, line labels, spans, articles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.progress import Progress
from storage.export import (
    ALL,
    EXPORT_STATUSES,
    GOLD,
    ExportOptions,
    ExportRefused,
    ExportSummary,
    SpanMismatch,
    count_documents,
    export_label_file,
    parse_split,
)
from storage.export_formats import FORMATS

_EXAMPLE = f"""\
Examples:
  thresher export merged.db -o gold.jsonl --format jsonl --status done
  thresher export merged.db -o gold.parquet --format parquet --split train=0.8,dev=0.1,test=0.1
  thresher export merged.db -o lines.parquet --format lines --labels nav,ad,comment
  thresher export kim.db -o kim.spans.jsonl --format spans --layer kim
  thresher export kim.db -o tasks.json --format labelstudio --layer kim
  thresher export merged.db -o gold_dataset --format hf --split train=0.9,test=0.1

Formats: {", ".join(FORMATS)} (fields in the README, "Export formats"). --layer {GOLD} (the
default) exports the adjudicated labels, NAME one annotator's, {ALL} everyone's (not for
lines or articles, which need one answer). With --split, each part goes to OUT with its
name before the extension (gold.train.jsonl, gold.dev.jsonl ...); a document's part
depends only on --seed, its text hash and its id. Every span's text is checked against
its offsets first; a mismatch stops the export and no output file is left.
--format hf writes a Hugging Face dataset folder (Parquet shards per split and a
README.md card declaring the features); a jsonl or parquet --split into an existing
folder does the same in that format. Only gold-done documents go out of the gold layer unless
--include-unfinished. Exit status: 0 written, 1 a span does not match its text, 2 usage
error, unusable file, or an OUT that cannot be written (read-only, full, a folder)."""


def add_export_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``export`` on the command line."""
    parser = commands.add_parser(
        "export",
        help="export documents and a layer's labels for training",
        description="Export a label file's documents with one layer's spans and facts, "
        "and their gold clean text, in a format trainers load directly.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="the label file")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT", help="output")
    parser.add_argument("--format", required=True, choices=FORMATS, help="the output format")
    parser.add_argument(
        "--layer",
        default=GOLD,
        metavar=f"{GOLD}|ANNOTATOR|{ALL}",
        help="whose labels (default: gold, the adjudicated layer)",
    )
    parser.add_argument(
        "--status",
        choices=EXPORT_STATUSES,
        help="only documents the layer marked so (with --layer all: any annotator)",
    )
    parser.add_argument("--split", metavar="NAME=SHARE,...", help="e.g. train=0.8,dev=0.1,test=0.1")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split (default: 0)")
    parser.add_argument("--labels", metavar="L,...", help="only spans with these labels")
    parser.add_argument(
        "--shard-mb",
        type=float,
        default=256,
        metavar="MB",
        help="hf (dataset folder): the most text per Parquet shard, in MB (default 256)",
    )
    parser.add_argument(
        "--include-unfinished",
        action="store_true",
        help="gold layer: export documents gold is not done with too, each record saying"
        " its gold_state (default: gold-done documents only)",
    )
    parser.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    """Export; 0 written, 1 a span check failed, 2 the request cannot run."""
    try:
        options = ExportOptions(
            format=args.format,
            layer=args.layer,
            status=args.status,
            labels=_labels(args.labels),
            splits=parse_split(args.split) if args.split else (),
            seed=args.seed,
            include_unfinished=args.include_unfinished,
            shard_bytes=max(1, int(args.shard_mb * 1024 * 1024)),
        )
        progress = Progress(
            count_documents(args.file, args.output, options), sys.stderr, "exporting"
        )
        summary = export_label_file(args.file, args.output, options, progress.advance)
    except ExportRefused as error:
        print(f"thresher: {error}", file=sys.stderr)
        return 2
    except SpanMismatch as error:
        print(f"thresher: {error}; nothing was written", file=sys.stderr)
        return 1
    progress.finish()
    _print_summary(args.output, options, summary)
    return 0


def _labels(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    labels = frozenset(label.strip() for label in text.split(",") if label.strip())
    if not labels:
        raise ExportRefused("--labels names no label")
    return labels


def _print_summary(output: Path, options: ExportOptions, summary: ExportSummary) -> None:
    print(
        f"{output}: {summary.documents} documents, {summary.spans} spans"
        f" (layer {options.layer}, format {options.format})"
    )
    if options.splits:
        for path, count in summary.per_output.items():
            print(f"  {path}: {count} documents")
    if summary.left_out:
        reasons = ", ".join(f"{n} {_LEFT_OUT[state]}" for state, n in summary.left_out.items())
        print(
            f"  left out {sum(summary.left_out.values())} documents gold is not done with:"
            f" {reasons} (--include-unfinished exports them, marked)"
        )


_LEFT_OUT = {
    "open_disagreements": "with open disagreements",
    "not_started": "not adjudicated yet",
}
