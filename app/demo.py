"""The demo label file, made from the bundled sample pages.

The demo file lives in the user's data folder and is made once; later runs reuse it, so
what the user labelled in the demo is still there.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.labelfile import create_label_file


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
