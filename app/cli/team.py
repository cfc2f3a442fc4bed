"""``thresher assign`` and ``thresher merge``: handing label files out and taking them back."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from app.progress import Progress
from storage.assign import write_assignment
from storage.merge import MergeSummary, merge_label_files
from storage.output_file import explain_database_failure, unusable

_ASSIGN_EXAMPLE = """\
Example:
  thresher assign team.db --annotators kim,lee,park --overlap 0.2 -o handout/

Writes handout/kim.db, handout/lee.db and handout/park.db, each owned by its annotator.
Documents are split evenly; the --overlap share of them goes to two annotators each, so
`thresher agreement` can compare them after `thresher merge`. The same --seed always gives
the same split; the split is recorded in each file (meta key "assignment")."""

_MERGE_EXAMPLE = """\
Examples:
  thresher merge handout/kim.db handout/lee.db handout/park.db -o merged.db
  thresher merge old.db new.db -o merged.db --keep-conflicts

Inputs are read and never changed; OUT is written whole or not at all. Documents match on
id and raw-text hash; the same id with another text is refused (each named) unless
--keep-conflicts keeps every variant as ID#HASH. Spans, facts, slots and statuses are a
union by id, the newest edit (and deletion) winning, so argument order never matters."""


def add_team_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``assign`` and ``merge`` on the command line."""
    assign = commands.add_parser(
        "assign",
        help="write one label file per annotator, with a shared share for agreement",
        description="Split a label file's documents into one new label file per annotator.",
        epilog=_ASSIGN_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    assign.add_argument("file", type=Path, help="the label file to hand out")
    assign.add_argument(
        "--annotators", required=True, metavar="A,B,...", help="comma-separated annotator names"
    )
    assign.add_argument(
        "--overlap",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="share of documents given to two annotators, 0 to 1 (default: 0)",
    )
    assign.add_argument("--seed", type=int, default=0, help="seed of the split (default: 0)")
    assign.add_argument(
        "-o", "--output", required=True, type=Path, metavar="DIR", help="folder for the files"
    )
    assign.set_defaults(handler=_assign)
    merge = commands.add_parser(
        "merge",
        help="merge label files into a new one",
        description="Merge label files (documents, spans, facts, statuses) into a new file.",
        epilog=_MERGE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    merge.add_argument("inputs", nargs="+", type=Path, metavar="IN", help="label files to merge")
    merge.add_argument(
        "-o", "--output", required=True, type=Path, metavar="OUT", help="the new label file"
    )
    merge.add_argument(
        "--keep-conflicts",
        action="store_true",
        help="keep documents whose id holds different texts, as ID#HASH, instead of refusing",
    )
    merge.add_argument(
        "--owner", default="lead", metavar="NAME", help="owner of the new file (default: lead)"
    )
    merge.set_defaults(handler=_merge)


def _assign(args: argparse.Namespace) -> int:
    names = [name.strip() for name in args.annotators.split(",") if name.strip()]
    progress = Progress(0, sys.stderr, "writing")
    assignment = write_assignment(
        args.file,
        names,
        args.overlap,
        args.output,
        seed=args.seed,
        progress=lambda n, total, name: progress.show(n, total, f"{name}.db"),
    )
    progress.finish()
    for name in names:
        count = len(assignment.documents[name])
        shared = sum(1 for names_ in assignment.shared.values() if name in names_)
        print(f"{args.output / (name + '.db')}: {count} documents ({shared} shared)")
    print(f"{len(assignment.shared)} documents shared by two annotators; seed {args.seed}")
    return 0


def _merge(args: argparse.Namespace) -> int:
    progress = Progress(0, sys.stderr, "merging")
    try:
        summary = merge_label_files(
            args.inputs,
            args.output,
            keep_conflicts=args.keep_conflicts,
            owner=args.owner,
            progress=lambda n, total, path: progress.show(n, total, path.name),
        )
    except OSError as error:  # the output's folder: read-only, full, missing ...
        raise unusable(args.output, error) from error
    except sqlite3.Error as error:
        explained = explain_database_failure(args.output, error)
        if explained is None:
            raise
        raise explained from error
    progress.finish()
    _print_summary(args.output, summary)
    return 0


def _print_summary(output: Path, summary: MergeSummary) -> None:
    records = summary.records
    print(f"{output}: merged {summary.inputs} files")
    print(f"  documents:  {summary.documents}")
    print(f"  annotators: {', '.join(summary.annotators) or '-'}")
    print(
        f"  records:    {records['spans']} spans, {records['facts']} facts,"
        f" {records['fact_slots']} slots, {records['document_status']} statuses"
        f" ({sum(summary.deleted.values())} deletions kept as tombstones)"
    )
    kept = summary.conflicts_kept
    print(
        f"  conflicts:  {len(kept)} ids kept in several variants"
        + (f": {', '.join(kept)}" if kept else "")
    )
