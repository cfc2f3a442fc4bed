"""The collector is held off during one session action, and a bulk action's objects are
not left for the next young collection (it would walk them in the middle of the paint)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.session.collection import MANY_NEW_OBJECTS, collection_held, without_collection


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Each test starts with nothing frozen, and leaves nothing frozen behind."""
    gc.unfreeze()
    gc.collect()
    yield
    gc.unfreeze()
    gc.enable()


def test_no_collection_runs_inside_and_the_collector_is_on_again_after() -> None:
    collections: list[str] = []

    def note(phase: str, info: dict[str, int]) -> None:
        collections.append(phase)

    gc.callbacks.append(note)
    try:
        with collection_held():
            assert not gc.isenabled()
            made = [[i] for i in range(MANY_NEW_OBJECTS * 2)]  # well past any threshold
            assert collections == []
    finally:
        gc.callbacks.remove(note)
    assert gc.isenabled()
    assert len(made) == MANY_NEW_OBJECTS * 2


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    with collection_held():
        pass
    assert not gc.isenabled()


def test_thousands_of_new_objects_are_kept_out_of_the_next_young_collection() -> None:
    @without_collection
    def bulk_action() -> list[list[int]]:
        return [[i] for i in range(MANY_NEW_OBJECTS * 2)]

    made = bulk_action()
    assert gc.get_count()[0] < MANY_NEW_OBJECTS  # nothing of them left for the young one
    assert gc.get_freeze_count() >= len(made)


def test_a_small_action_leaves_its_objects_to_the_collector() -> None:
    @without_collection
    def one_key() -> list[list[int]]:
        return [[i] for i in range(100)]

    one_key()
    assert gc.get_freeze_count() == 0


def test_frozen_objects_are_still_freed_when_their_last_reference_goes() -> None:
    class Record:
        freed = 0

        def __del__(self) -> None:
            Record.freed += 1

    @without_collection
    def bulk_action() -> list[object]:
        return [Record() for _ in range(MANY_NEW_OBJECTS * 2)]

    made = bulk_action()
    assert gc.get_freeze_count() >= len(made)
    del made  # an undo, the next document
    assert Record.freed == MANY_NEW_OBJECTS * 2
