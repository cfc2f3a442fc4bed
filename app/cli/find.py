"""``thresher find``: a literal or a regular expression across every document's raw text."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from app.progress import Progress
from storage.corpus_search import FindResult, PatternError, find
from storage.labelfile import open_label_file

EXIT_OK, EXIT_USAGE = 0, 2
DEFAULT_LIMIT = 1000

_EXAMPLE = """\
Examples:
  thresher find team.db '무단전재'
  thresher find team.db '^(Copyright|ⓒ).*$' --regex --limit 20
  thresher find team.db '카지노' --json | jq '.results[] | .doc_id' | sort -u

Prints one line per hit, DOC_ID:LINE:START-END: and the line around it, then how many
hits in how many documents. START and END are code-point offsets into the document's
raw text (raw_text[START:END] is the hit). A literal of three or more characters is
looked up in the file's trigram index; shorter ones, regular expressions without such
a literal and files from before the index are scanned. Exits 0 (also when nothing is
found), 2 for an empty or invalid pattern or an unusable file."""


def add_find_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``find`` on the command line."""
    parser = commands.add_parser(
        "find",
        help="find a literal or regular expression in every document's raw text",
        description="Find a literal (or, with --regex, a regular expression) in the raw text "
        "of every document: each hit with its document, line and exact range.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="the label file")
    parser.add_argument("pattern", help="the text to find (a regular expression with --regex)")
    parser.add_argument(
        "--regex", action="store_true", help="PATTERN is a Python regular expression"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"list at most N hits, 0 for all (default {DEFAULT_LIMIT}); totals count all",
    )
    parser.set_defaults(handler=run_find)


def run_find(args: argparse.Namespace) -> int:
    """Print the hits; 0 when the search ran, 2 for a pattern that cannot be searched."""
    if args.limit < 0:
        print(f"thresher: --limit must be 0 or more, not {args.limit}", file=sys.stderr)
        return EXIT_USAGE
    with open_label_file(args.file, read_only=True) as label_file:
        shown = Progress(0, sys.stderr, "reading")
        try:
            result = find(
                label_file.connection,
                args.pattern,
                regex=args.regex,
                limit=args.limit or None,
                progress=lambda number, total: shown.show(number, total, "documents"),
            )
        except PatternError as error:
            print(f"thresher: {error}", file=sys.stderr)
            return EXIT_USAGE
        finally:
            shown.finish()
    if args.json:
        print(json.dumps({"file": str(args.file), **result.as_json()}, ensure_ascii=False))
    else:
        print_hits(args.file, result, sys.stdout)
    return EXIT_OK


def print_hits(path: Path, result: FindResult, out: TextIO) -> None:
    """One line per hit, then the totals."""
    for hit in result.hits:
        # The context is file content: shown as it is, one line (newlines made visible).
        context = hit.context.replace("\n", "⏎")
        print(f"{hit.doc_id}:{hit.line}:{hit.start}-{hit.end}: {context}", file=out)
    listed = f", {len(result.hits)} listed (--limit)" if result.truncated else ""
    print(
        f"{path}: {result.total_hits} hits in {result.documents} documents{listed}",
        file=out,
    )
