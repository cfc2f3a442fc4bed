"""Cleaners ranked on gold, and the learned cleaner: issue 18's figures.

1. The leaderboard on the five bundled pages, their gold taken from the test fixtures
   (``tests/test_cleaners.article_paragraphs``: the article paragraphs a reader marks;
   everything else on the page is spam), every installed cleaner re-cleaning them.
2. A generated HTML corpus (10 sites x 10 pages of templated chrome around article
   sentences, with prose-like comments), imported as benchmark gold (``ground-truth.json``
   beside the HTML): the learned cleaner trained over each base cleaner, three sites held
   out, with training time, held-out line accuracy and character F1 beside the base's.
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from app.cli import main as thresher
from app.cli.leaderboard import leaderboard, print_leaderboard
from app.core.cleaners import unavailable_reason
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from bench.gold_corpus import write_html_benchmark
from storage.annotations import NewSpan, add_spans, set_status
from storage.labelfile import LabelFile, create_label_file
from tests.test_cleaners import article_paragraphs

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
CLEANERS = ("trafilatura", "lines", "resiliparse", "readability", "justext", "none")
BASES = ("none", "lines", "trafilatura", "readability")


def fixture_gold(label_file: LabelFile) -> None:
    """Gold of each bundled page: every stretch between its article paragraphs is spam."""
    for (doc_id,) in label_file.connection.execute("SELECT id FROM documents").fetchall():
        raw = label_file.connection.execute(
            "SELECT raw_text FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()[0]
        covered, at = [], 0
        for paragraph in article_paragraphs(doc_id[:3]):
            found = raw.find(paragraph, at)
            if found >= 0:
                covered.append((found, found + len(paragraph)))
                at = found + len(paragraph)
        gaps, at = [], 0
        for start, end in [*covered, (len(raw), len(raw))]:
            for match in re.finditer(r"\S(?:.*\S)?", raw[at:start]):
                gaps.append(NewSpan("raw", at + match.start(), at + match.end(), "other"))
            at = end
        add_spans(label_file, doc_id, gaps, "gold")
        set_status(label_file, doc_id, "gold", "done")


def bundled_leaderboard(folder: Path) -> None:
    path = folder / "bundled.db"
    with create_label_file(path, owner="bench", schema=default_schema()) as label_file:
        import_sources(label_file, [SAMPLES], ImportOptions(annotator="bench"))
        fixture_gold(label_file)
        names = [name for name in CLEANERS if unavailable_reason(name) is None]
        report = leaderboard(label_file, "gold", names, None, sys.stderr)
    print("Leaderboard on the 5 bundled pages (gold: the test fixtures' article paragraphs)")
    print_leaderboard(path, report, sys.stdout)


def learned_on_generated(folder: Path) -> None:
    truth = write_html_benchmark(folder / "generated", 10, 10)
    path = folder / "generated.db"
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        thresher(["import", str(truth), "--into", str(path)])
    print("\nLearned cleaner on a generated HTML corpus (10 sites x 10 pages, 3 sites held out)")
    print(f"  {'base':<12}{'train s':>9}{'line acc':>10}{'F1':>8}{'base F1':>9}")
    for base in BASES:
        if unavailable_reason(base) is not None:
            print(f"  {base:<12}skipped: {unavailable_reason(base)}")
            continue
        out = io.StringIO()
        argv = ["train", str(path), "-o", str(folder / f"{base}.json"), "--base", base]
        with redirect_stdout(out):
            thresher([*argv, "--hold-out-by", "site", "--held-out", "0.3"])
        text = out.getvalue()
        seconds = re.search(r"in ([\d.]+) s", text)
        figures = re.search(r"line accuracy ([\d.]+);.*F1 ([\d.]+) \(.* alone: F1 ([\d.]+)", text)
        if seconds is None or figures is None:
            print(f"  {base:<12}{text.strip()}")
            continue
        accuracy, f1, base_f1 = figures.groups()
        print(f"  {base:<12}{seconds.group(1):>9}{accuracy:>10}{f1:>8}{base_f1:>9}")
    print("  (train s: preparing the pages with the base cleaner, and fitting)")


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        bundled_leaderboard(folder)
        learned_on_generated(folder)


if __name__ == "__main__":
    main()
