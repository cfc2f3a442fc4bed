"""Record versions that only move forward: the one rule for every ``updated`` a write sets.

Merge keeps, of two versions of a record, the one with the later ``updated``. A wall clock
alone cannot be trusted for that: a laptop whose clock ran ahead stamps its edits in the
future, and a later edit made elsewhere would lose to them. So a new version is stamped
like a hybrid logical clock: the wall clock's time, or one microsecond after the version it
replaces, whichever is later. An edit of a record therefore always sorts after what it
edits, whatever either clock said.

Times are the format's timestamp, ``%Y-%m-%dT%H:%M:%S.%fZ`` in UTC: fixed width, so the
strings sort as the times do. ``is_timestamp`` says whether a string is one;
``TIMESTAMP_SQL`` is the same test in SQL, for scans of a million rows.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
TIMESTAMP_LENGTH = 27  # 2026-11-22T02:39:15.123456Z
_TICK = timedelta(microseconds=1)
# The SQL function that stamps a rewritten row: next_version(old_updated, now).
SQL_FUNCTION = "next_version"

# ``{c}`` is a column; true when it holds the format's timestamp. GLOB fixes the shape; the
# hour must be below 24 and the month 01-12 (GLOB alone allows 29 and 19); year 0 is not a
# year (it is in SQLite). A day up to 28 exists in every month; a later one must survive
# date()'s round trip with a modifier (which turns 02-30 into 03-02; without one, SQLite
# 3.40 hands 2023-02-30 back as it is). Cheapest tests first: this runs on every row of a
# merge input.
TIMESTAMP_SQL = (
    "(typeof({c}) = 'text' AND {c} GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T"
    "[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'"
    " AND substr({c}, 12, 2) < '24' AND substr({c}, 6, 2) BETWEEN '01' AND '12'"
    " AND substr({c}, 1, 4) != '0000' AND (substr({c}, 9, 2) BETWEEN '01' AND '28'"
    " OR date(substr({c}, 1, 10), '+0 days') IS substr({c}, 1, 10)))"
)


def utc_now() -> str:
    """The wall clock's time as the format's timestamp."""
    return format_timestamp(datetime.now(UTC))


def format_timestamp(moment: datetime) -> str:
    """``moment`` (UTC) as the format's timestamp."""
    # Not strftime: the C library writes year 999 as "999", breaking the fixed width.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
        f"{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}Z"
    )


def parse_timestamp(text: object) -> datetime | None:
    """The time a format timestamp names, or None when ``text`` is not one."""
    if not isinstance(text, str) or len(text) != TIMESTAMP_LENGTH or not text.isascii():
        return None
    try:
        moment = datetime.strptime(text, TIMESTAMP_FORMAT)
    except ValueError:
        return None
    # strptime accepts one-digit fields ("2026-1-01..."); the round trip does not.
    return moment.replace(tzinfo=UTC) if format_timestamp(moment) == text else None


def is_timestamp(text: object) -> bool:
    """True when ``text`` is the format's timestamp (a real date, the exact shape)."""
    return parse_timestamp(text) is not None


def next_version(replaced: object, now: str | None = None) -> str:
    """The ``updated`` of a record's new version: ``now``, or just after ``replaced``.

    ``replaced`` is the ``updated`` of the version being rewritten (None for a new
    record); a value that is not a timestamp is ignored. At the format's last
    microsecond (year 9999) there is no later time, and that value is kept.
    """
    current = now if now is not None else utc_now()
    previous = parse_timestamp(replaced)
    if previous is None:
        return current
    try:
        after = format_timestamp(previous + _TICK)
    except OverflowError:
        return format_timestamp(previous)
    return max(current, after)


def install(connection: sqlite3.Connection) -> None:
    """Make ``next_version(old, now)`` callable in this connection's SQL statements."""
    connection.create_function(SQL_FUNCTION, 2, next_version, deterministic=True)
