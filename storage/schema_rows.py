"""The label schema as rows of the ``labels``, ``fact_types`` and ``fact_type_slots`` tables."""

from __future__ import annotations

import sqlite3

from app.core.labelschema import FactType, Label, LabelSchema, Slot


def write_label_schema(db: sqlite3.Connection, schema: LabelSchema) -> None:
    """Insert ``schema`` into an empty file (inside the caller's transaction)."""
    db.executemany(
        "INSERT INTO labels (name, kind, color, description, position) VALUES (?, 'spam', ?, ?, ?)",
        [(lab.name, lab.color, lab.description, i) for i, lab in enumerate(schema.labels)],
    )
    for position, fact in enumerate(schema.fact_types):
        db.execute(
            "INSERT INTO fact_types (name, description, position) VALUES (?, ?, ?)",
            (fact.name, fact.description, position),
        )
        db.executemany(
            "INSERT INTO fact_type_slots (fact_type, name, description, value_kind, position)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (fact.name, slot.name, slot.description, slot.value_kind, i)
                for i, slot in enumerate(fact.slots)
            ],
        )


def read_label_schema(db: sqlite3.Connection) -> LabelSchema:
    """Read the schema a label file carries."""
    labels = tuple(
        Label(name, color, description)
        for name, color, description in db.execute(
            "SELECT name, color, description FROM labels ORDER BY position"
        )
    )
    slots: dict[str, list[Slot]] = {}
    for fact_type, name, kind, description in db.execute(
        "SELECT fact_type, name, value_kind, description FROM fact_type_slots"
        " ORDER BY fact_type, position"
    ):
        slots.setdefault(fact_type, []).append(Slot(name, kind, description))
    fact_types = tuple(
        FactType(name, description, tuple(slots.get(name, ())))
        for name, description in db.execute(
            "SELECT name, description FROM fact_types ORDER BY position"
        )
    )
    return LabelSchema(labels, fact_types)


def append_labels(db: sqlite3.Connection, labels: list[Label]) -> None:
    """Add ``labels`` after the schema's last one (inside the caller's transaction)."""
    (last,) = db.execute("SELECT coalesce(max(position), -1) FROM labels").fetchone()
    db.executemany(
        "INSERT INTO labels (name, kind, color, description, position) VALUES (?, 'spam', ?, ?, ?)",
        [
            (label.name, label.color, label.description, last + 1 + i)
            for i, label in enumerate(labels)
        ],
    )
