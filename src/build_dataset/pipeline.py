"""The data flow, stage by stage: ingest -> extract -> curate -> assemble -> check -> publish.

Each stage collects the problems it finds; the build stops after the first stage that
found any, so every problem of a stage is reported at once and nothing is published
(a source or annotation file with problems does not stop the others from being checked).

Extraction runs as a pure function from a batch of articles to Arrow record batches of
candidates (`extract_batch`), so it can run in a process pool here, or unchanged on a
distributed engine. A build whose inputs and code are unchanged since the last build of
the same output folder, and whose published files are intact, is skipped.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from build_dataset.errors import BuildFailed, Problems

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Iterator, Sequence

    import pyarrow as pa

    from build_dataset import curate, ingest
    from build_dataset.curate import Audit
    from build_dataset.extract import Gazetteer
# The stages are imported where they run, so that a build found up to date (the skip
# cache) costs little more than hashing its inputs and outputs.

BATCH_SIZE = 100  # articles per extraction task
POOL_THRESHOLD = 400  # below this many articles, extract in-process
CACHE_FILE = ".cache/build-fingerprint.json"
# Allocations between two collections of the youngest generation of Python's cyclic
# garbage collector (CPython's default: 700). Extraction and validation allocate millions
# of short-lived objects and make almost no reference cycles (refcounting frees them):
# at the default, the collector's scans took a fifth of a worker's time.
GC_THRESHOLD = 50_000

# Extraction attribute -> the Arrow types of its candidate dataclass fields, by the names
# of pyarrow's type factories ("int64": `pa.int64()`): a build found up to date imports
# this module but not pyarrow.
CANDIDATE_TYPES = {
    "dates": {
        "char_start": "int64",
        "char_end": "int64",
        "text": "string",
        "value_start": "date32",
        "value_end": "date32",
        "precision": "string",
        "resolution": "string",
    },
    "figures": {
        "char_start": "int64",
        "char_end": "int64",
        "value_text": "string",
        "value": "float64",
        "qualifier": "string",
        "kind": "string",
        "unit": "string",
    },
    "names": {
        "char_start": "int64",
        "char_end": "int64",
        "text": "string",
        "entity_type": "string",
        "entity_id": "string",
    },
    "quotes": {
        "char_start": "int64",
        "char_end": "int64",
        "text": "string",
        "speaker_name": "string",
        "speaker_entity_id": "string",
        "speaker_char_start": "int64",
        "speaker_char_end": "int64",
    },
}


@dataclass
class Result:
    """A build: its tables (None when skipped as up to date), the audit (the automatic
    candidates no annotation covers; empty when skipped) and how many there are."""

    tables: dict[str, pa.Table] | None
    audit: list[dict]
    files: list[str]
    skipped: bool = False
    uncurated: int = 0


# ---------------------------------------------------------------- extract (pure, batchable)


@lru_cache(maxsize=4)
def _gazetteer(entries_json: str) -> Gazetteer:
    from build_dataset.extract import Gazetteer

    return Gazetteer.from_entities(json.loads(entries_json))


def extract_batch(batch: pa.RecordBatch, gazetteer_json: str) -> dict[str, pa.RecordBatch]:
    """Articles (article_id, text, published) -> one record batch of candidates per kind,
    each with an `article_id` column. Pure: same inputs, same outputs."""
    found = candidate_columns(
        zip(
            batch.column("article_id").to_pylist(),
            batch.column("text").to_pylist(),
            batch.column("published").to_pylist(),
            strict=True,
        ),
        gazetteer_json,
    )
    import pyarrow as pa

    return {
        kind: pa.record_batch(
            [
                pa.array(found[kind][f], getattr(pa, t)())
                for f, t in (("article_id", "string"), *types.items())
            ],
            names=["article_id", *types],
        )
        for kind, types in CANDIDATE_TYPES.items()
    }


def candidate_columns(
    articles: Iterable[tuple[str, str, dt.date]], gazetteer_json: str
) -> dict[str, dict[str, Sequence]]:
    """The candidates of articles given as (article_id, text, published): per kind, the
    columns of `extract_batch`'s record batch as Python sequences, in its order.
    `batch_tables` reads them as they are: a round trip through Arrow would cost it more
    than making the Arrow batches."""
    from build_dataset.extract import extract

    gazetteer = _gazetteer(gazetteer_json)
    found: dict[str, list] = {kind: [] for kind in CANDIDATE_TYPES}
    ids: dict[str, list[str]] = {kind: [] for kind in CANDIDATE_TYPES}
    for aid, text, published in articles:
        ex = extract(text, published, gazetteer)
        for kind, candidates in found.items():
            of_article = getattr(ex, kind)
            candidates += of_article
            ids[kind] += [aid] * len(of_article)
    # a field of every candidate at a time: twice as fast as reading every field of a
    # candidate at a time (one attrgetter of them all) and regrouping them by field
    return {
        kind: {"article_id": ids[kind], **{f: list(map(attrgetter(f), found[kind])) for f in types}}
        for kind, types in CANDIDATE_TYPES.items()
    }


def article_batch(articles: list[ingest.Article]) -> pa.RecordBatch:
    """What extraction reads of articles: id, text and publication date."""
    import pyarrow as pa

    return pa.record_batch(
        {
            "article_id": pa.array([a.article_id for a in articles], pa.string()),
            "text": pa.array([a.text for a in articles], pa.string()),
            "published": pa.array([a.published for a in articles], pa.date32()),
        }
    )


# Tables whose rows are made batch by batch, where the batch is extracted.
BATCH_TABLES = ("articles", "paragraphs", "figures", "date_mentions", "quotes", "mentions")


@dataclass
class Batch:
    """One batch of sources read, extracted and made into rows (`batch_tables`): the ids
    of its articles, a part of each of BATCH_TABLES (see `assemble.Part`), and what
    curation must still see (`curate.Automatic`), with the problems found."""

    ids: list[str]
    parts: dict[str, tuple]
    deferred: dict[str, list[dict]]
    speakers: dict[str, tuple[str, str]]
    names: dict[str, tuple[str, str]]
    problems: list

    def __reduce__(self):
        """Pickled with each part's Arrow batch as an Arrow IPC stream (bytes): pickling
        a record batch reduces each of its arrays and buffers through Python, both ways,
        where the IPC writer and reader are one call each (the main process's CPU to take a
        batch: 0.012 -> 0.005 ms per article; a worker's to send it: 0.048 -> 0.041 in a
        build, most of it now the copies of the batch's bytes into fresh memory)."""
        parts = {name: (_ipc(batch), n, errors) for name, (batch, n, errors) in self.parts.items()}
        return _unpickle_batch, ({**vars(self), "parts": parts},)


def _ipc(batch: pa.RecordBatch | None) -> bytes | None:
    """A record batch as an Arrow IPC stream: its schema, the dictionaries of its enum
    columns (a bare record batch message would leave them out) and the batch."""
    if batch is None:
        return None
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _unpickle_batch(fields: dict) -> Batch:
    import pyarrow as pa

    parts = {
        name: (None if data is None else pa.ipc.open_stream(data).read_next_batch(), n, errors)
        for name, (data, n, errors) in fields["parts"].items()
    }
    return Batch(**{**fields, "parts": parts})


def batch_tables(
    sources: list[ingest.Source], sources_dir: str, gazetteer_json: str, reach: curate.Reach
) -> Batch:
    """One batch of planned sources read and cleaned (ingest), its candidates (those of
    `extract_batch`, kept in Python: `candidate_columns`), and the rows of those no
    annotation can touch (`curate.automatic`), validated and turned into Arrow parts of
    their tables. For a large corpus, in a worker: the main process then only gathers
    parts and merges the annotations."""
    from build_dataset import curate, ingest
    from build_dataset.assemble import make_part_of_columns

    problems = Problems()
    folder = Path(sources_dir)
    read = (ingest.read_source(src, folder, problems) for src in sources)
    articles = [a for a in read if a is not None]
    found = candidate_columns(
        ((a.article_id, a.text, a.published) for a in articles), gazetteer_json
    )
    auto = curate.automatic(found, reach)
    parts = {
        name: make_part_of_columns(name, cols) for name, cols in article_columns(articles).items()
    }
    parts.update((name, make_part_of_columns(name, cols)) for name, cols in auto.rows.items())
    ids = [a.article_id for a in articles]
    return Batch(ids, parts, auto.deferred, auto.speakers, auto.names, problems.items)


def prepare(gazetteer_json: str | None = None) -> None:
    """Make what every batch uses, once: the extractors' patterns (compiled as
    `extract` is imported), each batch table's validator and, given the annotations'
    entities as JSON, the gazetteer's pattern. Called in the main process before the
    workers start, so that the forked workers inherit them instead of each making its
    own; the main process needs the validators anyway, for the rows curation makes."""
    import build_dataset.extract  # noqa: F401
    from build_dataset.assemble import make_part

    for name in BATCH_TABLES:
        make_part(name, [])
    if gazetteer_json is not None:
        _gazetteer(gazetteer_json)


def read_sources(
    sources_dir: Path,
    sources: list[ingest.Source],
    gazetteer_entries: list,
    reach: curate.Reach,
    problems: Problems,
    progress=None,
) -> Iterator[Batch]:
    """`batch_tables` over the planned `sources`, BATCH_SIZE at a time (the last ones in
    smaller batches), in a process pool from POOL_THRESHOLD sources on: yields each batch
    in article order, as the batches are done (the main process never holds every article
    at once); the batches' problems go to `problems`."""
    gjson = json.dumps(gazetteer_entries, ensure_ascii=False, sort_keys=True)
    # The last two batches' sources in batches a quarter as large: the workers then end
    # within a quarter batch of each other (a whole batch, about 0.13 s at 10,000
    # articles, left a core idle for 0.08 to 0.11 s at the end of the pool).
    last = max(0, len(sources) - 2 * BATCH_SIZE)
    starts = [*range(0, last, BATCH_SIZE), *range(last, len(sources), BATCH_SIZE // 4)]
    batches = [sources[i:j] for i, j in pairwise([*starts, len(sources)])]
    workers = min(os.cpu_count() or 1, len(batches))
    args = ([str(sources_dir)] * len(batches), [gjson] * len(batches), [reach] * len(batches))
    done = 0

    def collect(results):
        nonlocal done
        for batch, planned in zip(results, batches, strict=True):
            problems.items += batch.problems
            done += len(planned)
            if progress:
                progress(done, len(sources))
            yield batch

    if len(sources) >= POOL_THRESHOLD and workers > 1:
        prepare(gjson)  # before the workers are forked: they inherit what it made
        from concurrent.futures import ProcessPoolExecutor  # here: a skipped build needs none

        with ProcessPoolExecutor(max_workers=workers, initializer=collect_less) as pool:
            yield from collect(pool.map(batch_tables, batches, *args))
    else:
        yield from collect(map(batch_tables, batches, *args))


# ---------------------------------------------------------------- assemble


def article_columns(articles: list[ingest.Article]) -> dict[str, dict[str, list]]:
    """The articles and paragraphs tables' rows, as columns (see `make_part_of_columns`)."""
    paragraphs = [p for a in articles for p in a.paragraphs]
    counts = [len(a.paragraphs) for a in articles]
    arts = {
        "article_id": [a.article_id for a in articles],
        "title": [a.title for a in articles],
        "outlet": [a.outlet for a in articles],
        "author": [a.author for a in articles],
        "published": [a.published for a in articles],
        "url": [a.url for a in articles],
        "genre": [a.genre for a in articles],
        "language": [a.language for a in articles],
        "editor": [a.editor for a in articles],
        "source_file": [a.source_file for a in articles],
        "source_sha256": [a.source_sha256 for a in articles],
        "text": [a.text for a in articles],
        "word_count": [a.word_count for a in articles],
        "paragraph_count": counts,
    }
    paras = {
        "article_id": [a.article_id for a in articles for _ in a.paragraphs],
        "paragraph_no": [n for count in counts for n in range(1, count + 1)],
        "kind": [p.kind for p in paragraphs],
        "text": [p.text for p in paragraphs],
        "char_start": [p.char_start for p in paragraphs],
        "char_end": [p.char_end for p in paragraphs],
        "repeat_count": [p.repeat_count for p in paragraphs],
        "source_line": [p.source_line for p in paragraphs],
    }
    return {"articles": arts, "paragraphs": paras}


def collect_less() -> tuple[int, int, int]:
    """Run the cyclic garbage collector less often (see GC_THRESHOLD); returns the
    thresholds it had (for `gc.set_threshold` to restore)."""
    old = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *old[1:])
    return old


def release_memory() -> None:
    """Hand the heap memory freed by Python objects back to the system (glibc's
    malloc_trim; elsewhere nothing), so that the Arrow tables made next do not add to it:
    the build's peak then follows the tables, not every stage's leftovers."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


class ArticleText:
    """An article as curation reads it (its id and text), the text taken from the built
    articles table when asked for: the Article objects can go before curation."""

    __slots__ = ("article_id", "_texts", "_row")

    def __init__(self, article_id: str, texts: pa.ChunkedArray, row: int):
        self.article_id, self._texts, self._row = article_id, texts, row

    @property
    def text(self) -> str:
        return self._texts[self._row].as_py()


def make_tables(
    sources: Path, annotations: Path | None, progress=None
) -> tuple[dict[str, pa.Table], Audit]:
    """Run every stage up to `check`; raise BuildFailed with all problems of a stage.
    Returns the tables and the audit (the rows still of status auto)."""
    from build_dataset import curate
    from build_dataset.check import check_tables

    tables = assemble_tables(sources, annotations, progress)
    found = check_tables(tables, threads=1)  # the build's peak memory: one table at a time
    if found:
        raise BuildFailed(found)
    release_memory()
    return tables, curate.Audit.of(tables)


def assemble_tables(
    sources: Path,
    annotations: Path | None,
    progress=None,
    digests: dict[str, str] | Callable[[], dict[str, str]] | None = None,
    ready=None,
) -> dict[str, pa.Table]:
    """Run every stage up to `assemble` (`make_tables` without the checks). `digests`:
    the SHA-256 of the sources' files by name, if known (see `fingerprint`), or a function
    that returns them, being made elsewhere: the extractors are made ready meanwhile
    (`prepare`). `ready(name, table)`, if given, is called as each table is made, before
    the next is: the build then writes its Parquet file while the others are made."""
    ready = ready or (lambda name, table: None)
    from build_dataset import curate, ingest
    from build_dataset.assemble import TableBuilder, table_from_rows
    from build_dataset.models import BY_NAME

    if callable(digests):
        prepare()
        digests = digests()
    problems = Problems()
    planned = ingest.plan(sources, problems, digests)
    ann = curate.load(annotations, problems, display=ingest._display)
    # The batch tables are gathered part by part as the batches come back from the
    # workers: the main process never holds an article or a row as a Python object, only
    # Arrow parts and the few candidates annotations can touch. Problems of the articles
    # and paragraphs tables, if any, are reported after curation's, as in table order.
    builders = {name: TableBuilder(BY_NAME[name]) for name in BATCH_TABLES}
    deferred: dict[str, list[dict]] = {kind: [] for kind in CANDIDATE_TYPES}
    speakers: dict[str, tuple[str, str]] = {}
    names: dict[str, tuple[str, str]] = {}
    ids: list[str] = []
    entries = curate.gazetteer_entries(ann)
    for batch in read_sources(sources, planned, entries, curate.Reach.of(ann), problems, progress):
        for name, part in batch.parts.items():
            builders[name].add_part(part)
        for kind, rows in batch.deferred.items():
            deferred[kind] += rows
        for first, found in ((speakers, batch.speakers), (names, batch.names)):
            for eid, named in found.items():
                first.setdefault(eid, named)
        ids += batch.ids
    if problems and not ids:
        problems.raise_if_any()  # no source read: nothing to check the annotations against
    # Sources and annotation files with problems are left out and the rest still checked
    # (without echoing references to what was left out): one run reports all of them.
    skipped = {n[:-4] for n in os.listdir(sources) if n.endswith(".txt")} - set(ids)
    built: dict[str, pa.Table] = {}
    failed = None
    try:
        # each handed to `ready` as soon as it is made: the articles' Parquet file is then
        # compressed while the paragraphs are combined, on the core this thread leaves
        for name in ("articles", "paragraphs"):
            built[name] = builders.pop(name).finish()
            ready(name, built[name])
        texts = built["articles"].column("text")
        articles = [
            ArticleText(aid, texts, i)
            for i, aid in enumerate(built["articles"].column("article_id").to_pylist())
        ]
    except BuildFailed as e:  # curation still runs, on the texts read again
        failed = e
        articles = ingest.ingest(sources, Problems())
    release_memory()
    unmade: list = []

    def make(name: str, rows) -> None:  # curation's rows: with their table's parts, if any
        try:
            if name in builders:
                builders[name].add(list(rows))
                built[name] = builders.pop(name).finish()
            else:
                built[name] = table_from_rows(BY_NAME[name], rows)
        except BuildFailed as e:  # reported after curation's problems, as before
            unmade.extend(e.problems)
        else:
            ready(name, built[name])

    # every quote's speaker is registered before any name, as the Merger does
    automatic_entities = [(eid, *named) for eid, named in speakers.items()]
    automatic_entities += [(eid, *named) for eid, named in names.items()]
    curate.curate(
        articles, deferred, ann, problems, skipped, emit=make, automatic_entities=automatic_entities
    )
    problems.raise_if_any()
    if failed:
        raise failed
    if unmade:
        raise BuildFailed(unmade)
    del articles, deferred
    tables = {name: built[name] for name in BY_NAME}
    release_memory()
    return tables


# ---------------------------------------------------------------- build (with skip cache)


def fingerprint(sources: Path, annotations: Path | None) -> tuple[str, dict[str, str]]:
    """Hash of everything a build reads (the builder's code, the sources, the annotations),
    and the SHA-256 of each file of the sources folder by name, which `ingest.plan` takes
    instead of reading every source again."""
    from build_dataset.publish import sha256_file

    code = Path(__file__).parent
    inputs = [("code", p.relative_to(code).as_posix(), p) for p in sorted(code.rglob("*.py"))]
    folders = [("sources", sources)]
    if annotations is not None and annotations.is_dir():
        folders.append(("annotations", annotations))
    source_digests: dict[str, str] = {}
    for group, folder in folders:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.is_file())
        inputs += [(group, name, os.path.join(folder, name)) for name in names]
    h = hashlib.sha256()
    for group, name, path in inputs:
        digest = sha256_file(path)
        if group == "sources":
            source_digests[name] = digest
        h.update(f"{group}/{name}\0{digest}\n".encode())
    return h.hexdigest(), source_digests


def in_child(function, *args) -> Callable[[], object]:
    """`function(*args)` run by a forked child process while this one goes on; the
    function returned waits for the result and returns it (or raises what it raised).
    Where processes are not forked by default (as the pool's workers are: macOS,
    Windows), `function` runs at once."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        done = function(*args)
        return lambda: done
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_send_result, args=(send, function, *args), daemon=True)
    child.start()
    send.close()

    def result():
        try:
            ok, done = receive.recv()
        except EOFError:  # the child died without an answer: run it here
            ok, done = True, function(*args)
        finally:
            receive.close()
            child.join()
        if not ok:
            raise done
        return done

    return result


def _send_result(send, function, *args) -> None:
    try:
        done = True, function(*args)
    except Exception as e:  # noqa: BLE001 - raised again in the parent
        done = False, e
    send.send(done)
    send.close()


def _intact(out: Path, recorded: dict) -> bool:
    """Whether every file the stamp records is in `out` with the SHA-256 it records (a
    file that cannot be read is not)."""
    from build_dataset.publish import sha256_file

    files = recorded.get("files", {})
    for rel, digest in files.items():
        if not (out / rel).is_file():
            return False
        try:
            if sha256_file(out / rel) != digest:
                return False
        except OSError:
            return False
    return bool(files)


def _in_thread(function, *args) -> Callable[[], object]:
    """`function(*args)` run by a thread while this one goes on; the function returned
    waits for it and returns its result (or raises what it raised)."""
    done: list = []

    def run() -> None:
        try:
            done.append((True, function(*args)))
        except BaseException as e:  # noqa: BLE001 - raised again by result()
            done.append((False, e))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result():
        thread.join()
        ok, value = done[0]
        if not ok:
            raise value
        return value

    return result


def build(
    sources: Path, out: Path, annotations: Path | None, progress=None, use_cache: bool = True
) -> Result:
    from build_dataset.publish import ParquetFiles, publish, tidy

    tidy(out)  # a build killed earlier: finish its swap, remove its staging folder
    stamp = out / CACHE_FILE
    key = digests = None
    if sources.is_dir() and use_cache and stamp.is_file():
        try:
            recorded = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = {}
        # The published files are hashed by a thread while this one hashes the inputs:
        # both spend their time reading and hashing, which let go of the GIL (at 2,000
        # articles, 0.09 -> 0.055 s for the two, of a rebuild of 0.18 s; at 10,000, the
        # outputs take 0.14 s, the inputs 0.16 s, so a build whose inputs changed waits
        # little for a check it does not need).
        intact = _in_thread(_intact, out, recorded)
        try:
            key, digests = fingerprint(sources, annotations)
        finally:  # the thread ends before anything else is done (a fork among them)
            outputs_intact = intact()
        if outputs_intact and recorded.get("fingerprint") == key:
            return Result(None, [], sorted(recorded["files"]), True, recorded.get("uncurated", 0))
    elif sources.is_dir():
        # No stamp to compare with: the build runs whatever the fingerprint is; it is
        # needed for the sources' digests (the plan takes them) and for the stamp written
        # at the end. A child process hashes while this one imports and makes the
        # extractors (at 10,000 sources, 0.2 to 0.3 s of a start that used one core; in a
        # thread, the hashing would wait for the GIL after every read). Forked here,
        # before any thread of this process starts.
        fingerprinted = in_child(fingerprint, sources, annotations)

        def digests() -> dict[str, str]:
            nonlocal key
            key, found = fingerprinted()
            return found

    # Each table's Parquet file is made in memory by a thread as soon as the table is
    # (zstd: about 0.3 s of CPU at 10,000 articles; the articles' and the paragraphs'
    # files, the largest, are made before curation starts) while this thread curates and
    # makes the next tables, the audit and the docs: publish then only writes the bytes.
    with ParquetFiles() as parquet:
        old = collect_less()
        try:
            tables = assemble_tables(sources, annotations, progress, digests, parquet.add)
        finally:
            gc.set_threshold(*old)
        from build_dataset.check import check_tables  # only now: a skipped build needs them
        from build_dataset.curate import Audit

        audit = Audit.of(tables)

        def write_stamp(published: dict) -> None:  # under publish's lock: no other build's
            if key:
                stamp.parent.mkdir(parents=True, exist_ok=True)
                record = {
                    "fingerprint": key,
                    "uncurated": len(audit),  # the count only: the audit itself can be large
                    "files": {rel: sha256 for rel, (_, sha256) in published.items()},
                }
                stamp.write_text(json.dumps(record, default=str), encoding="utf-8")

        # The tables are checked while publish's threads write them into its staging
        # folder (Arrow's writers let go of the GIL), in this thread, after it rendered
        # the docs: in a thread of its own, the checks' many short Arrow calls each waited
        # for the GIL behind the docs' Python, and the checks ended long after the writes.
        # A problem found stops publish: nothing is moved into `out`. Two tables at a
        # time: the checks end the build, the writers done or nearly, and a core would
        # idle (at 10,000 articles 0.43-0.72 -> 0.34-0.45 s; the peak 12 to 17 MB more
        # than with one table at a time, of 500).
        def check() -> None:
            if found := check_tables(tables, 2):
                raise BuildFailed(found)

        files = publish(tables, out, done=write_stamp, meanwhile=check, parquet=parquet.files)
    return Result(tables, audit, files, uncurated=len(audit))
