"""The agreement window's progress table: each annotator's median active time per document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.agreement_report import format_duration
from app.core.labelschema import default_schema
from app.gui.agreement_window import AgreementWindow
from app.ingest import ImportOptions, import_sources
from app.session.document_session import DocumentSession
from storage.active_time import add_active_seconds
from storage.annotations import NewSpan, add_spans, set_status
from storage.labelfile import LabelFile, create_label_file, open_label_file
from tests.gui.conftest import SCREENSHOTS
from widgets.agreement_view import PROGRESS_COLUMNS

DOCS = ("news/1", "news/2", "news/3")
PARK = "박지민"
ACTIVE = PROGRESS_COLUMNS.index("Active / doc")


def team_file(path: Path) -> Path:
    """Three pages, each done by kim, lee and park, with a nav span from kim and lee."""
    source = path.with_suffix(".jsonl")
    source.write_text(
        "".join(json.dumps({"id": d, "raw_text": f"메뉴 홈\n{d} 본문\n"}) + "\n" for d in DOCS),
        "utf-8",
    )
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        assert not import_sources(label_file, [source], ImportOptions("lead")).refusals
        for doc_id in DOCS:
            for who in ("kim", "lee", PARK):
                set_status(label_file, doc_id, who, "done")
            for who in ("kim", "lee"):
                add_spans(label_file, doc_id, [NewSpan("raw", 0, 4, "nav")], who)
    return path


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[LabelFile]:
    with open_label_file(team_file(tmp_path / "team.db")) as label_file:
        yield label_file


def shown_window(qtbot: QtBot, label_file: LabelFile) -> AgreementWindow:
    window = AgreementWindow(DocumentSession(label_file, "kim"))
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show_fresh()
    return window


def active_column(window: AgreementWindow) -> dict[str, str]:
    table = window.view.progress_table
    return {table.item(r, 0).text(): table.item(r, ACTIVE).text() for r in range(table.rowCount())}


def test_the_table_shows_each_annotators_median_active_time(
    qtbot: QtBot, opened: LabelFile
) -> None:
    for doc_id, seconds in zip(DOCS, (30.0, 200.0, 50.0), strict=True):
        add_active_seconds(opened, doc_id, "kim", seconds)
    add_active_seconds(opened, "news/1", "lee", 80.0)
    add_active_seconds(opened, "news/2", "lee", 100.0)
    add_active_seconds(opened, "news/1", "gold", 99.0)  # gold is nobody's time
    window = shown_window(qtbot, opened)
    table = window.view.progress_table
    assert table.horizontalHeaderItem(ACTIVE).text() == "Active / doc"
    assert "2 minutes" in table.horizontalHeaderItem(ACTIVE).toolTip()
    # kim: 30, 50, 200; lee: 80, 100; park worked without the window counting.
    assert active_column(window) == {"kim": "50s", "lee": "1m 30s", PARK: "-"}
    # Every cell is shown whole: the table is no wider than the window holds.
    assert table.horizontalHeader().length() <= table.viewport().width()
    SCREENSHOTS.mkdir(exist_ok=True)
    assert window.grab().save(str(SCREENSHOTS / "agreement_active_time.png"))


def test_a_file_without_active_time_shows_a_dash(qtbot: QtBot, opened: LabelFile) -> None:
    window = shown_window(qtbot, opened)
    assert active_column(window) == {"kim": "-", "lee": "-", PARK: "-"}


def test_asking_again_shows_time_recorded_since(qtbot: QtBot, opened: LabelFile) -> None:
    window = shown_window(qtbot, opened)
    window.session.record_active_seconds("news/1", 125.0)  # as the window's clock would
    window.show_fresh()
    assert active_column(window)["kim"] == "2m 05s"


def test_durations_read_as_the_command_line_prints_them() -> None:
    # One formatter (app.core) serves the table and `thresher agreement`.
    assert [format_duration(s) for s in (None, 0, 42.4, 59.6, 185, 3600)] == [
        "-",
        "0s",
        "42s",
        "1m 00s",
        "3m 05s",
        "60m 00s",
    ]
