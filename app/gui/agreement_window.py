"""The agreement view of the open label file, in a window of its own beside the review.

A lead reads it while adjudicating, so it is not modal: it stays open and is read again
each time it is asked for (``Ctrl+Shift+R``), since annotators' statuses may have changed.
The figures are ``thresher agreement``'s (``storage.agreement_read``, and each
annotator's median active time per document from ``storage.active_time``, both read
through the document session); gold never counts as an annotator there, so gold writes
do not move them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog, QVBoxLayout, QWidget

from app.session.document_session import DocumentSession
from widgets.agreement_view import AgreementView

# Below this many shared documents the figures come at once: no progress dialog.
PROGRESS_FROM_DOCUMENTS = 200


class AgreementWindow(QDialog):
    """A non-modal window holding the agreement chart and the progress table."""

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(f"Agreement — {session.label_file.path.name}")
        self.setModal(False)
        self.view = AgreementView()
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        self.resize(760, 620)

    def refresh(self) -> None:
        """Read the file's figures again (with a progress dialog on large files)."""
        dialog: QProgressDialog | None = None

        def progress(done: int, total: int, doc_id: str) -> None:
            nonlocal dialog
            if total < PROGRESS_FROM_DOCUMENTS:
                return
            if dialog is None:
                dialog = QProgressDialog("Comparing annotators…", "", 0, total, self)
                dialog.setCancelButton(None)
                dialog.setWindowModality(Qt.WindowModality.WindowModal)
                dialog.setMinimumDuration(300)
            dialog.setValue(done)
            QApplication.processEvents()

        report = self.session.agreement_report(progress)
        if dialog is not None:
            dialog.close()
        self.view.set_report(report)

    def show_fresh(self) -> None:
        """Refresh the figures, then show the window in front."""
        self.refresh()
        self.show()
        self.raise_()
        self.activateWindow()
