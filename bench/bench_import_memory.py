"""Peak memory of importing one huge page, against issue 15's budget of 10 times the page.

A 60 MB HTML page (the sample pages' article markup repeated) and the same page as one
JSONL record (``raw_html``), each imported by ``thresher import`` in a process of its
own; the peak resident set size of that process is what counts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.pages import make_page, sample_lines

PAGE_BYTES = 60 * 1024 * 1024
BUDGET = 10
REPO = Path(__file__).resolve().parent.parent


def huge_page(size: int) -> str:
    """An HTML page of about ``size`` bytes: many articles' markup, one after another."""
    samples = sample_lines()
    parts: list[str] = []
    total, index = 0, 0
    while total < size:
        page = make_page(index, samples)
        article = page[page.index("<main>") : page.index("</main>") + len("</main>")]
        parts.append(article)
        total += len(article.encode("utf-8"))
        index += 1
    return "<!DOCTYPE html><html><head><meta charset='utf-8'><title>huge</title></head><body>" + (
        "".join(parts) + "</body></html>"
    )


def peak_of_import(source: Path, into: Path) -> tuple[float, int]:
    """Peak RSS in MB of ``thresher import SOURCE --into INTO``, and its exit status."""
    child = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "import", str(source), "--into", str(into)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, child.returncode  # ru_maxrss is in KiB on Linux


def main() -> None:
    """Print each peak next to its budget."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        html = huge_page(PAGE_BYTES)
        page = folder / "huge.html"
        page.write_text(html, "utf-8")
        record = folder / "huge.jsonl"
        line = json.dumps({"id": "huge", "raw_html": html}, ensure_ascii=False)
        record.write_text(line + "\n", "utf-8")
        del html, line
        print("import memory: one huge page, peak resident memory of the import process")
        for name, source in (("HTML page", page), ("JSONL record", record)):
            size = source.stat().st_size / 2**20
            peak, code = peak_of_import(source, folder / f"{source.stem}{source.suffix}.db")
            budget = BUDGET * size
            verdict = "within" if peak <= budget else "OVER"
            print(
                f"  {name:12} {size:5.1f} MB: peak {peak:6.0f} MB, budget {budget:5.0f} MB "
                f"({BUDGET}x): {verdict}; {peak / size:.1f}x, exit {code}"
            )


if __name__ == "__main__":
    main()
