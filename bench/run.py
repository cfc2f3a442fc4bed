"""``make bench``: run every benchmark and print the figures the issues name."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ORDER = (
    "bench_import.py",
    "bench_import_memory.py",
    "bench_alignment.py",
    "bench_window.py",
    "bench_merge.py",
    "bench_export.py",
    "bench_trainer.py",
    "bench_find.py",
    "bench_throughput.py",
    "bench_warc.py",
    "bench_scale.py",
)


def main() -> None:
    """Run the benchmarks one after another, in a fixed order."""
    sys.path.insert(0, str(BENCH.parent))
    for name in ORDER:
        path = BENCH / name
        if path.exists():
            print(f"== {name}", flush=True)
            runpy.run_path(str(path), run_name="__main__")
            print(flush=True)


if __name__ == "__main__":
    main()
