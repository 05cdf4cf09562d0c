"""Check: the package's integrity rules, over Arrow tables.

Primary keys unique and non-null, foreign keys resolve, enum values in their vocabulary,
required columns non-null, and every span reproduces its text. Used inside the build
(before anything is published) and by `build-dataset validate` on a published copy.
Each problem names the table, the row (1-based, as in the CSV after its header) and the
column.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from build_dataset.errors import Problem
from build_dataset.models import BY_NAME, Table
from build_dataset.schema import columns

MAX_PER_RULE = 20  # problems reported per table and rule; the rest are counted


def _problem(table: str, rows: list[int], column: str, message: str, total: int) -> list[Problem]:
    out = [Problem(f"data/{table}.csv", r + 2, column, message) for r in rows[:MAX_PER_RULE]]
    if total > MAX_PER_RULE:
        out.append(Problem(f"data/{table}.csv", None, column,
                           f"{total - MAX_PER_RULE} more rows: {message}"))
    return out


def _rows(mask: pa.Array) -> list[int]:
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def check_tables(tables: dict[str, pa.Table]) -> list[Problem]:
    problems: list[Problem] = []
    for name, model in BY_NAME.items():
        if name not in tables:
            problems.append(Problem(f"data/{name}.csv", None, "table", "missing"))
            continue
        problems += _check_table(model, tables[name], tables)
    return problems


def _check_table(model: type[Table], table: pa.Table, tables: dict[str, pa.Table]) -> list[Problem]:
    name = model.table_name
    problems: list[Problem] = []
    cols = columns(model)
    have = table.column_names
    want = [c.name for c in cols]
    if have != want:
        return [Problem(f"data/{name}.csv", 1, "columns", f"expected {want}, found {have}")]
    for c in cols:
        col = table.column(c.name)
        if c.required and col.null_count:
            rows = _rows(pc.is_null(col))
            problems += _problem(name, rows, c.name, "required value missing", len(rows))
        if c.enum:
            bad = pc.invert(pc.is_in(pc.cast(col, pa.string()), value_set=pa.array(c.enum)))
            rows = _rows(pc.and_(bad, pc.is_valid(col)))
            problems += _problem(name, rows, c.name, f"not one of {list(c.enum)}", len(rows))
        if c.minimum is not None:
            rows = _rows(pc.less(col, c.minimum))
            problems += _problem(name, rows, c.name, f"below {c.minimum}", len(rows))
    # primary key
    key = list(model.primary_key)
    counts = table.group_by(key).aggregate([([], "count_all")])
    dup = counts.filter(pc.greater(counts["count_all"], 1))
    for row in dup.slice(0, MAX_PER_RULE).to_pylist():
        values = ", ".join(f"{k}={row[k]!r}" for k in key)
        problems.append(Problem(f"data/{name}.csv", None, ",".join(key),
                                f"primary key {values} is not unique ({row['count_all']} rows)"))
    # foreign keys
    for local, target, remote in model.foreign_keys:
        (lcol,), (rcol,) = local, remote
        if target not in tables:
            continue
        values = pc.cast(table.column(lcol), pa.string())
        allowed = pc.cast(tables[target].column(rcol), pa.string())
        missing = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=allowed)))
        rows = _rows(missing)
        for r in rows[:MAX_PER_RULE]:
            problems.append(Problem(f"data/{name}.csv", r + 2, lcol,
                                    f"{values[r].as_py()!r} not found in {target}.{rcol}"))
        if len(rows) > MAX_PER_RULE:
            problems.append(Problem(f"data/{name}.csv", None, lcol,
                                    f"{len(rows) - MAX_PER_RULE} more unresolved references"))
    if model.span_text_column and "articles" in tables:
        problems += _check_spans(model, table, tables["articles"])
    return problems


def _check_spans(model: type[Table], table: pa.Table, articles: pa.Table) -> list[Problem]:
    """[char_start, char_end) of `articles.text` must equal the span column, row by row."""
    name, column = model.table_name, model.span_text_column
    start, end = table.column("char_start"), table.column("char_end")
    rows = _rows(pc.greater(start, end))
    problems = _problem(name, rows, "char_end", "char_end before char_start", len(rows))
    lengths = pc.subtract(end, start)
    rows = _rows(pc.not_equal(pc.utf8_length(table.column(column)), lengths))
    problems += _problem(name, rows, column, "length differs from char_end - char_start",
                         len(rows))
    texts = dict(zip(articles.column("article_id").to_pylist(),
                     articles.column("text").to_pylist(), strict=True))
    bad = []
    for i, (aid, s, e, t) in enumerate(zip(table.column("article_id").to_pylist(),
                                           start.to_pylist(), end.to_pylist(),
                                           table.column(column).to_pylist(), strict=True)):
        text = texts.get(aid)
        if text is not None and text[s:e] != t:
            bad.append(i)
    problems += _problem(name, bad, column,
                         "articles.text[char_start:char_end] does not reproduce it", len(bad))
    return problems


# ---------------------------------------------------------------- a published package

def validate_package(folder) -> list[Problem]:
    """Check a package folder: descriptor, every file's bytes and sha256, the CSV and
    Parquet twins agree, schemas match the models, and every table rule above."""
    import json
    from pathlib import Path

    import pyarrow.parquet as pq

    from build_dataset.publish import csv_bytes, sha256_file
    from build_dataset.schema import arrow_schema, table_schema

    folder = Path(folder)
    problems: list[Problem] = []
    try:
        desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Problem("datapackage.json", None, "file", f"not found in {folder}")]
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        return [Problem("datapackage.json", getattr(e, "lineno", None), "file",
                        f"not valid JSON: {e}")]
    resources = {r.get("name"): r for r in desc.get("resources", [])}
    tables: dict[str, pa.Table] = {}
    for name, model in BY_NAME.items():
        res = resources.get(name)
        if res is None:
            problems.append(Problem("datapackage.json", None, f"resources.{name}", "missing"))
            continue
        if res.get("schema") != table_schema(model):
            problems.append(Problem("datapackage.json", None, f"resources.{name}.schema",
                                    "differs from the schema the models define"))
        ok = True
        for entry in (res, res.get("parquet") or {}):
            rel = entry.get("path")
            if not rel:
                problems.append(Problem("datapackage.json", None, f"resources.{name}",
                                        "a file has no path"))
                ok = False
                continue
            path = folder / rel
            if not path.is_file():
                problems.append(Problem(rel, None, "file", "missing"))
                ok = False
                continue
            size, digest = path.stat().st_size, "sha256:" + sha256_file(path)
            if entry.get("bytes") != size:
                problems.append(Problem(rel, None, "bytes",
                                        f"{size} bytes, the descriptor says {entry.get('bytes')}"))
                ok = False
            if entry.get("hash") != digest:
                problems.append(Problem(rel, None, "hash",
                                        f"{digest}, the descriptor says {entry.get('hash')}"))
                ok = False
        if not ok:
            continue
        try:
            table = pq.read_table(folder / res["parquet"]["path"])
        except Exception as e:  # noqa: BLE001 - any unreadable file is a problem to report
            problems.append(Problem(res["parquet"]["path"], None, "file", f"unreadable: {e}"))
            continue
        if not table.schema.equals(arrow_schema(model), check_metadata=False):
            problems.append(Problem(res["parquet"]["path"], None, "schema",
                                    "Arrow schema differs from the models'"))
            continue
        tables[name] = table
        if csv_bytes(table, model) != (folder / res["path"]).read_bytes():
            problems.append(Problem(res["path"], None, "rows",
                                    f"CSV and Parquet of {name} hold different rows"))
    if len(tables) == len(BY_NAME):
        problems += check_tables(tables)
    return problems

