"""Assemble: rows -> Pydantic-validated records -> Arrow tables sorted by primary key.

`table_from_rows` is the one way a table is made: rows are validated in bulk against the
table's model (unknown or missing columns, wrong types and enum values are errors), sorted
by primary key and turned into Arrow arrays of the derived schema. Enums become
dictionary arrays whose dictionary is the whole vocabulary, in its documented order.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

import pyarrow as pa
from pydantic import TypeAdapter, ValidationError

from build_dataset.errors import BuildFailed, Problem
from build_dataset.models import TABLES, Table
from build_dataset.schema import ENUM_INDEX, arrow_schema, columns

_ADAPTERS: dict[type[Table], TypeAdapter] = {}
CHUNK = 20_000  # rows validated and converted at a time


def validate_rows(model: type[Table], rows: list[dict], first: int = 0) -> list[Table]:
    """Validate `rows` against the model; `first` is the index of rows[0] in its table,
    for the messages."""
    records, problems = _validate(model, rows, first)
    if problems:
        raise BuildFailed(problems)
    return records


def _validate(model: type[Table], rows: list[dict], first: int) -> tuple[list, list[Problem]]:
    adapter = _ADAPTERS.setdefault(model, TypeAdapter(list[model]))
    try:
        return adapter.validate_python(rows), []
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = err["loc"]
            row = loc[0] if loc and isinstance(loc[0], int) else None
            col = ".".join(str(x) for x in loc[1:]) or "row"
            key = ""
            if row is not None:
                key = " (" + ", ".join(f"{k}={rows[row].get(k)!r}" for k in model.primary_key) + ")"
                row += first
            problems.append(
                Problem(f"table {model.table_name}", None, col, f"row {row}{key}: {err['msg']}")
            )
        return [], problems


def table_from_rows(model: type[Table], rows: Iterable[dict]) -> pa.Table:
    """Validate every row, in chunks of CHUNK rows (only one chunk stands as Pydantic
    records at a time; rows given by an iterator are made a chunk at a time), turn each
    chunk into Arrow arrays, then sort the whole table by primary key in Arrow (a stable
    sort, like Python's, in the same order: strings by code point, their UTF-8 order)."""
    builder = TableBuilder(model)
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):  # an iterator of rows is never held whole
        builder.add(chunk)
    return builder.finish()


class TableBuilder:
    """A table made from rows given a few at a time (`add`), as `table_from_rows` makes
    it from all of them: the rows of each call are validated and become Arrow batches at
    once, and problems name each row by its index in the whole table."""

    def __init__(self, model: type[Table]):
        self.model, self.schema, self.cols = model, arrow_schema(model), columns(model)
        self.batches: list[pa.RecordBatch] = []
        self.problems: list[Problem] = []
        self.rows = 0

    def add(self, rows: list[dict]) -> None:
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            records, found = _validate(self.model, chunk, self.rows)
            self.problems += found
            self.rows += len(chunk)
            if not self.problems:
                self.batches.append(_batch(records, self.cols, self.schema))

    def finish(self) -> pa.Table:
        if self.problems:
            raise BuildFailed(self.problems)
        empty = [_batch([], self.cols, self.schema)]
        table = pa.Table.from_batches(self.batches or empty, schema=self.schema)
        if table.num_rows > 1:
            table = table.sort_by([(k, "ascending") for k in self.model.primary_key])
        return table.combine_chunks()


def _batch(records: list[Table], cols, schema: pa.Schema) -> pa.RecordBatch:
    arrays = []
    for col, field in zip(cols, schema, strict=True):
        values = [getattr(r, col.name) for r in records]
        if col.kind == "enum":
            index = {v: i for i, v in enumerate(col.enum)}
            indices = pa.array([None if v is None else index[v] for v in values], ENUM_INDEX)
            arrays.append(pa.DictionaryArray.from_arrays(indices, pa.array(col.enum, pa.string())))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def empty_tables() -> dict[str, pa.Table]:
    return {m.table_name: table_from_rows(m, []) for m in TABLES}
