"""Python's cyclic garbage collector held off while one action runs.

Accepting 11,000 suggestions makes some 100,000 objects (records, ids, marks), none of
them garbage. With the collector on, several young collections walk them and, now and
then, a full one walks the whole heap in the middle of the action: the same accept took
between 180 and 250 ms from run to run. Held off, they would all be walked by the first
young collection after it, 7-12 ms in the middle of the paint that shows the result.

So an action that made ``MANY_NEW_OBJECTS`` or more ends with ``gc.freeze``: what is
alive then (those objects, and everything older) is left out of every later collection,
as the window does once at start. Frozen objects are still freed when their last
reference goes (an undo, the next document); only a reference cycle that was already
garbage at that moment is kept until the program ends, a few objects at most.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

# Objects made by one action (net) from which its end freezes them rather than leave
# them to the next young collection: thousands of spans, never a single key's few.
MANY_NEW_OBJECTS = 20_000

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collection_held() -> Iterator[None]:
    """No cyclic collection inside the block; the collector is as it was after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_count()[0] >= MANY_NEW_OBJECTS:
                gc.freeze()
            gc.enable()


def without_collection(action: Callable[P, R]) -> Callable[P, R]:
    """``action`` run inside ``collection_held``."""

    @wraps(action)
    def held(*args: P.args, **kwargs: P.kwargs) -> R:
        with collection_held():
            return action(*args, **kwargs)

    return held
