"""Every key of the window is in the README's shortcut table, so the two cannot drift."""

from __future__ import annotations

import pytest

from app.gui.keys import KEYS, Key
from tests.conftest import REPO

README = (REPO / "README.md").read_text("utf-8")


@pytest.mark.parametrize("entry", KEYS, ids=lambda entry: entry.name)
def test_every_window_key_is_in_the_readme(entry: Key) -> None:
    row = next((line for line in README.splitlines() if line.endswith(f"| {entry.text} |")), "")
    assert row, f"README has no shortcut row for {entry.name!r} ({entry.text})"
    for key in entry.keys:
        assert f"`{key}`" in row, f"README's row for {entry.name!r} does not name {key}"


def test_no_two_actions_share_a_key() -> None:
    keys = [key for entry in KEYS for key in entry.keys]
    assert len(keys) == len(set(keys))
