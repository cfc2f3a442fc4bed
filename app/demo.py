"""``thresher demo``: a label file made from the bundled sample pages.

The demo file lives in the user's data folder and is made once; later runs reuse it, so
what the user labelled in the demo is still there.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from pathlib import Path

from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from app.window_entry import launch_window
from storage.labelfile import create_label_file, open_label_file
from storage.reports import file_stats


def data_folder() -> Path:
    """Where Thresher keeps its own files (``$XDG_DATA_HOME/thresher``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "thresher"


def samples_folder() -> Path:
    """The bundled sample pages."""
    return Path(str(resources.files("resources").joinpath("samples")))


def ensure_demo_file(path: Path | None = None, *, owner: str = "demo") -> Path:
    """Make the demo label file from the sample pages unless it exists; return its path."""
    path = path or data_folder() / "demo.db"
    if path.exists():
        return path
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with create_label_file(partial, owner=owner, schema=default_schema()) as label_file:
        import_sources(label_file, [samples_folder()], ImportOptions(annotator=owner))
    # Renamed only when whole, so an interrupted first run never leaves a half demo.
    partial.replace(path)
    return path


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
