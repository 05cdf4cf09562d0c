"""Load a published table into pandas with the descriptor's types, from Parquet or CSV.

    >>> import build_dataset
    >>> figures = build_dataset.load("figures")               # data/figures.parquet
    >>> articles = build_dataset.load("articles", format="csv")  # the same frame

The types come from `datapackage.json`, so the frame is the same whichever file it was
read from:

| descriptor type        | pandas dtype                                             |
|------------------------|----------------------------------------------------------|
| string                 | pandas' default string dtype (`str` in pandas 3)         |
| string with an enum    | `category`, categories = the vocabulary in its order     |
| integer                | `int64`; `Int64` (nullable) when the field is optional   |
| number                 | `float64` (NaN when missing)                             |
| boolean                | `bool`; `boolean` (nullable) when the field is optional  |
| date                   | `date32[day][pyarrow]`: dates, not timestamps; `.dt`     |
|                        | works, missing is `<NA>`, values are `datetime.date`     |
| array                  | Python lists (`list[str]`)                               |

pandas and pyarrow are imported when `load` is called: the builder does not need pandas.
This module only reads the descriptor and the data files, so it also works on a copy of
the package downloaded without the rest of the repository.
"""

from __future__ import annotations

import json
from pathlib import Path

DESCRIPTOR = "datapackage.json"
FORMATS = ("parquet", "csv")


def load(table: str, root: str | Path | None = None, format: str = "parquet"):
    """Return `table` of the package in `root` as a pandas DataFrame with the descriptor's
    types. `root` defaults to the nearest folder holding datapackage.json, from the current
    directory up, else the repository this module belongs to. `format` is "parquet" (the
    default, faster) or "csv"."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    pd = _require("pandas")
    _require("pyarrow")
    folder = package_root(root)
    resource = _resource(folder, table)
    fields = resource["schema"]["fields"]
    if format == "parquet":
        import pyarrow.parquet as pq

        arrow = pq.read_table(folder / resource["parquet"]["path"])
    else:
        arrow = _read_csv(folder / resource["path"], resource, fields)
    names = [f["name"] for f in fields]
    if arrow.column_names != names:
        raise ValueError(
            f"{table}: columns {arrow.column_names} differ from the descriptor's {names}"
        )
    return _frame(pd, arrow, fields, table)


def package_root(root: str | Path | None = None) -> Path:
    """The package folder: `root`, or the nearest one with datapackage.json."""
    if root is not None:
        folder = Path(root)
        if not (folder / DESCRIPTOR).is_file():
            raise FileNotFoundError(f"{folder}: no {DESCRIPTOR} here")
        return folder
    here = Path.cwd().resolve()
    checkout = Path(__file__).resolve().parents[2]
    for folder in (here, *here.parents, checkout):
        if (folder / DESCRIPTOR).is_file():
            return folder
    raise FileNotFoundError(f"no {DESCRIPTOR} in {here} or its parents: pass root=")


def tables(root: str | Path | None = None) -> list[str]:
    """Names of the package's tables, in the descriptor's order."""
    return [r["name"] for r in _descriptor(package_root(root))["resources"]]


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))


def _resource(folder: Path, table: str) -> dict:
    resources = {r["name"]: r for r in _descriptor(folder)["resources"]}
    if table not in resources:
        raise KeyError(
            f"no table {table!r} in {folder / DESCRIPTOR}; tables: {', '.join(resources)}"
        )
    return resources[table]


def _require(module: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f"build_dataset.load needs {module}: pip install pandas pyarrow "
            "(it is not a dependency of the builder)"
        ) from e


def _enum(field: dict) -> list | None:
    return field.get("constraints", {}).get("enum")


def _required(field: dict) -> bool:
    return bool(field.get("constraints", {}).get("required"))


def _read_csv(path: Path, resource: dict, fields: list[dict]):
    """The CSV file as an Arrow table with the descriptor's types (arrays still JSON text)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    arrow_types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "array": pa.string(),
    }
    dialect = resource.get("dialect", {})
    missing = resource["schema"].get("missingValues", [""])
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=resource.get("encoding", "utf-8")),
        parse_options=pacsv.ParseOptions(
            delimiter=dialect.get("delimiter", ","),
            quote_char=dialect.get("quoteChar", '"'),
            double_quote=dialect.get("doubleQuote", True),
            newlines_in_values=True,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={f["name"]: arrow_types[f["type"]] for f in fields},
            null_values=missing,
            strings_can_be_null=True,
            true_values=["true"],
            false_values=["false"],
        ),
    )


def _frame(pd, arrow, fields: list[dict], table: str):
    import pyarrow as pa

    date = pd.ArrowDtype(pa.date32())
    mapper = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(), pa.date32(): date}
    df = arrow.to_pandas(types_mapper=mapper.get)
    for f in fields:
        name, kind, enum = f["name"], f["type"], _enum(f)
        col = df[name]
        if enum:
            values = col.astype("object")
            outside = values.notna() & ~values.isin(enum)
            if outside.any():
                raise ValueError(
                    f"{table}.{name}: values outside the vocabulary: {sorted(set(values[outside]))}"
                )
            df[name] = values.astype(pd.CategoricalDtype(enum))
        elif kind == "integer" and _required(f):
            df[name] = col.astype("int64")
        elif kind == "boolean" and _required(f):
            df[name] = col.astype(bool)
        elif kind == "array":
            df[name] = pd.Series([_as_list(v) for v in col], index=df.index, dtype=object)
    return df


def _as_list(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return json.loads(value)
    return list(value)
