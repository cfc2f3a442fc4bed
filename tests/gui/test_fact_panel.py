"""The fact panel on its own, driven offscreen with the mouse and keys a user would press."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SCREENSHOTS
from widgets.fact_panel import FactPanel, FactView, SlotRow, SlotView

QUANTITY_SLOTS = (
    ("subject", "entity", "Who or what the quantity is about (정부, 과기정통부)."),
    ("measure", "text", "What is counted or measured (GPU 확보, R&D 예산)."),
    ("value", "number", "The figure as written; its value is a plain number (3만 -> 30000)."),
    ("unit", "text", "The unit (개, 장, 원, KRW)."),
    ("date", "date", "When the quantity holds or is due (2026년 -> 2026)."),
)
Filled = dict[str, tuple[str | None, str | None, str]]  # role -> (evidence, value, layer)


def quantity(fact_id: str, filled: Filled, annotator: str = "kim") -> FactView:
    slots = []
    for role, kind, description in QUANTITY_SLOTS:
        evidence, value, layer = filled.get(role, (None, None, "raw"))
        shown_layer = layer if evidence is not None else None
        slots.append(SlotView(role, description, kind, evidence, shown_layer, value))
    return FactView(fact_id, "quantity", annotator, tuple(slots))


GPU = quantity(
    "fact-gpu",
    {
        "subject": ("과학기술정보통신부", None, "raw"),
        "measure": ("GPU 확보", None, "raw"),
        "value": ("3만개", "30000", "raw"),
        "unit": ("개", None, "raw"),
        "date": ("2026년", "2026", "raw"),
    },
)
BUDGET = quantity(
    "fact-budget",
    {
        "subject": ("정부", None, "raw"),
        "measure": ("R&D 예산", None, "clean"),
        "value": ("35조5000억원", "35500000000000", "raw"),
        "unit": (None, "KRW", "raw"),
    },
)
EMPTY = quantity("fact-empty", {})


def shown_panel(
    qtbot: QtBot,
    facts: list[FactView],
    current: str | None = None,
    role: str | None = None,
    size: tuple[int, int] = (320, 520),
) -> FactPanel:
    panel = FactPanel()
    qtbot.addWidget(panel)
    panel.set_facts(facts, current, role)
    panel.resize(*size)
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()
    return panel


def slot_row(panel: FactPanel, role: str) -> SlotRow:
    row = panel.slot_row(role)
    assert row is not None, f"no {role} row in the form"
    return row


def row_texts(panel: FactPanel) -> list[str]:
    return [panel.fact_list.item(row).text() for row in range(panel.fact_list.count())]


def click_fact_row(qtbot: QtBot, panel: FactPanel, row: int) -> None:
    rect = panel.fact_list.visualItemRect(panel.fact_list.item(row))
    qtbot.mouseClick(panel.fact_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def test_facts_are_listed_numbered_with_their_korean_evidence(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU, BUDGET, EMPTY], "fact-budget", "date")
    assert panel.heading.text() == "Facts (3)"
    assert row_texts(panel) == [
        "1. quantity — 과학기술정보통신부 · GPU 확보 · 3만개 · 개 · 2026년",
        "2. quantity — 정부 · R&D 예산 · 35조5000억원 · KRW",  # no evidence: the value
        "3. quantity — (empty)",
    ]
    assert panel.fact_list.currentRow() == 1
    assert panel.fact_list.item(1).toolTip() == f"{row_texts(panel)[1]}\n(kim)"
    assert panel.form_title.text() == "2. quantity · kim"


def test_the_current_slot_is_marked(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU, BUDGET], "fact-gpu", "value")
    assert (panel.current_fact(), panel.current_role()) == ("fact-gpu", "value")
    value, unit = slot_row(panel, "value"), slot_row(panel, "unit")
    assert value.marker.text() == "▶" and value.role_label.font().bold()
    assert value.property("current") is True
    assert unit.marker.text() == "" and not unit.role_label.font().bold()
    assert unit.property("current") is False
    assert value.evidence_label.text() == "3만개"
    assert value.value_edit.text() == "30000"
    assert value.value_edit.isReadOnly()  # looks like text until opened
    assert "3만 -> 30000" in value.toolTip()  # the slot's description


def test_empty_slots_show_a_grey_dash_and_a_placeholder_per_kind(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [EMPTY], "fact-empty", "subject")
    date = slot_row(panel, "date")
    assert date.evidence_label.text() == "—"
    assert date.evidence_label.property("empty") is True
    assert date.value_edit.text() == ""
    assert date.value_edit.placeholderText() == "date: 2026-01-24"
    assert slot_row(panel, "value").value_edit.placeholderText() == "number: 30000"
    assert row_texts(panel) == ["1. quantity — (empty)"]


def test_clean_layer_evidence_carries_a_tag(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [BUDGET], "fact-budget", "subject")
    assert slot_row(panel, "measure").clean_tag.isVisible()
    assert not slot_row(panel, "subject").clean_tag.isVisible()


def test_long_evidence_is_elided_not_widening_the_panel(qtbot: QtBot) -> None:
    quote = "과학기술정보통신부는 2026년까지 고성능 GPU 3만개를 확보하겠다고 밝혔다" * 3
    fact = quantity("fact-long", {"measure": (quote, None, "raw")})
    panel = shown_panel(qtbot, [fact], "fact-long", "measure", size=(300, 520))
    label = slot_row(panel, "measure").evidence_label
    assert label.text().endswith("…") and len(label.text()) < len(quote)
    assert label.toolTip() == quote  # the whole quote on hover
    assert panel.width() == 300
    assert panel.minimumSizeHint().width() <= 300


def test_no_facts_shows_the_placeholder(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [], None, None)
    assert panel.heading.text() == "Facts (0)"
    assert panel.placeholder.isVisible()
    assert panel.placeholder.text() == "No facts yet — F starts one"
    assert not panel.fact_list.isVisible() and not panel.form_title.isVisible()
    assert panel.current_fact() is None and panel.current_role() is None
    panel.edit_value()  # nothing to edit: nothing happens
    panel.set_facts([GPU], "fact-gpu", "subject")
    assert panel.fact_list.isVisible() and not panel.placeholder.isVisible()


def test_set_facts_emits_nothing(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU], "fact-gpu", "subject")
    signals = (panel.fact_selected, panel.slot_selected, panel.value_edited, panel.edit_finished)
    for signal in signals:
        with qtbot.assertNotEmitted(signal):
            panel.set_facts([GPU, BUDGET], "fact-budget", "value")
            panel.set_facts([BUDGET], "fact-budget", "unit")
            panel.set_facts([], None, None)
            panel.set_facts([GPU, BUDGET, EMPTY], "fact-gpu", "date")
    assert (panel.current_fact(), panel.current_role()) == ("fact-gpu", "date")


def test_clicking_a_fact_row_selects_it(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU, BUDGET], "fact-gpu", "value")
    with qtbot.waitSignal(panel.fact_selected) as selected:
        click_fact_row(qtbot, panel, 1)
    assert selected.args == ["fact-budget"]
    assert panel.current_fact() == "fact-budget"
    assert slot_row(panel, "unit").evidence_label.text() == "—"  # the form followed


def test_arrow_keys_in_the_list_select_facts(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU, BUDGET, EMPTY], "fact-gpu", "value")
    panel.fact_list.setFocus()
    with qtbot.waitSignal(panel.fact_selected) as selected:
        qtbot.keyClick(panel.fact_list, Qt.Key.Key_Down)
    assert selected.args == ["fact-budget"]


def test_clicking_a_slot_row_selects_the_slot(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU], "fact-gpu", "subject")
    with qtbot.waitSignal(panel.slot_selected) as selected:
        click(qtbot, slot_row(panel, "unit").evidence_label)
    assert selected.args == ["unit"]
    with qtbot.waitSignal(panel.slot_selected) as selected:
        click(qtbot, slot_row(panel, "date").role_label)
    assert selected.args == ["date"]
    assert panel.current_role() == "date"
    assert slot_row(panel, "date").marker.text() == "▶"


def test_edit_value_type_and_enter(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [EMPTY], "fact-empty", "value")
    editor = slot_row(panel, "value").value_edit
    panel.edit_value()
    qtbot.waitUntil(editor.hasFocus)
    assert not editor.isReadOnly()
    qtbot.keyClicks(editor, "30000")
    heard: list[tuple[str, ...]] = []
    panel.value_edited.connect(lambda role, text: heard.append(("value_edited", role, text)))
    panel.edit_finished.connect(lambda: heard.append(("edit_finished",)))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert heard == [("value_edited", "value", "30000"), ("edit_finished",)]
    assert editor.isReadOnly()


def test_edit_value_selects_the_old_text_for_typing_over(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU], "fact-gpu", "value")
    editor = slot_row(panel, "value").value_edit
    panel.edit_value()
    assert editor.selectedText() == "30000"
    qtbot.keyClicks(editor, "31000")
    with qtbot.waitSignal(panel.value_edited) as edited:
        qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert edited.args == ["value", "31000"]


def test_escape_keeps_the_old_value(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU], "fact-gpu", "value")
    editor = slot_row(panel, "value").value_edit
    panel.edit_value()
    qtbot.keyClicks(editor, "999")
    assert editor.text() == "999"
    with qtbot.assertNotEmitted(panel.value_edited), qtbot.waitSignal(panel.edit_finished):
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.text() == "30000"
    assert editor.isReadOnly()


def test_emptying_the_value_asks_to_clear_it(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU], "fact-gpu", "date")
    panel.edit_value()
    editor = slot_row(panel, "date").value_edit
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    with qtbot.waitSignal(panel.value_edited) as edited:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert edited.args == ["date", ""]


def test_the_windows_single_key_shortcuts_do_not_steal_typing(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    panel = FactPanel()
    window.setCentralWidget(panel)
    fired: list[str] = []
    for keys in ("S", "V", "Shift+S", "Esc", "Backspace"):
        action = QAction(keys, window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _=False, keys=keys: fired.append(keys))
        window.addAction(action)
    panel.set_facts([BUDGET], "fact-budget", "unit")
    with qtbot.waitActive(window):
        window.show()
    editor = slot_row(panel, "unit").value_edit
    panel.edit_value()
    qtbot.keyClicks(editor, "sVS")
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert editor.text() == "sV"
    with qtbot.waitSignal(panel.edit_finished):
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert fired == []
    assert editor.text() == "KRW"


def test_clicking_a_value_opens_it_for_that_slot(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU], "fact-gpu", "subject")
    editor = slot_row(panel, "date").value_edit
    with qtbot.waitSignal(panel.slot_selected) as selected:
        click(qtbot, editor)
    assert selected.args == ["date"]
    assert not editor.isReadOnly() and editor.selectedText() == "2026"
    qtbot.keyClicks(editor, "2026-03")
    with qtbot.waitSignal(panel.value_edited) as edited:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert edited.args == ["date", "2026-03"]


def test_a_refresh_while_typing_keeps_the_typed_text(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU], "fact-gpu", "value")
    editor = slot_row(panel, "value").value_edit
    panel.edit_value()
    qtbot.keyClicks(editor, "4")
    panel.set_facts([GPU, BUDGET], "fact-gpu", "value")
    assert editor.text() == "4" and not editor.isReadOnly()
    panel.set_facts([BUDGET], "fact-budget", "subject")  # another fact: the edit is dropped
    assert editor.isReadOnly()


def test_scroll_position_survives_a_refresh(qtbot: QtBot) -> None:
    facts = [quantity(f"fact-{n}", {"value": (f"{n}만개", f"{n}0000", "raw")}) for n in range(50)]
    panel = shown_panel(qtbot, facts, "fact-30", "value")
    bar = panel.fact_list.verticalScrollBar()
    assert bar.value() > 0  # the current fact was scrolled into view
    visible = panel.fact_list.visualItemRect(panel.fact_list.item(30))
    assert panel.fact_list.viewport().rect().contains(visible.center())
    before = bar.value()
    first_item = panel.fact_list.item(0)
    panel.set_facts(facts[:49], "fact-30", "date")
    assert bar.value() == before
    assert panel.fact_list.item(0) is first_item  # rows are updated, not rebuilt


def test_a_short_panel_scrolls_the_current_slot_into_view(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU, BUDGET], "fact-gpu", "date", size=(300, 240))
    QApplication.processEvents()
    date = slot_row(panel, "date")
    viewport = date.parentWidget().parentWidget()  # the form, inside the scroll viewport
    top_left = date.mapTo(viewport, QPoint(0, 0))
    assert top_left.y() >= 0 and top_left.y() + date.height() <= viewport.height()
    assert panel.fact_list.height() >= 3 * panel.fact_list.fontMetrics().height()


def test_hint_is_shown_and_hidden(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU], "fact-gpu", "value")
    assert not panel.hint_label.isVisible()
    hint = "Suggestion under the cursor: 3만개 → 30000 개 (S fills the slot)"
    panel.set_hint(hint)
    assert panel.hint_label.isVisible() and panel.hint_label.text() == hint
    assert panel.findChild(type(panel.hint_label), "hint") is panel.hint_label
    panel.set_hint("")
    assert not panel.hint_label.isVisible()


def test_nothing_is_clipped_at_300_pixels(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU, BUDGET], "fact-budget", "value", size=(300, 520))
    panel.set_hint("Suggestion under the cursor: 35조5000억원 → 35500000000000 (S fills)")
    QApplication.processEvents()
    for role in ("subject", "measure", "value", "unit", "date"):
        row = slot_row(panel, role)
        right_edge = row.mapTo(panel, QPoint(row.width(), 0)).x()
        assert right_edge <= panel.width()
        assert row.role_label.width() >= row.role_label.fontMetrics().horizontalAdvance(role)
        editor = row.value_edit
        assert editor.mapTo(panel, QPoint(editor.width(), 0)).x() <= panel.width()
    value = slot_row(panel, "value").value_edit
    assert value.width() > value.fontMetrics().horizontalAdvance("35500000000000")


def test_screenshot_of_the_panel(qtbot: QtBot) -> None:
    panel = shown_panel(qtbot, [GPU, BUDGET], "fact-gpu", "value")
    panel.set_hint("Suggestion under the cursor: 3만개 → 30000 개 (S fills the slot)")
    QApplication.processEvents()
    SCREENSHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SCREENSHOTS / "fact_panel.png"))
