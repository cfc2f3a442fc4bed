"""Thresher's WARC reading, cleaners and line model as datatrove pipeline blocks.

Needs the optional extra ``thresher[scale]`` (datatrove). Three blocks:

- ``ThresherWarcReader``: WARC files (local or any fsspec place datatrove reads) to
  documents exactly as ``thresher import`` reads them: HTTP charset before ``<meta>``,
  encodings undone, non-2xx and non-text records counted (in the block's stats) and skipped.
  The document's text is the decoded page; its id is the import's id (the target URI
  without its scheme).
- ``ThresherExtractor``: in place of datatrove's ``Trafilatura`` extractor. Any cleaner by
  name (``trafilatura``, ``lines``, ``learned:MODEL``, ...) through the same
  ``read_page``/``finish_page`` as the import, so a document's text becomes the clean
  text ``thresher import`` stores for the page. Works after datatrove's own readers too
  (their text is taken as HTML); their decoding differs from the import's, though.
- ``LineModelTagger``: per document, what a ``learned:MODEL`` line model says about it:
  ``line_share_<label>`` (share of non-whitespace characters per class), ``lines_total``
  and ``lines_dropped`` in the metadata, for filters. Runs on the page, so before the
  extractor.

The `lines` cleaner also drops lines that many pages of one import repeat; a pipeline
shard cannot know that, so pass ``repeated_lines`` (from a first pass) to match an import
of the same pages, or leave it empty to clean each page on its own.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.extractors.base import BaseExtractor, ExtractorSandbox
from datatrove.pipeline.readers.base import BaseDiskReader
from datatrove.utils.logging import logger
from fsspec.implementations.local import LocalFileSystem

from app.core.interop.common import Item, Note
from app.core.interop.warc import read_warc
from app.core.prepare import ImportOptions
from app.core.sources import RecordSource, Refusal
from app.scale.pages import RAW_HTML, context_of, line_report, page_record, prepare, raw_page

WARC_GLOB = "**/*.warc*"  # .warc and .warc.gz, top level and below
FIELD_KEY = "thresher_field"  # which import field the text is: raw_html or raw_text
Extracted = tuple[str, str, str, str | None] | str  # (clean, cleaner, version, title) | reason


class ThresherWarcReader(BaseDiskReader):  # type: ignore[misc]  # datatrove is untyped
    """Read WARC files into documents as ``thresher import`` reads them."""

    name = "🌾 Thresher WARC"
    _requires_dependencies = ("warcio",)

    def __init__(
        self, data_folder: Any, glob_pattern: str | None = WARC_GLOB, **options: Any
    ) -> None:
        super().__init__(data_folder, glob_pattern=glob_pattern, **options)

    def read_file(self, filepath: str) -> DocumentsPipeline:
        """Every usable response of one WARC file, in file order."""
        full = str(self.data_folder.resolve_paths(filepath))
        for ordinal, item in enumerate(self.items(filepath)):
            with self.track_time():
                if isinstance(item, Note):
                    self.stat_update(item.kind)
                    continue
                if isinstance(item, Refusal):
                    self.stat_update("refused")
                    logger.warning(f"refused {item}")
                    continue
                document = self.get_document_from_dict(_data(item, full), filepath, ordinal)
            if document:
                yield document

    def items(self, filepath: str, *, decode: bool = True) -> Iterator[Item]:
        """The importer's items for one file: documents, notes and refusals, in order."""
        full = str(self.data_folder.resolve_paths(filepath))
        if isinstance(self.data_folder.fs, LocalFileSystem):
            for item in read_warc(Path(full), decode=decode):
                yield _renamed(item, full, full)
            return
        # A remote file is copied to local disk (not memory) and read like a local one.
        with tempfile.NamedTemporaryFile(suffix=".warc") as copy:
            with self.data_folder.open(filepath, "rb") as remote:
                shutil.copyfileobj(remote, copy)
            copy.flush()
            for item in read_warc(Path(copy.name), decode=decode):
                yield _renamed(item, copy.name, full)


def _renamed(item: Item, local: str, full: str) -> Item:
    """``item`` naming the file by its full path or URL, not a local copy's."""
    if local == full:
        return item
    if isinstance(item, RecordSource):
        record = dict(item.record)
        if "source_path" in record:
            record["source_path"] = full
        return RecordSource(record, item.origin.replace(local, full, 1))
    if isinstance(item, Refusal):
        return Refusal(item.origin.replace(local, full, 1), item.reason)
    return Note(item.origin.replace(local, full, 1), item.kind)


def _data(item: RecordSource, full: str) -> dict[str, Any]:
    record = item.record
    field = RAW_HTML if RAW_HTML in record else "raw_text"
    return {
        "text": record[field],
        "id": record["id"],
        "url": record.get("url"),
        "source_path": full,
        FIELD_KEY: field,
    }


def _record(document: Document) -> dict[str, Any]:
    """The importer's record for a datatrove document (its text is HTML unless marked)."""
    metadata = document.metadata
    return page_record(
        document.text,
        str(document.id),
        field=metadata.get(FIELD_KEY, RAW_HTML),
        url=metadata.get("url"),
        path=str(metadata.get("source_path") or metadata.get("file_path") or ""),
    )


class ThresherExtractor(BaseExtractor):  # type: ignore[misc]
    """A document's text becomes what ``thresher import --cleaner NAME`` stores as clean text.

    Args:
        cleaner: a cleaner name; None is the import's default (trafilatura for HTML,
            lines for text).
        repeated_lines: lines known to repeat across the crawl (for the `lines` cleaner).
        timeout: seconds per document, as datatrove's extractors (the page is dropped and
            counted as ``timeout`` when over).
    """

    name = "🌾 Thresher extractor"
    _requires_dependencies = ("trafilatura",)

    def __init__(
        self, cleaner: str | None = None, repeated_lines: Iterable[str] = (), timeout: float = 10
    ) -> None:
        super().__init__(timeout)
        if cleaner is not None:
            from app.core.cleaners import get_cleaner  # noqa: PLC0415

            get_cleaner(cleaner)  # an unknown name or a bad model fails here, not per page
        self.options = ImportOptions(annotator="datatrove", cleaner=cleaner)
        self.context = context_of(repeated_lines)

    def extract(self, text: str) -> str:
        """The clean text of an HTML page (datatrove's extractor interface)."""
        result = self._extract(page_record(text, "page"))
        return result[0] if isinstance(result, tuple) else ""

    def _extract(self, record: dict[str, Any]) -> Extracted:
        prepared = prepare(record, str(record["id"]), self.options, self.context)
        if isinstance(prepared, Refusal):
            return prepared.reason
        return prepared.clean_text, prepared.cleaner, prepared.cleaner_version, prepared.title

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean every document in a sandboxed process (a hung page cannot stop the task)."""
        with ExtractorSandbox(self.timeout, warmup_text=({"id": "-", "raw_text": "-"},)) as box:
            for document in data:
                self.stat_update("total")
                with self.track_time():
                    result = self._sandboxed(box, document)
                if result is None:
                    continue
                if isinstance(result, str):
                    self.stat_update("refused")
                    logger.warning(f"refused {document.id}: {result}")
                    continue
                clean, cleaner, version, title = result
                if not clean:
                    self.stat_update("dropped")  # an empty clean text, as datatrove drops it
                    continue
                document.text = clean
                document.metadata.pop(FIELD_KEY, None)
                document.metadata.update(cleaner=cleaner, cleaner_version=version, title=title)
                self.stat_update("forwarded")
                self.update_doc_stats(document)
                yield document

    def _sandboxed(self, box: ExtractorSandbox, document: Document) -> Extracted | None:
        try:
            result: Extracted = box.process_document((_record(document),), self._extract)
        except TimeoutError:
            self.stat_update("timeout")
            logger.warning(f"timeout while cleaning {document.id}; skipped")
            return None
        except EOFError:
            self.stat_update("broken_process")
            return None
        return result


class LineModelTagger(PipelineStep):  # type: ignore[misc]
    """Adds what the line model ``learned:MODEL`` says about each page to its metadata.

    Args:
        model: ``learned:PATH`` or the model file's path.
        repeated_lines: as for ``ThresherExtractor`` (used by a `lines` base cleaner).
    """

    name = "🌾 Thresher line model"
    type = "🏷 - TAGGER"

    def __init__(self, model: str, repeated_lines: Iterable[str] = ()) -> None:
        super().__init__()
        self.model = model if model.startswith("learned:") else f"learned:{model}"
        from app.core.cleaners import get_cleaner  # noqa: PLC0415

        get_cleaner(self.model)  # a missing or tampered model fails here, not per page
        self.context = context_of(repeated_lines)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Tag every document; a page the importer would refuse passes untagged, counted."""
        for document in data:
            self.stat_update("total")
            with self.track_time():
                page = raw_page(_record(document), str(document.id))
                if isinstance(page, Refusal):
                    self.stat_update("refused")
                else:
                    document.metadata.update(line_report(self.model, page, self.context).metadata())
                    self.stat_update("tagged")
            yield document
