"""Text from a label file, shown as the characters it holds and never as Qt rich text.

Qt guesses: a QLabel, a message box or a tooltip whose text looks like HTML
(``Qt.mightBeRichText``) is rendered as HTML, and HTML may load images from any path
(``<img src="/dev/zero">`` reads until memory runs out; a FIFO hangs the window). Label
names, descriptions, document ids, titles, notes and annotator names come from files
anyone may hand over, so every widget showing them goes through here:

- ``plain_label`` / ``make_plain``: a QLabel that never interprets its text;
- ``plain_tooltip``: tooltip text that shows literally (tooltips have no format switch);
- ``rich_escaped``: a piece of file text to put inside rich text the program writes;
- ``menu_text``: an action's text with ``&`` kept literal instead of marking a shortcut;
- ``plain_message`` / ``ask_text``: a message box, or a one-line question, in plain text.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QDialog, QInputDialog, QLabel, QMessageBox, QWidget


def make_plain(label: QLabel) -> QLabel:
    """Make ``label`` show its text literally, whatever it holds; return it."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel showing ``text`` literally."""
    return make_plain(QLabel(text, parent))


def rich_escaped(text: str) -> str:
    """``text`` as rich text that shows exactly those characters (spaces and breaks kept)."""
    escaped = escape(text)
    if text == " ".join(text.split()):
        return escaped  # single spaces only: nothing for HTML to fold
    return f"<span style='white-space:pre-wrap'>{escaped}</span>"


def plain_tooltip(text: str) -> str:
    """Tooltip text that shows ``text`` literally.

    Qt renders a tooltip as HTML when it might be rich text; then it gets the escaped text
    (keeping its line breaks and spaces) instead. Other text is left as it is.
    """
    if not GuiQt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{escape(text)}</p>"


def menu_text(text: str) -> str:
    """An action or button text showing ``text`` literally: ``&`` does not mark a key."""
    return text.replace("&", "&&")


def plain_message(
    parent: QWidget | None,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> None:
    """Show ``text`` in a modal message box, as plain text."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def ask_text(parent: QWidget | None, title: str, prompt: str, text: str = "") -> str | None:
    """Ask for one line of text under ``prompt`` (shown plain); None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(prompt)
    dialog.setTextValue(text)
    for label in dialog.findChildren(QLabel):
        make_plain(label)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()
