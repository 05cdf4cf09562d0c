"""The benchmark's synthetic corpus: deterministic, varied, and a valid input to the build."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

from build_dataset.check import validate_package
from build_dataset.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
make_corpus = sys.modules.setdefault("make_corpus", importlib.util.module_from_spec(_spec))
if not hasattr(make_corpus, "make_corpus"):
    _spec.loader.exec_module(make_corpus)

N = 30


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _manifest(folder: Path) -> list[dict]:
    with open(folder / "sources.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    make_corpus.make_corpus(N, out)
    return out


def test_two_runs_are_byte_identical(corpus, tmp_path):
    make_corpus.make_corpus(N, tmp_path / "again")
    assert _files(tmp_path / "again") == _files(corpus)


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(corpus, tmp_path):
    make_corpus.make_corpus(12, tmp_path / "small")
    small = _files(tmp_path / "small")
    rows = _manifest(tmp_path / "small")
    assert [r["file"] for r in rows] == [r["file"] for r in _manifest(corpus)][:12]
    for r in rows:
        assert small[r["file"]] == (corpus / r["file"]).read_bytes()


def test_manifest_columns_and_hashes(corpus):
    rows = _manifest(corpus)
    assert list(rows[0]) == [
        "file",
        "published",
        "title",
        "outlet",
        "author",
        "genre",
        "language",
        "sha256",
    ]
    assert len(rows) == N == len(list(corpus.glob("*.txt")))
    for r in rows:
        assert hashlib.sha256((corpus / r["file"]).read_bytes()).hexdigest() == r["sha256"]
    assert len({r["sha256"] for r in rows}) == N  # no two articles have the same bytes


def test_dates_move_by_whole_weeks_numbers_and_names_change(corpus):
    seeds = make_corpus.load_seeds(ROOT / "sources")
    rows = _manifest(corpus)
    for i, r in enumerate(rows):
        seed = seeds[i % len(seeds)]
        published = dt.date.fromisoformat(r["published"])
        assert (seed.published - published).days % 7 == 0, r["file"]
        text = (corpus / r["file"]).read_text(encoding="utf-8")
        assert text != seed.text
        # a seed's date in the text moves with the publication date
        assert seed.published.isoformat() not in text or published == seed.published
    first = (corpus / rows[0]["file"]).read_text(encoding="utf-8")
    assert "Mo Jingxi" not in first and "540,000" not in first
    assert rows[0]["author"] in make_corpus.NAMES
    assert "Xi Jinping" in first  # he stays
    assert len({r["published"] for r in rows}) > N // 2


def test_the_corpus_builds_and_validates(corpus, tmp_path):
    empty = tmp_path / "no-annotations"
    empty.mkdir()
    result = build(corpus, tmp_path / "out", empty, use_cache=False)
    assert result.tables["articles"].num_rows == N
    published = {r["file"].removesuffix(".txt"): r["published"] for r in _manifest(corpus)}
    built = result.tables["articles"].select(["article_id", "published"]).to_pylist()
    assert {a["article_id"]: a["published"].isoformat() for a in built} == published
    assert validate_package(tmp_path / "out") == []


def test_the_process_pool_gives_the_tables_of_one_process(tmp_path, monkeypatch):
    """From POOL_THRESHOLD sources on, ingest and extraction run in worker processes,
    batch by batch, and the curated tables are made one by one: the same tables, row for
    row, as everything in this process."""
    from build_dataset import pipeline

    src, n = tmp_path / "corpus", pipeline.POOL_THRESHOLD
    make_corpus.make_corpus(n, src)
    empty = tmp_path / "none"
    empty.mkdir()
    pooled, audit = pipeline.make_tables(src, empty)
    monkeypatch.setattr(pipeline, "POOL_THRESHOLD", 10**9)
    single, single_audit = pipeline.make_tables(src, empty)
    assert pooled.keys() == single.keys()
    for name in pooled:
        assert pooled[name].equals(single[name]), name
    assert pooled["articles"].num_rows == n
    assert audit == single_audit and len(audit) > pooled["articles"].num_rows
