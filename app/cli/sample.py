"""``thresher sample``: choose N pages from a crawl too large to import, and import them.

Two streaming passes over the WARC files, both giving the importer's own WARC items
(``app.scale.crawl``: through datatrove's reader when it is installed, so any fsspec URL
works, else directly), so memory stays flat in the size of the crawl. The first
offers every usable response to a seeded, stratified bottom-k (``app.scale.sampling``),
which holds at most N pages' ids; with ``--prefer disagreement`` it also cleans each page
with two cleaners and prefers the pages whose outputs agree least (character F1). The
second reads only up to the chosen records and imports them through the import's own
``read_page``/``finish_page``. What the sample is made of goes into the file's ``meta``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from app.cli.train import cleaner_choice
from app.core.cleaners import (
    Cleaner,
    ImportContext,
    document_lines,
    get_cleaner,
    repeated_lines_from_counts,
)
from app.core.document import PreparedDocument
from app.core.interop.common import Note
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions, RawPage, finish_page, read_page
from app.core.sources import RecordSource, Refusal
from app.progress import Progress
from app.scale.crawl import CrawlFile, crawl_files, datatrove_installed
from app.scale.pages import character_f1, cleaned
from app.scale.sampling import Candidate, Reservoir, host_counts, host_of, seeded_hash
from storage.documents import ImportCounts, insert_documents
from storage.labelfile import LabelFile, open_or_create, utc_now
from storage.output_file import explain_database_failure, unusable

META_KEY = "samples"
BATCH_SIZE = 256
SCAN_STEP = 5000  # records between progress updates while scanning
MAX_REFUSALS = 1000  # named one by one; beyond, counted (a broken crawl can refuse millions)
DEFAULT_COMPARE = "trafilatura,lines"

_EXAMPLE = """\
Examples:
  thresher sample crawl/ --into pick.db -n 2000 --seed 7
  thresher sample cc-part-*.warc.gz --into pick.db -n 500 --by host
  thresher sample crawl/ --into pick.db -n 300 --prefer disagreement --compare trafilatura,lines

Reads .warc and .warc.gz files (folders recursively) one record at a time, so a crawl far
larger than memory works; only the chosen pages are imported. The same seed picks the same
pages. --by host: no host takes more than its share. --prefer disagreement: pages where
two cleaners' outputs agree least (character F1) come first (every page is cleaned twice).
Exit status: 0 done, 1 some inputs refused (each named on stderr), 2 usage error."""


@dataclass
class Scan:
    """What the first pass saw."""

    files: list[CrawlFile]
    reservoir: Reservoir
    seed: int
    compared: list[Cleaner]
    records: int = 0
    notes: Counter[str] = field(default_factory=Counter)
    refusals: list[Refusal] = field(default_factory=list)
    unnamed: int = 0  # refusals beyond MAX_REFUSALS, counted only

    def refuse(self, refusal: Refusal) -> None:
        """Keep a refusal to name it, or only count it once there are many."""
        if len(self.refusals) < MAX_REFUSALS:
            self.refusals.append(refusal)
        else:
            self.unnamed += 1


def add_sample_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``sample`` on the command line."""
    parser = commands.add_parser(
        "sample",
        help="choose N pages from WARC crawls and import them",
        description="Choose N pages from WARC crawls of any size (seeded, optionally "
        "stratified by host or preferring pages two cleaners disagree on) and import them.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "sources", nargs="+", metavar="SRC", help="WARC files or folders (URLs with datatrove)"
    )
    parser.add_argument("--into", required=True, type=Path, metavar="FILE", help="the label file")
    parser.add_argument("-n", type=int, required=True, metavar="N", help="pages to choose")
    parser.add_argument("--by", choices=["host"], help="stratify: each host its fair share")
    parser.add_argument(
        "--prefer", choices=["disagreement"], help="pages where two cleaners disagree most first"
    )
    parser.add_argument(
        "--compare",
        default=DEFAULT_COMPARE,
        metavar="A,B",
        help=f"the two cleaners --prefer disagreement compares (default {DEFAULT_COMPARE})",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed (default 0)")
    parser.add_argument(
        "--cleaner",
        type=cleaner_choice,
        default=None,
        metavar="NAME",
        help="cleaner for the imported pages (default as import: trafilatura for HTML)",
    )
    parser.add_argument(
        "--reader",
        choices=["auto", "datatrove", "thresher"],
        default="auto",
        help="read through datatrove (any fsspec URL) or directly (local files); "
        "auto: datatrove when installed",
    )
    parser.add_argument("--annotator", default="import", metavar="NAME", help="owner of a new file")
    parser.set_defaults(handler=run_sample)


def run_sample(args: argparse.Namespace) -> int:
    """Scan, choose, import, record; 0 done, 1 some inputs refused, 2 unusable."""
    problem, compared = _check(args)
    if problem:
        print(f"thresher: {problem}", file=sys.stderr)
        return 2
    use_datatrove = datatrove_installed() if args.reader == "auto" else args.reader == "datatrove"
    args.reader_used = "datatrove" if use_datatrove else "thresher"
    files, refused = crawl_files(args.sources, use_datatrove=use_datatrove)
    if not files:
        for refusal in refused:
            print(f"refused {refusal}", file=sys.stderr)
        print("thresher: no WARC file to sample from", file=sys.stderr)
        return 2
    with _open_destination(args.into, args.annotator) as label_file:
        scan = scan_crawl(files, args, compared)
        scan.refusals[:0] = refused
        chosen = scan.reservoir.chosen()
        options = ImportOptions(annotator=args.annotator, cleaner=args.cleaner, now=utc_now())
        counts = import_chosen(label_file, files, chosen, options, scan.refusals)
        _record_meta(label_file, args, scan, chosen, options.now)
    _print_summary(args.into, scan, chosen, counts)
    return 1 if scan.refusals or scan.unnamed else 0


def _check(args: argparse.Namespace) -> tuple[str, list[Cleaner]]:
    if args.n < 1:
        return f"-n must be at least 1, not {args.n}", []
    if args.prefer != "disagreement":
        return "", []
    names = [name.strip() for name in args.compare.split(",")]
    if len(names) != 2 or not all(names):
        return f"--compare takes two cleaner names, A,B (not {args.compare!r})", []
    try:
        return "", [get_cleaner(name) for name in names]
    except ValueError as error:
        return f"--compare: {error}", []


# --- first pass: choose ------------------------------------------------------------------


def scan_crawl(files: list[CrawlFile], args: argparse.Namespace, compared: list[Cleaner]) -> Scan:
    """Offer every usable response of ``files`` to the reservoir, one record at a time."""
    scan = Scan(files, Reservoir(args.n, by_host=args.by == "host"), args.seed, compared)
    progress = Progress(len(files), sys.stderr, "scanning")
    for number, crawl in enumerate(files):
        # Without disagreement nothing needs the page itself: the payload is not decoded.
        for ordinal, item in enumerate(crawl.items(decode=bool(compared))):
            scan.records += 1
            if scan.records % SCAN_STEP == 0:
                progress.show(number + 1, len(files), f"{crawl.name}, {scan.records} records")
            if isinstance(item, Note):
                scan.notes[item.kind] += 1
            elif isinstance(item, Refusal):
                scan.refuse(item)
            else:
                _offer(scan, item, number, ordinal)
    progress.finish()
    return scan


def _offer(scan: Scan, item: RecordSource, number: int, ordinal: int) -> None:
    doc_id = item.doc_id
    f1 = 0.0
    if scan.compared:
        page = read_page(item)
        if isinstance(page, Refusal):
            scan.refuse(page)
            return
        f1 = round(_agreement(page, scan.compared), 6)
    host = host_of(doc_id)
    scan.reservoir.add(Candidate(doc_id, host, number, ordinal, seeded_hash(scan.seed, doc_id), f1))


def _agreement(page: RawPage, compared: list[Cleaner]) -> float:
    first, second = (cleaned(page, cleaner, ImportContext()) for cleaner in compared)
    return character_f1(page.raw_text, first, second)


# --- second pass: import -----------------------------------------------------------------


def chosen_sources(
    files: list[CrawlFile], chosen: Sequence[Candidate]
) -> Iterator[RecordSource | Refusal]:
    """The chosen records, read again (decoded this time), file by file; a file is read
    only as far as its last chosen record."""
    wanted: dict[int, set[int]] = {}
    for page in chosen:
        wanted.setdefault(page.source, set()).add(page.ordinal)
    for number in sorted(wanted):
        ordinals = wanted[number]
        last = max(ordinals)
        for ordinal, item in enumerate(islice(files[number].items(decode=True), last + 1)):
            if ordinal in ordinals and not isinstance(item, Note):
                yield item


def import_chosen(
    label_file: LabelFile,
    files: list[CrawlFile],
    chosen: Sequence[Candidate],
    options: ImportOptions,
    refusals: list[Refusal],
) -> ImportCounts:
    """Import the chosen pages as ``thresher import`` would, in batches of one transaction."""
    context = _context(files, chosen, options)
    progress = Progress(len(chosen), sys.stderr, "importing")
    counts = ImportCounts()
    batch: list[PreparedDocument] = []
    for item in chosen_sources(files, chosen):
        prepared = _prepare(item, options, context)
        if isinstance(prepared, Refusal):
            refusals.append(prepared)
        else:
            batch.append(prepared)
        if len(batch) >= BATCH_SIZE:
            _store(label_file, batch, options.now, counts, refusals)
        progress.advance()
    _store(label_file, batch, options.now, counts, refusals)
    progress.finish()
    return counts


def _prepare(
    item: RecordSource | Refusal, options: ImportOptions, context: ImportContext
) -> PreparedDocument | Refusal:
    if isinstance(item, Refusal):
        return item
    page = read_page(item)
    return page if isinstance(page, Refusal) else finish_page(page, options, context)


def _context(
    files: list[CrawlFile], chosen: Sequence[Candidate], options: ImportOptions
) -> ImportContext:
    """Lines many chosen pages repeat, for the `lines` cleaner (as the import counts them)."""
    if options.cleaner not in (None, "lines"):
        return ImportContext()
    counts: Counter[str] = Counter()
    documents = 0
    for item in chosen_sources(files, chosen):
        if isinstance(item, Refusal):
            continue
        if options.cleaner is None and item.record.get("raw_html") is not None:
            continue  # the import's default cleans HTML with trafilatura: no context
        page = read_page(item)
        if not isinstance(page, Refusal):
            documents += 1
            counts.update(document_lines(page.raw_text))
    return ImportContext(repeated_lines_from_counts(counts, documents))


def _store(
    label_file: LabelFile,
    batch: list[PreparedDocument],
    now: str,
    counts: ImportCounts,
    refusals: list[Refusal],
) -> None:
    if not batch:
        return
    with label_file.transaction() as db:
        done, refused = insert_documents(db, batch, now)
    refusals.extend(refused)
    counts.added += done.added
    counts.skipped += done.skipped
    batch.clear()


# --- the record of what was chosen -------------------------------------------------------


def sample_summary(
    args: argparse.Namespace, scan: Scan, chosen: Sequence[Candidate], now: str
) -> dict[str, object]:
    """What the file's ``meta`` keeps about one sample."""
    summary: dict[str, object] = {
        "created": now,
        "sources": list(args.sources),
        "files": len(scan.files),
        "reader": args.reader_used,
        "n": args.n,
        "seed": args.seed,
        "by": args.by,
        "prefer": args.prefer,
        "records": scan.records,
        "candidates_hosts": scan.reservoir.hosts_seen,
        "chosen": len(chosen),
        "hosts": host_counts(chosen),
        "skipped": dict(sorted(scan.notes.items())),
        "cleaner": args.cleaner,
    }
    if args.prefer == "disagreement":
        f1s = sorted(page.f1 for page in chosen)
        summary["compare"] = args.compare
        summary["f1_chosen"] = {"min": f1s[0], "max": f1s[-1]} if f1s else None
    return summary


def _record_meta(
    label_file: LabelFile,
    args: argparse.Namespace,
    scan: Scan,
    chosen: Sequence[Candidate],
    now: str,
) -> None:
    """Append this sample's make-up to the list under ``meta.samples``."""
    with label_file.transaction() as db:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
        samples = json.loads(row[0]) if row else []
        samples.append(sample_summary(args, scan, chosen, now))
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (META_KEY, json.dumps(samples, ensure_ascii=False)),
        )


def _print_summary(
    into: Path, scan: Scan, chosen: Sequence[Candidate], counts: ImportCounts
) -> None:
    for refusal in scan.refusals:
        print(f"refused {refusal}", file=sys.stderr)
    if scan.unnamed:
        print(f"refused {scan.unnamed} more records (not named)", file=sys.stderr)
    if scan.notes:
        print("left out on purpose (not refused):", file=sys.stderr)
        for kind, count in sorted(scan.notes.items()):
            print(f"  {count:6d}  {kind}", file=sys.stderr)
    hosts = host_counts(chosen)
    print(
        f"chose {len(chosen)} pages of {scan.records} records in {len(scan.files)} files "
        f"({len(hosts)} of {scan.reservoir.hosts_seen} hosts)",
        file=sys.stderr,
    )
    print(
        f"{into}: {counts.added} documents added, {counts.skipped} already there, "
        f"{len(scan.refusals) + scan.unnamed} refused",
        file=sys.stderr,
    )


def _open_destination(into: Path, annotator: str) -> LabelFile:
    """The label file to import into, or a one-line reason it cannot be made there."""
    try:
        return open_or_create(into, owner=annotator, schema=default_schema())
    except OSError as error:
        raise unusable(into, error) from error
    except sqlite3.Error as error:
        explained = explain_database_failure(into, error)
        if explained is None:
            raise
        raise explained from error
