"""The fact panel: the open document's facts as a list, the current fact's slots as a form.

The panel shows plain data (``FactView``) and reports what the user does as signals; it
never stores anything. The window drives it from the keyboard (``set_facts`` after every
change, ``edit_value`` for V); the list, the slot rows and the value editors also answer
the mouse. ``set_facts`` emits nothing, so the window can call it from its own slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QFontMetrics, QKeyEvent, QMouseEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from widgets.plain_text import plain_label, plain_tooltip

FACT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MARKER = "▶"
EMPTY_EVIDENCE = "—"
EMPTY_LIST = "No facts yet — F starts one"
MINIMUM_WIDTH = 250
PLACEHOLDERS = {
    "number": "number: 30000",
    "date": "date: 2026-01-24",
    "entity": "entity: canonical name",
    "text": "text: normalised wording",
}
EDIT_HELP = "V or a click types the value; Enter saves it, Esc keeps the old one"
# An open editor takes plain keys (S, V, Esc, Delete ...) as typing, not as the window's
# shortcuts; keys with these modifiers, and function keys (F1, F6), stay the window's.
_WINDOW_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
# Leaving an open editor for a menu or another window is not leaving it for good.
_PASSING_FOCUS = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason)
_STYLE = """
QLabel#heading, QLabel#form_title { font-weight: bold; }
QLabel#clean_tag, QLabel#arrow, QLabel#placeholder, QLabel#evidence[empty="true"] {
    color: MUTED; }
QLabel#clean_tag { border: 1px solid MUTED; border-radius: 3px; padding: 0 2px; }
QLabel#placeholder { padding: 16px 8px; }
QLabel#hint { background: palette(alternate-base); border: 1px solid palette(midlight);
              border-radius: 3px; padding: 3px 5px; }
QFrame#slot { border: none; border-left: 3px solid transparent; border-radius: 3px; }
QFrame#slot[current="true"] { background: TINT; border-left-color: palette(highlight); }
QLineEdit#value[editing="false"] { border: 1px solid transparent; background: transparent; }
QLineEdit#value[editing="true"] { border: 1px solid palette(highlight);
                                  background: palette(base); }
"""


@dataclass(frozen=True)
class SlotView:
    """One slot of a fact as shown: its role, help, kind, evidence and normalised value."""

    role: str
    description: str
    value_kind: str
    evidence: str | None
    layer: str | None
    value: str | None


@dataclass(frozen=True)
class FactView:
    """One fact as shown: its id, type, annotator and every slot of its type, in order."""

    id: str
    type: str
    annotator: str
    slots: tuple[SlotView, ...]


def fact_row_text(number: int, fact: FactView) -> str:
    """The list row of the ``number``-th fact: "N. type — evidence · evidence ..."."""
    parts = [slot.evidence or slot.value for slot in fact.slots]
    return f"{number}. {fact.type} — {' · '.join(p for p in parts if p) or '(empty)'}"


def _label(text: str, name: str) -> QLabel:
    label = plain_label(text)  # roles, types, ids, evidence: file text, shown literally
    label.setObjectName(name)  # for the style sheet
    return label


def _set_property(widget: QWidget, name: str, value: bool) -> None:
    """Set a property the style sheet reads, and make the style read it again."""
    if widget.property(name) != value:
        widget.setProperty(name, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class SlotRow(QFrame):
    """One slot of the form: marker and role, evidence with its layer tag, value editor.

    The value editor is read-only, and styled as plain text, until the panel opens it.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("slot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.slot = SlotView("", "", "text", None, None, None)
        self.marker, self.role_label, arrow = plain_label(), plain_label(), _label("→", "arrow")
        self.evidence_label = _label("", "evidence")
        self.evidence_label.setTextFormat(Qt.TextFormat.PlainText)
        # The editor's frame and text margin: evidence and value start in one column.
        self.evidence_label.setContentsMargins(3, 0, 0, 0)
        # Ignored: a long quote must never widen the panel; it is elided instead.
        self.evidence_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.clean_tag = _label("[clean]", "clean_tag")
        self.clean_tag.setToolTip("The evidence lies in the cleaned text, not the raw page")
        arrow.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.marker.setFixedWidth(self.fontMetrics().horizontalAdvance(MARKER) + 4)
        self.value_edit = QLineEdit()
        self.value_edit.setObjectName("value")
        self.value_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab skips closed editors
        self.value_edit.setReadOnly(True)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 3, 4, 3)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        grid.addWidget(self.marker, 0, 0)
        grid.addWidget(self.role_label, 0, 1)
        grid.addWidget(self.evidence_label, 0, 2)
        grid.addWidget(self.clean_tag, 0, 3)
        grid.addWidget(arrow, 1, 1)
        grid.addWidget(self.value_edit, 1, 2, 1, 2)
        for label in self.findChildren(QLabel):  # clicks on the labels are clicks on the row
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        grid.setColumnStretch(2, 1)
        _set_property(self, "current", False)
        _set_property(self.value_edit, "editing", False)

    @property
    def is_open(self) -> bool:
        """Whether the value editor is open for typing."""
        return not self.value_edit.isReadOnly()

    def show_slot(self, slot: SlotView, current: bool, role_width: int) -> None:
        """Show ``slot``; ``current`` marks it; roles are ``role_width`` wide, to align."""
        self.slot = slot
        self.setToolTip(plain_tooltip(f"{slot.role}: {slot.description}"))
        self.marker.setText(MARKER if current else "")
        font = self.role_label.font()
        font.setBold(current)
        self.role_label.setFont(font)
        self.role_label.setText(slot.role)
        self.role_label.setFixedWidth(role_width)
        self.elide_evidence()
        self.evidence_label.setToolTip(
            plain_tooltip(slot.evidence or f"No evidence yet. {slot.description}")
        )
        _set_property(self.evidence_label, "empty", slot.evidence is None)
        self.clean_tag.setVisible(slot.layer == "clean")
        self.value_edit.setPlaceholderText(PLACEHOLDERS.get(slot.value_kind, slot.value_kind))
        self.value_edit.setToolTip(plain_tooltip(f"{slot.description}\n{EDIT_HELP}"))
        if not self.is_open:  # an open editor keeps what is being typed
            self.close_editor()
        _set_property(self, "current", current)

    def elide_evidence(self) -> None:
        """Show as much of the evidence as fits, ending in "…"."""
        label, text = self.evidence_label, self.slot.evidence or EMPTY_EVIDENCE
        width = label.contentsRect().width()
        label.setText(label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width))

    def open_editor(self) -> None:
        """Open the value for typing, with the keyboard and the text selected."""
        self.value_edit.setReadOnly(False)
        _set_property(self.value_edit, "editing", True)
        self.value_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.value_edit.selectAll()

    def close_editor(self) -> None:
        """Close the value editor, showing the value as given (not as typed)."""
        self.value_edit.setReadOnly(True)
        _set_property(self.value_edit, "editing", False)
        self.value_edit.setText(self.slot.value or "")
        self.value_edit.setCursorPosition(0)  # a long value shows its start


class _FormArea(QScrollArea):
    """The scroll area around the form: asks for the whole form, keeps ``current`` in view."""

    current: QWidget | None = None

    def sizeHint(self) -> QSize:
        """Qt override: QScrollArea caches its widget's first hint and caps it."""
        widget = self.widget()
        return super().sizeHint() if widget is None else widget.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Qt override: a shorter window must not hide the current slot."""
        super().resizeEvent(event)  # lays the form out first
        if self.current is not None and self.current.isVisible():
            self.ensureWidgetVisible(self.current)


class FactPanel(QWidget):
    """The document's facts, and the form of the current one.

    Signals:
        fact_selected(str): The user picked a fact in the list (mouse or arrows); its id.
        slot_selected(str): The user clicked a slot row; its role.
        value_edited(str, str): Enter in the value editor; the role and the typed text
            ('' clears the value).
        edit_finished(): The value editor closed with Enter or Esc; the window takes the
            keyboard back.
    """

    fact_selected = Signal(str)
    slot_selected = Signal(str)
    value_edited = Signal(str, str)
    edit_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._facts: dict[str, FactView] = {}
        self._current_fact: str | None = None
        self._current_role: str | None = None
        self._open_fact: str | None = None  # the fact whose value editor is open
        self._updating = False
        self._rows: list[SlotRow] = []
        self.heading = _label("Facts (0)", "heading")
        self.fact_list = QListWidget()
        self.placeholder = _label(EMPTY_LIST, "placeholder")
        self.form_title = _label("", "form_title")
        self.form = QWidget()
        self.hint_label = _label("", "hint")
        self._stack = QStackedLayout()
        self._form_layout = QVBoxLayout(self.form)
        self._scroll = _FormArea()
        self._build()

    # -- what the window calls --------------------------------------------------------------

    def set_facts(
        self, facts: Sequence[FactView], current_fact: str | None, current_role: str | None
    ) -> None:
        """Show ``facts``; select ``current_fact`` and mark ``current_role``. Emits nothing."""
        blocker = QSignalBlocker(self)  # whatever Qt does below, the window hears nothing
        self._updating = True
        try:
            self._facts = {fact.id: fact for fact in facts}
            known = current_fact in self._facts
            self._current_fact = current_fact if known else None
            self._current_role = current_role if known else None
            self.heading.setText(f"Facts ({len(facts)})")
            self._fill_list(facts)
            self._show_form()
        finally:
            self._updating = False
            blocker.unblock()

    def current_fact(self) -> str | None:
        """The id of the selected fact, if any."""
        return self._current_fact

    def current_role(self) -> str | None:
        """The role of the highlighted slot, if any."""
        return self._current_role

    def edit_value(self) -> None:
        """Open the current slot's value editor, its text selected; no-op without one."""
        row = self.slot_row(self._current_role)
        if row is not None:
            self._open(row)

    def set_hint(self, text: str) -> None:
        """Show one line of help under the form; '' hides it."""
        self.hint_label.setText(text)
        self.hint_label.setVisible(bool(text))

    def slot_row(self, role: str | None) -> SlotRow | None:
        """The form's row of ``role``; None if the current fact (if any) has no such slot."""
        fact = self._facts.get(self._current_fact or "")
        if role is None or fact is None:
            return None
        index = next((i for i, slot in enumerate(fact.slots) if slot.role == role), None)
        # Rows are made in _show_form; a resize can ask before they exist.
        return None if index is None or index >= len(self._rows) else self._rows[index]

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        # Colours from the palette, so a dark theme stays readable.
        tint = self.palette().color(QPalette.ColorRole.Highlight)
        tint.setAlpha(38)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        style = _STYLE.replace("TINT", f"rgba{tint.getRgb()}")
        self.setStyleSheet(style.replace("MUTED", f"rgba{muted.getRgb()}"))
        self.setMinimumWidth(MINIMUM_WIDTH)
        self.hint_label.setWordWrap(True)
        self.hint_label.hide()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.placeholder.setWordWrap(True)
        view = self.fact_list
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setUniformItemSizes(True)  # no measuring of every row on each update
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setMinimumHeight(view.fontMetrics().height() * 3 + 8)
        # Ignored: the list asks for nothing, takes what the form leaves, and never less
        # than three rows.
        view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        view.currentRowChanged.connect(self._on_list_row_changed)
        self._stack.addWidget(view)
        self._stack.addWidget(self.placeholder)
        self._form_layout.setContentsMargins(0, 0, 0, 0)
        self._form_layout.setSpacing(2)
        self._form_layout.addStretch(1)
        self._scroll.setWidget(self.form)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # As tall as the form wants; it scrolls only when the window is short.
        self._scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addLayout(self._stack, 1)
        for widget in (self.form_title, self._scroll, self.hint_label):
            layout.addWidget(widget)
        self.set_facts([], None, None)

    # -- showing ----------------------------------------------------------------------------

    def _fill_list(self, facts: Sequence[FactView]) -> None:
        """Update the rows in place: a refresh neither rebuilds 50 items nor jumps."""
        view = self.fact_list
        while view.count() > len(facts):
            view.takeItem(view.count() - 1)
        while view.count() < len(facts):
            view.addItem(QListWidgetItem())
        current_row = -1
        for row, fact in enumerate(facts):
            item = view.item(row)
            item.setText(fact_row_text(row + 1, fact))
            # The row may be elided: the tooltip shows it whole.
            item.setToolTip(plain_tooltip(f"{item.text()}\n({fact.annotator})"))
            item.setData(FACT_ID_ROLE, fact.id)
            current_row = row if fact.id == self._current_fact else current_row
        self._stack.setCurrentWidget(view if facts else self.placeholder)
        view.setCurrentRow(current_row)
        if current_row < 0:
            view.clearSelection()
        else:
            view.scrollToItem(view.item(current_row), QAbstractItemView.ScrollHint.EnsureVisible)

    def _show_form(self) -> None:
        fact = self._facts.get(self._current_fact or "")
        slots = fact.slots if fact is not None else ()
        self.form_title.setVisible(fact is not None)
        self._scroll.setVisible(fact is not None)
        if fact is not None:
            number = list(self._facts).index(fact.id) + 1
            self.form_title.setText(f"{number}. {fact.type} · {fact.annotator}")
            self.form_title.setToolTip(plain_tooltip(f"Fact {fact.id}"))
        while len(self._rows) < len(slots):  # rows are kept and reused, never deleted
            row = SlotRow(self.form)
            row.installEventFilter(self)
            row.value_edit.installEventFilter(self)
            row.evidence_label.installEventFilter(self)
            self._form_layout.insertWidget(len(self._rows), row)
            self._rows.append(row)
        bold = self.font()
        bold.setBold(True)  # the current role is bold: measure roles bold, so none moves
        metrics = QFontMetrics(bold)
        width = max((metrics.horizontalAdvance(slot.role) for slot in slots), default=0) + 2
        editing_here = self._open_fact is not None and self._open_fact == self._current_fact
        for index, row in enumerate(self._rows):
            slot = slots[index] if index < len(slots) else None
            current = slot is not None and slot.role == self._current_role
            if row.is_open and not (current and editing_here):
                row.close_editor()  # an open editor outlives a refresh only while current
            if slot is not None:
                row.show_slot(slot, current, width)
            row.setVisible(slot is not None)
        # Lay out now, not on the next event loop turn: a grab or a scroll right after
        # set_facts sees the rows where they belong.
        self._form_layout.activate()
        self._scroll.updateGeometry()
        self._scroll.current = self.slot_row(self._current_role)
        if self._scroll.current is not None:
            self._scroll.ensureWidgetVisible(self._scroll.current)

    # -- the user ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Qt override: clicks on the slot rows, keys and focus of the value editors."""
        for row in self._rows:
            if watched is row and event.type() == QEvent.Type.MouseButtonPress:
                assert isinstance(event, QMouseEvent)
                if event.button() == Qt.MouseButton.LeftButton:
                    self._select_role(row.slot.role)
                return event.button() == Qt.MouseButton.LeftButton
            if watched is row.value_edit:
                return self._on_editor_event(row, event)
            if watched is row.evidence_label and event.type() == QEvent.Type.Resize:
                row.elide_evidence()
        return super().eventFilter(watched, event)

    def _on_editor_event(self, row: SlotRow, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and not row.is_open:
            assert isinstance(event, QMouseEvent)
            if event.button() == Qt.MouseButton.LeftButton:
                self._on_open_clicked(row.slot.role)
                return True
        elif kind == QEvent.Type.ShortcutOverride and row.is_open:
            assert isinstance(event, QKeyEvent)
            function_key = Qt.Key.Key_F1.value <= event.key() <= Qt.Key.Key_F35.value
            if not event.modifiers() & _WINDOW_MODIFIERS and not function_key:
                event.accept()
                return True
        elif kind == QEvent.Type.KeyPress and row.is_open:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
                self._on_editor_closed(row, event.key() != Qt.Key.Key_Escape)
                return True
        elif kind == QEvent.Type.FocusOut and row.is_open:
            assert isinstance(event, QFocusEvent)
            if event.reason() not in _PASSING_FOCUS:
                row.close_editor()  # a click elsewhere drops the edit; the window hears nothing
        return False

    def _on_list_row_changed(self, row: int) -> None:
        if self._updating or row < 0:
            return
        fact_id = str(self.fact_list.item(row).data(FACT_ID_ROLE))
        # The form follows the list at once; the window's set_facts then picks the slot.
        self._current_fact, self._current_role = fact_id, None
        self._show_form()
        self.fact_selected.emit(fact_id)

    def _select_role(self, role: str) -> None:
        self._current_role = role
        self._show_form()
        self.slot_selected.emit(role)

    def _on_open_clicked(self, role: str) -> None:
        if role != self._current_role:
            self._select_role(role)  # the window may refresh the form here
        row = self.slot_row(role)
        if row is not None and role == self._current_role:
            self._open(row)

    def _open(self, row: SlotRow) -> None:
        self._scroll.ensureWidgetVisible(row)
        self._open_fact = self._current_fact
        row.open_editor()

    def _on_editor_closed(self, row: SlotRow, confirmed: bool) -> None:
        role, text = row.slot.role, row.value_edit.text()
        # Closed first, showing the value as given: the window's set_facts shows the new one.
        row.close_editor()
        if confirmed:
            self.value_edited.emit(role, text)
        self.edit_finished.emit()
