"""Derive every schema from the models: Table Schema, JSON Schema and Arrow schema.

Nothing here names a column: it reads the Pydantic models in `models.py`.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass

import annotated_types
import pyarrow as pa

from build_dataset.models import VOCABULARIES, Table

ENUM_INDEX = pa.int32()


@dataclass(frozen=True)
class Column:
    """What the derivations need to know of one field."""

    name: str
    kind: str  # string, integer, number, boolean, date, enum, list
    required: bool
    description: str
    enum: tuple[str, ...] | None
    minimum: int | float | None
    pattern: str | None


def _unwrap_optional(annotation) -> tuple[object, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def columns(model: type[Table]) -> list[Column]:
    out = []
    for name, info in model.model_fields.items():
        annotation, optional = _unwrap_optional(info.annotation)
        metadata = list(info.metadata)
        if typing.get_origin(annotation) is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for meta in extra:
                metadata += getattr(meta, "metadata", [meta])
        enum = None
        if typing.get_origin(annotation) is typing.Literal:
            kind, enum = "enum", tuple(typing.get_args(annotation))
        elif typing.get_origin(annotation) is list:
            kind = "list"
        else:
            kind = {
                str: "string",
                int: "integer",
                float: "number",
                bool: "boolean",
                dt.date: "date",
            }[annotation]
        minimum = pattern = None
        for meta in metadata:
            if isinstance(meta, annotated_types.Ge):
                minimum = meta.ge
            elif getattr(meta, "pattern", None):
                pattern = meta.pattern
        if not info.description:
            raise TypeError(f"{model.__name__}.{name} has no description")
        out.append(Column(name, kind, not optional, info.description, enum, minimum, pattern))
    return out


def enum_meanings(model: type[Table], column: str) -> dict[str, str]:
    annotation, _ = _unwrap_optional(model.model_fields[column].annotation)
    for literal, meanings in VOCABULARIES.items():
        if literal == annotation:
            return meanings
    return {}


# ---------------------------------------------------------------- Table Schema

_TS_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "enum": "string",
    "list": "array",
}


def table_schema(model: type[Table]) -> dict:
    fields = []
    for c in columns(model):
        f: dict = {"name": c.name, "type": _TS_TYPES[c.kind], "description": c.description}
        if c.kind == "date":
            f["format"] = "default"
        constraints: dict = {}
        if c.required:
            constraints["required"] = True
        if c.enum:
            constraints["enum"] = list(c.enum)
        if c.minimum is not None:
            constraints["minimum"] = c.minimum
        if c.pattern and c.kind == "string":
            constraints["pattern"] = c.pattern
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    schema: dict = {"fields": fields, "missingValues": [""], "primaryKey": list(model.primary_key)}
    if model.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(local), "reference": {"resource": res, "fields": list(remote)}}
            for local, res, remote in model.foreign_keys
        ]
    return schema


# ---------------------------------------------------------------- JSON Schema


def json_schema(model: type[Table]) -> dict:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{model.table_name}.schema.json"
    schema["description"] = (model.__doc__ or "").strip()
    return schema


# ---------------------------------------------------------------- Arrow

_ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "list": pa.list_(pa.string()),
}


def arrow_type(c: Column) -> pa.DataType:
    if c.kind == "enum":
        return pa.dictionary(ENUM_INDEX, pa.string())
    return _ARROW_TYPES[c.kind]


def arrow_schema(model: type[Table]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(
                c.name,
                arrow_type(c),
                nullable=not c.required,
                metadata={"description": c.description},
            )
            for c in columns(model)
        ],
        metadata={"table": model.table_name, "description": (model.__doc__ or "").strip()},
    )
