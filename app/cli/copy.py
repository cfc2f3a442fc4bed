"""``thresher copy``: a clean copy of a label file, without what someone else added to it."""

from __future__ import annotations

import argparse
from pathlib import Path

from storage.clean_copy import clean_copy

_EXAMPLE = """\
Example:
  thresher copy team.db -o team-clean.db

Writes OUT, a new label file holding FILE's documents, labels, facts, statuses and
label schema, in the format's own tables and nothing else: triggers, views, tables
and indexes added to FILE are left out (and listed). FILE is only read; OUT is
written whole or not at all and must not exist yet."""


def add_copy_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``copy`` on the command line."""
    parser = commands.add_parser(
        "copy",
        help="write a clean copy of a label file (only the format's tables and rows)",
        description="Write a clean copy of a label file: the format's tables and their rows,"
        " without triggers, views, extra tables or indexes someone added.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="the label file to copy")
    parser.add_argument(
        "-o", "--output", required=True, type=Path, metavar="OUT", help="the new label file"
    )
    parser.set_defaults(handler=_copy)


def _copy(args: argparse.Namespace) -> int:
    summary = clean_copy(args.file, args.output)
    counts = ", ".join(
        f"{summary.rows.get(table, 0)} {table}" for table in ("documents", "spans", "facts")
    )
    print(f"{args.output}: a clean copy of {args.file} ({counts})")
    for left in summary.left_out:
        print(f"  left out: {left}")
    return 0
