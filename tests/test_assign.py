"""Handing out label files: an even, repeatable split with a shared slice, then merged back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli import main
from storage.annotations import NewSpan, add_spans
from storage.assign import plan_assignment
from storage.errors import MergeRefused
from storage.labelfile import open_label_file
from tests.test_merge import import_file

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"


@given(
    st.integers(0, 60),
    st.lists(st.sampled_from(["kim", "lee", "park", "choi"]), min_size=2, max_size=4, unique=True),
    st.sampled_from([0.0, 0.1, 0.2, 0.5, 1.0]),
    st.integers(0, 3),
)
def test_split_is_even_shared_as_asked_and_repeatable(
    count: int, annotators: list[str], overlap: float, seed: int
) -> None:
    doc_ids = [f"d{i}" for i in range(count)]
    plan = plan_assignment(doc_ids, annotators, overlap, seed)
    assert plan == plan_assignment(doc_ids, annotators, overlap, seed)
    reordered = plan_assignment(list(reversed(doc_ids)), annotators, overlap, seed)
    assert {n: set(d) for n, d in reordered.documents.items()} == {
        n: set(d) for n, d in plan.documents.items()
    }  # the import order does not matter
    loads = [len(plan.documents[name]) for name in annotators]
    assert max(loads) - min(loads) <= 1
    assert len(plan.shared) == round(overlap * count)
    given_out = [doc for name in annotators for doc in plan.documents[name]]
    assert set(given_out) == set(doc_ids)  # every document handed out
    assert len(given_out) == count + len(plan.shared)  # shared ones exactly twice
    assert all(len(set(names)) == 2 for names in plan.shared.values())


def test_another_seed_gives_another_split() -> None:
    doc_ids = [f"d{i}" for i in range(40)]
    first = plan_assignment(doc_ids, ["kim", "lee"], 0.2, seed=1)
    second = plan_assignment(doc_ids, ["kim", "lee"], 0.2, seed=2)
    assert first.shared != second.shared


@pytest.mark.parametrize(
    ("annotators", "overlap", "message"),
    [
        (["kim", "gold"], 0.2, "reserved"),
        (["kim", "kim"], 0.2, "named twice"),
        (["kim", "../x"], 0.2, "must be 1-64"),
        (["kim"], 0.2, "at least two annotators"),
        (["kim", "lee"], 1.5, "between 0 and 1"),
    ],
)
def test_bad_requests_are_refused(annotators: list[str], overlap: float, message: str) -> None:
    with pytest.raises(MergeRefused, match=message):
        plan_assignment(["a", "b"], annotators, overlap, 0)


def test_assign_annotate_and_merge_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team = import_file(tmp_path / "team.db", [SAMPLES], "lead")
    handout = tmp_path / "handout"
    argv = ["assign", str(team), "--annotators", "kim,lee", "--overlap", "0.4", "-o", str(handout)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert (
        "kim.db: 4 documents (2 shared)" in printed and "lee.db: 3 documents (2 shared)" in printed
    )
    for name in ("kim", "lee"):
        with open_label_file(handout / f"{name}.db") as label_file:
            assert label_file.owner == name
            record = json.loads(label_file.meta("assignment") or "{}")
            assert record["seed"] == 0 and len(record["shared_with"]) == 2
            for doc_id in record["documents"]:
                add_spans(label_file, doc_id, [NewSpan("raw", 0, 4, "nav")], name)
    assert main(argv) == 2  # the files exist: nothing is overwritten
    assert "not overwriting" in capsys.readouterr().err

    merged = tmp_path / "merged.db"
    assert main(["merge", str(handout / "kim.db"), str(handout / "lee.db"), "-o", str(merged)]) == 0
    printed = capsys.readouterr().out
    assert "documents:  5" in printed and "annotators: kim, lee" in printed
    assert "7 spans" in printed
    with sqlite3.connect(merged) as db:
        shared = db.execute(
            "SELECT count(*) FROM (SELECT doc_id FROM spans GROUP BY doc_id HAVING count(*) = 2)"
        ).fetchone()
    assert shared == (2,)


def test_merge_refusal_is_a_named_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert main(["merge", str(text), "-o", str(tmp_path / "out.db")]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert not (tmp_path / "out.db").exists()


def test_a_hand_out_is_searchable_through_its_index(tmp_path: Path) -> None:
    team = import_file(tmp_path / "team.db", [SAMPLES], "lead")
    handout = tmp_path / "handout"
    assert main(["assign", str(team), "--annotators", "kim,lee", "-o", str(handout)]) == 0
    with open_label_file(handout / "kim.db", read_only=True) as label_file:
        db = label_file.connection
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        indexed = db.execute("SELECT count(*) FROM text_index_documents").fetchone()[0]
    # find answers from the index only for documents it holds; a hand-out must hold them all
    assert documents > 0 and indexed == documents
