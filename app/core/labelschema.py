"""The label schema: spam labels and fact types, as a user or the default file defines them.

A schema is plain data read from JSON (``resources/default_schema.json`` or a file the
user supplies at import) and copied into every label file, so a file carries the meaning
of its own labels.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

VALUE_KINDS = ("text", "number", "date", "entity")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class SchemaError(ValueError):
    """A schema file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Label:
    """A spam label."""

    name: str
    color: str
    description: str


@dataclass(frozen=True)
class Slot:
    """One slot of a fact type."""

    name: str
    value_kind: str
    description: str


@dataclass(frozen=True)
class FactType:
    """A kind of fact and its slots, in order."""

    name: str
    description: str
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class LabelSchema:
    """Spam labels and fact types, in display order."""

    labels: tuple[Label, ...]
    fact_types: tuple[FactType, ...]

    def label_names(self) -> frozenset[str]:
        """The names of all spam labels."""
        return frozenset(label.name for label in self.labels)


def default_schema() -> LabelSchema:
    """The schema bundled with Thresher."""
    text = resources.files("resources").joinpath("default_schema.json").read_text("utf-8")
    return parse_schema(json.loads(text), source="default_schema.json")


def load_schema(path: Path) -> LabelSchema:
    """Read a user's schema file.

    Raises:
        SchemaError: the file is not JSON or an entry is malformed.
    """
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SchemaError(f"{path}: cannot read schema: {error}") from error
    return parse_schema(data, source=str(path))


def parse_schema(data: Any, *, source: str) -> LabelSchema:
    """Build a schema from decoded JSON, naming the first malformed entry."""
    if not isinstance(data, dict):
        raise SchemaError(f"{source}: a schema is a JSON object with 'labels' and 'fact_types'")
    labels = tuple(_label(entry, source) for entry in _list(data, "labels", source))
    fact_types = tuple(_fact_type(entry, source) for entry in _list(data, "fact_types", source))
    _no_duplicates([label.name for label in labels], "label", source)
    _no_duplicates([fact.name for fact in fact_types], "fact type", source)
    return LabelSchema(labels, fact_types)


def _list(data: dict[str, Any], key: str, source: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise SchemaError(f"{source}: '{key}' must be a list")
    return value


def _field(entry: Any, key: str, where: str) -> str:
    if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
        raise SchemaError(f"{where}: missing text field '{key}'")
    return str(entry[key])


def _name(entry: Any, where: str) -> str:
    name = _field(entry, "name", where)
    if not _NAME.match(name):
        raise SchemaError(f"{where}: name {name!r} must be lower-case letters, digits and _")
    return name


def _label(entry: Any, source: str) -> Label:
    where = f"{source}: label {entry.get('name', '?') if isinstance(entry, dict) else entry!r}"
    color = _field(entry, "color", where)
    if not _COLOR.match(color):
        raise SchemaError(f"{where}: colour {color!r} must look like #4e79a7")
    return Label(_name(entry, where), color, _field(entry, "description", where))


def _fact_type(entry: Any, source: str) -> FactType:
    where = f"{source}: fact type {entry.get('name', '?') if isinstance(entry, dict) else entry!r}"
    name = _name(entry, where)
    slots = tuple(_slot(slot, f"{where}, slot") for slot in _list(entry, "slots", where))
    if not slots:
        raise SchemaError(f"{where}: a fact type needs at least one slot")
    _no_duplicates([slot.name for slot in slots], "slot", where)
    return FactType(name, _field(entry, "description", where), slots)


def _slot(entry: Any, where: str) -> Slot:
    kind = _field(entry, "value_kind", where)
    if kind not in VALUE_KINDS:
        raise SchemaError(f"{where}: value_kind {kind!r} is not one of {', '.join(VALUE_KINDS)}")
    return Slot(_name(entry, where), kind, _field(entry, "description", where))


def _no_duplicates(names: list[str], what: str, where: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SchemaError(f"{where}: {what} {name!r} is defined twice")
        seen.add(name)
