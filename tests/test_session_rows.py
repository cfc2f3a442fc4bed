"""The session's bulk span write: one check of the document stands for every row's."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.annotations import AnnotationRefused, NewSpan
from storage.labelfile import open_label_file
from storage.session_rows import CHECKPOINT_LATER_SPANS, add_spans_on_texts
from tests.test_session import DOC, make_file

TEXTS = {"raw": "x" * 5_000, "clean": ""}


def many_spans() -> list[NewSpan]:
    return [NewSpan("raw", i, i + 1, "nav") for i in range(CHECKPOINT_LATER_SPANS)]


def test_many_spans_on_a_document_the_file_lacks_are_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    label_file = open_label_file(make_file(tmp_path / "labels.db"))
    with pytest.raises(AnnotationRefused, match="no document with id 'gone'"):
        add_spans_on_texts(label_file, "gone", many_spans(), "kim", texts=TEXTS)
    db = label_file.connection
    assert db.execute("SELECT count(*) FROM spans").fetchone() == (0,)
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)  # on again for every write
    label_file.close()


def test_many_spans_on_the_document_are_written_with_foreign_keys_on_again_after(
    tmp_path: Path,
) -> None:
    label_file = open_label_file(make_file(tmp_path / "labels.db"))
    texts = {
        "raw": label_file.connection.execute(
            "SELECT raw_text FROM documents WHERE id = ?", (DOC,)
        ).fetchone()[0],
        "clean": "",
    }
    records = add_spans_on_texts(label_file, DOC, many_spans(), "kim", texts=texts)
    db = label_file.connection
    assert db.execute("SELECT count(*) FROM spans WHERE doc_id = ?", (DOC,)).fetchone() == (
        len(records),
    )
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    label_file.close()
