"""Recognise a label file from its first bytes, without letting SQLite touch it.

Opening a file with SQLite and setting pragmas can write to it (``journal_mode=WAL``
rewrites the header). So a path is classified from its 100-byte SQLite header first,
read with plain ``open``: a refused file's bytes stay exactly as they were.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from storage.errors import NotALabelFile
from storage.schema import APPLICATION_ID, SCHEMA_VERSION

_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100


@dataclass(frozen=True)
class Header:
    """The fields of the SQLite header that decide whether a file is ours."""

    page_size: int
    page_count: int
    page_count_valid: bool
    user_version: int
    application_id: int


def read_header(path: Path) -> Header | None:
    """Return the parsed header, or None when the file is not SQLite at all."""
    with path.open("rb") as stream:
        data = stream.read(_HEADER_SIZE)
    if len(data) < _HEADER_SIZE or not data.startswith(_MAGIC):
        return None
    (raw_page_size,) = struct.unpack(">H", data[16:18])
    page_size = 65536 if raw_page_size == 1 else raw_page_size
    change_counter, page_count = struct.unpack(">II", data[24:32])
    (user_version,) = struct.unpack(">i", data[60:64])
    (application_id,) = struct.unpack(">i", data[68:72])
    (version_valid_for,) = struct.unpack(">I", data[92:96])
    return Header(
        page_size=page_size,
        page_count=page_count,
        # The in-header page count is only trustworthy when this field matches.
        page_count_valid=version_valid_for == change_counter,
        user_version=user_version,
        application_id=application_id & 0xFFFFFFFF,
    )


def check_label_file(path: Path) -> Header:
    """Raise ``NotALabelFile`` saying what ``path`` is, unless it looks like ours.

    A file with application id 0 and user_version 0 is a fresh SQLite file that is not
    ours yet; the caller decides whether that is acceptable.
    """
    if not path.exists():
        raise NotALabelFile(path, "missing", "no such file")
    if path.is_dir():
        raise NotALabelFile(path, "not-sqlite", "is a folder, not a label file")
    size = path.stat().st_size
    if size == 0:
        raise NotALabelFile(path, "empty", "is an empty file, not a label file")
    header = read_header(path)
    if header is None:
        raise NotALabelFile(path, "not-sqlite", f"is not a label file: {_describe(path)}")
    expected = header.page_size * header.page_count
    # A checkpoint cut short by a full disk can leave the main file shorter than its
    # header says while the WAL beside it still holds every page: SQLite reads those.
    wal = path.with_name(path.name + "-wal")
    has_wal = wal.exists() and wal.stat().st_size > 0
    if header.page_count_valid and size < expected and not has_wal:
        raise NotALabelFile(
            path,
            "truncated",
            f"is a truncated label file: {size} bytes where its header promises {expected}",
        )
    if header.application_id != APPLICATION_ID:
        raise NotALabelFile(
            path,
            "other-application",
            "is another application's SQLite database, not a Thresher label file "
            f"(application id {header.application_id:#x})",
        )
    if header.user_version > SCHEMA_VERSION:
        raise NotALabelFile(
            path,
            "newer-version",
            f"was written by a newer Thresher (format version {header.user_version}; "
            f"this one reads up to {SCHEMA_VERSION}); it is left untouched",
        )
    return header


def _describe(path: Path) -> str:
    """Say what a non-SQLite file looks like: text, or binary data."""
    with path.open("rb") as stream:
        sample = stream.read(4096)
    if sample.startswith(b"SQLite format"):
        return "a truncated SQLite file (its header is cut short)"
    if b"\x00" in sample:
        return "it holds binary data"
    return "it holds text"
