"""``make bench``: run every benchmark and print the figures the issues name.

Each benchmark runs in a process of its own, as the program a user starts does: run one
after another in one process, the window's figures were measured on the heap the import
benchmarks had left (a fact fill 22 ms there, 14-18 ms in a process of its own).
"""

from __future__ import annotations

import os
import subprocess
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
    """Run the benchmarks one after another, in a fixed order, each in its own process."""
    failed = []
    root = str(BENCH.parent)  # ``app``, ``storage``, ``bench`` import from the checkout
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }
    for name in ORDER:
        path = BENCH / name
        if path.exists():
            print(f"== {name}", flush=True)
            done = subprocess.run([sys.executable, str(path)], check=False, cwd=root, env=env)
            if done.returncode:
                failed.append(name)
            print(flush=True)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
