"""Every command explains itself with an example, and the README documents it."""

from __future__ import annotations

import argparse

import pytest

from app.cli import build_parser, main
from tests.conftest import REPO


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_has_an_example_in_its_help() -> None:
    for name, parser in commands().items():
        assert "Example" in (parser.epilog or ""), name
        assert f"thresher {name}" in (parser.epilog or ""), name


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    for name in commands():
        assert f"thresher {name}" in readme, name


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("thresher 0.")
