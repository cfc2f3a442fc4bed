"""The label file: identity, settings, refusal of foreign files, transactions, close."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main
from app.core.labelschema import default_schema
from app.gui.opened_file import open_for_review
from app.ingest import ImportOptions, import_sources
from storage.annotations import NewSpan, add_spans
from storage.errors import LabelFileError, NotALabelFile, ReadOnlyLabelFile
from storage.labelfile import LabelFile, create_label_file, open_label_file
from storage.schema import APPLICATION_ID, SCHEMA_VERSION
from storage.schema_rows import read_label_schema


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_marked_versioned_and_durable(label_file: LabelFile) -> None:
    db = label_file.connection
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert label_file.owner == "kim"
    assert label_file.meta("format") == "thresher-label-file"


def test_the_file_carries_the_default_schema(label_file: LabelFile) -> None:
    schema = read_label_schema(label_file.connection)
    assert schema == default_schema()
    assert [label.name for label in schema.labels][:4] == [
        "nav",
        "related_links",
        "ad",
        "gambling_adult_spam",
    ]
    quantity = next(fact for fact in schema.fact_types if fact.name == "quantity")
    assert [slot.name for slot in quantity.slots] == ["subject", "measure", "value", "unit", "date"]


def test_close_checkpoints_so_the_db_file_alone_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    opened = create_label_file(path, owner="kim", schema=default_schema())
    with opened.transaction() as db:
        db.execute("INSERT INTO meta (key, value) VALUES ('probe', 'kept')")
    opened.close()
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)  # the .db alone, as a user would copy it
    reopened = open_label_file(copy, read_only=True)
    assert reopened.meta("probe") == "kept"
    reopened.close()


def test_failed_action_leaves_nothing_behind(label_file: LabelFile) -> None:
    with pytest.raises(RuntimeError), label_file.transaction() as db:
        db.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')")
        raise RuntimeError("crash in the middle of an action")
    assert label_file.meta("half") is None


def test_read_only_file_refuses_edits_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    create_label_file(path, owner="kim", schema=default_schema()).close()
    opened = open_label_file(path, read_only=True)
    with pytest.raises(ReadOnlyLabelFile, match="read-only"), opened.transaction():
        pass
    opened.close()


def test_create_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_text("precious")
    with pytest.raises(LabelFileError, match="already exists"):
        create_label_file(path, owner="kim", schema=default_schema())
    assert path.read_text() == "precious"


def _other_app_db(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.commit()
    db.close()


def _newer_file(path: Path) -> None:
    create_label_file(path, owner="kim", schema=default_schema()).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()


def _truncated_file(path: Path) -> None:
    source = path.with_name("whole.db")
    opened = create_label_file(source, owner="kim", schema=default_schema())
    with opened.transaction() as db:
        db.execute("INSERT INTO meta VALUES ('pad', ?)", ("x" * 20000,))
    opened.close()
    path.write_bytes(source.read_bytes()[:6000])


@pytest.mark.parametrize(
    ("make", "reason", "words"),
    [
        (lambda p: p.write_text("hello, I am notes\n"), "not-sqlite", "holds text"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 20), "not-sqlite", "binary"),
        (lambda p: p.write_bytes(b""), "empty", "empty"),
        (_other_app_db, "other-application", "another application"),
        (_newer_file, "newer-version", "newer Thresher"),
        (_truncated_file, "truncated", "truncated"),
    ],
    ids=["text", "binary", "empty", "other-app", "newer", "truncated"],
)
def test_foreign_files_are_refused_untouched(
    tmp_path: Path, make: Callable[[Path], object], reason: str, words: str
) -> None:
    path = tmp_path / "thing.db"
    make(path)
    before = digest(path)
    with pytest.raises(NotALabelFile, match=words) as caught:
        open_label_file(path)
    assert caught.value.reason == reason
    assert str(path) in str(caught.value)
    assert digest(path) == before
    assert not path.with_name("thing.db-wal").exists()


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(NotALabelFile, match="no such file"):
        open_label_file(tmp_path / "nope.db")


def test_an_older_file_is_migrated_forward(tmp_path: Path) -> None:
    # A version-0 file: ours (application id set) but with no tables yet.
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("CREATE TABLE IF NOT EXISTS placeholder (x)")
    db.execute("DROP TABLE placeholder")
    db.commit()
    db.close()
    opened = open_label_file(path)
    assert opened.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {row[0] for row in opened.connection.execute("SELECT name FROM sqlite_master")}
    assert {"documents", "spans", "facts", "fact_slots", "document_status"} <= tables
    opened.close()


def test_a_symlink_to_the_file_meets_the_same_writer_lock(tmp_path: Path) -> None:
    real = tmp_path / "real" / "team.db"
    create_label_file(real, owner="kim", schema=default_schema()).close()
    (tmp_path / "link.db").symlink_to(real)
    (tmp_path / "folder").symlink_to(real.parent, target_is_directory=True)
    first = open_for_review(real, "kim")
    try:
        assert not first.read_only_reason
        for other in (tmp_path / "link.db", tmp_path / "folder" / "team.db"):
            second = open_for_review(other, "lee")
            try:
                assert second.read_only_reason == "another Thresher window is editing it"
                assert second.label_file.read_only
            finally:
                second.close()
    finally:
        first.close()
    third = open_for_review(tmp_path / "link.db", "lee")  # the lock went with the first
    try:
        assert not third.read_only_reason
    finally:
        third.close()
    assert not (tmp_path / "link.db.lock").exists()


def test_read_only_commands_leave_nothing_beside_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = Path(__file__).resolve().parents[1] / "resources" / "samples"
    doc = "000_8badc66364e1a625"
    path = tmp_path / "team.db"
    with create_label_file(path, owner="kim", schema=default_schema()) as label_file:
        import_sources(label_file, [samples / f"{doc}.txt"], ImportOptions("kim"))
        add_spans(label_file, doc, [NewSpan("raw", 0, 5, "nav")], "kim")
    out = tmp_path / "out" / "gold.jsonl"
    for command in (
        ["show", str(path), doc],
        ["stats", str(path)],
        ["validate", str(path)],
        ["agreement", str(path)],
        ["evaluate", str(path)],
        ["export", str(path), "-o", str(out), "--format", "jsonl", "--layer", "all"],
    ):
        main(command)
        assert [p.name for p in tmp_path.iterdir() if p.name != "out"] == ["team.db"], command
    capsys.readouterr()
    with open_label_file(path) as label_file:  # writing turns WAL on again
        assert label_file.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_opening_while_another_process_is_mid_write_waits_for_it(tmp_path: Path) -> None:
    """SQLite refuses to turn WAL on at once, without waiting, while another connection
    is in the middle of a rollback-mode write; the open waits for it instead."""
    path = tmp_path / "labels.db"
    create_label_file(path, owner="kim", schema=default_schema()).close()
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    assert other.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # as a file rests
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO meta (key, value) VALUES ('other', 'writer')")
    finishing = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    finishing.start()
    try:
        with open_label_file(path) as label_file:
            assert label_file.meta("other") == "writer"  # opened once the other committed
    finally:
        finishing.join()
        other.close()
