"""The WARC files of a crawl, read one record at a time, with or without datatrove.

With datatrove installed (``thresher[scale]``), files are listed and opened through its
reader (``app.scale.blocks.ThresherWarcReader``): any place fsspec reaches (``s3://``,
``hf://``, local folders). Without it, local files and folders are read directly. Both
give the importer's own items (``app.core.interop.warc``): the same documents, notes and
refusals, record by record, so memory is flat however large the crawl.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.core.interop.common import Item
from app.core.interop.warc import is_warc, read_warc
from app.core.source_files import walk_folder
from app.core.sources import WARC_SUFFIXES, Refusal


class CrawlFile(Protocol):
    """One WARC file of a crawl."""

    @property
    def name(self) -> str:
        """How messages name it."""

    def items(self, *, decode: bool) -> Iterator[Item]:
        """Each record as the importer reads it (``decode`` false: payloads not decoded)."""


@dataclass(frozen=True)
class LocalWarc:
    """A WARC file on this machine, read by the importer directly."""

    path: Path

    @property
    def name(self) -> str:
        """The file's path."""
        return str(self.path)

    def items(self, *, decode: bool) -> Iterator[Item]:
        """The importer's items, in file order."""
        return read_warc(self.path, decode=decode)


@dataclass(frozen=True)
class DatatroveWarc:
    """A WARC file read through datatrove's reader (``ThresherWarcReader``)."""

    reader: Any  # ThresherWarcReader; typed loosely so this module never imports datatrove
    filepath: str

    @property
    def name(self) -> str:
        """The file's full path or URL."""
        return str(self.reader.data_folder.resolve_paths(self.filepath))

    def items(self, *, decode: bool) -> Iterator[Item]:
        """The importer's items, in file order."""
        items: Iterator[Item] = self.reader.items(self.filepath, decode=decode)
        return items


def datatrove_installed() -> bool:
    """True when the optional extra ``thresher[scale]`` is installed."""
    return importlib.util.find_spec("datatrove") is not None


def crawl_files(
    sources: Sequence[str], *, use_datatrove: bool | None = None
) -> tuple[list[CrawlFile], list[Refusal]]:
    """The WARC files named or under the folders named; a refusal for anything else."""
    if use_datatrove is None:
        use_datatrove = datatrove_installed()
    files: list[CrawlFile] = []
    refused: list[Refusal] = []
    for source in sources:
        found, problems = _datatrove_files(source) if use_datatrove else _local_files(source)
        files.extend(found)
        refused.extend(problems)
    return files, refused


def _local_files(source: str) -> tuple[list[CrawlFile], list[Refusal]]:
    path = Path(source)
    if path.is_dir():
        found: list[CrawlFile] = []
        refused: list[Refusal] = []
        for inner, problem in walk_folder(path, WARC_SUFFIXES):
            if problem:
                refused.append(Refusal(str(inner), problem))
            else:
                found.append(LocalWarc(inner))
        return found, refused
    if not path.exists():
        return [], [Refusal(source, "no such file or folder")]
    if not is_warc(path):
        return [], [Refusal(source, "not a .warc or .warc.gz file")]
    return [LocalWarc(path)], []


def _datatrove_files(source: str) -> tuple[list[CrawlFile], list[Refusal]]:
    # Imported here: only a crawl read through datatrove pays for importing it.
    from fsspec.core import url_to_fs  # noqa: PLC0415

    from app.scale.blocks import ThresherWarcReader  # noqa: PLC0415

    try:
        fs, path = url_to_fs(source)
        if fs.isdir(path):
            reader = ThresherWarcReader(source)
            names = reader.data_folder.list_files(recursive=True)
            return [
                DatatroveWarc(reader, n) for n in names if n.lower().endswith(WARC_SUFFIXES)
            ], []
        if not fs.exists(path):
            return [], [Refusal(source, "no such file or folder")]
    except (OSError, ValueError, ImportError) as error:  # a URL fsspec cannot open
        return [], [Refusal(source, f"cannot read: {error}")]
    if not path.lower().endswith(WARC_SUFFIXES):
        return [], [Refusal(source, "not a .warc or .warc.gz file")]
    parent, _, name = source.rstrip("/").rpartition("/")
    return [DatatroveWarc(ThresherWarcReader(parent or "."), name)], []
