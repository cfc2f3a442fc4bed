"""Plain indexes users add are welcome; what could act on our writes is refused, with a way out.

``sqlite-utils create-index FILE spans label`` (as the README invites) must leave a file
valid, writable, mergeable and adjudicable. Triggers, views, foreign tables, unique and
expression indexes stay refused, and the refusal says how to get a clean copy:
``thresher copy FILE -o OUT``, which writes the format's tables and rows and nothing else.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.core.labelschema import default_schema
from app.ingest import ImportOptions, import_sources
from storage.annotations import NewSpan, add_spans
from storage.errors import MergeRefused, NotALabelFile
from storage.labelfile import create_label_file, open_label_file
from storage.merge import merge_label_files
from tests.test_merge import dump

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
DOCS = ("000_8badc66364e1a625", "001_b0f070cd7e78df0e")
SQLITE_UTILS = Path(sys.executable).with_name("sqlite-utils")


def labelled(path: Path, annotator: str) -> Path:
    with create_label_file(path, owner=annotator, schema=default_schema()) as label_file:
        import_sources(label_file, [SAMPLES / f"{d}.txt" for d in DOCS], ImportOptions(annotator))
        for doc in DOCS:
            add_spans(label_file, doc, [NewSpan("raw", 0, 10, "nav")], annotator)
    return path


def run_sql(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    try:
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()


@pytest.fixture
def indexed(tmp_path: Path) -> Path:
    path = labelled(tmp_path / "kim.db", "kim")
    # Exactly what the README's tools do; the API when the command is not installed.
    if SQLITE_UTILS.exists():
        subprocess.run([str(SQLITE_UTILS), "create-index", str(path), "spans", "label"], check=True)
    else:  # pragma: no cover
        run_sql(path, "CREATE INDEX idx_spans_label ON spans (label)")
    run_sql(path, "CREATE INDEX by_annotator ON facts (annotator) WHERE deleted = 0")
    return path


def test_a_plain_index_keeps_a_file_valid_writable_and_mergeable(
    indexed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(indexed)]) == 0
    assert "valid" in capsys.readouterr().out
    with open_label_file(indexed) as label_file:  # writable: the index runs no code
        add_spans(label_file, DOCS[1], [NewSpan("raw", 20, 30, "ad")], "kim")
    lee = labelled(tmp_path / "lee.db", "lee")
    merged = tmp_path / "merged.db"
    merge_label_files([indexed, lee], merged)
    assert main(["adjudicate", str(merged), "--auto", "unanimous"]) == 0
    assert main(["adjudicate", str(indexed), "--auto", "unanimous"]) == 0


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("CREATE UNIQUE INDEX one_label ON spans (label, doc_id)", "a unique index"),
        ("CREATE INDEX lowered ON spans (lower(label))", "indexes an expression"),
        ("CREATE TRIGGER wipe AFTER INSERT ON spans BEGIN DELETE FROM spans; END", "trigger"),
        ("CREATE VIEW recent AS SELECT * FROM spans", "view 'recent'"),
        ("CREATE TABLE notes (x)", "table 'notes'"),
    ],
)
def test_what_could_act_on_writes_is_refused_with_the_way_to_a_clean_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], statement: str, named: str
) -> None:
    path = labelled(tmp_path / "kim.db", "kim")
    run_sql(path, statement)
    with pytest.raises(NotALabelFile, match=rf"{named}.*thresher copy .*kim\.db -o CLEAN\.db"):
        open_label_file(path)
    with pytest.raises(MergeRefused, match=rf"{named}.*thresher copy .*kim\.db -o CLEAN\.db"):
        merge_label_files([path], tmp_path / "out.db")
    assert main(["validate", str(path)]) == 1
    assert named in capsys.readouterr().out

    clean = tmp_path / "clean.db"
    assert main(["copy", str(path), "-o", str(clean)]) == 0
    printed = capsys.readouterr().out
    assert "a clean copy" in printed and "left out:" in printed and named in printed
    assert main(["validate", str(clean)]) == 0
    assert dump(clean) == dump(path)
    with open_label_file(clean) as label_file:  # writable again
        add_spans(label_file, DOCS[0], [NewSpan("raw", 20, 30, "ad")], "kim")
        assert label_file.owner == "kim"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_copy_never_overwrites_and_keeps_documents_in_import_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = labelled(tmp_path / "kim.db", "kim")
    existing = tmp_path / "existing.db"
    shutil.copyfile(path, existing)
    assert main(["copy", str(path), "-o", str(existing)]) == 2
    assert "already exists" in capsys.readouterr().err
    clean = tmp_path / "clean.db"
    assert main(["copy", str(path), "-o", str(clean)]) == 0
    order = "SELECT id FROM documents ORDER BY rowid"
    with sqlite3.connect(path) as source, sqlite3.connect(clean) as copy:
        assert source.execute(order).fetchall() == copy.execute(order).fetchall()
