"""Assemble: rows -> Pydantic-validated records -> Arrow tables sorted by primary key.

`table_from_rows` is the one way a table is made: rows are validated in bulk against the
table's model (unknown or missing columns, wrong types and enum values are errors), sorted
by primary key and turned into Arrow arrays of the derived schema. Enums become
dictionary arrays whose dictionary is the whole vocabulary, in its documented order.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
from pydantic import TypeAdapter, ValidationError

from build_dataset.errors import BuildFailed, Problem
from build_dataset.models import TABLES, Table
from build_dataset.schema import ENUM_INDEX, arrow_schema, columns

_ADAPTERS: dict[type[Table], TypeAdapter] = {}


def validate_rows(model: type[Table], rows: list[dict]) -> list[Table]:
    adapter = _ADAPTERS.setdefault(model, TypeAdapter(list[model]))
    try:
        return adapter.validate_python(rows)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = err["loc"]
            row = loc[0] if loc and isinstance(loc[0], int) else None
            col = ".".join(str(x) for x in loc[1:]) or "row"
            key = ""
            if row is not None:
                key = " (" + ", ".join(f"{k}={rows[row].get(k)!r}" for k in model.primary_key) + ")"
            problems.append(Problem(f"table {model.table_name}", None, col,
                                    f"row {row}{key}: {err['msg']}"))
        raise BuildFailed(problems) from None


def table_from_rows(model: type[Table], rows: Iterable[dict]) -> pa.Table:
    records = validate_rows(model, list(rows))
    key = model.primary_key
    records.sort(key=lambda r: tuple(getattr(r, k) for k in key))
    schema = arrow_schema(model)
    arrays = []
    for col, field in zip(columns(model), schema, strict=True):
        values = [getattr(r, col.name) for r in records]
        if col.kind == "enum":
            index = {v: i for i, v in enumerate(col.enum)}
            indices = pa.array([None if v is None else index[v] for v in values], ENUM_INDEX)
            arrays.append(pa.DictionaryArray.from_arrays(indices, pa.array(col.enum, pa.string())))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def empty_tables() -> dict[str, pa.Table]:
    return {m.table_name: table_from_rows(m, []) for m in TABLES}
