"""The learned cleaner, ``learned:MODEL``: a base cleaner's output corrected line by line.

The base cleaner the model was trained with (named in the model file; ``none`` for a
model that learned from the text alone) cleans the page; its output is aligned to the raw
text, and the line model (``app.core.line_model``) labels every non-blank raw line keep or
spam from the line's text, its neighbours and what the base kept. The clean text is the
kept raw lines, stripped, one per line: every line is a raw substring, so it aligns.

Model files are read once per process (workers clean many pages) and checked on loading;
a damaged or edited file is refused (``ModelRefused``, a ``ValueError``), never run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from app.core.alignment import Segment, align
from app.core.canonical import canonicalize
from app.core.cleaners import LEARNED_BASES
from app.core.cleaners.base import Cleaner, CleanInput, ImportContext
from app.core.line_features import KEEP
from app.core.line_model import LineModel, ModelRefused, classify_page, load_model

PREFIX = "learned:"
VERSION = "learned-1"
BASES = LEARNED_BASES

_loaded: dict[tuple[str, int, int], tuple[LineModel, str]] = {}


def cached_model(path: Path) -> tuple[LineModel, str]:
    """The model at ``path`` and the first 12 hex digits of its file's SHA-256."""
    try:
        stat = path.stat()
    except OSError as error:
        raise ModelRefused(f"{path}: cannot read ({error.strerror or error})") from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _loaded:
        model = load_model(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        _loaded.clear()  # one model per process is the use; never grow without bound
        _loaded[key] = (model, digest)
    return _loaded[key]


class LearnedCleaner:
    """A line model over a base cleaner's output."""

    name: str = "learned"

    def __init__(self, model: LineModel, digest: str, base: Cleaner | None) -> None:
        self.model, self.base = model, base
        self.version = f"{VERSION}:{digest}"

    def clean(self, page: CleanInput, context: ImportContext) -> str:
        """The raw lines the model keeps, stripped, joined by newlines."""
        raw = page.raw_text
        segments: list[Segment] = [Segment(0, len(raw), 0, len(raw))]
        if self.base is not None:
            segments = align(raw, canonicalize(self.base.clean(page, context)))
        decided = classify_page(self.model, raw, segments)
        return "\n".join(line.text.strip() for line, label in decided if label == KEEP)


def learned_cleaner(path: Path, get_cleaner: Callable[[str], Cleaner]) -> LearnedCleaner:
    """The learned cleaner of the model file at ``path`` (refused when unusable)."""
    model, digest = cached_model(path)
    if model.base_cleaner not in BASES:
        raise ModelRefused(f"{path}: base cleaner {model.base_cleaner!r} is not one of {BASES}")
    base = None if model.base_cleaner == "none" else get_cleaner(model.base_cleaner)
    return LearnedCleaner(model, digest, base)
