"""The labelling window: document list, raw and clean panes, label palette, status bar.

This module wires parts together; what a key does to the labels lives in
``app.gui.tagging``, what is painted in ``app.gui.pane_painter``, and every change goes
through the undo stack to the document session (``app.session``), which commits it and
says what changed; the window repaints just that.
"""

from __future__ import annotations

from collections import Counter
from operator import attrgetter

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.active_time import ActiveTimeRecorder
from app.gui.adjudication_mode import MENU, RAW_TITLE, AdjudicationMode
from app.gui.cleaner_score import CleanerScoreLabel
from app.gui.command_runner import CommandRunner
from app.gui.commands import SessionCommand, SetStatus
from app.gui.fact_editing import FactEditing
from app.gui.find_dock import FindDock
from app.gui.helper_process import HelperProcess
from app.gui.interaction import Interaction, QtInteraction
from app.gui.keys import KEYS, sheet_sections
from app.gui.opened_file import OpenedFile
from app.gui.pane_painter import PanePainter, Panes
from app.gui.sync import PaneSync
from app.gui.tagging import Tagging
from app.session.changes import Change
from app.session.document_session import DocumentSession
from app.session.learned import LongPageFound, find_long_page
from app.session.line_suggestions import Trained, train_model
from widgets.annotator_tracks import AnnotatorTracks
from widgets.document_list import DocumentListView
from widgets.fact_panel import FactPanel
from widgets.label_palette import LabelPalette, PaletteEntry, label_keys
from widgets.plain_text import menu_text, plain_label
from widgets.shortcuts_sheet import ShortcutsSheet
from widgets.text_pane import DocumentPane

SUGGESTIONS = "suggestions"  # the helper process's channel for a long page's suggestions
LINE_MODEL = "line model"  # its channel for training the line model


_LABEL = attrgetter("label")  # counted in C: 16,000 spans after accepting all


class MainWindow(QMainWindow):
    """One label file labelled by one annotator."""

    def __init__(self, opened: OpenedFile, interaction: Interaction | None = None) -> None:
        super().__init__()
        self.opened = opened
        self.interaction = interaction or QtInteraction(self)
        self.session = DocumentSession(opened.label_file, opened.annotator)
        self.undo_stack = QUndoStack(self)
        self.labels = list(self.session.schema.labels)
        self.colors = self.session.colors
        self.label_by_key = dict(zip(label_keys(len(self.labels)), self.labels, strict=True))
        self.helper = HelperProcess(self)
        self._build_widgets()
        self.runner = CommandRunner(
            self.session,
            self.undo_stack,
            self.interaction,
            say=self.say,
            show_saved=self.save_label.setText,
            read_only_reason=opened.read_only_reason,
        )
        self.painter = PanePainter(Panes(self.raw_pane, self.clean_pane), self.colors)
        self.tagging = Tagging(self.session, self.painter.panes, self.label_palette, self.runner)
        self.facts = FactEditing(self.session, self.painter, self.fact_panel, self.runner)
        self.adjudication = AdjudicationMode(
            self.session,
            self.tagging,
            self.tracks,
            self.raw_title,
            self.runner,
            show_document=self.show_document,
            forget_facts=self.facts.clear,
        )
        self.adjudication.agreement_parent = self
        self.statusBar().insertPermanentWidget(0, self.adjudication.status)
        self.find_dock = FindDock(
            self,
            self.session,
            self.runner,
            label_keys={key: label.name for key, label in self.label_by_key.items()},
            show_document=self.show_document,
            raw_pane=self.raw_pane,
        )
        self.active_time = ActiveTimeRecorder(self, self.session, self.say)
        self.sync = PaneSync(self.raw_pane, self.clean_pane)
        self.actions_by_name: dict[str, QAction] = {}
        self._build_menus()
        self._offer_review_menu()
        self._wire()
        self.session.subscribe(self._on_change)
        self._update_title()
        self._open_first_document()

    # -- building ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.document_list = DocumentListView()
        self.document_list.set_source(self.session.document_rows())
        self.raw_pane = DocumentPane()
        self.tracks = AnnotatorTracks(self.raw_pane)  # review mode's lanes, hidden until then
        self.clean_pane = DocumentPane()
        self.html_pane = DocumentPane()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.clean_pane, "Clean article")
        self.tabs.addTab(self.html_pane, "HTML source")
        self.label_palette = LabelPalette()
        self.label_palette.set_labels(
            [
                PaletteEntry(label.name, label.color, key, label.description)
                for key, label in self.label_by_key.items()
            ]
        )
        self.status_label = plain_label()  # ids and notes come from files: never rich text
        self.status_label.setWordWrap(True)
        self.cleaner_score = CleanerScoreLabel(self.session, self.helper)
        self.fact_panel = FactPanel()
        centre = QSplitter(Qt.Orientation.Horizontal)
        self.raw_title = plain_label(RAW_TITLE)  # review mode names annotators and labels
        # Review mode says here what is under the cursor: one line, clipped rather than
        # widening the pane or moving it down as the cursor moves.
        self.raw_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        centre.addWidget(_titled(self.raw_title, self.raw_pane, self.tracks))
        centre.addWidget(self.tabs)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.label_palette)
        side_layout.addWidget(self.status_label)
        side_layout.addWidget(self.cleaner_score)
        side_layout.addWidget(self.fact_panel, 1)
        outer = QSplitter(Qt.Orientation.Horizontal)
        for widget, stretch in ((self.document_list, 2), (centre, 8), (side, 2)):
            outer.addWidget(widget)
            outer.setStretchFactor(outer.count() - 1, stretch)
        # Stretch factors only share out later resizes: the first sizes are set here, wide
        # enough for a headline with its status and span count.
        outer.setSizes([340, 900, 260])
        centre.setSizes([450, 450])
        self.setCentralWidget(outer)
        self.position_label, self.save_label = plain_label(), plain_label()
        self.statusBar().addPermanentWidget(self.position_label)
        self.statusBar().addPermanentWidget(self.save_label)
        self.resize(1500, 900)

    def _build_menus(self) -> None:
        handlers = (
            self.tagging.handlers()
            | self.facts.handlers()
            | self.adjudication.handlers()
            | {
                "review_mode": self._toggle_review_mode,
                "open": self.interaction.open_other_file,
                "quit": self.close,
                "undo": self.undo_stack.undo,
                "redo": self.undo_stack.redo,
                "done": lambda: self._set_status("done", advance=True),
                "skip": lambda: self._set_status("skipped", advance=True),
                "flag": self._flag,
                "todo": lambda: self._set_status("todo", advance=False),
                "next": lambda: self._step(1),
                "previous": lambda: self._step(-1),
                "next_todo": self._next_not_done,
                "filter": self.document_list.focus_filter,
                "find": self.find_dock.show,
                "shortcuts": self.show_shortcuts,
            }
        )
        menus: dict[str, QMenu] = {}
        for entry in KEYS:
            if entry.menu not in menus:
                menus[entry.menu] = self.menuBar().addMenu(entry.menu)
            menu = menus[entry.menu]
            action = QAction(entry.text, self)
            action.setShortcuts([QKeySequence(keys) for keys in entry.keys])
            action.triggered.connect(handlers[entry.name])
            menu.addAction(action)
            self.actions_by_name[entry.name] = action
        label_menu = self.menuBar().addMenu("Label")
        for key, label in self.label_by_key.items():
            action = QAction(menu_text(label.name), self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _=False, name=label.name: self.tagging.label(name))
            label_menu.addAction(action)
            self.actions_by_name[f"label:{label.name}"] = action

    def _offer_review_menu(self) -> None:
        """Offer the Review menu only when two or more annotators tagged spans in the file."""
        available = self.adjudication.available
        for entry in KEYS:
            if entry.menu == MENU:
                self.actions_by_name[entry.name].setEnabled(available)
        self.actions_by_name["review_mode"].setCheckable(True)
        for action in self.menuBar().actions():
            if action.text() == MENU:
                action.setVisible(available)

    def _toggle_review_mode(self) -> None:
        self.adjudication.toggle()
        self.actions_by_name["review_mode"].setChecked(self.adjudication.active)

    def _wire(self) -> None:
        self.document_list.document_activated.connect(self.show_document)
        self.label_palette.label_chosen.connect(self.tagging.label)
        for pane in (self.raw_pane, self.clean_pane):
            pane.mark_clicked.connect(self.tagging.select_span)
            pane.evidence_clicked.connect(self.facts.select_fact)
            pane.selection_changed.connect(lambda *_: self.facts.show_hint())
        self.raw_pane.selection_changed.connect(self._say_suggestion)
        self.fact_panel.fact_selected.connect(self.facts.select_fact)
        self.fact_panel.slot_selected.connect(self.facts.select_slot)
        self.fact_panel.value_edited.connect(self.facts.value_edited)
        self.fact_panel.edit_finished.connect(lambda: self.tagging.active_pane().setFocus())

    # -- documents --------------------------------------------------------------------------

    def _open_first_document(self) -> None:
        first = self.session.next_not_done(None)
        if first is not None:
            self.document_list.select_document(first)
            self.show_document(first)
        self._update_status()
        self._train_line_model()

    def show_document(self, doc_id: str) -> None:
        """Show ``doc_id`` in the panes (the list follows)."""
        if self.session.current is not None and self.session.current.id == doc_id:
            return
        self.active_time.document_shown(doc_id)
        document = self.session.open(doc_id)
        self.tagging.clear()
        selected_fact = self.facts.document_shown()
        stored = document.stored
        # The sync map must be the new document's before a pane emits a cursor move.
        self.sync.set_segments(stored.segments)
        self.painter.show(document, selected_fact)
        self.html_pane.show_text(stored.raw_html or "", [])
        self.tabs.setTabEnabled(1, stored.raw_html is not None)
        self.document_list.select_document(doc_id)
        self.facts.show_hint()
        self.raw_pane.setFocus()
        if document.suggestions_pending:
            self.helper.run(
                SUGGESTIONS,
                lambda found: self._on_suggestions_found(doc_id, found),
                find_long_page,
                self.session.label_file.path,
                self.session.learning_writer(),
                (stored.id, stored.url, stored.raw_text),
                stored.segments,
            )
        else:
            self.helper.forget(SUGGESTIONS)
        self.adjudication.document_shown()
        self.cleaner_score.document_shown()
        self._update_status()

    def _on_suggestions_found(self, doc_id: str, found: LongPageFound) -> None:
        learned = (found.writer, found.learned)
        self.session.set_suggestions(doc_id, found.rules, found.numbers, learned)

    def _step(self, delta: int) -> None:
        model = self.document_list.model
        current = self.session.current
        row = model.row_of(current.id) if current else None
        target = (row if row is not None else -1) + delta
        if 0 <= target < model.rowCount():
            self.show_document(model.doc_id_at(target))

    def _next_not_done(self) -> None:
        current = self.session.current.id if self.session.current else None
        target = self.session.next_not_done(current)
        if target is None:
            self.statusBar().showMessage("Every document is done.", 5000)
        elif target != current:
            self.show_document(target)

    def _set_status(self, status: str, *, advance: bool, note: str | None = None) -> None:
        current = self.session.current
        if current is None:
            return
        old = (current.status, current.note)
        new = (status, current.note if note is None else note)
        if self.run(SetStatus(self.session, current.id, old, new)) and advance:
            self._next_not_done()

    def _flag(self) -> None:
        current = self.session.current
        if current is None or self.runner.refuse_if_read_only():
            return
        note = self.interaction.ask_note(current.id, current.note)
        if note is not None:
            self._set_status("flagged", advance=False, note=note)

    # -- actions ----------------------------------------------------------------------------

    def run(self, command: SessionCommand) -> bool:
        """Perform an action through the undo stack; say so if it could not be saved."""
        return self.runner.run(command)

    def say(self, message: str) -> None:
        """A passing message in the status bar."""
        self.statusBar().showMessage(message, 6000)

    def _on_change(self, change: Change) -> None:
        current = self.session.current
        if current is None or current.id != change.doc_id:
            self.show_document(change.doc_id)  # an undo reached back to another document
            current = self.session.current
            assert current is not None
        else:
            self.painter.apply(change, current, self.facts.current_fact)
        if change.facts or change.everything:
            self.facts.refresh()
        labels_changed = change.spans or change.status or change.everything
        if change.listed_spans is not None and not change.status:
            self.document_list.model.show_span_count(change.doc_id, change.listed_spans)
        elif labels_changed:
            self.document_list.model.refresh_row(change.doc_id)
        if labels_changed:
            self.cleaner_score.schedule()
        for other in change.others:  # a tag-all reached documents not on screen
            self.document_list.model.refresh_row(other)
        if change.status:  # a finished page is something more to learn from
            self._train_line_model()
        self._update_status(recount=change.spans or change.everything)

    def _train_line_model(self) -> None:
        """Retrain the line model in the helper; a newer request's model wins."""
        request = self.session.line_model_request()
        if request is not None:
            self.helper.run(LINE_MODEL, self._on_line_model, train_model, request)

    def _on_line_model(self, trained: Trained) -> None:
        self.session.set_line_model(trained)  # refused when a newer request is on its way

    def _say_suggestion(self, start: int, end: int) -> None:
        """With the raw cursor on a suggestion, say what it suggests and why."""
        suggestion = self.tagging.suggestion_here() if start == end else None
        if suggestion is not None:
            self.say(f"Suggested {suggestion.label}: {suggestion.reason} (A accepts, X dismisses)")

    def show_shortcuts(self) -> None:
        """Open the sheet of every key."""
        labels = [(key, label.name) for key, label in self.label_by_key.items()]
        ShortcutsSheet(sheet_sections(labels), self).exec()

    # -- status ------------------------------------------------------------------------------

    def _update_title(self) -> None:
        suffix = " (read-only)" if self.session.read_only else ""
        self.setWindowTitle(f"Thresher — {self.opened.path.name}{suffix}")
        self.save_label.setText("Read-only" if self.session.read_only else "Saved")

    def _update_status(self, *, recount: bool = True) -> None:
        """Position, done count, note and hints; the palette's counts when ``recount``."""
        model = self.document_list.model
        current = self.session.current
        row = model.row_of(current.id) if current else None
        position = f"Document {row + 1} of {model.rowCount()}" if row is not None else ""
        done = self.session.done_count()
        self.position_label.setText(f"{position} · {done} done · {self.opened.annotator}")
        if current is not None:
            if recount:  # 5,000 spans take a moment: only after spans changed
                self.label_palette.set_counts(Counter(map(_LABEL, current.spans)))
            note = f"\nNote: {current.note}" if current.note else ""
            hints = f"\n{len(current.suggestions)} suggestions left (A accepts, Shift+A all)"
            if current.suggestions_pending:
                hints = "\nFinding suggestions on this long page…"
            self.status_label.setText(f"{current.id}\nStatus: {current.status}{note}{hints}")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Qt override: close the label file (checkpointing it) with the window."""
        self.helper.shutdown()
        self.active_time.stop()
        self.opened.close()
        super().closeEvent(event)


def _titled(title: QLabel, widget: QWidget, beside: QWidget | None = None) -> QWidget:
    """``widget`` under its title; ``beside`` (review mode's lanes) left of both."""
    box = QWidget()
    layout = QGridLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setHorizontalSpacing(2)
    layout.addWidget(title, 0, 1)
    layout.addWidget(widget, 1, 1)
    if beside is not None:
        layout.addWidget(beside, 0, 0, 2, 1)
    return box
