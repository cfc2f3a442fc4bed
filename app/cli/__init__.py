"""The ``thresher`` command line. No Qt here: every command runs without a display."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import __version__
from app.cli.adjudicate import add_adjudicate_command
from app.cli.agreement import add_agreement_command
from app.cli.copy import add_copy_command
from app.cli.demo import add_demo_command
from app.cli.evaluate import add_evaluate_command
from app.cli.export import add_export_command
from app.cli.find import add_find_command
from app.cli.importing import add_import_command
from app.cli.sample import add_sample_command
from app.cli.team import add_team_commands
from app.cli.train import add_train_command
from app.cli.window_entry import launch_window
from app.core.cleaners import CLEANER_NAMES
from storage.documents import read_document_record
from storage.errors import LabelFileError
from storage.labelfile import open_label_file
from storage.reports import file_stats, gold_line
from storage.validate import validate

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a command that stopped so

Handler = Callable[[argparse.Namespace], int]

_DESCRIPTION = """\
Thresher: review crawled web pages, tag spam and boilerplate, extract facts, and keep
every label in one SQLite label file.

With no command, opens the review window on the last label file (or the demo).

Examples:
  thresher open team.db
  thresher import pages/ --into team.db --annotator kim
  thresher stats team.db
  thresher show team.db news/0001
  thresher validate team.db
  thresher assign team.db --annotators kim,lee,park --overlap 0.2 -o handout/
  thresher merge handout/*.db -o merged.db
  thresher agreement merged.db --label nav
  thresher adjudicate merged.db --auto unanimous
  thresher evaluate merged.db --worst 10
  thresher export merged.db -o gold.jsonl --format jsonl --split train=0.9,test=0.1
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand (also used by the README check)."""
    parser = argparse.ArgumentParser(
        prog="thresher",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"thresher {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_import_command(commands, CLEANER_NAMES)
    _add(
        commands,
        "show",
        _show,
        "print one document as a JSON record",
        "thresher show team.db news/0001\n  thresher show team.db news/0001 --compact | jq .spans",
    )
    show = commands.choices["show"]
    show.add_argument("file", type=Path, help="the label file")
    show.add_argument("doc_id", help="the document's id")
    show.add_argument("--compact", action="store_true", help="print the record on one line")
    stats = _add(
        commands,
        "stats",
        _stats,
        "count documents, statuses, labels, annotators",
        "thresher stats team.db\n  thresher stats team.db --json",
    )
    stats.add_argument("file", type=Path, help="the label file")
    stats.add_argument("--json", action="store_true", help="print a JSON object")
    check = _add(
        commands,
        "validate",
        _validate,
        "check integrity, version and that every span points at its text",
        "thresher validate team.db && echo valid",
    )
    check.add_argument("file", type=Path, help="the label file")
    add_team_commands(commands)
    add_copy_command(commands)
    add_export_command(commands)
    add_find_command(commands)
    add_agreement_command(commands)
    add_adjudicate_command(commands)
    add_evaluate_command(commands)
    add_train_command(commands)
    add_sample_command(commands)
    add_demo_command(commands)
    opener = _add(
        commands, "open", _open, "open a label file in the review window", "thresher open team.db"
    )
    opener.add_argument("file", type=Path, help="the label file")
    return parser


def _add(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    summary: str,
    example: str,
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}.",
        epilog=f"Example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", _open_last)
    try:
        status = handler(args)
        sys.stdout.flush()  # a reader gone early shows here, not at the interpreter's exit
        return status
    except BrokenPipeError:
        return _reader_gone()
    except LabelFileError as error:
        print(f"thresher: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(
            "\nthresher: interrupted; everything reported as saved is in the file", file=sys.stderr
        )
        return 130


def _reader_gone() -> int:
    """The output's reader left (``thresher show ... | head``): stop quietly, as SIGPIPE would.

    Python ignores SIGPIPE, so the write raised instead; what is still buffered goes to
    /dev/null, or flushing it at exit would raise again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (tests pass a StringIO)
        pass
    return EXIT_BROKEN_PIPE


def _open(args: argparse.Namespace) -> int:
    open_label_file(args.file, read_only=True).close()  # a clear message before any window
    return launch_window(args.file)


def _open_last(args: argparse.Namespace) -> int:
    return launch_window(None)


def _show(args: argparse.Namespace) -> int:
    with open_label_file(args.file, read_only=True) as label_file:
        record = read_document_record(label_file.connection, args.doc_id)
    if record is None:
        print(f"thresher: {args.file}: no document with id {args.doc_id!r}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(record, ensure_ascii=False, indent=None if args.compact else 2))
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    with open_label_file(args.file, read_only=True) as label_file:
        stats = file_stats(label_file.connection)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{args.file}: {stats['documents']} documents, owner {stats['owner'] or '-'}")
    print("  status:     " + _pairs(stats["status"]))
    print(f"  spans:      {stats['spans']}   facts: {stats['facts']}")
    print("  labels:     " + (_pairs(stats["labels"]) or "-"))
    print("  annotators: " + (", ".join(stats["annotators"]) or "-"))
    print("  cleaners:   " + _pairs(stats["cleaners"]))
    print("  gold:       " + gold_line(stats["gold"]))
    if stats["aligned_share"] is not None:
        print(f"  aligned:    {stats['aligned_share']:.1%} of clean text on average")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    with open_label_file(args.file, read_only=True, rows=False) as label_file:
        problems = validate(label_file.connection)
    for problem in problems:
        print(f"{args.file}: {problem}")
    if problems:
        print(f"thresher: {args.file} is NOT valid ({len(problems)} problems)", file=sys.stderr)
        return EXIT_PARTIAL
    print(f"{args.file}: valid")
    return EXIT_OK


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items())
