"""Assemble: rows -> Pydantic-validated records -> Arrow tables sorted by primary key.

`table_from_rows` is the one way a table is made: rows are validated in bulk against the
table's model (unknown or missing columns, wrong types and enum values are errors), sorted
by primary key and turned into Arrow arrays of the derived schema. Enums become
dictionary arrays whose dictionary is the whole vocabulary, in its documented order.

A table can also be made from parts (`make_part`, in extraction workers, batch by batch:
the same validation and conversion, with the problems kept unformatted), gathered by a
`TableBuilder` that numbers each problem's row within the whole table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from itertools import islice
from typing import Annotated

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ConfigDict, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from build_dataset.check import in_key_order
from build_dataset.errors import BuildFailed, Problem
from build_dataset.models import BY_NAME, TABLES, Table
from build_dataset.schema import ENUM_INDEX, arrow_schema, columns

_ADAPTERS: dict[type[Table], tuple[TypeAdapter, TypeAdapter]] = {}
_SHAPES: dict[type[Table], tuple] = {}  # model -> its columns and Arrow types (`_shape`)
CHUNK = 20_000  # rows validated and converted at a time

# A part of a table: its rows as one Arrow batch (None when some row is invalid), how
# many rows it has, and the problems of its rows: (row in the part, column, the row's
# primary key as text, message).
Part = tuple[pa.RecordBatch | None, int, list[tuple[int | None, str, str, str]]]


def row_type(model: type[Table], extra: str | None = None) -> type:
    """The model's row as a TypedDict: every field of the model, each with its own
    FieldInfo (type, constraints), and the model's `extra="forbid"` (or `extra`). Pydantic
    validates rows into plain dicts against it twice as fast as it builds model instances,
    by the same rules (the models have no validators beyond their fields;
    tests/test_package.py holds both to the same verdicts)."""
    fields = {name: Annotated[f.annotation, f] for name, f in model.model_fields.items()}
    row = TypedDict(f"{model.__name__}Row", fields)  # type: ignore[misc]
    row.__pydantic_config__ = ConfigDict(extra=extra or model.model_config.get("extra"))
    return row


def _adapters(model: type[Table]) -> tuple[TypeAdapter, TypeAdapter]:
    """A validator of the model's rows, and one that gives the same verdicts faster on
    rows with as many keys as the model has fields (see `_validate`)."""
    if model not in _ADAPTERS:
        exact = TypeAdapter(list[row_type(model)])
        fast = exact
        if model.model_config.get("extra") == "forbid" and all(
            f.is_required() for f in model.model_fields.values()
        ):
            fast = TypeAdapter(list[row_type(model, extra="ignore")])
        _ADAPTERS[model] = (exact, fast)
    return _ADAPTERS[model]


def _validate(model: type[Table], rows: list[dict]) -> tuple[list[dict], list[tuple]]:
    """Rows validated (as dicts with the fields' types) and the errors, if any: (row,
    column, the row's primary key as text, message).

    Pydantic's check for unknown keys (`extra="forbid"`) took about a third of the time
    a worker validates rows. A row with as many keys as the model has fields, every one
    of them required, has an unknown key only if it lacks a field: when every row has
    that many keys, the rows are validated with unknown keys ignored, and by the exact
    validator only if some row fails (for its errors, in its order)."""
    exact, fast = _adapters(model)
    if fast is not exact:
        n = len(model.model_fields)
        try:
            same_size = set(map(len, rows)) <= {n}
        except TypeError:  # not a mapping: the exact validator says what it is
            same_size = False
        if same_size:
            with contextlib.suppress(ValidationError):
                return fast.validate_python(rows), []
    try:
        return exact.validate_python(rows), []
    except ValidationError as e:
        errors = []
        for err in e.errors():
            loc = err["loc"]
            row = loc[0] if loc and isinstance(loc[0], int) else None
            col = ".".join(str(x) for x in loc[1:]) or "row"
            key = ""
            if row is not None:
                key = " (" + ", ".join(f"{k}={rows[row].get(k)!r}" for k in model.primary_key) + ")"
            errors.append((row, col, key, err["msg"]))
        return [], errors


def _problem(model: type[Table], first: int, row, col: str, key: str, msg: str) -> Problem:
    where = None if row is None else row + first
    return Problem(f"table {model.table_name}", None, col, f"row {where}{key}: {msg}")


def make_part(table: str, rows: list[dict]) -> Part:
    """The rows of one table, validated and turned into one Arrow batch (see `Part`)."""
    model = BY_NAME[table]
    records, errors = _validate(model, rows)
    if errors:
        return None, len(rows), errors
    return _batch(records, *_shape(model)), len(rows), []


def _shape(model: type[Table]) -> tuple:
    """The model's columns, Arrow schema, and what `_batch` converts rows with: the
    schema as a struct, enums as plain strings, and each enum's vocabulary (in Arrow)."""
    if model not in _SHAPES:
        cols, schema = columns(model), arrow_schema(model)
        plain = [
            pa.string() if c.kind == "enum" else f.type for c, f in zip(cols, schema, strict=True)
        ]
        row = pa.struct([pa.field(c.name, t) for c, t in zip(cols, plain, strict=True)])
        vocabularies = {c.name: pa.array(c.enum, pa.string()) for c in cols if c.kind == "enum"}
        _SHAPES[model] = (cols, schema, row, vocabularies)
    return _SHAPES[model]


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
    """A table made from rows given a few at a time (`add`), or from parts made elsewhere
    (`add_part`), as `table_from_rows` makes it from all of them: problems name each row
    by its index in the whole table."""

    def __init__(self, model: type[Table]):
        self.model = model
        self.batches: list[pa.RecordBatch] = []
        self.problems: list[Problem] = []
        self.rows = 0

    def add(self, rows: list[dict]) -> None:
        for i in range(0, len(rows), CHUNK):
            self.add_part(make_part(self.model.table_name, rows[i : i + CHUNK]))

    def add_part(self, part: Part) -> None:
        batch, n, errors = part
        self.problems += [_problem(self.model, self.rows, *e) for e in errors]
        self.rows += n
        if not self.problems and batch is not None and batch.num_rows:
            self.batches.append(batch)

    def finish(self) -> pa.Table:
        if self.problems:
            raise BuildFailed(self.problems)
        shape = _shape(self.model)
        table = pa.Table.from_batches(self.batches or [_batch([], *shape)], schema=shape[1])
        if not in_key_order(table, self.model.primary_key):
            table = table.sort_by([(k, "ascending") for k in self.model.primary_key])
        return table.combine_chunks()


def _batch(
    records: list[dict], cols, schema: pa.Schema, row: pa.StructType, vocabularies
) -> pa.RecordBatch:
    """Validated rows -> one Arrow batch: the rows made into one struct array in one
    call (Arrow reads every row's fields itself, faster than regrouping them by column in
    Python), whose fields are the columns; an enum's strings become indices into its
    whole vocabulary (every value is in it: the rows are validated)."""
    rows = pa.array(records, row)
    arrays = []
    for col in cols:
        values = rows.field(col.name)
        if col.kind == "enum":
            vocabulary = vocabularies[col.name]
            indices = pc.index_in(values, value_set=vocabulary).cast(ENUM_INDEX)
            values = pa.DictionaryArray.from_arrays(indices, vocabulary)
        arrays.append(values)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def empty_tables() -> dict[str, pa.Table]:
    return {m.table_name: table_from_rows(m, []) for m in TABLES}
