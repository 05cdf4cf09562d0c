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

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no lock
    fcntl = None

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import build_dataset
from build_dataset.models import TABLES
from build_dataset.schema import columns, json_schema, table_schema

NAME = "acftu-discourse"
STAGE_PREFIX = ".build-"  # staging folders inside the output folder
LOCK_FILE = ".cache/publish.lock"
JOURNAL_FILE = ".cache/publish-journal.json"  # present only while files are being swapped
PARQUET_OPTIONS = dict(
    compression="zstd",
    compression_level=9,
    version="2.6",
    use_dictionary=True,
    write_statistics=True,
    data_page_version="1.0",
)
CSV_DIALECT = {
    "delimiter": ",",
    "quoteChar": '"',
    "doubleQuote": True,
    "lineTerminator": "\r\n",
    "header": True,
}

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
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0: the tables, annotations and extracted "
            "data. The source texts quoted in articles.text remain their publishers'.",
        }
    ],
    "sources": [
        {
            "title": "China Daily",
            "description": "Texts remain the property of China Daily; reproduced for research.",
        },
        {
            "title": "Xinhua News Agency",
            "description": "Texts remain the property of Xinhua; reproduced for research.",
        },
        {
            "title": "Qiushi Journal (English edition)",
            "description": "Texts remain the property of Qiushi Journal; reproduced for research.",
        },
    ],
    "contributors": [{"title": "acftu-discourse contributors", "role": "author"}],
}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def csv_bytes(table: pa.Table, model) -> bytes:
    """The CSV form of a table: Arrow's writer (RFC 4180, CRLF, strings quoted, empty cell
    for missing); list columns are written as JSON arrays."""
    buf = io.BytesIO()
    write_csv(table, model, buf)
    return buf.getvalue()


def write_csv(table: pa.Table, model, path) -> None:
    """Write the CSV form of a table (see `csv_bytes`) to a path or a binary file object,
    streamed: the whole CSV never stands in memory."""
    for c in columns(model):
        if c.kind == "list":
            values = [
                None if v is None else json.dumps(v, ensure_ascii=False)
                for v in table.column(c.name).to_pylist()
            ]
            i = table.column_names.index(c.name)
            table = table.set_column(i, c.name, pa.array(values, pa.string()))
    sink = str(path) if isinstance(path, Path) else path
    pacsv.write_csv(table, sink, pacsv.WriteOptions(eol="\r\n", quoting_style="needed"))


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, **PARQUET_OPTIONS)


def _json(obj) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def descriptor(stage: Path, release: tuple[str, str] | None = None) -> dict:
    """`release` = (version, date) overrides the package's (`build-dataset release`)."""
    version, date = release or (build_dataset.__version__, build_dataset.__release_date__)
    resources = []
    for model in TABLES:
        name = model.table_name
        csv_path, pq_path = stage / "data" / f"{name}.csv", stage / "data" / f"{name}.parquet"
        resources.append(
            {
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
            }
        )
    return {
        **PACKAGE,
        "profile": "tabular-data-package",
        "version": version,
        "created": f"{date}T00:00:00Z",
        "resources": resources,
    }


def stage_package(
    tables: dict[str, pa.Table], stage: Path, release: tuple[str, str] | None = None
) -> list[str]:
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
        files += [
            f"data/{name}.csv",
            f"data/{name}.parquet",
            f"schema/{name}.schema.json",
            f"schema/{name}.tableschema.json",
        ]
    for extra_name, content in extra_schema_files().items():
        (stage / "schema" / extra_name).write_bytes(_json(content))
        files.append(f"schema/{extra_name}")
    (stage / "datapackage.json").write_bytes(_json(descriptor(stage, release)))
    files.append("datapackage.json")
    from build_dataset import docs  # data dictionary, dataset card, timeline (docs/)

    files += docs.write(tables, stage, release)
    return files


def extra_schema_files() -> dict[str, dict]:
    """JSON Schemas of the annotation files, for editors (see curate.py)."""
    from build_dataset.curate import annotation_schemas

    return annotation_schemas()


def publish(
    tables: dict[str, pa.Table],
    out: Path,
    checks=None,
    release: tuple[str, str] | None = None,
    done=None,
) -> list[str]:
    """Stage, run `checks(stage)` (which raises to abort), then swap into `out`, then run
    `done(files)` while still holding the lock (the build's fingerprint stamp).

    A build killed while staging leaves the published files untouched (its staging
    folder is removed by the next publish). The swap itself is journaled: a build killed
    between two renames is rolled forward by the next publish, before anything else."""
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        _tidy(out)
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
        journal = out / JOURNAL_FILE
        try:
            files = stage_package(tables, stage, release)
            if checks is not None:
                checks(stage)
            for rel in files:
                _fsync(stage / rel)
            journal.write_text(json.dumps({"stage": stage.name, "files": files}))
            _fsync(journal)
            try:
                _swap(stage, out, files)
            except BaseException:  # Ctrl-C between two renames: finish before stopping
                recover(out)
                raise
            journal.unlink()
            if done is not None:
                done(files)
            return files
        finally:
            if not journal.exists():  # else recover() needs it: the swap is unfinished
                shutil.rmtree(stage, ignore_errors=True)


def tidy(out: Path) -> None:
    """Finish the swap of a killed publish and remove the staging folders of killed builds
    (the build does this first, before it decides whether `out` is up to date)."""
    if (out / JOURNAL_FILE).exists() or any(out.glob(STAGE_PREFIX + "*")):
        with _locked(out):  # waits for a publish under way, whose staging folder it is
            _tidy(out)


def _tidy(out: Path) -> None:
    recover(out)
    for stale in out.glob(STAGE_PREFIX + "*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)


def recover(out: Path) -> bool:
    """Finish the swap of a publish that was killed half-way; True if there was one."""
    journal = out / JOURNAL_FILE
    if not journal.is_file():
        return False
    try:
        record = json.loads(journal.read_text())
        stage = out / record["stage"]
        if stage.is_dir():
            _swap(stage, out, record["files"])
    except (OSError, ValueError, KeyError):
        pass  # an unreadable journal was written before any rename: nothing to finish
    journal.unlink()
    return True


@contextlib.contextmanager
def _locked(out: Path):
    """One publish at a time per output folder. The lock dies with its process, so a
    staging folder found while holding it belongs to a build that was killed."""
    path = out / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        if fcntl is not None:
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _swap(stage: Path, out: Path, files: list[str]) -> None:
    for folder in ("data", "schema", "docs"):
        (out / folder).mkdir(exist_ok=True)
    for rel in files:
        target, staged = out / rel, stage / rel
        if not staged.exists():  # already moved by the interrupted swap being finished
            continue
        if target.exists() and target.read_bytes() == staged.read_bytes():
            continue
        os.replace(staged, target)
    keep = set(files)
    for folder in ("data", "schema"):
        for old in (out / folder).iterdir():
            if old.is_file() and f"{folder}/{old.name}" not in keep:
                old.unlink()
