"""``thresher evaluate FILE --cleaners A,B,...``: re-clean the judged pages, rank the cleaners.

The pages are read from the label file, sent to worker processes in small chunks (a
bounded number in flight), and every cleaner cleans every page there; this process sums
the results and draws the progress line. Cleaners that cannot run here (an optional
package not installed, an unusable model file) are skipped with a message.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from app.core.cleaners import (
    ImportContext,
    document_lines,
    get_cleaner,
    repeated_lines_from_counts,
    unavailable_reason,
)
from app.core.leaderboard import (
    CleanerTally,
    PageResult,
    PageToClean,
    ranked,
    run_pool,
    score_page,
    set_worker,
)
from app.progress import Progress
from storage.evaluation_read import document_total, judged_documents
from storage.labelfile import LabelFile
from storage.leaderboard_read import pages_to_clean

# Below this many pages a pool costs more than it saves.
POOL_THRESHOLD = 8


def parse_cleaners(text: str) -> list[str]:
    """``a,b,learned:model.json`` as a list of unique names, in order."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    return list(dict.fromkeys(names))


def leaderboard(
    label_file: LabelFile, layer: str, names: Sequence[str], workers: int | None, err: TextIO
) -> dict[str, Any]:
    """Rank ``names`` on ``layer``'s judged documents; the report as one JSON object."""
    unavailable = {name: reason for name in names if (reason := unavailable_reason(name))}
    for name, reason in unavailable.items():
        print(f"thresher: skipped cleaner {name}: {reason}", file=err)
    usable = [name for name in names if name not in unavailable]
    db = label_file.connection
    doc_ids = judged_documents(db, layer)
    context = _context(pages_to_clean(db, doc_ids, layer))
    tallies = [CleanerTally(name, get_cleaner(name).version) for name in usable]
    progress = Progress(len(doc_ids), err, "re-cleaning")
    count = _workers(workers, len(doc_ids)) if usable else 1
    for results in _run(pages_to_clean(db, doc_ids, layer), usable, context, count):
        for tally, result in zip(tallies, results, strict=True):
            tally.add(result)
        progress.advance()
    progress.finish()
    return _report(layer, len(doc_ids), document_total(db) - len(doc_ids), tallies, unavailable)


def _workers(asked: int | None, pages: int) -> int:
    if pages < POOL_THRESHOLD:
        return 1
    return max(1, asked if asked is not None else (os.cpu_count() or 1))


def _context(pages: Iterable[PageToClean]) -> ImportContext:
    """Lines many of these pages repeat (site chrome), as an import would give `lines`."""
    counts: Counter[str] = Counter()
    documents = 0
    for page in pages:
        documents += 1
        counts.update(document_lines(page.raw_text))
    return ImportContext(repeated_lines_from_counts(counts, documents))


def _run(
    pages: Iterable[PageToClean], names: Sequence[str], context: ImportContext, workers: int
) -> Iterator[list[PageResult]]:
    return run_pool(score_page, pages, workers, set_worker, (names, context))


def _report(
    layer: str,
    documents: int,
    skipped: int,
    tallies: Sequence[CleanerTally],
    unavailable: dict[str, str],
) -> dict[str, Any]:
    labels = sorted({label for tally in tallies for label in tally.chars})
    return {
        "layer": layer,
        "documents": documents,
        "skipped": skipped,
        "labels": labels,
        "cleaners": [
            {
                "rank": rank,
                "name": tally.name,
                "version": tally.version,
                "precision": tally.score.precision if documents else None,
                "recall": tally.score.recall if documents else None,
                "f1": tally.score.f1 if documents else None,
                "macro_f1": sum(tally.f1s) / len(tally.f1s) if tally.f1s else None,
                "tp": tally.score.tp,
                "fp": tally.score.fp,
                "fn": tally.score.fn,
                "pages_per_second": tally.pages_per_second,
                "seconds": tally.seconds,
                "failed_pages": tally.failed,
                "kept_share": {label: tally.kept_share(label) for label in labels},
                "kept_chars": {label: tally.kept.get(label, 0) for label in labels},
                "label_chars": {label: tally.chars.get(label, 0) for label in labels},
            }
            for rank, tally in enumerate(ranked(tallies), start=1)
        ],
        "unavailable": unavailable,
    }


def print_leaderboard(path: Path, report: dict[str, Any], out: TextIO) -> None:
    """The ranking as one table: scores, speed, and the share of each spam label kept."""
    skipped = report["skipped"]
    note = f"; {skipped} not labelled on {report['layer']}, not scored" if skipped else ""
    print(
        f"{path}: {report['documents']} documents re-cleaned by {len(report['cleaners'])}"
        f" cleaners, scored against layer {report['layer']}{note}",
        file=out,
    )
    labels: list[str] = report["labels"]
    width = max([len("cleaner"), *(len(row["name"]) for row in report["cleaners"])]) + 2
    header = (
        f"  {'#':>2}  {'cleaner':<{width}}{'precision':>10}{'recall':>8}{'F1':>7}{'pages/s':>9}"
    )
    print(header + "".join(f"{_short(label):>9}" for label in labels), file=out)
    for row in report["cleaners"]:
        speed = row["pages_per_second"]
        line = (
            f"  {row['rank']:>2}  {row['name']:<{width}}{_number(row['precision'], 10)}"
            f"{_number(row['recall'], 8)}{_number(row['f1'], 7)}"
            f"{'-' if speed is None else f'{speed:.1f}':>9}"
        )
        shares = "".join(_share(row["kept_share"][label]) for label in labels)
        print(line + shares, file=out)
    if labels:
        print(
            "  (per label: the share of its characters the cleaner kept; lower is better)", file=out
        )


def _short(label: str) -> str:
    return label if len(label) <= 8 else label[:7] + "."


def _number(value: float | None, width: int) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:{width}.3f}"


def _share(value: float | None) -> str:
    return f"{'-':>9}" if value is None else f"{value:9.0%}"
