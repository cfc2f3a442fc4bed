"""``thresher import``: the command, its progress display and its report."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import TextIO

from app.cli.import_interop import add_interop_arguments, add_labels, counted_sources, print_notes
from app.cli.train import cleaner_choice
from app.core.labelschema import LabelSchema, SchemaError, default_schema, load_schema
from app.core.prepare import ImportOptions
from app.core.source_files import printable
from app.core.sources import count_sources
from app.ingest import ImportReport, import_sources
from app.progress import Progress
from storage.labelfile import LabelFile, open_or_create
from storage.output_file import explain_database_failure, unusable

_EXAMPLE = """\
Examples:
  thresher import pages/ --into team.db --annotator kim
  thresher import crawl.jsonl --into team.db --cleaner external
  thresher import a.html b.txt --into team.db --cleaner lines --schema my_labels.json
  thresher import crawl.warc.gz ls_export.json prodigy.jsonl --into team.db --add-labels

A folder is read recursively for .txt, .html, .htm and .jsonl files; a document's id is
its path relative to the folder, without extension (NFC). Links leading out of the
folder and file names that are not text are refused by name. A .jsonl file holds one
record per line with at least "id" and "raw_text" or "raw_html" (optional: clean_text,
url, title, spans, facts).
Also read: WARC crawls (.warc, .warc.gz, in folders too), Label Studio JSON exports
(.json), Prodigy, doccano and Thresher "spans" JSONL (README, "Other tools' files").
Exit status: 0 all imported, 1 some inputs refused (each named on stderr), 2 usage error
or unusable label file."""

# Above this many documents, list only the worst-aligned ones instead of every document.
PER_DOCUMENT_LIMIT = 20


def add_import_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], cleaners: tuple[str, ...]
) -> None:
    """Register ``import`` on the command line."""
    parser = commands.add_parser(
        "import",
        help="import pages and JSONL records into a label file",
        description="Import pages (.txt, .html, folders) and JSONL records into a label "
        "file, creating it if missing. Each page is decoded, made canonical, cleaned and "
        "aligned with its clean text.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "sources", nargs="+", type=Path, metavar="SRC", help="files or folders to import"
    )
    parser.add_argument(
        "--into",
        required=True,
        type=Path,
        metavar="FILE",
        help="the label file (created if missing)",
    )
    parser.add_argument(
        "--annotator",
        default="import",
        metavar="NAME",
        help="owner of a new file, and annotator of imported spans that "
        "name none (default: import)",
    )
    parser.add_argument(
        "--cleaner",
        type=cleaner_choice,  # the names, or learned:MODEL (checked before anything runs)
        metavar="{" + ",".join(cleaners) + ",learned:MODEL}",
        default=None,
        help="cleaner for every page (default: trafilatura for HTML, "
        "lines for text; a record's own clean_text is always kept)",
    )
    parser.add_argument(
        "--schema",
        type=Path,
        metavar="JSON",
        help="label schema for a new file (default: the bundled one)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes for cleaning (default: one per core)",
    )
    add_interop_arguments(parser)
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Import, print refusals and a summary; 0 all in, 1 some refused, 2 unusable."""
    try:
        schema = load_schema(args.schema) if args.schema else default_schema()
    except SchemaError as error:
        print(f"thresher: {error}", file=sys.stderr)
        return 2
    total, survey = counted_sources(args, count_sources)
    progress = Progress(total, sys.stderr, "importing")
    with _open_destination(args.into, args.annotator, schema) as label_file:
        if args.add_labels:
            add_labels(label_file, survey, sys.stderr)
        report = import_sources(
            label_file,
            args.sources,
            ImportOptions(annotator=args.annotator, cleaner=args.cleaner),
            workers=args.workers,
            expected=total,
            progress=progress.advance,
        )
    progress.finish()
    print_notes(survey, sys.stderr)
    _print_report(report, args.into, sys.stderr)
    return 1 if report.refusals else 0


def _open_destination(into: Path, annotator: str, schema: LabelSchema) -> LabelFile:
    """The label file to import into, or a one-line reason it cannot be made there."""
    try:
        return open_or_create(into, owner=annotator, schema=schema)
    except OSError as error:  # its folder is read-only, full, a file ...
        raise unusable(into, error) from error
    except sqlite3.Error as error:
        explained = explain_database_failure(into, error)
        if explained is None:
            raise
        raise explained from error


def _print_report(report: ImportReport, into: Path, stream: TextIO) -> None:
    for refusal in report.refusals:
        print(f"refused {refusal}", file=stream)
    aligned = sorted(report.aligned, key=lambda item: item[1])
    shown = aligned if len(aligned) <= PER_DOCUMENT_LIMIT else aligned[:5]
    if shown:
        heading = "aligned share" if shown is aligned else "lowest aligned share"
        print(f"{heading} (clean text traced back to the raw text):", file=stream)
        for doc_id, share in shown:
            print(f"  {share:7.1%}  {printable(doc_id)}", file=stream)
    counts = report.counts
    print(
        f"{into}: {counts.added} documents added, {counts.skipped} already there, "
        f"{len(report.refusals)} refused; {counts.spans} spans and {counts.facts} facts added",
        file=stream,
    )
