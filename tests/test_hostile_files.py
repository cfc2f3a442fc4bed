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
from storage.schema import APPLICATION_ID, MIGRATIONS
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


def with_nulls(clean: Path, name: str, *, restore_schema: bool) -> Path:
    """A file whose spans.label lost NOT NULL (writable_schema) and holds a NULL label.

    With ``restore_schema`` the definition is put back afterwards, so the schema looks
    untouched and only the rows tell.
    """
    path = clean.with_name(name)
    shutil.copyfile(clean, path)
    required, loose = "label     TEXT NOT NULL", "label     TEXT"
    redefine_spans(path, required, loose)
    db = sqlite3.connect(path)
    db.execute("UPDATE spans SET label = NULL")
    db.commit()
    db.close()
    if restore_schema:
        redefine_spans(path, loose, required)
    return path


def redefine_spans(path: Path, old: str, new: str) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = 'spans'", (old, new))
    db.commit()
    db.close()  # the next connection reads the changed definition


def commands_on(path: Path, clean: Path) -> list[list[str]]:
    out = path.with_name("out")
    return [
        ["stats", str(path)],
        ["show", str(path), DOC],
        ["agreement", str(path)],
        ["evaluate", str(path)],
        ["adjudicate", str(path)],
        ["adjudicate", str(path), "--auto", "unanimous"],
        ["export", str(path), "-o", f"{out}.jsonl", "--format", "jsonl", "--layer", "all"],
        ["merge", str(clean), str(path), "-o", f"{out}.db"],
    ]


def test_nulls_where_the_format_requires_values_are_named_not_raised(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = with_nulls(clean, "nulls.db", restore_schema=False)
    with open_label_file(clean, read_only=True) as label_file:
        (span_id,) = label_file.connection.execute("SELECT id FROM spans").fetchone()
    assert main(["validate", str(path)]) == 1
    assert f"spans.label is NULL in row '{span_id}'" in capsys.readouterr().out
    for command in commands_on(path, clean):
        assert main(command) == 2, command
        error = capsys.readouterr().err.strip()
        assert error.count("\n") == 0, error  # one line, no traceback
        assert "nulls.db" in error and "spans.label is NULL" in error, error
    assert not list(path.parent.glob("out*"))
    for read_only in (True, False):
        with pytest.raises(NotALabelFile, match=r"spans\.label is NULL") as refused:
            open_label_file(path, read_only=read_only)
        assert refused.value.reason == "missing-values"


def test_nulls_under_a_definition_put_back_are_found_by_validate(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The schema says NOT NULL again; only reading every value's type finds the NULL."""
    path = with_nulls(clean, "nulls.db", restore_schema=True)
    with open_label_file(clean, read_only=True) as label_file:
        (span_id,) = label_file.connection.execute("SELECT id FROM spans").fetchone()
    assert main(["validate", str(path)]) == 1
    assert f"spans.label is NULL in row '{span_id}'" in capsys.readouterr().out
    for command in commands_on(path, clean):
        assert main(command) in (0, 2), command  # never a traceback
    assert "nulls.db: not merged, a row breaks the format" in capsys.readouterr().err
    assert not path.with_name("out.db").exists()


def test_a_table_missing_a_column_is_named(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tampered(clean, "dropped.db", "ALTER TABLE spans DROP COLUMN label")
    assert main(["validate", str(path)]) == 1
    assert "table 'spans' has no column 'label'" in capsys.readouterr().out
    assert main(["stats", str(path)]) == 2
    assert "table 'spans' has no column 'label'" in capsys.readouterr().err


def test_an_older_files_nulls_are_named_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A version-1 file (read as it is, without the tables version 2 added)."""
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.executescript(MIGRATIONS[0].replace("label     TEXT NOT NULL", "label     TEXT"))
    db.execute("PRAGMA user_version = 1")
    now = "2026-01-01T00:00:00.000000Z"
    db.execute(
        "INSERT INTO spans (id, doc_id, layer, start, end, label, text, annotator, created,"
        f" updated) VALUES ('s1', 'd', 'raw', 0, 1, NULL, 'x', 'kim', '{now}', '{now}')"
    )
    db.commit()
    db.close()
    assert main(["stats", str(path)]) == 2
    assert "spans.label is NULL in row 's1'" in capsys.readouterr().err
    assert main(["validate", str(path)]) == 1
    printed = capsys.readouterr().out
    assert "spans.label is NULL in row 's1'" in printed and "table 'active_time'" not in printed
