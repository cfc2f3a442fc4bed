"""The review window: document list, raw and clean panes, label palette, status bar.

This module wires parts together; what a key does to the labels lives in
``app.gui.tagging``, what is painted in ``app.gui.pane_marks``, and every change goes
through the undo stack to the review model, which commits it before the window shows it.
"""

from __future__ import annotations

import sqlite3

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

from app.gui.background import Found, SuggestionFinder
from app.gui.cleaner_score import CleanerScoreLabel
from app.gui.commands import ModelCommand, SetStatus, perform
from app.gui.fact_editing import FactEditing
from app.gui.interaction import Interaction, QtInteraction
from app.gui.keys import KEYS, sheet_sections
from app.gui.opened_file import OpenedFile
from app.gui.pane_marks import clean_marks, raw_marks
from app.gui.review_mode import RAW_TITLE, ReviewMode
from app.gui.review_model import ReviewModel
from app.gui.sync import PaneSync
from app.gui.tagging import Tagging
from storage.document_rows import SqliteDocumentRows
from storage.documents import done_count, next_not_done
from storage.errors import LabelFileError
from storage.schema_rows import read_label_schema
from widgets.annotator_tracks import AnnotatorTracks
from widgets.document_list import DocumentListView
from widgets.fact_panel import FactPanel
from widgets.label_palette import LabelPalette, PaletteEntry, label_keys
from widgets.shortcuts_sheet import ShortcutsSheet
from widgets.text_pane import DocumentPane

WRITE_ERRORS = (sqlite3.Error, OSError, LabelFileError, ValueError)


class MainWindow(QMainWindow):
    """One label file under review by one annotator."""

    def __init__(self, opened: OpenedFile, interaction: Interaction | None = None) -> None:
        super().__init__()
        self.opened = opened
        self.interaction = interaction or QtInteraction(self)
        self.model = ReviewModel(opened.label_file, opened.annotator)
        self.undo_stack = QUndoStack(self)
        schema = read_label_schema(opened.label_file.connection)
        self.labels = list(schema.labels)
        self.colors = {label.name: label.color for label in self.labels}
        self.label_by_key = dict(zip(label_keys(len(self.labels)), self.labels, strict=True))
        self._build_widgets()
        self.tagging = Tagging(self)
        self.facts = FactEditing(self, schema.fact_types)
        self.review = ReviewMode(self)
        self.sync = PaneSync(self.raw_pane, self.clean_pane)
        self.suggestion_finder = SuggestionFinder(self)
        self.actions_by_name: dict[str, QAction] = {}
        self._build_menus()
        self.review.install()
        self._wire()
        self.model.subscribe(self._on_model_changed)
        self._update_title()
        self._open_first_document()

    # -- building ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.document_list = DocumentListView()
        self.document_list.set_source(
            SqliteDocumentRows(self.opened.label_file.connection, self.opened.annotator)
        )
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
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.cleaner_score = CleanerScoreLabel(self.model)
        self.fact_panel = FactPanel()
        centre = QSplitter(Qt.Orientation.Horizontal)
        self.raw_title = QLabel(RAW_TITLE)
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
        self.position_label, self.save_label = QLabel(), QLabel()
        self.statusBar().addPermanentWidget(self.position_label)
        self.statusBar().addPermanentWidget(self.save_label)
        self.resize(1500, 900)

    def _build_menus(self) -> None:
        handlers = (
            self.tagging.handlers()
            | self.facts.handlers()
            | self.review.handlers()
            | {
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
            action = QAction(f"{label.name}", self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _=False, name=label.name: self.tagging.label(name))
            label_menu.addAction(action)
            self.actions_by_name[f"label:{label.name}"] = action

    def _wire(self) -> None:
        self.document_list.document_activated.connect(self.show_document)
        self.suggestion_finder.found.connect(self._on_suggestions_found)
        self.label_palette.label_chosen.connect(self.tagging.label)
        for pane in (self.raw_pane, self.clean_pane):
            pane.mark_clicked.connect(self.tagging.select_span)
            pane.evidence_clicked.connect(self.facts.select_fact)
            pane.selection_changed.connect(lambda *_: self.facts.show_hint())
        self.fact_panel.fact_selected.connect(self.facts.select_fact)
        self.fact_panel.slot_selected.connect(self.facts.select_slot)
        self.fact_panel.value_edited.connect(self.facts.value_edited)
        self.fact_panel.edit_finished.connect(lambda: self.tagging.active_pane().setFocus())

    # -- documents --------------------------------------------------------------------------

    def _open_first_document(self) -> None:
        db = self.opened.label_file.connection
        first = next_not_done(db, None, self.opened.annotator)
        if first is not None:
            self.document_list.select_document(first)
            self.show_document(first)
        self._update_status()

    def show_document(self, doc_id: str) -> None:
        """Show ``doc_id`` in the panes (the list follows)."""
        if self.model.current is not None and self.model.current.id == doc_id:
            return
        document = self.model.open(doc_id)
        self.tagging.clear()
        self.facts.clear()
        selected_fact = document.facts[-1].id if document.facts else None
        stored = document.stored
        # The sync map must be the new document's before a pane emits a cursor move.
        self.sync.set_segments(stored.segments)
        self.raw_pane.show_text(stored.raw_text, raw_marks(document, self.colors, selected_fact))
        self.clean_pane.show_text(
            stored.clean_text, clean_marks(document, self.colors, selected_fact)
        )
        self.html_pane.show_text(stored.raw_html or "", [])
        self.tabs.setTabEnabled(1, stored.raw_html is not None)
        self.document_list.select_document(doc_id)
        self.facts.refresh(marks=False)
        self.raw_pane.setFocus()
        if document.suggestions_pending:
            self.suggestion_finder.find(doc_id, stored.raw_text, stored.segments)
        else:
            self.suggestion_finder.forget()
        self.review.document_shown()
        self.cleaner_score.document_shown()
        self._update_status()

    def _on_suggestions_found(self, doc_id: str, found: Found) -> None:
        if self.suggestion_finder.accept(doc_id):
            self.model.set_suggestions(doc_id, *found)

    def _step(self, delta: int) -> None:
        model = self.document_list.model
        current = self.model.current
        row = model.row_of(current.id) if current else None
        target = (row if row is not None else -1) + delta
        if 0 <= target < model.rowCount():
            self.show_document(model.doc_id_at(target))

    def _next_not_done(self) -> None:
        current = self.model.current.id if self.model.current else None
        target = next_not_done(self.opened.label_file.connection, current, self.model.writer)
        if target is None:
            self.statusBar().showMessage("Every document is done.", 5000)
        elif target != current:
            self.show_document(target)

    def _set_status(self, status: str, *, advance: bool, note: str | None = None) -> None:
        current = self.model.current
        if current is None:
            return
        old = (current.status, current.note)
        new = (status, current.note if note is None else note)
        if self.run(SetStatus(self.model, current.id, old, new)) and advance:
            self._next_not_done()

    def _flag(self) -> None:
        current = self.model.current
        if current is None or self.refuse_if_read_only():
            return
        note = self.interaction.ask_note(current.id, current.note)
        if note is not None:
            self._set_status("flagged", advance=False, note=note)

    # -- actions ----------------------------------------------------------------------------

    def refuse_if_read_only(self) -> bool:
        """Say why nothing can change, when the file is read-only; True if refused."""
        if not self.model.read_only:
            return False
        message = f"{self.opened.path.name} is open read-only ({self.opened.read_only_reason}); "
        self.interaction.inform(message + "the change was not made.")
        self.statusBar().showMessage(message + "the change was not made.", 8000)
        return True

    def run(self, command: ModelCommand) -> bool:
        """Perform an action through the undo stack; say so if it could not be saved."""
        if self.refuse_if_read_only():
            return False
        try:
            perform(self.undo_stack, command)
        except WRITE_ERRORS as error:
            self.save_label.setText("NOT SAVED")
            self.interaction.inform(f"The change was not saved: {error}")
            return False
        self.save_label.setText("Saved")
        return True

    def _on_model_changed(self, doc_id: str) -> None:
        current = self.model.current
        if current is None or current.id != doc_id:
            self.show_document(doc_id)  # an undo reached back to another document
            current = self.model.current
            assert current is not None
        self.facts.refresh()
        self.document_list.model.refresh_row(doc_id)
        self.cleaner_score.schedule()
        self._update_status()

    def refresh_marks(self) -> None:
        """Repaint both panes' marks from the model (after an edit or a new current fact)."""
        current = self.model.current
        if current is None:
            return
        fact = self.facts.current_fact
        self.raw_pane.set_marks(raw_marks(current, self.colors, fact))
        self.clean_pane.set_marks(clean_marks(current, self.colors, fact))

    def show_shortcuts(self) -> None:
        """Open the sheet of every key."""
        labels = [(key, label.name) for key, label in self.label_by_key.items()]
        ShortcutsSheet(sheet_sections(labels), self).exec()

    # -- status ------------------------------------------------------------------------------

    def _update_title(self) -> None:
        suffix = " (read-only)" if self.model.read_only else ""
        self.setWindowTitle(f"Thresher — {self.opened.path.name}{suffix}")
        self.save_label.setText("Read-only" if self.model.read_only else "Saved")

    def _update_status(self) -> None:
        db = self.opened.label_file.connection
        model = self.document_list.model
        current = self.model.current
        row = model.row_of(current.id) if current else None
        position = f"Document {row + 1} of {model.rowCount()}" if row is not None else ""
        done = done_count(db, self.opened.annotator)
        self.position_label.setText(f"{position} · {done} done · {self.opened.annotator}")
        if current is not None:
            counts: dict[str, int] = {}
            for span in current.spans:
                counts[span.label] = counts.get(span.label, 0) + 1
            self.label_palette.set_counts(counts)
            note = f"\nNote: {current.note}" if current.note else ""
            hints = f"\n{len(current.suggestions)} suggestions left (A accepts, Shift+A all)"
            if current.suggestions_pending:
                hints = "\nFinding suggestions on this long page…"
            self.status_label.setText(f"{current.id}\nStatus: {current.status}{note}{hints}")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Qt override: close the label file (checkpointing it) with the window."""
        self.suggestion_finder.shutdown()
        self.cleaner_score.shutdown()
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
