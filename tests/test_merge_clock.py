"""Merge decides by versions that only move forward, and refuses what would lose a record.

- An annotator whose clock ran ahead (edits dated 2099) no longer beats a lead's later
  relabel or delete: the lead's edit is stamped after the version it replaces.
- A junk ``updated`` (``'zzzz'``) is refused by merge and reported by validate, naming the
  file, the table and the id.
- One record id on two documents, or in two tables, is refused naming both files.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main
from app.core.labelschema import default_schema
from app.ingest import ImportOptions, import_sources
from storage.annotations import NewSpan, add_spans, relabel_span, set_spans_deleted
from storage.errors import MergeRefused
from storage.labelfile import create_label_file, open_label_file
from storage.merge import merge_label_files
from tests.test_clock import moments

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
DOCS = ("000_8badc66364e1a625", "001_b0f070cd7e78df0e")
AHEAD = "2099-06-01T12:00:00.000000Z"


def annotated(path: Path, owner: str) -> tuple[Path, str]:
    """A file of two sample pages with one span by ``owner`` on the first; its span id."""
    with create_label_file(path, owner=owner, schema=default_schema()) as label_file:
        import_sources(label_file, [SAMPLES / f"{doc}.txt" for doc in DOCS], ImportOptions(owner))
        (span,) = add_spans(label_file, DOCS[0], [NewSpan("raw", 0, 5, "nav")], owner)
    return path, span.id


def run_sql(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    try:
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()


def span_state(path: Path, span_id: str) -> tuple[str, int]:
    with open_label_file(path, read_only=True) as label_file:
        row = label_file.connection.execute(
            "SELECT label, deleted FROM spans WHERE id = ?", (span_id,)
        ).fetchone()
    return str(row[0]), int(row[1])


def test_a_leads_later_edits_beat_an_annotator_whose_clock_ran_ahead(tmp_path: Path) -> None:
    kim, span_id = annotated(tmp_path / "kim.db", "kim")
    run_sql(kim, f"UPDATE spans SET label = 'ad', updated = '{AHEAD}'")  # kim's clock: 2099
    merged = tmp_path / "merged.db"
    merge_label_files([kim], merged)
    with open_label_file(merged) as label_file:  # the lead, clock right, relabels
        relabel_span(label_file, span_id, "comment")
    again = tmp_path / "again.db"
    merge_label_files([merged, kim], again)  # kim hands the same file in again
    assert span_state(again, span_id) == ("comment", 0)
    with open_label_file(again) as label_file:  # ... and the lead deletes it
        set_spans_deleted(label_file, [span_id], True)
    final = tmp_path / "final.db"
    merge_label_files([kim, again], final)
    assert span_state(final, span_id) == ("comment", 1)


def test_a_junk_time_is_refused_by_merge_and_named_by_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, _ = annotated(tmp_path / "good.db", "lee")
    junk, span_id = annotated(tmp_path / "junk.db", "kim")
    run_sql(junk, "UPDATE spans SET updated = 'zzzz'")
    out = tmp_path / "out.db"
    with pytest.raises(MergeRefused, match=rf"junk\.db: not merged, spans row '{span_id}'"):
        merge_label_files([good, junk], out)
    assert not out.exists()
    assert main(["validate", str(junk)]) == 1
    printed = capsys.readouterr().out
    assert f"junk.db: spans row '{span_id}': updated 'zzzz' is not a timestamp" in printed
    assert main(["validate", str(good)]) == 0


def test_one_span_id_on_two_documents_is_refused_naming_both_files(tmp_path: Path) -> None:
    first, span_id = annotated(tmp_path / "first.db", "kim")
    second, _ = annotated(tmp_path / "second.db", "lee")
    # The second file reused the id for a span of the other document.
    run_sql(second, f"UPDATE spans SET id = '{span_id}', doc_id = '{DOCS[1]}'")
    for order in ([first, second], [second, first]):
        out = tmp_path / f"out-{order[0].stem}.db"
        with pytest.raises(MergeRefused) as refused:
            merge_label_files(order, out)
        message = str(refused.value)
        assert f"spans id '{span_id}'" in message
        assert f"'{DOCS[0]}' in first.db" in message
        assert f"'{DOCS[1]}' in second.db" in message
        assert not out.exists()


def test_one_id_in_two_tables_is_refused_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, span_id = annotated(tmp_path / "first.db", "kim")
    second = tmp_path / "second.db"
    with create_label_file(second, owner="lee", schema=default_schema()) as label_file:
        import_sources(label_file, [SAMPLES / f"{DOCS[0]}.txt"], ImportOptions("lee"))
    now = "2026-01-01T00:00:00.000000Z"
    run_sql(
        second,
        "INSERT INTO facts (id, doc_id, type, annotator, created, updated)"
        f" VALUES ('{span_id}', '{DOCS[0]}', 'quantity', 'lee', '{now}', '{now}')",
    )
    out = tmp_path / "out.db"
    with pytest.raises(MergeRefused, match=rf"id '{span_id}': ") as refused:
        merge_label_files([first, second], out)
    assert "spans in first.db" in str(refused.value)
    assert "facts in second.db" in str(refused.value)
    assert not out.exists()
    # Within one file, validate names it.
    run_sql(
        first,
        "INSERT INTO facts (id, doc_id, type, annotator, created, updated)"
        f" VALUES ('{span_id}', '{DOCS[0]}', 'quantity', 'kim', '{now}', '{now}')",
    )
    assert main(["validate", str(first)]) == 1
    assert f"id '{span_id}' is both a span and a fact" in capsys.readouterr().out
    with pytest.raises(MergeRefused, match="is both a span and a fact"):
        merge_label_files([first], out)


@pytest.fixture(scope="module")
def handed_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return annotated(tmp_path_factory.mktemp("clock") / "kim.db", "kim")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    annotator_clock=moments,
    lead_clocks=st.lists(moments, min_size=1, max_size=3),
    deletes=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_a_later_edit_always_wins_whatever_the_clocks_say(
    handed_out: tuple[Path, str],
    tmp_path_factory: pytest.TempPathFactory,
    annotator_clock: str,
    lead_clocks: list[str],
    deletes: list[bool],
) -> None:
    """The annotator's edit is dated anywhere; the lead's edits follow, their clock anywhere."""
    source, span_id = handed_out
    folder = tmp_path_factory.mktemp("later")
    names = (folder / f"m{n}.db" for n in itertools.count())
    kim = folder / "kim.db"
    shutil.copyfile(source, kim)
    run_sql(kim, f"UPDATE spans SET label = 'ad', updated = '{annotator_clock}'")
    merged = next(names)
    merge_label_files([kim], merged)
    expected = ("ad", 0)
    for clock, delete, label in zip(
        lead_clocks, deletes, ("comment", "nav", "widget"), strict=False
    ):
        with (
            mock.patch("storage.annotations.utc_now", return_value=clock),
            open_label_file(merged) as label_file,
        ):
            if delete:
                set_spans_deleted(label_file, [span_id], True)
                expected = (expected[0], 1)
            else:
                relabel_span(label_file, span_id, label)
                expected = (label, expected[1])
        remerged = next(names)
        merge_label_files([kim, merged], remerged)  # the annotator's file comes back
        assert span_state(remerged, span_id) == expected
        merged = remerged
