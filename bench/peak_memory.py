"""A process's own peak resident memory, for the benches that measure it in a child."""

from __future__ import annotations

import contextlib
import resource


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux: ``VmHWM``).

    Not ``ru_maxrss``: Linux keeps it across ``exec``, so a child started by a big process
    reports at least its parent's peak (a child of a 500 MB process said 510 MB; its own
    peak was 9 MB), and a bench's own children are started by a process that grew.
    """
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
