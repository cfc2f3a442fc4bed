"""A label file from someone else may carry triggers, views, extra tables or absurd values.

Opening it for writing is refused (a trigger would run on our edits), reading it never runs
what it defines, merging refuses it with the cause named, and validate lists the problems.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.core.labelschema import default_schema
from app.ingest import ImportOptions, import_sources
from storage.annotations import NewSpan, add_spans
from storage.errors import MergeRefused, NotALabelFile
from storage.labelfile import create_label_file, open_label_file
from storage.merge import merge_label_files
from storage.validate import absurd_rows

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
DOC = "001_b0f070cd7e78df0e"


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.db"
    with create_label_file(path, owner="kim", schema=default_schema()) as label_file:
        import_sources(label_file, [SAMPLES], ImportOptions(annotator="kim"))
        add_spans(label_file, DOC, [NewSpan("raw", 0, 5, "nav")], "kim")
    return path


def tampered(clean: Path, name: str, *statements: str) -> Path:
    path = clean.with_name(name)
    shutil.copyfile(clean, path)
    db = sqlite3.connect(path)
    try:
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()  # checkpointed now, not whenever the garbage collector gets to it
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_trigger_is_never_given_a_chance_to_run(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tampered(
        clean,
        "trigger.db",
        "CREATE TRIGGER wipe AFTER INSERT ON spans BEGIN DELETE FROM spans; END",
    )
    with pytest.raises(NotALabelFile, match=r"trigger 'wipe'.*not opened for writing") as refused:
        open_label_file(path)
    assert refused.value.reason == "tampered"
    before = digest(path)
    assert main(["show", str(path), DOC, "--compact"]) == 0  # reading is fine
    assert '"label": "nav"' in capsys.readouterr().out
    assert main(["validate", str(path)]) == 1
    assert "unexpected trigger 'wipe'" in capsys.readouterr().out
    with pytest.raises(MergeRefused, match="trigger 'wipe'"):
        merge_label_files([clean, path], path.with_name("out.db"))
    assert digest(path) == before
    assert not path.with_name("out.db").exists()
    # Exporting only reads: the trigger has nothing to fire on, and the file stays as it was.
    out = path.with_name("out.jsonl")
    assert main(["export", str(path), "-o", str(out), "--format", "jsonl", "--layer", "all"]) == 0
    assert '"label":"nav"' in out.read_text("utf-8")
    assert digest(path) == before


def test_a_table_replaced_by_a_view_is_refused_even_read_only(clean: Path) -> None:
    path = tampered(
        clean,
        "view.db",
        "ALTER TABLE spans RENAME TO spans_kept",
        "CREATE VIEW spans AS SELECT * FROM spans_kept",
    )
    with pytest.raises(NotALabelFile, match="spans replaced by another kind of object"):
        open_label_file(path, read_only=True)


def test_extra_views_and_tables_keep_a_file_read_only(clean: Path) -> None:
    path = tampered(clean, "extra.db", "CREATE TABLE notes (x)", "CREATE VIEW v AS SELECT 1")
    with pytest.raises(NotALabelFile, match="unexpected table 'notes'; unexpected view 'v'"):
        open_label_file(path)
    open_label_file(path, read_only=True).close()


def test_values_outside_their_ranges_are_named(clean: Path) -> None:
    # A file whose spans table lost its CHECK constraints, holding absurd rows.
    columns = "id, doc_id, layer, start, end, label, text, annotator, created, updated, deleted"
    row = (
        "INSERT INTO spans (id, start, end, doc_id, layer, label, text, annotator, created,"
        f" updated, deleted) VALUES (?, ?, ?, '{DOC}', 'raw', 'nav', 'x', 'kim', '', '', 0)"
    )
    path = tampered(
        clean,
        "absurd.db",
        "ALTER TABLE spans RENAME TO spans_old",
        f"CREATE TABLE spans ({columns})",
        f"INSERT INTO spans SELECT {columns} FROM spans_old",
        "DROP TABLE spans_old",
        "CREATE INDEX spans_by_document ON spans (doc_id, annotator)",
        row.replace("?, ?, ?", "'evil', -5, 3"),
        row.replace("?, ?, ?", "'huge', 0, 99999999"),
    )
    with open_label_file(path, read_only=True) as label_file:
        assert absurd_rows(label_file.connection) == ["spans row 'evil'", "spans row 'huge'"]
    with pytest.raises(MergeRefused, match=r"spans row 'evil', spans row 'huge'"):
        merge_label_files([path], path.with_name("out.db"))
    assert not path.with_name("out.db").exists()
    out = path.with_name("out.jsonl")
    assert main(["export", str(path), "-o", str(out), "--format", "jsonl", "--layer", "all"]) == 1
    assert not out.exists()
    with open_label_file(clean, read_only=True) as label_file:
        assert absurd_rows(label_file.connection) == []
