"""The child of the kill test: scripted user actions on a label file, reported as committed.

Run as ``python -m tests.kill_child FILE SEED [ANNOTATOR]``. Before each action it prints
``begin N KIND JSON`` and after the action's transaction returns ``ok N``; the parent kills
it with SIGKILL at a random moment and checks that every ``ok`` action is in the file.
The actions are what the window's keys do, through the same storage functions: tag,
relabel, delete, undo (bring back), fact edits and status changes.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from app.core.document import STATUSES
from storage.annotations import NewSpan, add_spans, relabel_span, set_spans_deleted, set_status
from storage.facts import SlotState, add_fact, set_facts_deleted, set_slot
from storage.labelfile import LabelFile, open_label_file

LABELS = ("nav", "ad", "comment", "related_links")
# More than any kill lets it finish: the kill always lands mid-work.
ACTIONS = 1_000_000


def main() -> None:
    path, seed = Path(sys.argv[1]), int(sys.argv[2])
    annotator = sys.argv[3] if len(sys.argv) > 3 else "kim"
    rng = random.Random(seed)
    with open_label_file(path) as label_file:
        documents = [
            (doc_id, length)
            for doc_id, length in label_file.connection.execute(
                "SELECT id, raw_length FROM documents ORDER BY id"
            )
        ]
        spans: list[str] = []
        facts: list[tuple[str, str]] = []
        for number in range(ACTIONS):
            kind, payload, action = _choose(rng, documents, spans, facts, (label_file, annotator))
            _say(f"begin {number} {kind} {json.dumps(payload)}")
            result = action()
            if kind == "tag":
                spans.append(result)
                payload["id"] = result
            elif kind == "fact":
                facts.append((result, payload["doc"]))
                payload["id"] = result
            _say(f"ok {number} {json.dumps(payload)}")


def _choose(
    rng: random.Random,
    documents: list[tuple[str, int]],
    spans: list[str],
    facts: list[tuple[str, str]],
    where: tuple[LabelFile, str],
) -> tuple[str, dict[str, Any], Any]:
    label_file, annotator = where
    doc_id, length = rng.choice(documents)
    kinds = ["tag", "status", "fact"] + (["relabel", "delete", "undo"] if spans else [])
    kinds += ["slot", "delete_fact"] if facts else []
    kind = rng.choice(kinds)
    if kind == "tag":
        start = rng.randrange(length - 10)
        span = NewSpan("raw", start, start + rng.randrange(1, 10), rng.choice(LABELS))
        return (
            kind,
            {"doc": doc_id, "start": span.start, "end": span.end, "label": span.label},
            (lambda: add_spans(label_file, doc_id, [span], annotator)[0].id),
        )
    if kind in ("relabel", "delete", "undo"):
        return _span_edit(rng, kind, spans, label_file)
    if kind in {"slot", "delete_fact"}:
        return _fact_edit(rng, kind, facts, where)
    if kind == "status":
        status = rng.choice(STATUSES)
        return (
            kind,
            {"doc": doc_id, "status": status},
            lambda: set_status(label_file, doc_id, annotator, status),
        )
    if kind == "fact":
        return kind, {"doc": doc_id}, lambda: add_fact(label_file, doc_id, "quantity", annotator).id


def _span_edit(
    rng: random.Random, kind: str, spans: list[str], label_file: LabelFile
) -> tuple[str, dict[str, Any], Any]:
    span_id = rng.choice(spans)
    if kind == "relabel":
        label = rng.choice(LABELS)
        return (
            kind,
            {"id": span_id, "label": label},
            lambda: relabel_span(label_file, span_id, label),
        )
    deleted = kind == "delete"
    return (
        kind,
        {"id": span_id, "deleted": deleted},
        lambda: set_spans_deleted(label_file, [span_id], deleted),
    )


def _fact_edit(
    rng: random.Random, kind: str, facts: list[tuple[str, str]], where: tuple[LabelFile, str]
) -> tuple[str, dict[str, Any], Any]:
    label_file, annotator = where
    fact_id, _ = rng.choice(facts)
    if kind == "delete_fact":
        return kind, {"id": fact_id}, lambda: set_facts_deleted(label_file, [fact_id], True)
    value = str(rng.randrange(10**6))
    return (
        kind,
        {"id": fact_id, "value": value},
        lambda: set_slot(label_file, fact_id, "value", SlotState(value=value), annotator),
    )


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
