"""The document list, the label palette and the shortcuts sheet, driven offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.core.labelschema import default_schema
from app.core.listing import DocumentRow, ListFilter
from storage.annotations import set_status
from storage.document_rows import SqliteDocumentRows
from storage.labelfile import LabelFile, open_label_file
from tests.conftest import REPO
from widgets.document_list import DocumentListModel, DocumentListView
from widgets.label_palette import LabelPalette, PaletteEntry, label_keys
from widgets.shortcuts_sheet import ShortcutsSheet

KOREAN_TITLES = (
    "서울시, 내년 예산 40조 원 편성… 복지 분야 최대",
    "[단독] 반도체 수출 3개월 연속 증가",
    "오늘의 날씨: 전국 대체로 맑고 일교차 커",
    "프로야구 개막전 매진… 관중 2만 명 몰려",
    "Weekly tech roundup: 새 스마트폰 출시 소식",
)
SCREENSHOTS = REPO / "screenshots"
STATUS_CYCLE = ("todo", "done", "flagged", "skipped", "todo", "done")


class FakeRows:
    """An in-memory ``DocumentRows`` that remembers which rows it was asked for."""

    def __init__(self, rows: list[DocumentRow]) -> None:
        self.all_rows = rows
        self.index = {row.doc_id: n for n, row in enumerate(rows)}
        self.requests: list[tuple[int, int]] = []

    @classmethod
    def numbered(cls, count: int) -> FakeRows:
        return cls(
            [
                DocumentRow(
                    f"doc-{n:06d}",
                    KOREAN_TITLES[n % len(KOREAN_TITLES)],
                    STATUS_CYCLE[n % len(STATUS_CYCLE)],
                    n % 7,
                )
                for n in range(count)
            ]
        )

    @property
    def rows_fetched(self) -> int:
        return sum(limit for _, limit in self.requests)

    def _matching(self, list_filter: ListFilter) -> list[DocumentRow]:
        if list_filter.is_empty:
            return self.all_rows
        return [row for row in self.all_rows if list_filter.matches(row)]

    def count(self, list_filter: ListFilter) -> int:
        return len(self._matching(list_filter))

    def rows(self, list_filter: ListFilter, offset: int, limit: int) -> list[DocumentRow]:
        self.requests.append((offset, limit))
        return self._matching(list_filter)[offset : offset + limit]

    def row_of(self, list_filter: ListFilter, doc_id: str) -> int | None:
        if list_filter.is_empty:
            return self.index.get(doc_id)
        ids = [row.doc_id for row in self._matching(list_filter)]
        return ids.index(doc_id) if doc_id in ids else None

    def row(self, doc_id: str) -> DocumentRow | None:
        at = self.index.get(doc_id)
        return None if at is None else self.all_rows[at]


@pytest.fixture
def seeds(seed_file: Path) -> Iterator[LabelFile]:
    """The sample pages' label file, open."""
    with open_label_file(seed_file) as opened:
        yield opened


def seed_ids(label_file: LabelFile) -> list[str]:
    query = "SELECT id FROM documents ORDER BY rowid"
    return [row[0] for row in label_file.connection.execute(query)]


def shown_view(qtbot: QtBot, source: object) -> DocumentListView:
    view = DocumentListView()
    qtbot.addWidget(view)
    view.set_source(source)  # type: ignore[arg-type]
    view.resize(460, 520)
    with qtbot.waitExposed(view):
        view.show()
    return view


def cell(model: DocumentListModel, row: int, column: int) -> object:
    return model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)


# -- the model ----------------------------------------------------------------------------


def test_model_over_a_real_label_file(seeds: LabelFile, qtmodeltester: ModelTester) -> None:
    model = DocumentListModel()
    model.set_source(SqliteDocumentRows(seeds.connection, "kim"))
    qtmodeltester.check(model)
    ids = seed_ids(seeds)
    assert model.rowCount() == len(ids) == 5
    assert [model.doc_id_at(row) for row in range(5)] == ids
    title = seeds.connection.execute("SELECT title FROM documents WHERE id = ?", (ids[0],))
    headline = title.fetchone()[0]
    assert headline.startswith("과학기술정보통신부")  # the article's first line, not the id
    assert [cell(model, 0, column) for column in range(3)] == [headline, "To do", 0]
    assert model.row_of(ids[3]) == 3


def test_model_checks_on_paged_fake(qtmodeltester: ModelTester) -> None:
    model = DocumentListModel(page_size=50)
    model.set_source(FakeRows.numbered(1000))
    qtmodeltester.check(model)


def test_hundred_thousand_rows_read_a_page_at_a_time(qtbot: QtBot) -> None:
    fake = FakeRows.numbered(100_000)
    view = shown_view(qtbot, fake)
    assert view.model.rowCount() == 100_000
    assert 0 < fake.rows_fetched <= 400  # the visible page or two, not 100,000
    view.table.scrollToBottom()
    QApplication.processEvents()
    assert fake.requests[-1][0] >= 99_800
    assert fake.rows_fetched <= 800
    assert view.model.doc_id_at(99_999) == "doc-099999"
    view.select_document("doc-050000")
    assert view.table.currentIndex().row() == 50_000
    assert fake.rows_fetched <= 1400


def test_filter_by_status_and_text(seeds: LabelFile) -> None:
    ids = seed_ids(seeds)
    set_status(seeds, ids[1], "kim", "done")
    set_status(seeds, ids[4], "kim", "flagged", "menu only")
    model = DocumentListModel()
    model.set_source(SqliteDocumentRows(seeds.connection, "kim"))
    model.set_filter(ListFilter(status="done"))
    assert [model.doc_id_at(row) for row in range(model.rowCount())] == [ids[1]]
    model.set_filter(ListFilter(status="todo"))
    assert model.rowCount() == 3
    model.set_filter(ListFilter(text=ids[2][:6].upper()))
    assert [model.doc_id_at(row) for row in range(model.rowCount())] == [ids[2]]
    model.set_filter(ListFilter())
    assert model.rowCount() == 5


def test_view_filters_as_you_type_and_by_status_box(qtbot: QtBot) -> None:
    view = shown_view(qtbot, FakeRows.numbered(60))
    view.filter_edit.setText("날씨")  # keyClicks aborts on non-Latin text
    qtbot.waitUntil(lambda: view.model.rowCount() == 12)
    assert all("날씨" in str(cell(view.model, row, 0)) for row in range(12))
    view.status_box.setCurrentIndex(view.status_box.findData("done"))
    assert view.model.list_filter == ListFilter(status="done", text="날씨")
    assert 0 < view.model.rowCount() < 12
    view.filter_edit.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 20)


def test_refresh_row_shows_a_changed_status(seeds: LabelFile, qtbot: QtBot) -> None:
    ids = seed_ids(seeds)
    model = DocumentListModel()
    model.set_source(SqliteDocumentRows(seeds.connection, "kim"))
    assert cell(model, 2, 1) == "To do"
    set_status(seeds, ids[2], "kim", "skipped")
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.refresh_row(ids[2])
    assert changed.args[0].row() == 2
    assert cell(model, 2, 1) == "Skipped"


def test_refresh_row_drops_a_row_leaving_the_filter(seeds: LabelFile, qtbot: QtBot) -> None:
    ids = seed_ids(seeds)
    model = DocumentListModel()
    model.set_source(SqliteDocumentRows(seeds.connection, "kim"))
    model.set_filter(ListFilter(status="todo"))
    assert model.doc_id_at(0) == ids[0]
    set_status(seeds, ids[0], "kim", "done")
    with qtbot.waitSignal(model.modelReset):
        model.refresh_row(ids[0])
    assert model.rowCount() == 4
    assert model.row_of(ids[0]) is None


def test_select_document_selects_without_activating(seeds: LabelFile, qtbot: QtBot) -> None:
    ids = seed_ids(seeds)
    view = shown_view(qtbot, SqliteDocumentRows(seeds.connection, "kim"))
    with qtbot.assertNotEmitted(view.document_activated):
        view.select_document(ids[3])
    assert view.table.currentIndex().row() == 3
    assert [index.row() for index in view.table.selectionModel().selectedRows()] == [3]


def test_keyboard_down_activates_the_next_document(seeds: LabelFile, qtbot: QtBot) -> None:
    ids = seed_ids(seeds)
    view = shown_view(qtbot, SqliteDocumentRows(seeds.connection, "kim"))
    view.select_document(ids[0])
    view.table.setFocus()
    with qtbot.waitSignal(view.document_activated) as activated:
        qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert activated.args == [ids[1]]
    with qtbot.waitSignal(view.document_activated) as activated:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert activated.args == [ids[1]]


def test_click_activates(qtbot: QtBot) -> None:
    view = shown_view(qtbot, FakeRows.numbered(30))
    rect = view.table.visualRect(view.model.index(4, 0))
    with qtbot.waitSignal(view.document_activated) as activated:
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert activated.args == ["doc-000004"]


def test_selection_survives_filtering(qtbot: QtBot) -> None:
    view = shown_view(qtbot, FakeRows.numbered(60))
    view.select_document("doc-000013")
    with qtbot.assertNotEmitted(view.document_activated):
        view.status_box.setCurrentIndex(view.status_box.findData("done"))
    assert view.model.doc_id_at(view.table.currentIndex().row()) == "doc-000013"


def test_focus_filter(qtbot: QtBot) -> None:
    view = shown_view(qtbot, FakeRows.numbered(10))
    view.filter_edit.setText("doc")
    view.table.setFocus()
    view.activateWindow()
    view.focus_filter()
    qtbot.waitUntil(view.filter_edit.hasFocus)
    assert view.filter_edit.selectedText() == "doc"
    assert view.filter_edit.placeholderText() == "Filter by id or title (Ctrl+F)"


def test_screenshot_of_the_list(qtbot: QtBot) -> None:
    view = shown_view(qtbot, FakeRows.numbered(100_000))
    view.select_document("doc-000002")
    SCREENSHOTS.mkdir(exist_ok=True)
    assert view.grab().save(str(SCREENSHOTS / "list.png"))


# -- the palette --------------------------------------------------------------------------


def palette_entries() -> list[PaletteEntry]:
    labels = default_schema().labels
    keys = label_keys(len(labels))
    return [
        PaletteEntry(label.name, label.color, key, label.description)
        for key, label in zip(keys, labels, strict=True)
    ]


def test_label_keys() -> None:
    assert label_keys(14)[-1] == "T"
    assert label_keys(18) == [*"123456789", *"QWERTYUIO"]
    assert label_keys(0) == []
    with pytest.raises(ValueError, match="only 18"):
        label_keys(19)


def shown_palette(qtbot: QtBot) -> LabelPalette:
    palette = LabelPalette()
    qtbot.addWidget(palette)
    palette.set_labels(palette_entries())
    with qtbot.waitExposed(palette):
        palette.show()
    return palette


def test_clicking_an_entry_chooses_its_label(qtbot: QtBot) -> None:
    palette = shown_palette(qtbot)
    with qtbot.waitSignal(palette.label_chosen) as chosen:
        qtbot.mouseClick(palette.button("ad"), Qt.MouseButton.LeftButton)
    assert chosen.args == ["ad"]
    assert palette.button("ad").focusPolicy() == Qt.FocusPolicy.NoFocus


def test_counts_current_and_tooltips(qtbot: QtBot) -> None:
    palette = shown_palette(qtbot)
    palette.set_counts({"ad": 3, "nav": 12})
    assert [palette.count_text(name) for name in ("ad", "nav", "comment")] == ["3", "12", "0"]
    palette.set_current("nav")
    assert palette.current() == "nav"
    assert palette.button("nav").property("current") is True
    assert palette.button("ad").property("current") is False
    description = next(e.description for e in palette_entries() if e.name == "ad")
    assert palette.button("ad").toolTip() == description
    palette.resize(palette.sizeHint())
    SCREENSHOTS.mkdir(exist_ok=True)
    assert palette.grab().save(str(SCREENSHOTS / "palette.png"))


def test_set_labels_replaces_entries(qtbot: QtBot) -> None:
    palette = shown_palette(qtbot)
    palette.set_labels([PaletteEntry("only", "#ff0000", "1", "the one label")])
    with pytest.raises(KeyError):
        palette.button("ad")
    assert palette.count_text("only") == "0"


# -- the sheet ----------------------------------------------------------------------------


def test_shortcuts_sheet_lists_keys_and_closes_with_escape(qtbot: QtBot) -> None:
    sections = [
        ("Labels", [("1", "nav"), ("Q", "widget")]),
        ("", [("label key", "Tag the selection")]),
        ("Document", [("Ctrl+Return", "Mark done <and> go on")]),
    ]
    sheet = ShortcutsSheet(sections)
    qtbot.addWidget(sheet)
    with qtbot.waitExposed(sheet):
        sheet.show()
    text = sheet.browser.toPlainText()
    assert sheet.windowTitle() == "Keyboard shortcuts"
    assert "Ctrl+Return" in text and "Mark done <and> go on" in text and "Labels" in text
    qtbot.keyClick(sheet.browser, Qt.Key.Key_Escape)
    assert not sheet.isVisible()


def test_model_index_of_missing_row_is_harmless() -> None:
    model = DocumentListModel()
    assert model.rowCount() == 0
    assert model.data(QModelIndex()) is None
    with pytest.raises(IndexError):
        model.doc_id_at(0)
