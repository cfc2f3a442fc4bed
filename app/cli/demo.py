"""``thresher demo``: open (making it once) the demo label file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.window_entry import launch_window
from app.demo import ensure_demo_file
from storage.labelfile import open_label_file
from storage.reports import file_stats


def add_demo_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``demo`` on the command line."""
    parser = commands.add_parser(
        "demo",
        help="open the demo label file made from the bundled sample pages",
        description="Make (once) a label file from the five bundled Korean sample pages "
        "in the user's data folder and open it in the review window.",
        epilog="Examples:\n  thresher demo\n  thresher demo --no-window && "
        "thresher stats ~/.local/share/thresher/demo.db",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--file",
        type=Path,
        default=None,
        help="where to make it (default: the data folder's demo.db)",
    )
    parser.add_argument(
        "--no-window", action="store_true", help="only make the file and print where it is"
    )
    parser.set_defaults(handler=_run_demo)


def _run_demo(args: argparse.Namespace) -> int:
    if not args.no_window:
        return launch_window(args.file, demo=True)
    path = ensure_demo_file(args.file)
    with open_label_file(path, read_only=True) as label_file:
        stats = file_stats(label_file.connection)
    print(f"demo label file: {path}")
    print(
        f"  {stats['documents']} documents; try: thresher show {path} 004_b248406a6be265a2",
        file=sys.stdout,
    )
    return 0
