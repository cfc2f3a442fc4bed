"""Merging label files: union by id, conflicts refused, order never matters, output whole."""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.core.labelschema import Label, LabelSchema, default_schema
from app.ingest import ImportOptions, import_sources
from storage.documents import document_ids, read_document_record
from storage.errors import MergeRefused, NotALabelFile
from storage.export import ExportOptions, export_label_file
from storage.labelfile import create_label_file, open_label_file
from storage.merge import merge_label_files

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
PAGES = sorted(SAMPLES.glob("*.txt"))
TABLES = ("spans", "facts", "fact_slots", "document_status")


def page(index: int) -> str:
    return PAGES[index].read_text(encoding="utf-8")


def records_file(folder: Path, name: str, records: list[dict[str, Any]]) -> Path:
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def import_file(path: Path, sources: list[Path], annotator: str) -> Path:
    with create_label_file(path, owner=annotator, schema=default_schema()) as label_file:
        report = import_sources(label_file, sources, ImportOptions(annotator=annotator))
    assert not report.refusals, report.refusals
    return path


def annotated(folder: Path, annotator: str, spans: list[tuple[int, int, str]]) -> Path:
    """A file of the first two sample pages, with ``spans`` on the first, made from JSONL."""
    text = page(1)
    record = {
        "id": "gpu",
        "raw_text": text,
        "spans": [{"layer": "raw", "start": s, "end": e, "label": label} for s, e, label in spans],
        "facts": [
            {
                "type": "quantity",
                "slots": [
                    {
                        "role": "value",
                        "layer": "raw",
                        "start": text.index("3만개"),
                        "end": text.index("3만개") + 3,
                        "value": "30000",
                    }
                ],
            }
        ],
        "status": [{"status": "done"}],
    }
    other = {"id": "weather", "raw_text": page(0)}
    source = records_file(folder, annotator, [record, other])
    return import_file(folder / f"{annotator}.db", [source], annotator)


def dump(path: Path) -> list[Any]:
    """Every document as ``thresher show`` prints it, and every row (tombstones too)."""
    with open_label_file(path, read_only=True) as label_file:
        db = label_file.connection
        shown = [read_document_record(db, doc_id) for doc_id in sorted(document_ids(db))]
        rows = [sorted(db.execute(f"SELECT * FROM {table}").fetchall()) for table in TABLES]
    return [shown, rows]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    return [
        annotated(tmp_path, "kim", [(0, 40, "nav"), (100, 140, "ad")]),
        annotated(tmp_path, "lee", [(0, 40, "nav"), (100, 150, "ad")]),
        annotated(tmp_path, "park", [(0, 40, "related_links")]),
    ]


def test_every_argument_order_gives_the_same_file(tmp_path: Path, three: list[Path]) -> None:
    before = [digest(path) for path in three]
    dumps = []
    for number, order in enumerate(itertools.permutations(three)):
        out = tmp_path / f"merged{number}.db"
        summary = merge_label_files(list(order), out)
        assert summary.annotators == ["kim", "lee", "park"]
        assert summary.records["spans"] == 5 and summary.records["facts"] == 3
        dumps.append(dump(out))
    assert all(d == dumps[0] for d in dumps[1:])
    assert [digest(path) for path in three] == before  # inputs never change
    shown = dumps[0][0][0]
    assert {s["annotator"] for s in shown["spans"]} == {"kim", "lee", "park"}
    assert len(shown["status"]) == 3


def test_every_argument_order_gives_byte_identical_exports(
    tmp_path: Path, three: list[Path]
) -> None:
    exports = set()
    for number, order in enumerate(itertools.permutations(three)):
        merged = merge_label_files(list(order), tmp_path / f"merged{number}.db")
        assert merged.annotators == ["kim", "lee", "park"]
        out = tmp_path / f"all{number}.jsonl"
        export_label_file(tmp_path / f"merged{number}.db", out, ExportOptions("jsonl", "all"))
        exports.add(out.read_bytes())
    assert len(exports) == 1
    records = [json.loads(line) for line in exports.pop().decode("utf-8").splitlines()]
    assert {s["annotator"] for r in records for s in r["spans"]} == {"kim", "lee", "park"}


def test_merging_a_file_with_itself_adds_nothing(tmp_path: Path, three: list[Path]) -> None:
    once = tmp_path / "once.db"
    merge_label_files([three[0]], once)
    twice = tmp_path / "twice.db"
    merge_label_files([three[0], three[0], once], twice)
    assert dump(twice) == dump(once) == dump(three[0])


def test_the_newest_version_and_tombstones_travel(tmp_path: Path, three: list[Path]) -> None:
    base = tmp_path / "base.db"
    merge_label_files(three, base)
    later = tmp_path / "later.db"
    shutil.copyfile(base, later)
    with open_label_file(later) as label_file, label_file.transaction() as db:
        db.execute(
            "UPDATE spans SET deleted = 1, updated = '2999-01-01T00:00:00.000000Z'"
            " WHERE annotator = 'park'"
        )
        db.execute(
            "UPDATE spans SET label = 'comment', updated = '2999-01-01T00:00:00.000000Z'"
            " WHERE annotator = 'kim' AND start = 100"
        )
    for order in ([base, later], [later, base]):
        out = tmp_path / f"out-{order[0].stem}.db"
        merge_label_files(order, out)
        with sqlite3.connect(out) as db:
            assert db.execute("SELECT deleted FROM spans WHERE annotator = 'park'").fetchall() == [
                (1,)
            ]
            assert db.execute(
                "SELECT label FROM spans WHERE annotator = 'kim' AND start = 100"
            ).fetchall() == [("comment",)]


def test_same_id_with_another_text_is_refused_and_nothing_written(tmp_path: Path) -> None:
    first = import_file(
        tmp_path / "a.db", [records_file(tmp_path, "a", [{"id": "x", "raw_text": page(0)}])], "kim"
    )
    second = import_file(
        tmp_path / "b.db", [records_file(tmp_path, "b", [{"id": "x", "raw_text": page(1)}])], "lee"
    )
    out = tmp_path / "out.db"
    with pytest.raises(
        MergeRefused, match=r"x: text [0-9a-f]{12} in a\.db; text [0-9a-f]{12} in b\.db"
    ):
        merge_label_files([first, second], out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []

    summary = merge_label_files([first, second], out, keep_conflicts=True)
    assert summary.conflicts_kept == ["x"]
    with sqlite3.connect(out) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM documents ORDER BY id")]
    assert len(ids) == 2 and all(i.startswith("x#") for i in ids)
    shown = dump(out)[0]
    assert sorted(record["raw_text"] for record in shown) == sorted([page(0), page(1)])


def test_conflicting_statuses_of_kept_variants_do_not_collide(tmp_path: Path) -> None:
    records = [
        records_file(
            tmp_path, name, [{"id": "x", "raw_text": page(i), "status": [{"status": "done"}]}]
        )
        for i, name in enumerate(("a", "b"))
    ]
    files = [import_file(tmp_path / f"{p.stem}.db", [p], "kim") for p in records]
    out = tmp_path / "out.db"
    merge_label_files(files, out, keep_conflicts=True)
    with sqlite3.connect(out) as db:
        assert db.execute("SELECT count(*) FROM document_status").fetchone() == (2,)


def test_a_label_with_another_meaning_is_refused(tmp_path: Path) -> None:
    schema = default_schema()
    changed = LabelSchema(
        tuple(
            Label("ad", "#000000", "Anything the lead dislikes") if label.name == "ad" else label
            for label in schema.labels
        ),
        schema.fact_types,
    )
    first = tmp_path / "a.db"
    create_label_file(first, owner="kim", schema=schema).close()
    second = tmp_path / "b.db"
    create_label_file(second, owner="lee", schema=changed).close()
    out = tmp_path / "out.db"
    with pytest.raises(
        MergeRefused, match=r"label 'ad': a\.db says .*, b\.db says 'Anything the lead dislikes'"
    ):
        merge_label_files([first, second], out)
    assert not out.exists()


def test_a_compatible_schema_is_a_union(tmp_path: Path) -> None:
    schema = default_schema()
    extra = LabelSchema(
        (*schema.labels, Label("casino", "#ff0000", "Casino ads")), schema.fact_types
    )
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    create_label_file(first, owner="kim", schema=schema).close()
    create_label_file(second, owner="lee", schema=extra).close()
    out = tmp_path / "out.db"
    merge_label_files([second, first], out)
    with sqlite3.connect(out) as db:
        names = [row[0] for row in db.execute("SELECT name FROM labels ORDER BY position")]
    assert names == [label.name for label in extra.labels]


def test_bad_inputs_and_outputs_are_named(tmp_path: Path, three: list[Path]) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a label file")
    with pytest.raises(NotALabelFile, match=r"notes\.txt"):
        merge_label_files([three[0], text], tmp_path / "out.db")
    with pytest.raises(MergeRefused, match="already exists"):
        merge_label_files([three[0]], three[1])
    with pytest.raises(MergeRefused, match="nothing to merge"):
        merge_label_files([], tmp_path / "out.db")
    with sqlite3.connect(three[0]) as db:
        db.execute("CREATE TRIGGER sneaky AFTER INSERT ON spans BEGIN DELETE FROM spans; END")
    with pytest.raises(MergeRefused, match="trigger 'sneaky'"):
        merge_label_files([three[0]], tmp_path / "out.db")
    assert not (tmp_path / "out.db").exists()
