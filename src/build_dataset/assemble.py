"""Assemble: rows -> Pydantic-validated columns -> Arrow tables sorted by primary key.

`table_from_rows` is the one way a table is made: rows are validated in bulk against the
table's model (unknown or missing columns, wrong types and enum values are errors), sorted
by primary key and turned into Arrow arrays of the derived schema. Enums become
dictionary arrays whose dictionary is the whole vocabulary, in its documented order.

A table can also be made from parts (`make_part`, in extraction workers, batch by batch,
from rows or from columns: `make_part_of_columns`; the same validation and conversion,
with the problems kept unformatted), gathered by a `TableBuilder` that numbers each
problem's row within the whole table.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Annotated

import pyarrow as pa
from pydantic import ConfigDict, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from build_dataset.check import in_key_order
from build_dataset.errors import BuildFailed, Problem
from build_dataset.models import BY_NAME, Table
from build_dataset.schema import ENUM_INDEX, arrow_schema, columns

_ADAPTERS: dict[type[Table], tuple[TypeAdapter, TypeAdapter | None]] = {}  # `_adapters`
_SHAPES: dict[type[Table], tuple] = {}  # model -> its columns and Arrow types (`_shape`)
CHUNK = 20_000  # rows validated and converted at a time

# A part of a table: its rows as one Arrow batch (None when some row is invalid), how
# many rows it has, and the problems of its rows: (row in the part, column, the row's
# primary key as text, message).
Part = tuple[pa.RecordBatch | None, int, list[tuple[int | None, str, str, str]]]


def row_type(model: type[Table]) -> type:
    """The model's row as a TypedDict: every field of the model, each with its own
    FieldInfo (type, constraints), and the model's `extra="forbid"`. Pydantic validates
    rows into plain dicts against it twice as fast as it builds model instances, by the
    same rules (the models have no validators beyond their fields; tests/test_package.py
    holds both to the same verdicts)."""
    fields = {name: Annotated[f.annotation, f] for name, f in model.model_fields.items()}
    row = TypedDict(f"{model.__name__}Row", fields)  # type: ignore[misc]
    row.__pydantic_config__ = ConfigDict(extra=model.model_config.get("extra"))
    return row


def column_type(model: type[Table]) -> type:
    """The model's rows as columns: a TypedDict of one list per field, whose every item
    is validated by the field's own type and FieldInfo, as in `row_type`. About twice as
    fast again: no dict per row in, none out, and no check of every row's keys."""
    fields = {name: list[Annotated[f.annotation, f]] for name, f in model.model_fields.items()}
    cols = TypedDict(f"{model.__name__}Columns", fields)  # type: ignore[misc]
    cols.__pydantic_config__ = ConfigDict(extra="forbid")
    return cols


def _adapters(model: type[Table]) -> tuple[TypeAdapter, TypeAdapter | None]:
    """The validator of the model's rows, and the validator of its columns: None for a
    model with an optional field (a row may then lack a key, which columns cannot say)."""
    if model not in _ADAPTERS:
        by_columns = None
        if all(f.is_required() for f in model.model_fields.values()):
            by_columns = TypeAdapter(column_type(model))
        _ADAPTERS[model] = (TypeAdapter(list[row_type(model)]), by_columns)
    return _ADAPTERS[model]


def _validate(model: type[Table], rows: list[dict]) -> tuple[dict[str, list] | None, list[tuple]]:
    """Rows validated, as columns (field -> the values of its type), or None and the
    errors: (row, column, the row's primary key as text, message).

    Rows that each have exactly the model's fields as keys are regrouped into columns
    and validated as columns (see `column_type`): every value by the same rules. If that
    fails, or a row has other keys or is not a mapping, the rows are validated by the
    row validator, for its errors in its order."""
    names = list(model.model_fields)
    columns = None
    try:
        if all(len(r) == len(names) for r in rows):  # with all its names: no other key
            columns = {k: [r[k] for r in rows] for k in names}
    except (TypeError, KeyError):  # not a mapping, or one without a field
        pass
    if columns is not None and (valid := _valid_columns(model, columns)) is not None:
        return valid, []
    return _validate_rows(model, rows)


def _valid_columns(model: type[Table], columns: dict[str, list]) -> dict[str, list] | None:
    """`columns` validated by the column validator, or None if some value fails (or the
    model has none: see `_adapters`)."""
    by_columns = _adapters(model)[1]
    if by_columns is None:
        return None
    if len(set(map(len, columns.values()))) > 1:
        raise ValueError(f"{model.table_name}: columns of different lengths")
    try:
        return by_columns.validate_python(columns)
    except ValidationError:
        return None


def _validate_rows(
    model: type[Table], rows: list[dict]
) -> tuple[dict[str, list] | None, list[tuple]]:
    """`_validate` by the row validator alone: the exact verdicts and errors."""
    try:
        records = _adapters(model)[0].validate_python(rows)
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
        return None, errors
    return {k: [r[k] for r in records] for k in model.model_fields}, []


def _problem(model: type[Table], first: int, row, col: str, key: str, msg: str) -> Problem:
    where = None if row is None else row + first
    return Problem(f"table {model.table_name}", None, col, f"row {where}{key}: {msg}")


def make_part(table: str, rows: list[dict]) -> Part:
    """The rows of one table, validated and turned into one Arrow batch (see `Part`)."""
    model = BY_NAME[table]
    valid, errors = _validate(model, rows)
    return _part(model, valid, len(rows), errors)


def make_part_of_columns(table: str, columns: dict[str, list]) -> Part:
    """`make_part` of rows given as columns (field -> values, all of one length), as a
    worker makes them: validated as columns; if a value fails, the rows are made and
    validated one by one, for the row validator's errors."""
    model = BY_NAME[table]
    n = len(next(iter(columns.values()), ()))
    valid, errors = _valid_columns(model, columns), []
    if valid is None:
        rows = [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
        valid, errors = _validate_rows(model, rows)
    return _part(model, valid, n, errors)


def _part(model: type[Table], valid: dict[str, list] | None, n: int, errors: list) -> Part:
    if valid is None:
        return None, n, errors
    return _batch(valid, *_shape(model)), n, []


def _shape(model: type[Table]) -> tuple:
    """The model's columns, its Arrow schema, and each enum's vocabulary (in Arrow) with
    the index of each of its values (None's: None): what `_batch` converts columns with."""
    if model not in _SHAPES:
        cols = columns(model)
        vocabularies = {
            c.name: (
                pa.array(c.enum, pa.string()),
                {None: None, **{v: i for i, v in enumerate(c.enum)}},
            )
            for c in cols
            if c.kind == "enum"
        }
        _SHAPES[model] = (cols, arrow_schema(model), vocabularies)
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
        empty = {c.name: [] for c in shape[0]}
        table = pa.Table.from_batches(self.batches or [_batch(empty, *shape)], schema=shape[1])
        if not in_key_order(table, self.model.primary_key):
            table = table.sort_by([(k, "ascending") for k in self.model.primary_key])
        return table.combine_chunks()


def _batch(valid: dict[str, list], cols, schema: pa.Schema, vocabularies) -> pa.RecordBatch:
    """Validated columns -> one Arrow batch, a column at a time; an enum's strings become
    indices into its whole vocabulary (every value is in it: the columns are validated),
    looked up in Python: Arrow's `index_in` hashes the vocabulary again at every call,
    which cost more than the lookups for the few hundred values of a worker's part."""
    arrays = []
    for col, field in zip(cols, schema, strict=True):
        if col.kind == "enum":
            vocabulary, index = vocabularies[col.name]
            indices = pa.array(list(map(index.__getitem__, valid[col.name])), ENUM_INDEX)
            arrays.append(pa.DictionaryArray.from_arrays(indices, vocabulary))
        else:
            arrays.append(pa.array(valid[col.name], field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
