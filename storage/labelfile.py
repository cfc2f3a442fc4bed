"""Open, create and close a label file, and run one user action as one transaction.

Settings (ARCHITECTURE, "The label file"; FIELD-NOTES, "SQLite"): WAL with
``synchronous=FULL`` so a committed action survives a power cut, ``busy_timeout`` and
``BEGIN IMMEDIATE`` so two processes never fail mid-action with SQLITE_BUSY, and
``trusted_schema=OFF`` because a label file may come from someone else. Closing
checkpoints the WAL so the one ``.db`` file is complete when it is copied, and leaves it
in rollback-journal mode, so read-only commands leave no ``-wal``/``-shm`` files beside it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app import __version__
from app.core.canonical import CANONICAL_FORM
from app.core.labelschema import LabelSchema
from storage import clock
from storage.errors import LabelFileError, NotALabelFile, ReadOnlyLabelFile, WriteFailed
from storage.header import check_label_file
from storage.record_checks import required_nulls, structure_problems
from storage.schema import (
    APPLICATION_ID,
    EXPECTED_TABLES,
    FORMAT_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
)
from storage.schema_rows import write_label_schema
from storage.validate import unexpected_objects

BUSY_TIMEOUT_MS = 5000
WAL_RETRY_S = 0.01  # between tries to turn WAL on while another process writes


def utc_now() -> str:
    """The wall clock as the format's timestamp (``storage.clock``; long imported from here)."""
    return clock.utc_now()


class LabelFile:
    """An open label file. Use ``open_label_file`` or ``create_label_file`` to get one."""

    def __init__(self, path: Path, connection: sqlite3.Connection, read_only: bool) -> None:
        self.path = path
        self.connection = connection
        self.read_only = read_only
        self.closed = False

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the body as one ``BEGIN IMMEDIATE`` transaction, committed when it returns."""
        if self.read_only:
            raise ReadOnlyLabelFile(f"{self.path} is open read-only; the change was not saved")
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
                self.connection.execute("COMMIT")
            except BaseException:
                if self.connection.in_transaction:
                    self.connection.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as error:
            raise WriteFailed(_write_failure(self.path, error)) from error

    def meta(self, key: str) -> str | None:
        """Read one value of the ``meta`` table."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def owner(self) -> str:
        """The annotator who owns this file."""
        return self.meta("owner") or ""

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close; closing twice is harmless."""
        if self.closed:
            return
        if not self.read_only:
            # On a full disk the checkpoint fails; the committed WAL stays beside the file
            # and is read next time, so closing still succeeds.
            with contextlib.suppress(sqlite3.OperationalError):
                self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                _rest_in_rollback_mode(self.connection)
        self.connection.close()
        self.closed = True

    def __enter__(self) -> LabelFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _rest_in_rollback_mode(connection: sqlite3.Connection) -> None:
    """Leave the file in rollback-journal mode while nobody writes it.

    A read-only connection to a WAL-mode file makes empty ``-wal`` and ``-shm`` files it
    may not remove, so ``thresher stats`` would leave them beside the file. In rollback
    mode at rest, readers need neither; the next writer turns WAL back on. When another
    connection is open the switch fails at once (no waiting) and the file stays in WAL
    mode, which is as safe.
    """
    connection.execute("PRAGMA busy_timeout = 0")
    connection.execute("PRAGMA journal_mode = DELETE")


def open_label_file(path: Path, *, read_only: bool = False, rows: bool = True) -> LabelFile:
    """Open an existing label file, migrating it forward if it is older.

    ``rows=False`` (``thresher validate`` only) skips the check that the format's tables
    have their columns and no NULL where a value is required, so they can be listed.

    Raises:
        NotALabelFile: the path is missing, empty, not SQLite, truncated, another
            application's database, from a newer Thresher, or holds a NULL where the
            format requires a value. Its bytes are unchanged.
    """
    check_label_file(path)
    if not read_only:
        # Judge the file through a read-only connection first: closing a writable one
        # checkpoints the WAL, which would change a refused file's bytes.
        _checked_connection(path, read_only=True, for_writing=True, rows=True).close()
    connection = _checked_connection(
        path, read_only=read_only, for_writing=not read_only, rows=rows and read_only
    )
    try:
        if not read_only:
            _configure_for_writing(connection)
            _migrate(connection)
    except sqlite3.DatabaseError as error:
        connection.close()
        if "locked" in str(error) or "busy" in str(error):
            # Turning WAL on waits for readers; one reading for longer than the timeout.
            raise NotALabelFile(
                path, "busy", f"another program is using it ({error}); try again shortly"
            ) from error
        raise NotALabelFile(path, "corrupt", f"is a damaged label file ({error})") from error
    except BaseException:
        connection.close()
        raise
    return LabelFile(path, connection, read_only)


def _checked_connection(
    path: Path, *, read_only: bool, for_writing: bool, rows: bool = False
) -> sqlite3.Connection:
    """A connection to ``path`` once its identity and schema objects are found acceptable."""
    connection = _connect(path, read_only=read_only)
    try:
        _verify_identity(path, connection)
        _refuse_tampering(path, connection, read_only=not for_writing)
        if rows:
            _refuse_missing_values(path, connection)
    except sqlite3.DatabaseError as error:
        connection.close()
        raise NotALabelFile(path, "corrupt", f"is a damaged label file ({error})") from error
    except BaseException:
        connection.close()
        raise
    return connection


def create_label_file(path: Path, *, owner: str, schema: LabelSchema) -> LabelFile:
    """Create a new label file owned by ``owner`` holding ``schema``.

    Raises:
        LabelFileError: something already exists at ``path``.
    """
    if path.exists():
        raise LabelFileError(f"{path} already exists; not overwriting it")
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = _connect(path, read_only=False)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _configure_for_writing(connection)
    _migrate(connection)
    label_file = LabelFile(path, connection, read_only=False)
    with label_file.transaction() as db:
        now = utc_now()
        db.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [
                ("format", FORMAT_NAME),
                ("owner", owner),
                ("created", now),
                ("app_version", __version__),
                ("canonical_form", CANONICAL_FORM),
            ],
        )
        write_label_schema(db, schema)
    return label_file


def open_or_create(path: Path, *, owner: str, schema: LabelSchema) -> LabelFile:
    """Open ``path`` if it exists, else create it."""
    if path.exists():
        return open_label_file(path)
    return create_label_file(path, owner=owner, schema=schema)


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    mode = "ro" if read_only else "rw" if path.exists() else "rwc"
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    if read_only and _on_read_only_media(path):
        # SQLite cannot make the WAL's shared-memory file there; nothing can change the
        # file either, so it may be read as immutable.
        uri += "&immutable=1"
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, never an implicit BEGIN.
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA foreign_keys = ON")
    clock.install(connection)
    return connection


def _on_read_only_media(path: Path) -> bool:
    """True on a read-only mount with no WAL beside the file (nobody can be writing it)."""
    wal = path.with_name(path.name + "-wal")
    try:
        read_only_mount = bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False
    return read_only_mount and not wal.exists()


def _configure_for_writing(connection: sqlite3.Connection) -> None:
    # A file rests in rollback mode (see ``close``): turning WAL on waits (busy_timeout)
    # for readers between their reads; when another writer turned it on first, it is a no-op.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as error:
            # While another connection is in the middle of a rollback-mode write, SQLite
            # answers "locked" at once, without its busy wait (waiting there could
            # deadlock): two windows opening one file met it. Try again, as long.
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_S)
    connection.execute("PRAGMA synchronous = FULL")


def _verify_identity(path: Path, connection: sqlite3.Connection) -> None:
    """Re-check identity through SQLite: the WAL may hold a newer header than the file."""
    (application_id,) = connection.execute("PRAGMA application_id").fetchone()
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    if application_id != APPLICATION_ID:
        raise NotALabelFile(path, "other-application", "is not a Thresher label file")
    if version > SCHEMA_VERSION:
        raise NotALabelFile(
            path, "newer-version", f"was written by a newer Thresher (format version {version})"
        )


def _write_failure(path: Path, error: sqlite3.OperationalError) -> str:
    """Say why a write failed in words a user can act on; nothing of it was saved."""
    text = str(error)
    if "full" in text or "I/O" in text:
        cause = "the disk is full or the file may not grow"
    elif "readonly" in text or "read-only" in text:
        cause = "the file or its folder is read-only"
    elif "locked" in text or "busy" in text:
        cause = "another program is writing it"
    else:
        cause = text
    return f"{path}: not saved, {cause} ({text}); everything saved before is intact"


def _refuse_tampering(path: Path, connection: sqlite3.Connection, *, read_only: bool) -> None:
    """Refuse a file whose schema was altered: nothing it defines may run on our behalf.

    A table replaced by a view would run the view's query on every read, so that is refused
    even read-only. Triggers, views and extra tables would run (or confuse) on writes, so a
    file carrying them opens read-only only (``thresher validate`` lists them).
    """
    kinds = dict(connection.execute("SELECT name, type FROM sqlite_master"))
    replaced = sorted(name for name in EXPECTED_TABLES if kinds.get(name, "table") != "table")
    if replaced:
        raise NotALabelFile(
            path, "tampered", f"has {', '.join(replaced)} replaced by another kind of object"
        )
    if not read_only:
        strange = list(unexpected_objects(connection))
        if strange:
            raise NotALabelFile(
                path,
                "tampered",
                f"holds {'; '.join(strange)}; not opened for writing (it could run on our"
                " edits). Open it read-only to look at it (thresher show, thresher validate),"
                f" or write a clean copy of its labels: thresher copy {path} -o CLEAN.db",
            )


def _refuse_missing_values(path: Path, connection: sqlite3.Connection) -> None:
    """Refuse a file lacking a column of the format, or holding NULL where one is required.

    Such a file was edited around SQLite's constraints (``writable_schema``); every reader
    assumes the format, so it is refused here, in one message, rather than failing later
    in whichever reader meets the row. One quick scan per table (about 0.2 s a million
    spans); ``thresher validate`` reads deeper.
    """
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    if version == 0:
        return  # a file being created: no tables yet
    older = version < SCHEMA_VERSION
    problems = structure_problems(connection, older=older) or required_nulls(connection, 1)
    if problems:
        raise NotALabelFile(
            path,
            "missing-values",
            f"is not usable: {problems[0]} (the format requires a value there);"
            f" thresher validate {path} lists every problem",
        )


def _migrate(connection: sqlite3.Connection) -> None:
    """Apply each pending migration in its own transaction with its version bump."""
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    for target in range(version + 1, SCHEMA_VERSION + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[target - 1]):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {target}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (executescript would COMMIT on its own)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""


@contextmanager
def read_snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """One read transaction around the body (unless the caller already has one), so that
    several queries see the file in the same state."""
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        if db.in_transaction:
            db.execute("COMMIT")
