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
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from build_dataset.errors import BuildFailed, Problems

if TYPE_CHECKING:
    from collections.abc import Iterator

    from build_dataset import ingest
    from build_dataset.extract import Gazetteer
# The stages are imported where they run, so that a build found up to date (the skip
# cache) costs little more than hashing its inputs and outputs.

BATCH_SIZE = 100  # articles per extraction task
POOL_THRESHOLD = 400  # below this many articles, extract in-process
CACHE_FILE = ".cache/build-fingerprint.json"

CANDIDATE_TYPES = {  # Extraction attribute -> Arrow types of its candidate dataclass fields
    "dates": {
        "char_start": pa.int64(),
        "char_end": pa.int64(),
        "text": pa.string(),
        "value_start": pa.date32(),
        "value_end": pa.date32(),
        "precision": pa.string(),
        "resolution": pa.string(),
    },
    "figures": {
        "char_start": pa.int64(),
        "char_end": pa.int64(),
        "value_text": pa.string(),
        "value": pa.float64(),
        "qualifier": pa.string(),
        "kind": pa.string(),
        "unit": pa.string(),
    },
    "names": {
        "char_start": pa.int64(),
        "char_end": pa.int64(),
        "text": pa.string(),
        "entity_type": pa.string(),
        "entity_id": pa.string(),
    },
    "quotes": {
        "char_start": pa.int64(),
        "char_end": pa.int64(),
        "text": pa.string(),
        "speaker_name": pa.string(),
        "speaker_entity_id": pa.string(),
        "speaker_char_start": pa.int64(),
        "speaker_char_end": pa.int64(),
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
    from build_dataset.extract import extract

    gazetteer = _gazetteer(gazetteer_json)
    columns: dict[str, dict[str, list]] = {
        kind: {"article_id": [], **{f: [] for f in types}}
        for kind, types in CANDIDATE_TYPES.items()
    }
    for aid, text, published in zip(
        batch.column("article_id").to_pylist(),
        batch.column("text").to_pylist(),
        batch.column("published").to_pylist(),
        strict=True,
    ):
        ex = extract(text, published, gazetteer)
        for kind, types in CANDIDATE_TYPES.items():
            cols = columns[kind]
            for cand in getattr(ex, kind):
                cols["article_id"].append(aid)
                for f in types:
                    cols[f].append(getattr(cand, f))
    return {
        kind: pa.record_batch(
            [
                pa.array(columns[kind]["article_id"], pa.string()),
                *(pa.array(columns[kind][f], t) for f, t in types.items()),
            ],
            names=["article_id", *types],
        )
        for kind, types in CANDIDATE_TYPES.items()
    }


def article_batch(articles: list[ingest.Article]) -> pa.RecordBatch:
    """What extraction reads of articles: id, text and publication date."""
    return pa.record_batch(
        {
            "article_id": pa.array([a.article_id for a in articles], pa.string()),
            "text": pa.array([a.text for a in articles], pa.string()),
            "published": pa.array([a.published for a in articles], pa.date32()),
        }
    )


def ingest_and_extract(
    sources: list[ingest.Source], sources_dir: str, gazetteer_json: str
) -> tuple[list[ingest.Article], dict[str, pa.RecordBatch], list]:
    """One batch of planned sources read and cleaned (ingest), then its candidates
    (`extract_batch`); with the problems found. For a large corpus, in a worker."""
    from build_dataset import ingest

    problems = Problems()
    read = (ingest.read_source(src, Path(sources_dir), problems) for src in sources)
    articles = [a for a in read if a is not None]
    return articles, extract_batch(article_batch(articles), gazetteer_json), problems.items


class Candidates:
    """The candidates of one kind, kept as Arrow record batches; iterating yields rows
    (dicts) in article order, one batch turned into Python objects at a time, so the
    candidates of a whole corpus never stand as dicts all at once."""

    def __init__(self) -> None:
        self.batches: list[pa.RecordBatch] = []

    def __iter__(self):
        for rb in self.batches:
            yield from rb.to_pylist()

    def __len__(self) -> int:
        return sum(rb.num_rows for rb in self.batches)


def read_sources(
    sources_dir: Path,
    sources: list[ingest.Source],
    gazetteer_entries: list,
    problems: Problems,
    progress=None,
):
    """Ingest and extraction of the planned `sources`, BATCH_SIZE at a time, in a process
    pool from POOL_THRESHOLD sources on: yields each batch's articles and candidates, in
    article order, as the batches are done (the main process never holds every article
    at once); the batches' problems go to `problems`."""
    gjson = json.dumps(gazetteer_entries, ensure_ascii=False, sort_keys=True)
    batches = [sources[i : i + BATCH_SIZE] for i in range(0, len(sources), BATCH_SIZE)]
    workers = min(os.cpu_count() or 1, len(batches))
    args = ([str(sources_dir)] * len(batches), [gjson] * len(batches))
    done = 0

    def collect(results):
        nonlocal done
        for articles, candidates, found in results:
            problems.items += found
            done += 1
            if progress:
                progress(min(done * BATCH_SIZE, len(sources)), len(sources))
            yield articles, candidates

    if len(sources) >= POOL_THRESHOLD and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from collect(pool.map(ingest_and_extract, batches, *args))
    else:
        yield from collect(map(ingest_and_extract, batches, *args))


# ---------------------------------------------------------------- assemble


def article_rows(articles: list[ingest.Article]) -> dict[str, Iterator[dict]]:
    """Rows of the articles and paragraphs tables, made as they are consumed."""
    arts = (
        {
            "article_id": a.article_id,
            "title": a.title,
            "outlet": a.outlet,
            "author": a.author,
            "published": a.published,
            "url": a.url,
            "genre": a.genre,
            "language": a.language,
            "editor": a.editor,
            "source_file": a.source_file,
            "source_sha256": a.source_sha256,
            "text": a.text,
            "word_count": a.word_count,
            "paragraph_count": len(a.paragraphs),
        }
        for a in articles
    )
    paras = (
        {
            "article_id": a.article_id,
            "paragraph_no": n,
            "kind": p.kind,
            "text": p.text,
            "char_start": p.char_start,
            "char_end": p.char_end,
            "repeat_count": p.repeat_count,
            "source_line": p.source_line,
        }
        for a in articles
        for n, p in enumerate(a.paragraphs, 1)
    )
    return {"articles": arts, "paragraphs": paras}


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
) -> tuple[dict[str, pa.Table], list]:
    """Run every stage up to `check`; raise BuildFailed with all problems of a stage."""
    from build_dataset import curate, ingest
    from build_dataset.assemble import TableBuilder, table_from_rows
    from build_dataset.check import check_tables
    from build_dataset.models import BY_NAME

    problems = Problems()
    planned = ingest.plan(sources, problems)
    ann = curate.load(annotations, problems, display=ingest._display)
    # The articles and paragraphs tables are made as the batches come back from ingest
    # and extraction, so that no more than a batch of articles stands as Python objects;
    # their problems, if any, are reported after curation's, as they would be in table
    # order.
    builders = {name: TableBuilder(BY_NAME[name]) for name in ("articles", "paragraphs")}
    candidates = {kind: Candidates() for kind in CANDIDATE_TYPES}
    ids: list[str] = []
    entries = curate.gazetteer_entries(ann)
    for batch, found in read_sources(sources, planned, entries, problems, progress):
        for name, rows in article_rows(batch).items():
            builders[name].add(list(rows))
        for kind, rb in found.items():
            candidates[kind].batches.append(rb)
        ids += [a.article_id for a in batch]
    if problems and not ids:
        problems.raise_if_any()  # no source read: nothing to check the annotations against
    # Sources and annotation files with problems are left out and the rest still checked
    # (without echoing references to what was left out): one run reports all of them.
    skipped = {p.stem for p in sources.glob("*.txt")} - set(ids)
    built: dict[str, pa.Table] = {}
    deferred = None
    try:
        built = {name: builder.finish() for name, builder in builders.items()}
        texts = built["articles"].column("text")
        articles = [
            ArticleText(aid, texts, i)
            for i, aid in enumerate(built["articles"].column("article_id").to_pylist())
        ]
    except BuildFailed as e:  # curation still runs, on the texts read again
        deferred = e
        articles = ingest.ingest(sources, Problems())
    del builders
    release_memory()
    # each curated table is made as soon as curation has its rows, which then go: the
    # rows of one table, not of all, stand as Python objects at a time
    unmade: list = []

    def make(name: str, rows) -> None:
        try:
            built[name] = table_from_rows(BY_NAME[name], rows)
        except BuildFailed as e:  # reported after curation's problems, as before
            unmade.extend(e.problems)

    _, audit = curate.curate(articles, candidates, ann, problems, skipped, emit=make)
    problems.raise_if_any()
    if deferred:
        raise deferred
    if unmade:
        raise BuildFailed(unmade)
    del articles, candidates
    tables = {name: built[name] for name in BY_NAME}
    release_memory()
    found = check_tables(tables, threads=1)  # the build's peak memory: one table at a time
    if found:
        raise BuildFailed(found)
    release_memory()
    return tables, audit


# ---------------------------------------------------------------- build (with skip cache)


def fingerprint(sources: Path, annotations: Path | None) -> str:
    """Hash of everything a build reads: the builder's code, the sources, the annotations."""
    h = hashlib.sha256()
    code = Path(__file__).parent
    inputs = sorted(code.rglob("*.py"))
    inputs += sorted(p for p in sources.iterdir() if p.is_file())
    if annotations is not None and annotations.is_dir():
        inputs += sorted(p for p in annotations.iterdir() if p.is_file())
    for p in inputs:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _intact(out: Path, recorded: dict) -> bool:
    from build_dataset.publish import sha256_file

    files = recorded.get("files", {})
    return bool(files) and all(
        (out / rel).is_file() and sha256_file(out / rel) == digest for rel, digest in files.items()
    )


def build(
    sources: Path, out: Path, annotations: Path | None, progress=None, use_cache: bool = True
) -> Result:
    from build_dataset.publish import publish, sha256_file, tidy

    tidy(out)  # a build killed earlier: finish its swap, remove its staging folder
    stamp = out / CACHE_FILE
    key = fingerprint(sources, annotations) if sources.is_dir() else None
    if use_cache and key and stamp.is_file():
        try:
            recorded = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = {}
        if recorded.get("fingerprint") == key and _intact(out, recorded):
            return Result(None, [], sorted(recorded["files"]), True, recorded.get("uncurated", 0))
    tables, audit = make_tables(sources, annotations, progress)

    def write_stamp(files: list[str]) -> None:  # under publish's lock: no other build's files
        if key:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            record = {
                "fingerprint": key,
                "uncurated": len(audit),  # the count only: the audit itself can be large
                "files": {rel: sha256_file(out / rel) for rel in files},
            }
            stamp.write_text(json.dumps(record, default=str), encoding="utf-8")

    files = publish(tables, out, done=write_stamp)
    return Result(tables, audit, files, uncurated=len(audit))
