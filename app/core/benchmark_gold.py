"""Benchmark gold: an article-extraction ground truth turned into gold spans on raw text.

An article-extraction benchmark ships its pages' HTML beside one JSON object
``{id: {"articleBody": ..., "url": ...}}`` (the ``articles`` shape ``thresher export``
writes). Importing that JSON file reads each page's HTML (``html/ID.html``,
``html/ID.html.gz``, ``ID.html`` ... beside the JSON), makes its raw text as any HTML
import does, aligns the article body to it, and labels every non-blank raw line the
article covers less than half of (non-whitespace characters) a gold span of label
``other``; gold marks the page done. Public benchmarks so become training and test gold.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.core.alignment import align
from app.core.canonical import canonicalize
from app.core.decoding import UndecodableError, decode_bytes
from app.core.html_text import html_to_text
from app.core.line_features import kept_shares, page_lines
from app.core.sources import RecordSource, Refusal

GOLD = "gold"
LABEL = "other"
_NAMES = ("html/{}.html.gz", "html/{}.html", "html/{}.htm", "{}.html.gz", "{}.html", "{}.htm")
MAX_TRUTH_BYTES = 512 * 1024 * 1024


def spam_lines(raw_text: str, article: str) -> list[tuple[int, int]]:
    """The raw lines ``article`` covers less than half of, each trimmed of whitespace."""
    lines = page_lines(raw_text)
    shares = kept_shares(lines, align(raw_text, canonicalize(article)))
    spans = []
    for line, share in zip(lines, shares, strict=True):
        if share < 0.5:
            start = line.start + len(line.text) - len(line.text.lstrip())
            spans.append((start, start + len(line.text.strip())))
    return spans


def benchmark_sources(path: Path) -> Iterator[RecordSource | Refusal]:
    """Each page of a ground-truth JSON file as an import record with gold, or a refusal."""
    truth = _read_truth(path)
    if isinstance(truth, Refusal):
        yield truth
        return
    for doc_id, entry in truth.items():
        origin = f"{path}: {doc_id}"
        yield _page_record(path.parent, doc_id, entry, origin)


_SNIFF_BYTES = 1 << 16


def _read_truth(path: Path) -> dict[str, Any] | Refusal:
    try:
        if path.stat().st_size > MAX_TRUTH_BYTES:
            return Refusal(str(path), "too large for a ground-truth file")
        truth = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        return Refusal(str(path), f"cannot read: {error.strerror or error}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Refusal(str(path), "not a ground-truth file (JSON of {id: {articleBody, url}})")
    if not isinstance(truth, dict):
        return Refusal(str(path), "a ground-truth file is one object {id: {articleBody, url}}")
    return truth


def _page_record(folder: Path, doc_id: str, entry: Any, origin: str) -> RecordSource | Refusal:
    if not isinstance(entry, dict) or not isinstance(entry.get("articleBody"), str):
        return Refusal(origin, "entry has no 'articleBody' text")
    candidates = (folder / name.format(doc_id) for name in _NAMES)
    page = next((candidate for candidate in candidates if candidate.is_file()), None)
    if page is None:
        return Refusal(origin, f"no HTML page for it beside the file (looked for {_NAMES[1]})")
    try:
        data = page.read_bytes()
        if page.suffix == ".gz":
            data = gzip.decompress(data)
        html = canonicalize(decode_bytes(data, html=True).text)
    except (OSError, EOFError, UndecodableError) as error:
        return Refusal(origin, f"cannot read {page.name}: {error}")
    raw = canonicalize(html_to_text(html).raw_text)
    spans = [
        {"layer": "raw", "start": start, "end": end, "label": LABEL, "annotator": GOLD}
        for start, end in spam_lines(raw, entry["articleBody"])
    ]
    url = entry.get("url")
    record = {
        "id": doc_id,
        "raw_html": html,
        "raw_text": raw,
        "url": url if isinstance(url, str) else None,
        "spans": spans,
        "status": [{"annotator": GOLD, "status": "done"}],
    }
    return RecordSource(record, origin)


def is_ground_truth(path: Path) -> bool:
    """True for a ``.json`` file holding ``{id: {"articleBody": ...}}`` (checked by content)."""
    if path.suffix.lower() != ".json" or not path.is_file() or not _sniffed(path):
        return False
    truth = _read_truth(path)
    if isinstance(truth, Refusal) or not truth:
        return False
    first = next(iter(truth.values()))
    return isinstance(first, dict) and "articleBody" in first


def _sniffed(path: Path) -> bool:
    """Whether the file's head looks like ``{id: {"articleBody": ...}}``.

    Read before parsing, so another tool's ``.json`` (a Label Studio export is a list) is
    never parsed whole just to learn it is not ground truth.
    """
    try:
        with path.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except OSError:
        return True  # let the reader name the problem
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and b'"articleBody"' in head


def entry_count(path: Path) -> int:
    """How many pages a ground-truth file names (for a progress bar; no page is read)."""
    truth = _read_truth(path)
    return 1 if isinstance(truth, Refusal) else len(truth)
