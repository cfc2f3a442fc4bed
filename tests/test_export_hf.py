"""Dataset folders load with Hugging Face ``datasets``: Parquet shards, JSONL splits, the card."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder never needs the network

import datasets

from app import __version__
from app.cli import main
from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import NewSpan, add_spans, set_status
from storage.facts import SlotState, add_fact, set_slot
from storage.labelfile import create_label_file
from tests.conftest import SAMPLES

FACT_DOC = "001_b0f070cd7e78df0e"
SPLIT = "train=0.5,test=0.5"


@pytest.fixture(scope="module")
def gold_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five gold-done pages with a nav span each; only one page has a fact."""
    path = tmp_path_factory.mktemp("hf") / "gold.db"
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        assert not import_sources(label_file, [SAMPLES], ImportOptions(annotator="lead")).refusals
        ids = [row[0] for row in label_file.connection.execute("SELECT id FROM documents")]
        for doc_id in ids:
            add_spans(label_file, doc_id, [NewSpan("raw", 0, 2, "nav")], "gold")
            set_status(label_file, doc_id, "gold", "done")
        fact = add_fact(label_file, FACT_DOC, "statement", "gold")
        set_slot(label_file, fact.id, "content", SlotState("raw", 10, 20), "gold")
    return path


def export(source: Path, out: Path, fmt: str, *extra: str) -> int:
    return main(["export", str(source), "-o", str(out), "--format", fmt, *extra])


def load(folder: Path, cache: Path) -> datasets.DatasetDict:
    loaded = datasets.load_dataset(str(folder), cache_dir=str(cache))
    assert isinstance(loaded, datasets.DatasetDict)
    return loaded


def split_ids(folder: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((folder / "data").iterdir()):
        name = path.name.split("-")[0].split(".")[0]
        if path.suffix == ".parquet":
            found.setdefault(name, []).extend(pq.read_table(path).column("id").to_pylist())
        else:
            rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
            found.setdefault(name, []).extend(row["id"] for row in rows)
    return found


def test_hf_folder_loads_every_split_with_one_schema(
    gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "dataset"
    assert export(gold_file, folder, "hf", "--split", SPLIT, "--seed", "1") == 0
    loaded = load(folder, tmp_path / "cache")
    assert sorted(loaded) == ["test", "train"]
    assert loaded["train"].features == loaded["test"].features
    assert sum(len(part) for part in loaded.values()) == 5
    facts = {row["id"]: row["facts"] for part in loaded.values() for row in part}
    assert facts[FACT_DOC][0]["slots"][0]["start"] == 10
    rows = [row for part in loaded.values() for row in part]
    for row in rows:
        assert all(row["raw_text"][s["start"] : s["end"]] == s["text"] for s in row["spans"])
    assert "5 documents" in capsys.readouterr().out


def test_the_card_states_layer_labels_counts_version_and_gold(
    gold_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dataset"
    assert export(gold_file, folder, "hf", "--split", SPLIT, "--seed", "1") == 0
    card = (folder / "README.md").read_text("utf-8")
    ids = split_ids(folder)
    assert f"num_examples: {len(ids['train'])}" in card
    assert f"thresher {__version__}" in card
    assert "Layer: the adjudicated layer (annotator `gold`)" in card
    assert "Only documents whose gold is done" in card
    assert "spans: 5 (nav 5)" in card
    assert ", ".join(label["name"] for label in default_schema_labels()) in card


def default_schema_labels() -> list[dict[str, Any]]:
    labels: list[dict[str, Any]] = json.loads(
        (SAMPLES.parent / "default_schema.json").read_text("utf-8")
    )["labels"]
    return labels


def test_shards_stay_under_the_size_asked_for(gold_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    assert export(gold_file, folder, "hf", "--shard-mb", "0.004") == 0  # about 4 kB
    shards = sorted((folder / "data").glob("train-*.parquet"))
    assert len(shards) >= 3
    assert all(shard.name.endswith(f"-of-{len(shards):05d}.parquet") for shard in shards)
    assert len(load(folder, tmp_path / "cache")["train"]) == 5


def test_jsonl_splits_in_a_folder_load_with_a_field_empty_in_one_split(
    gold_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "jsonl"
    folder.mkdir()
    assert export(gold_file, folder, "jsonl", "--split", SPLIT, "--seed", "1") == 0
    ids = split_ids(folder)
    without = next(name for name, members in ids.items() if FACT_DOC not in members)
    with_fact = next(name for name, members in ids.items() if FACT_DOC in members)
    rows = (folder / "data" / f"{without}.jsonl").read_text("utf-8").splitlines()
    assert all(json.loads(row)["facts"] == [] for row in rows)
    loaded = load(folder, tmp_path / "cache")
    assert loaded[without].features == loaded[with_fact].features
    # Plain JSON loading types the empty lists with the card's features too.
    features = datasets.load_dataset_builder(str(folder), cache_dir=str(tmp_path / "c")).info
    files = {name: str(folder / "data" / f"{name}.jsonl") for name in ids}
    plain = datasets.load_dataset(
        "json", data_files=files, features=features.features, cache_dir=str(tmp_path / "c2")
    )
    assert len(plain[without]) + len(plain[with_fact]) == 5


def test_a_folder_with_other_files_is_refused(
    gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", "utf-8")
    assert export(gold_file, folder, "hf") == 2
    assert "other files in it" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_second_export_replaces_the_first(gold_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    assert export(gold_file, folder, "hf", "--split", SPLIT) == 0
    assert export(gold_file, folder, "hf") == 0
    assert sorted(p.name for p in (folder / "data").iterdir()) == ["train-00000-of-00001.parquet"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
