"""Alignment speed: ms per bundled sample page, and a 2 MB page with a ~1 MB clean text.

The clean texts are made the way a cleaner would: tags removed, menu and ticker lines
dropped, whitespace collapsed, some paragraphs joined. Run it with
``.venv/bin/python bench/bench_alignment.py``.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.alignment import align, aligned_share, raw_coverage  # noqa: E402

SAMPLES = sorted((ROOT / "resources" / "samples").glob("*.txt"))
TAG = re.compile(r"<[^>]*>")


def realistic_clean(raw: str, seed: int = 1) -> str:
    """Article lines only, tags gone, whitespace collapsed, some paragraphs joined."""
    rng = random.Random(seed)
    lines = [" ".join(line.split()) for line in TAG.sub("\n", raw).split("\n")]
    kept = [line for line in lines if len(line.replace(" ", "")) >= 25]
    return "".join(
        (" " if rng.random() < 0.3 else "\n") * (index > 0) + line
        for index, line in enumerate(kept)
    )


def big_page(size: int, separator: str) -> str:
    """About ``size`` characters of sample text, each copy varied so that lines differ."""
    rng = random.Random(7)
    parts: list[str] = []
    copy = 0
    while sum(map(len, parts)) < size:
        copy += 1
        lines = SAMPLES[copy % len(SAMPLES)].read_text("utf-8").split("\n")
        varied = [
            f"{line} ({copy}-{i})" if len(line) > 40 and rng.random() < 0.5 else line
            for i, line in enumerate(lines)
        ]
        parts.append(separator.join(varied) + separator)
    return "".join(parts)


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def report(name: str, raw: str, clean: str, repeat: int) -> None:
    """Print one line: sizes, median time, aligned share, raw coverage, segment count."""
    ms = timed(lambda: align(raw, clean), repeat)
    segments = align(raw, clean)
    print(
        f"{name:<30} raw {len(raw):>9,}  clean {len(clean):>9,}  {ms:9.1f} ms  "
        f"aligned {aligned_share(segments, len(clean)):.4f}  "
        f"raw kept {raw_coverage(segments, len(raw)):.3f}  segments {len(segments):,}"
    )


def two_megabyte_cases() -> list[tuple[str, str, str]]:
    """(name, raw, clean) for the token path: 2 MB pages as the issues describe them."""
    lines = big_page(2_000_000, "\n")
    one_line = big_page(2_000_000, "  ")
    clean = realistic_clean(lines)
    rng = random.Random(1)
    reflowed = "".join(" " if c == "\n" and rng.random() < 0.95 else c for c in clean)
    article = big_page(600_000, "\n")
    menu = "\n".join(f"메뉴 항목 {i % 50}" for i in range(20_000)) + "\n"
    return [
        ("2 MB page, lines", lines, clean),
        ("2 MB page, one line", one_line, realistic_clean(one_line.replace("  ", "\n"))),
        ("2 MB page, lines re-wrapped", lines, reflowed),
        (
            "1.7 MB page, article twice",
            menu + article + menu + article + menu,
            realistic_clean(article),
        ),
        ("2 MB page, clean == raw", lines, lines),
    ]


def main() -> None:
    """Time the samples, then the large pages."""
    for path in SAMPLES:
        raw = path.read_text("utf-8")
        report(path.name, raw, realistic_clean(raw), repeat=20)
    for name, raw, clean in two_megabyte_cases():
        report(name, raw, clean, repeat=3)


if __name__ == "__main__":
    main()
