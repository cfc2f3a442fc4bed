"""One helper process for both kinds of slow work; per kind, only the latest result lands."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.gui.helper_process import HelperProcess


@pytest.fixture
def helper() -> Iterator[HelperProcess]:
    runner = HelperProcess()
    yield runner
    runner.shutdown()


def test_the_latest_request_of_a_kind_wins_and_kinds_do_not_cross(
    qtbot: QtBot, helper: HelperProcess
) -> None:
    got: list[tuple[str, object]] = []
    helper.run("suggestions", lambda r: got.append(("suggestions", r)), sorted, [3, 1])
    helper.run("suggestions", lambda r: got.append(("suggestions", r)), sorted, [9, 8])
    helper.run("cleaner score", lambda r: got.append(("cleaner score", r)), max, [4, 7])
    assert helper.busy_any()
    qtbot.waitUntil(lambda: not helper.busy("suggestions") and not helper.busy("cleaner score"))
    assert not helper.busy_any()
    # One process works in order: the superseded result came back first and was dropped.
    assert sorted(got) == [("cleaner score", 7), ("suggestions", [8, 9])]
    assert helper._pool is not None and len(helper._pool._processes) == 1


def test_a_forgotten_request_is_dropped(qtbot: QtBot, helper: HelperProcess) -> None:
    got: list[object] = []
    helper.run("suggestions", got.append, sorted, [2, 1])
    helper.forget("suggestions")
    assert not helper.busy("suggestions")
    helper.run("cleaner score", got.append, min, [5, 6])
    qtbot.waitUntil(lambda: not helper.busy("cleaner score"))
    qtbot.wait(200)
    assert got == [5]
