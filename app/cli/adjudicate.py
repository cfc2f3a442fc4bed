"""``thresher adjudicate``: copy what annotators agree on into the gold layer, count the rest.

A lead merges the annotators' files, runs ``--auto unanimous`` (or ``majority``) once to
settle everything nobody disputes, then walks the disagreements left in the window's
review mode. Without ``--auto`` the file is only read and the work left is reported.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from app.core.adjudication import Level
from app.progress import Progress
from storage.errors import LabelFileError
from storage.gold import (
    auto_accept,
    documents_needing_adjudication,
    labelled_documents,
    read_document_labels,
)
from storage.labelfile import LabelFile, open_label_file

EXIT_OK, EXIT_USAGE = 0, 2
LEVELS = {"unanimous": Level.UNANIMOUS, "majority": Level.MAJORITY}
# Above this many documents with disagreements, name only the first ones.
LISTED_DOCUMENTS = 20

_EXAMPLE = """\
Examples:
  thresher adjudicate merged.db                    # what is agreed, what is disputed
  thresher adjudicate merged.db --auto unanimous   # copy what every annotator agrees on
  thresher adjudicate merged.db --auto majority    # also what most of them agree on

Looks at the documents labelled by two or more annotators (a status "done", or any span
or fact). Identical spans (layer, range, label) and identical facts (type and every slot)
are one item. --auto copies the agreed items into the gold layer (annotator "gold"), one
transaction per document; what gold already holds is not copied again, so a second run
copies nothing. A document with nothing left to decide is marked done in gold (unless
gold already has a status there); only gold-done documents go into a default gold
export. Disagreements are left for the review mode of the window (thresher open,
then Ctrl+R). Exit status: 0 done, 2 unusable or read-only label file."""


def add_adjudicate_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``adjudicate`` on the command line."""
    parser = commands.add_parser(
        "adjudicate",
        help="copy what annotators agree on into gold; count the disagreements",
        description="Compare the annotators of each document and copy what they agree on "
        "into the gold layer; report the disagreements left for review.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="the (merged) label file")
    parser.add_argument(
        "--auto",
        choices=tuple(LEVELS),
        default=None,
        help="copy into gold the items all (unanimous) or more than half (majority) of a "
        "document's annotators agree on; without it nothing is written",
    )
    parser.set_defaults(handler=run_adjudicate)


@dataclass
class _Tally:
    """What a run found and did, summed over documents."""

    looked_at: int = 0
    copied_spans: int = 0
    copied_facts: int = 0
    already: int = 0
    marked_done: int = 0  # documents whose gold became done: nothing left to decide
    agreed_left: dict[Level, int] = field(default_factory=lambda: dict.fromkeys(Level, 0))
    disagreements: dict[str, int] = field(default_factory=dict)  # doc id -> open ones


def run_adjudicate(args: argparse.Namespace) -> int:
    """Adjudicate (or, without ``--auto``, only count); 0 done, 2 unusable file."""
    level = LEVELS[args.auto] if args.auto else None
    try:
        if level is not None and args.file.exists() and not os.access(args.file, os.W_OK):
            raise LabelFileError(f"{args.file} is not writable; nothing was copied into gold")
        with open_label_file(args.file, read_only=level is None) as label_file:
            tally, alone = _run(label_file, level, sys.stderr)
    except LabelFileError as error:
        print(f"thresher: {error}", file=sys.stderr)
        return EXIT_USAGE
    _print_report(args.file, level, tally, alone, sys.stdout)
    return EXIT_OK


def _run(label_file: LabelFile, level: Level | None, stream: TextIO) -> tuple[_Tally, int]:
    """Go through the documents; return the tally and how many had one annotator only."""
    db = label_file.connection
    doc_ids = documents_needing_adjudication(db)
    progress = Progress(len(doc_ids), stream, "adjudicating")
    tally = _Tally(looked_at=len(doc_ids))
    for doc_id in doc_ids:
        if level is None:
            found = read_document_labels(db, doc_id).adjudication()
            open_count = len(found.open_items())
            for agreed in (Level.UNANIMOUS, Level.MAJORITY):
                tally.agreed_left[agreed] += len(found.open_items(agreed))
        else:
            outcome = auto_accept(label_file, doc_id, level)
            tally.copied_spans += len(outcome.written.span_ids)
            tally.copied_facts += len(outcome.written.fact_ids)
            tally.already += outcome.written.already
            tally.marked_done += outcome.marked_done
            tally.agreed_left[Level.MAJORITY] += outcome.open_majority
            open_count = outcome.open_disagreements
        if open_count:
            tally.disagreements[doc_id] = open_count
        progress.advance()
    progress.finish()
    return tally, labelled_documents(db) - len(doc_ids)


def _print_report(path: Path, level: Level | None, tally: _Tally, alone: int, out: TextIO) -> None:
    alone_note = f"; {alone} labelled by one annotator only, left alone" if alone else ""
    print(f"{path}: {tally.looked_at} documents labelled by two or more annotators{alone_note}")
    if level is None:
        unanimous, majority = tally.agreed_left[Level.UNANIMOUS], tally.agreed_left[Level.MAJORITY]
        print(f"  agreed, not yet in gold: {unanimous} unanimous, {majority} majority items")
    else:
        copied = tally.copied_spans + tally.copied_facts
        print(
            f"  copied into gold:   {copied} items ({tally.copied_spans} spans,"
            f" {tally.copied_facts} facts)"
        )
        print(f"  already in gold:    {tally.already} items")
        print(f"  marked gold done:   {tally.marked_done} documents (nothing left to decide)")
        if level is Level.UNANIMOUS and tally.agreed_left[Level.MAJORITY]:
            print(
                f"  majority items left: {tally.agreed_left[Level.MAJORITY]}"
                " (--auto majority copies them)"
            )
    left = sum(tally.disagreements.values())
    print(f"  disagreements left: {left} items on {len(tally.disagreements)} documents")
    listed = list(tally.disagreements.items())[:LISTED_DOCUMENTS]
    for doc_id, count in listed:
        print(f"    {count:4d}  {doc_id}")
    if len(tally.disagreements) > len(listed):
        print(f"    ... and {len(tally.disagreements) - len(listed)} more documents")
    if left:
        print(f"  review them in the window: thresher open {path}, then Ctrl+R")
