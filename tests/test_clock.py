"""Versions only move forward: every rewrite of a record is stamped after what it replaces.

The clock rule (``storage.clock.next_version``) is property-tested on generated clocks,
skewed either way and equal; then each write path of the storage layer is checked to use
it on a record dated in 2099 by a clock that ran ahead.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.adjudication import GOLD
from app.core.labelschema import default_schema
from app.ingest import ImportOptions, import_sources
from storage.annotations import NewSpan, add_spans, relabel_span, set_spans_deleted, set_status
from storage.clock import TIMESTAMP_SQL, format_timestamp, is_timestamp, next_version
from storage.facts import SlotState, add_fact, set_facts_deleted, set_slot
from storage.gold import accept_into_gold, set_gold_deleted
from storage.labelfile import LabelFile, create_label_file
from storage.record_checks import record_tables

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
DOC = "000_8badc66364e1a625"
AHEAD = "2099-06-01T12:00:00.000000Z"

moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999998)
).map(lambda moment: format_timestamp(moment.replace(tzinfo=UTC)))


@given(moments, moments)
def test_a_new_version_is_later_than_the_old_and_never_before_the_wall_clock(
    replaced: str, now: str
) -> None:
    stamped = next_version(replaced, now)
    assert is_timestamp(stamped)
    assert stamped > replaced
    assert stamped >= now


@given(moments)
def test_equal_clocks_still_move_forward(moment: str) -> None:
    assert next_version(moment, moment) > moment


def test_the_last_microsecond_of_the_format_is_kept_not_overflowed() -> None:
    last = "9999-12-31T23:59:59.999999Z"
    assert next_version(last, "2026-01-01T00:00:00.000000Z") == last


@pytest.mark.parametrize(
    "text",
    [
        "zzzz",
        "",
        "2026-02-30T00:00:00.000000Z",  # no such day
        "2026-13-01T00:00:00.000000Z",
        "2026-01-01T24:00:00.000000Z",
        "2026-01-01T00:60:00.000000Z",
        "2026-01-01 00:00:00.000000Z",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00.000000",
        "2026-01-01T00:00:00.000000+09:00",
        "２０２６-01-01T00:00:00.000000Z",  # full-width digits
        "9999-12-31T23:59:59.999999Zz",
    ],
)
def test_junk_is_not_a_timestamp(text: str) -> None:
    assert not is_timestamp(text)
    assert next_version(text, AHEAD) == AHEAD  # junk never pushes a version forward


def _sql_says(value: object) -> bool:
    db = sqlite3.connect(":memory:")
    try:
        (answer,) = db.execute(f"SELECT {TIMESTAMP_SQL.format(c='?1')}", (value,)).fetchone()
    finally:
        db.close()
    return bool(answer)


@given(
    st.one_of(
        moments,
        moments.map(lambda text: text.replace("T", " ")),
        st.builds(
            lambda y, m, d, h: f"{y:04d}-{m:02d}-{d:02d}T{h:02d}:00:00.000000Z",
            st.integers(0, 9999),
            st.integers(0, 19),
            st.integers(0, 39),
            st.integers(0, 29),
        ),
        st.text(max_size=30),
        st.integers(-(2**63), 2**63 - 1),
        st.none(),
    )
)
def test_the_sql_check_agrees_with_the_python_one(value: object) -> None:
    assert _sql_says(value) == is_timestamp(value)


@pytest.mark.parametrize(
    ("day", "real"),
    [
        ("2024-02-29", True),
        ("2000-02-29", True),
        ("2023-01-31", True),
        ("2023-02-29", False),
        ("2100-02-29", False),
        ("0001-02-29", False),
        ("2023-02-30", False),
        ("2023-04-31", False),
    ],
)
def test_days_past_the_28th_count_only_where_the_month_has_them(day: str, real: bool) -> None:
    value = f"{day}T12:00:00.000000Z"
    assert is_timestamp(value) is real
    assert _sql_says(value) is real


@pytest.fixture
def label_file(tmp_path: Path) -> LabelFile:
    path = tmp_path / "clock.db"
    opened = create_label_file(path, owner="kim", schema=default_schema())
    import_sources(opened, [SAMPLES / f"{DOC}.txt"], ImportOptions("kim"))
    return opened


def _date_everything(label_file: LabelFile, moment: str) -> None:
    """Set every record's ``updated`` to ``moment``, as a clock that ran ahead would have."""
    with label_file.transaction() as db:
        for table in record_tables():
            db.execute(f"UPDATE {table} SET updated = ?", (moment,))


def _updated(label_file: LabelFile, table: str, record_id: str) -> str:
    row = label_file.connection.execute(
        f"SELECT updated FROM {table} WHERE id = ?", (record_id,)
    ).fetchone()
    return str(row[0])


def test_every_rewrite_of_a_future_dated_record_is_stamped_after_it(
    label_file: LabelFile,
) -> None:
    with label_file:
        (span,) = add_spans(label_file, DOC, [NewSpan("raw", 0, 5, "nav")], "kim")
        fact = add_fact(label_file, DOC, "quantity", "kim")
        set_slot(label_file, fact.id, "value", SlotState(value="3"), "kim")
        set_status(label_file, DOC, "kim", "done")
        accept_into_gold(label_file, DOC, [span])
        (gold_id,) = (
            row[0]
            for row in label_file.connection.execute(
                "SELECT id FROM spans WHERE annotator = ?", (GOLD,)
            )
        )
        (slot_id,) = (row[0] for row in label_file.connection.execute("SELECT id FROM fact_slots"))
        (status_id,) = (
            row[0] for row in label_file.connection.execute("SELECT id FROM document_status")
        )
        writes = [
            ("spans", span.id, lambda: relabel_span(label_file, span.id, "ad")),
            ("spans", span.id, lambda: set_spans_deleted(label_file, [span.id], True)),
            ("facts", fact.id, lambda: set_facts_deleted(label_file, [fact.id], True)),
            ("fact_slots", slot_id, lambda: set_slot(label_file, fact.id, "value", None, "kim")),
            ("facts", fact.id, lambda: set_slot(label_file, fact.id, "unit", None, "kim")),
            ("document_status", status_id, lambda: set_status(label_file, DOC, "kim", "flagged")),
            ("spans", gold_id, lambda: set_gold_deleted(label_file, [gold_id], [], True)),
        ]
        for table, record_id, write in writes:
            _date_everything(label_file, AHEAD)
            write()
            assert _updated(label_file, table, record_id) > AHEAD, (table, write)
