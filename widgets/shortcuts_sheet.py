"""The sheet of keyboard shortcuts (F1): every key of the window, grouped by menu."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

Section = tuple[str, list[tuple[str, str]]]


def sheet_html(sections: list[Section]) -> str:
    """The sheet as rich text: a heading per titled section, then a table of its keys."""
    parts = ["<html><body>"]
    for title, rows in sections:
        if title:
            parts.append(f"<h3 style='margin-top:12px; margin-bottom:4px'>{escape(title)}</h3>")
        parts.append("<table cellspacing='0' cellpadding='3' width='100%'>")
        parts.extend(_row_html(keys, text) for keys, text in rows)
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def _row_html(keys: str, text: str) -> str:
    return (
        f"<tr><td width='34%' style='white-space:nowrap'><b>{escape(keys)}</b></td>"
        f"<td>{escape(text)}</td></tr>"
    )


class ShortcutsSheet(QDialog):
    """A scrollable page of (keys, what they do) in titled sections; Esc or Close shuts it."""

    def __init__(self, sections: list[Section], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHtml(sheet_html(sections))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(620, 680)
