"""``thresher import``'s options for other tools' files: --text-field, --add-labels, notes."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from app.core.interop.detect import ReadOptions, Survey, set_read_options, surveying
from app.core.interop.labels import labels_to_add
from storage.labelfile import LabelFile
from storage.schema_rows import append_labels, read_label_schema


def add_interop_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``--text-field`` and ``--add-labels``."""
    parser.add_argument(
        "--text-field",
        metavar="NAME",
        help="the Label Studio data field holding the text (default: text)",
    )
    parser.add_argument(
        "--add-labels",
        action="store_true",
        help="add span labels the schema lacks (with a colour; otherwise they are refused)",
    )


def counted_sources(
    args: argparse.Namespace, count: Callable[[Sequence[Path]], int]
) -> tuple[int, Survey]:
    """Count the sources with the readers set up as asked; keep what the count saw."""
    set_read_options(ReadOptions(text_field=args.text_field))
    with surveying() as survey:
        total = count(args.sources)
    return total, survey


def add_labels(label_file: LabelFile, survey: Survey, stream: TextIO) -> None:
    """Add the labels the sources use and the schema lacks; say which and which not."""
    labels, problems = labels_to_add(survey.labels, read_label_schema(label_file.connection))
    for problem in problems:
        print(f"thresher: {problem}", file=stream)
    if labels:
        with label_file.transaction() as db:
            append_labels(db, labels)
        names = ", ".join(label.name for label in labels)
        print(f"added {len(labels)} labels to the schema: {names}", file=stream)


def print_notes(survey: Survey, stream: TextIO) -> None:
    """What the readers left out on purpose, by reason (not refusals)."""
    if not survey.notes:
        return
    print("left out on purpose (not refused):", file=stream)
    for kind, count in sorted(survey.notes.items()):
        print(f"  {count:6d}  {kind}", file=stream)
