"""A document ready to store: canonical raw text, clean text, alignment and annotations."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import NamedTuple

from app.core.alignment import Segment

LAYERS = ("raw", "clean")
STATUSES = ("todo", "done", "skipped", "flagged")
# Annotator names with a meaning of their own: adjudicated labels live under "gold".
RESERVED_ANNOTATORS = frozenset({"gold"})
# Fixed namespace so a record's derived ids are the same on every machine and every run.
ID_NAMESPACE = uuid.UUID("6f1b1d36-2a52-4a8e-9d0b-7a6c3c1e5a10")


def sha256_text(text: str) -> str:
    """The hex SHA-256 of ``text`` in UTF-8: how documents are matched across files."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def derived_id(*parts: object) -> str:
    """A UUID derived from content, so importing the same record twice adds nothing."""
    return str(uuid.uuid5(ID_NAMESPACE, "\x1f".join(str(part) for part in parts)))


def status_id(doc_id: str, annotator: str) -> str:
    """One status row per document and annotator: the same UUID in every file."""
    return derived_id("status", doc_id, annotator)


class SpanRecord(NamedTuple):
    """A labelled range ``[start, end)`` on a layer, with the text it covers.

    A named tuple rather than a frozen dataclass: a page with 5,000 spans is read on every
    open and after every edit, and a frozen dataclass costs five times as much to make.
    """

    id: str
    layer: str
    start: int
    end: int
    label: str
    text: str
    annotator: str
    created: str
    updated: str
    deleted: bool = False


@dataclass(frozen=True)
class SlotRecord:
    """One filled slot of a fact: evidence on a layer and/or a normalised value."""

    id: str
    role: str
    layer: str | None
    start: int | None
    end: int | None
    text: str | None
    value: str | None


@dataclass(frozen=True)
class FactRecord:
    """A typed fact with its slots."""

    id: str
    type: str
    annotator: str
    created: str
    updated: str
    slots: tuple[SlotRecord, ...]
    deleted: bool = False


@dataclass(frozen=True)
class StatusRecord:
    """An annotator's status and note for a document."""

    annotator: str
    status: str
    note: str
    created: str
    updated: str


@dataclass(frozen=True)
class PreparedDocument:
    """Everything import stores for one document."""

    id: str
    origin: str
    raw_text: str
    clean_text: str
    cleaner: str
    cleaner_version: str
    segments: tuple[Segment, ...]
    aligned_share: float
    url: str | None = None
    title: str | None = None
    raw_html: str | None = None
    source_path: str | None = None
    source_encoding: str | None = None
    spans: tuple[SpanRecord, ...] = field(default_factory=tuple)
    facts: tuple[FactRecord, ...] = field(default_factory=tuple)
    statuses: tuple[StatusRecord, ...] = field(default_factory=tuple)

    @property
    def raw_sha256(self) -> str:
        """The SHA-256 of the canonical raw text."""
        return sha256_text(self.raw_text)

    def layer_text(self, layer: str) -> str:
        """The text a span on ``layer`` points into."""
        return self.raw_text if layer == "raw" else self.clean_text
