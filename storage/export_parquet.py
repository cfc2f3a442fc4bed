"""Parquet output: fixed, explicit schemas and a writer of bounded row groups.

The schemas are spelled out rather than inferred, so an empty first row group (or an
empty export) still has every column with its type, and pandas and Hugging Face
``datasets`` read the nested spans, facts and statuses as lists of structs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

_STRING, _INT = pa.string(), pa.int64()

SPAN = pa.struct(
    [
        ("id", _STRING),
        ("layer", _STRING),
        ("start", _INT),
        ("end", _INT),
        ("label", _STRING),
        ("text", _STRING),
        ("annotator", _STRING),
        ("created", _STRING),
        ("updated", _STRING),
    ]
)
SLOT = pa.struct(
    [
        ("role", _STRING),
        ("layer", _STRING),
        ("start", _INT),
        ("end", _INT),
        ("text", _STRING),
        ("value", _STRING),
    ]
)
FACT = pa.struct(
    [
        ("id", _STRING),
        ("type", _STRING),
        ("annotator", _STRING),
        ("created", _STRING),
        ("updated", _STRING),
        ("slots", pa.list_(SLOT)),
    ]
)
STATUS = pa.struct(
    [("annotator", _STRING), ("status", _STRING), ("note", _STRING), ("updated", _STRING)]
)
RECORDS = pa.schema(
    [
        ("id", _STRING),
        ("url", _STRING),
        ("title", _STRING),
        ("raw_text", _STRING),
        ("clean_text", _STRING),
        ("cleaner", _STRING),
        ("cleaner_version", _STRING),
        ("raw_sha256", _STRING),
        ("aligned_share", pa.float64()),
        ("alignment", pa.list_(pa.list_(_INT))),
        ("spans", pa.list_(SPAN)),
        ("facts", pa.list_(FACT)),
        ("status", pa.list_(STATUS)),
        ("gold_clean_text", _STRING),
        ("gold_clean_pieces", pa.list_(pa.list_(_INT))),
        # done / open_disagreements / not_started with --include-unfinished, else null:
        # always a column, so exports with and without it concatenate as one table.
        ("gold_state", _STRING),
    ]
)
LINES = pa.schema(
    [
        ("doc_id", _STRING),
        ("line_no", _INT),
        ("start", _INT),
        ("end", _INT),
        ("text", _STRING),
        ("label", _STRING),
    ]
)
# (schema, rows per row group): a row group of records holds ~256 pages' texts.
TABLES = {"records": (RECORDS, 256), "lines": (LINES, 16_384)}


class ParquetRows:
    """Writes rows of one of ``TABLES`` to ``path``, a row group at a time."""

    def __init__(self, path: Path, table: str) -> None:
        self._schema, self._group_rows = TABLES[table]
        self._writer = pq.ParquetWriter(str(path), self._schema)
        self._rows: list[dict[str, Any]] = []

    def write(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        if len(self._rows) >= self._group_rows:
            self._flush()

    def close(self) -> None:
        self._flush()
        self._writer.close()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []
