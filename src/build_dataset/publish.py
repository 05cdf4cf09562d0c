"""Publish: write data/, schema/ and datapackage.json, deterministically and atomically.

Everything is first written into a staging folder beside the output; only when every
file is written (and the build's checks have passed) are the files moved into place,
each with an atomic rename. A failed or interrupted build leaves the published package
as it was. Files are byte-reproducible: rows sorted by key, fixed writer settings, no
timestamps (the descriptor's `created` is the release date).

The tables' CSV and Parquet files are written by a pool of threads (Arrow's writers
release the GIL), each file hashed and synced to disk (fsync) by the thread that wrote it,
while the main thread writes the schemas and renders the docs; every staged file is
synced before the swap is journaled.

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
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

try:
    import fcntl
except ImportError:  # Windows: no lock
    fcntl = None

import build_dataset

if TYPE_CHECKING:
    import pyarrow as pa

# pyarrow, its writers (pyarrow.csv, pyarrow.parquet) and the models are imported where
# they are used: a build found up to date needs only `tidy` and `sha256_file` of this
# module, and should not pay for loading them.

NAME = "acftu-discourse"
STAGE_PREFIX = ".build-"  # staging folders inside the output folder
LOCK_FILE = ".cache/publish.lock"
JOURNAL_FILE = ".cache/publish-journal.json"  # present only while files are being swapped
# zstd at its own default level, 3: at 10,000 articles the files are 7% larger than at
# level 9 (2% for the seeds) and cost 0.27 s of CPU to compress instead of 0.85 s; reading
# them costs the same at any level.
PARQUET_OPTIONS = dict(
    compression="zstd",
    compression_level=3,
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


Digest = tuple[int, str]  # a file's size in bytes and its SHA-256 (hex)


def sha256_file(path: Path | str) -> str:
    """SHA-256 (hex) of a file (see `_digest`)."""
    return _digest(path)[1]


def _hash_and_sync(path: Path) -> Digest:
    """Size and SHA-256 of a staged file, read once, which is then synced to disk."""
    return _digest(path, sync=True)


def _digest(path: Path | str, sync: bool = False) -> Digest:
    """Size and SHA-256 of a file, read a megabyte at a time by os.read, then synced to
    disk if `sync`. The build's fingerprint hashes every source (10,000 files of a few
    kilobytes each), where a buffered file object per file cost more than the hashing
    (0.19 s of CPU against 0.115 s by os.read, at 10,000 sources)."""
    h, size = hashlib.sha256(), 0
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
            size += len(chunk)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)
    return size, h.hexdigest()


def _write_hash_sync(write, path: Path) -> Digest:
    """Run `write()` (which writes `path`), then hash and sync `path`."""
    write()
    return _hash_and_sync(path)


def csv_bytes(table: pa.Table, model) -> bytes:
    """The CSV form of a table: Arrow's writer (RFC 4180, CRLF, strings quoted, empty cell
    for missing); list columns are written as JSON arrays."""
    buf = io.BytesIO()
    write_csv(table, model, buf)
    return buf.getvalue()


def write_csv(table: pa.Table, model, path) -> None:
    """Write the CSV form of a table (see `csv_bytes`) to a path or a binary file object,
    streamed: the whole CSV never stands in memory."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from build_dataset.schema import columns

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


def write_parquet(table: pa.Table, path) -> None:
    """Write the Parquet form of a table to a path or an Arrow output stream."""
    import pyarrow.parquet as pq

    # One chunk per column: Arrow's Parquet writer starts a new page at each chunk, so the
    # bytes would depend on how the table was gathered. The build's tables come combined
    # (TableBuilder.finish, one table at a time, for the build's peak memory): no copy.
    pq.write_table(table.combine_chunks(), path, **PARQUET_OPTIONS)


def parquet_bytes(table: pa.Table) -> pa.Buffer:
    """The Parquet file of a table, made in memory: the bytes `write_parquet` writes. The
    build makes each table's as soon as the table is final (see `pipeline.build`); the
    files are compressed, a few megabytes at 10,000 articles."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    write_parquet(table, sink)
    return sink.getvalue()


class ParquetFiles:
    """The Parquet files of tables, each made in memory (`parquet_bytes`) by a pool of
    threads from when its table is given (`add`): `files`, by table name, for `publish`.
    A context: on leaving it, the files not yet begun are not made (a failed build).

    The pool's threads start at the first table: after the build's process pool is gone,
    which must not fork its workers while another thread runs."""

    def __init__(self):
        self.files: dict[str, Future[pa.Buffer]] = {}
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)

    def add(self, name: str, table: pa.Table) -> None:
        self.files[name] = self._pool.submit(parquet_bytes, table)

    def __enter__(self) -> ParquetFiles:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(cancel_futures=True)


def _write_bytes(made: Future[pa.Buffer], path: Path) -> None:
    """Write the bytes a thread is making (or has made) into `path`."""
    with open(path, "wb") as f:
        f.write(made.result())


def _json(obj) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def descriptor(
    stage: Path, release: tuple[str, str] | None = None, digests: dict[str, Digest] | None = None
) -> dict:
    """`release` = (version, date) overrides the package's (`build-dataset release`).
    `digests`: relative path -> (bytes, SHA-256) of the data files, if known (else they are
    read from `stage`)."""
    from build_dataset.models import TABLES
    from build_dataset.schema import table_schema

    version, date = release or (build_dataset.__version__, build_dataset.__release_date__)
    known = digests or {}

    def digest(rel: str) -> Digest:
        if rel in known:
            return known[rel]
        return (stage / rel).stat().st_size, sha256_file(stage / rel)

    resources = []
    for model in TABLES:
        name = model.table_name
        csv_size, csv_hash = digest(f"data/{name}.csv")
        pq_size, pq_hash = digest(f"data/{name}.parquet")
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
                "bytes": csv_size,
                "hash": "sha256:" + csv_hash,
                "dialect": CSV_DIALECT,
                "parquet": {
                    "path": f"data/{name}.parquet",
                    "format": "parquet",
                    "mediatype": "application/vnd.apache.parquet",
                    "bytes": pq_size,
                    "hash": "sha256:" + pq_hash,
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
    tables: dict[str, pa.Table],
    stage: Path,
    release: tuple[str, str] | None = None,
    meanwhile=None,
    parquet: dict[str, Future[pa.Buffer]] | None = None,
) -> dict[str, Digest]:
    """Write every published file under `stage`, each synced to disk before this returns;
    return the size and SHA-256 of each by relative path, in publishing order.

    The data files are written, hashed and synced by a pool of threads while this thread
    writes the schemas and the docs (and has the pool sync them), then runs `meanwhile()`
    (if given: the build's checks, which raise to abort; the writes not yet begun are
    then cancelled). `parquet`: the Parquet files of some tables by table name, being
    made elsewhere (`parquet_bytes`), written as they are instead of being made here."""
    from build_dataset import docs  # data dictionary, dataset card, timeline (docs/)
    from build_dataset.models import TABLES
    from build_dataset.schema import json_schema, table_schema

    (stage / "data").mkdir(parents=True)
    (stage / "schema").mkdir()
    files = []
    synced: dict[str, Future[Digest]] = {}
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    try:
        # The longest writes first, so that the pool does not end on one long write
        # while its other threads idle: the Parquet files (a table's takes several times
        # its CSV's), then the CSV files, each kind from the largest table down. The
        # Parquet files made elsewhere come last: a thread waiting for one to be made
        # would keep the CSV files waiting.
        by_size = sorted(TABLES, key=lambda m: -tables[m.table_name].nbytes)
        made = parquet or {}
        for model in by_size:
            if (name := model.table_name) not in made:
                path = stage / "data" / f"{name}.parquet"
                write = partial(write_parquet, tables[name], path)
                synced[f"data/{name}.parquet"] = pool.submit(_write_hash_sync, write, path)
        for model in by_size:
            name = model.table_name
            path = stage / "data" / f"{name}.csv"
            write = partial(write_csv, tables[name], model, path)
            synced[f"data/{name}.csv"] = pool.submit(_write_hash_sync, write, path)
        for model in by_size:
            if (name := model.table_name) in made:
                path = stage / "data" / f"{name}.parquet"
                write = partial(_write_bytes, made[name], path)
                synced[f"data/{name}.parquet"] = pool.submit(_write_hash_sync, write, path)

        def put(rel: str, content: bytes) -> None:
            (stage / rel).write_bytes(content)
            synced[rel] = pool.submit(_hash_and_sync, stage / rel)

        for model in TABLES:
            name = model.table_name
            put(f"schema/{name}.schema.json", _json(json_schema(model)))
            put(f"schema/{name}.tableschema.json", _json(table_schema(model)))
            files += [
                f"data/{name}.csv",
                f"data/{name}.parquet",
                f"schema/{name}.schema.json",
                f"schema/{name}.tableschema.json",
            ]
        for extra_name, content in extra_schema_files().items():
            put(f"schema/{extra_name}", _json(content))
            files.append(f"schema/{extra_name}")
        (stage / "docs").mkdir()
        rendered = docs.render(tables, release)
        for rel, content in rendered.items():
            put(rel, content)
        # Last, as the writers may still run: `meanwhile` (the checks) calls Arrow, whose
        # kernels can use the cores the writers leave, where the docs are pure Python.
        if meanwhile is not None:
            meanwhile()
        data = {rel: synced[rel].result() for rel in synced if rel.startswith("data/")}
        put("datapackage.json", _json(descriptor(stage, release, data)))
        files += ["datapackage.json", *rendered]
        return {rel: synced[rel].result() for rel in files}  # raises what a writer raised
    finally:  # on a failure, files not yet begun are not written
        pool.shutdown(cancel_futures=True)


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
    meanwhile=None,
    parquet: dict[str, Future[pa.Buffer]] | None = None,
) -> list[str]:
    """Stage, run `checks(stage)` (which raises to abort), then swap into `out`, then run
    `done(digests)` ({path: (size, SHA-256)} of the files published) while still holding
    the lock (the build's fingerprint stamp). `meanwhile()`, if given, runs while the
    data files are being written (see `stage_package`), and may raise to abort too.
    `parquet`: Parquet files of tables already being made (see `stage_package`).

    A build killed while staging leaves the published files untouched (its staging
    folder is removed by the next publish). The swap itself is journaled: a build killed
    between two renames is rolled forward by the next publish, before anything else."""
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        _tidy(out)
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
        journal = out / JOURNAL_FILE
        try:
            digests = stage_package(tables, stage, release, meanwhile, parquet)
            files = list(digests)
            if checks is not None:
                checks(stage)
            journal.write_text(json.dumps({"stage": stage.name, "files": files}))
            _fsync(journal)
            try:
                _swap(stage, out, files)
            except BaseException:  # Ctrl-C between two renames: finish before stopping
                recover(out)
                raise
            journal.unlink()
            if done is not None:
                done(digests)
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
        if (
            target.exists()
            and target.stat().st_size == staged.stat().st_size
            and target.read_bytes() == staged.read_bytes()
        ):
            continue
        os.replace(staged, target)
    keep = set(files)
    for folder in ("data", "schema"):
        for old in (out / folder).iterdir():
            if old.is_file() and f"{folder}/{old.name}" not in keep:
                old.unlink()
