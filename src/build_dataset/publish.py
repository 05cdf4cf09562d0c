"""Publish: write data/, schema/ and datapackage.json, deterministically and atomically.

Everything is first written into a staging folder beside the output; only when every
file is written (and the build's checks have passed) are the files moved into place,
each with an atomic rename. A failed or interrupted build leaves the published package
as it was. Files are byte-reproducible: rows sorted by key, fixed writer settings, no
timestamps (the descriptor's `created` is the release date).

Frictionless-py cannot count the bytes of a Parquet resource, so each table is one
Frictionless resource over its CSV file (with `bytes` and `hash`), and the Parquet twin
is described in the resource's `parquet` property with its own `bytes` and `hash`,
which `build-dataset validate` checks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import build_dataset
from build_dataset.models import TABLES
from build_dataset.schema import columns, json_schema, table_schema

NAME = "acftu-discourse"
PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, version="2.6",
                       use_dictionary=True, write_statistics=True, data_page_version="1.0")
CSV_DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True,
               "lineTerminator": "\r\n", "header": True}

PACKAGE = {
    "name": NAME,
    "title": "ACFTU discourse: what official English-language sources say about China's "
             "trade unions",
    "description": (
        "Articles from Xinhua, China Daily and Qiushi Journal on the All-China Federation "
        "of Trade Unions (ACFTU), its congresses, model-worker ceremonies and Xi Jinping's "
        "speeches to it, as tables: the articles and their paragraphs, the events they "
        "report, the figures they state, the people, organizations, quotes and dates "
        "behind them. Every record points to the exact characters of the source text "
        "that support it ([char_start, char_end) in Unicode code points into "
        "articles.text)."
    ),
    "homepage": "https://github.com/acftu-discourse/acftu-discourse",
    "keywords": ["trade unions", "China", "ACFTU", "labour", "state media", "text as data"],
    "licenses": [{
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0: the tables, annotations and extracted "
                 "data. The source texts quoted in articles.text remain their publishers'.",
    }],
    "sources": [
        {"title": "China Daily",
         "description": "Texts remain the property of China Daily; reproduced for research."},
        {"title": "Xinhua News Agency",
         "description": "Texts remain the property of Xinhua; reproduced for research."},
        {"title": "Qiushi Journal (English edition)",
         "description": "Texts remain the property of Qiushi Journal; reproduced for research."},
    ],
    "contributors": [{"title": "acftu-discourse contributors", "role": "author"}],
}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return str(int(value)) if float(value).is_integer() and abs(value) < 1e16 else repr(value)
    if kind == "list":
        return json.dumps(value, ensure_ascii=False)
    if kind == "date":
        return value.isoformat()
    return str(value)


def write_csv(table: pa.Table, model, path: Path) -> None:
    cols = columns(model)
    data = [table.column(c.name).to_pylist() for c in cols]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow([c.name for c in cols])
    for row in zip(*data, strict=True):
        w.writerow([_cell(v, c.kind) for v, c in zip(row, cols, strict=True)])
    path.write_bytes(buf.getvalue().encode("utf-8"))


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, **PARQUET_OPTIONS)


def _json(obj) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def descriptor(stage: Path) -> dict:
    resources = []
    for model in TABLES:
        name = model.table_name
        csv_path, pq_path = stage / "data" / f"{name}.csv", stage / "data" / f"{name}.parquet"
        resources.append({
            "name": name,
            "title": model.table_title,
            "description": (model.__doc__ or "").strip(),
            "profile": "tabular-data-resource",
            "path": f"data/{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv_path.stat().st_size,
            "hash": "sha256:" + sha256_file(csv_path),
            "dialect": CSV_DIALECT,
            "parquet": {
                "path": f"data/{name}.parquet",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "bytes": pq_path.stat().st_size,
                "hash": "sha256:" + sha256_file(pq_path),
            },
            "schema": table_schema(model),
        })
    return {
        **PACKAGE,
        "profile": "tabular-data-package",
        "version": build_dataset.__version__,
        "created": f"{build_dataset.__release_date__}T00:00:00Z",
        "resources": resources,
    }


def stage_package(tables: dict[str, pa.Table], stage: Path) -> list[str]:
    """Write every published file under `stage`; return their relative paths."""
    (stage / "data").mkdir(parents=True)
    (stage / "schema").mkdir()
    files = []
    for model in TABLES:
        name = model.table_name
        write_csv(tables[name], model, stage / "data" / f"{name}.csv")
        write_parquet(tables[name], stage / "data" / f"{name}.parquet")
        (stage / "schema" / f"{name}.schema.json").write_bytes(_json(json_schema(model)))
        (stage / "schema" / f"{name}.tableschema.json").write_bytes(_json(table_schema(model)))
        files += [f"data/{name}.csv", f"data/{name}.parquet", f"schema/{name}.schema.json",
                  f"schema/{name}.tableschema.json"]
    for extra_name, content in extra_schema_files().items():
        (stage / "schema" / extra_name).write_bytes(_json(content))
        files.append(f"schema/{extra_name}")
    (stage / "datapackage.json").write_bytes(_json(descriptor(stage)))
    files.append("datapackage.json")
    return files


def extra_schema_files() -> dict[str, dict]:
    """JSON Schemas of the annotation files, for editors (see curate.py)."""
    from build_dataset.curate import annotation_schemas

    return annotation_schemas()


def publish(tables: dict[str, pa.Table], out: Path, checks=None) -> list[str]:
    """Stage, run `checks(stage)` (which raises to abort), then swap into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        files = stage_package(tables, stage)
        if checks is not None:
            checks(stage)
        for rel in files:
            _fsync(stage / rel)
        _swap(stage, out, files)
        return files
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _swap(stage: Path, out: Path, files: list[str]) -> None:
    for folder in ("data", "schema"):
        (out / folder).mkdir(exist_ok=True)
    for rel in files:
        target = out / rel
        if target.exists() and target.read_bytes() == (stage / rel).read_bytes():
            continue
        os.replace(stage / rel, target)
    keep = set(files)
    for folder in ("data", "schema"):
        for old in (out / folder).iterdir():
            if old.is_file() and f"{folder}/{old.name}" not in keep:
                old.unlink()
