"""`build-dataset validate` (vectorised checks) on tampered copies of a built package.

Each copy is changed in both twins (CSV and Parquet) and its descriptor gets the new bytes
and hashes, so that the file checks pass and the table rules are what find the problem.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_dataset.check import span_mismatches, validate_package
from build_dataset.models import BY_NAME
from build_dataset.pipeline import build
from build_dataset.publish import sha256_file, write_csv, write_parquet

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
make_corpus = sys.modules.setdefault("make_corpus", importlib.util.module_from_spec(_spec))
if not hasattr(make_corpus, "make_corpus"):
    _spec.loader.exec_module(make_corpus)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """A package built from 10 synthetic articles (texts with ’ and — in them)."""
    base = tmp_path_factory.mktemp("vectorized")
    make_corpus.make_corpus(10, base / "corpus")
    (base / "none").mkdir()
    build(base / "corpus", base / "package", base / "none", use_cache=False)
    return base / "package"


def tampered(package: Path, tmp_path: Path, name: str, change) -> Path:
    """A copy of the package whose table `name` is `change(table)`, descriptor updated."""
    copy = tmp_path / "copy"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns(".cache"))
    model = BY_NAME[name]
    csv_path, pq_path = copy / "data" / f"{name}.csv", copy / "data" / f"{name}.parquet"
    table = change(pq.read_table(pq_path))
    write_parquet(table, pq_path)
    write_csv(table, model, csv_path)
    desc_path = copy / "datapackage.json"
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == name)
    for entry, path in ((res, csv_path), (res["parquet"], pq_path)):
        entry["bytes"], entry["hash"] = path.stat().st_size, "sha256:" + sha256_file(path)
    desc_path.write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return copy


def _set(table: pa.Table, column: str, row: int, value) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    i = table.column_names.index(column)
    return table.set_column(i, table.field(column), pa.array(values, table.field(column).type))


def _messages(problems) -> list[tuple[str, int | None, str, str]]:
    return [(p.file, p.line, p.field, p.message) for p in problems]


def test_the_intact_package_is_valid(package):
    assert validate_package(package) == []


def test_a_span_shifted_after_a_multibyte_character_is_caught(package, tmp_path):
    paragraphs = pq.read_table(package / "data" / "paragraphs.parquet")
    articles = pq.read_table(package / "data" / "articles.parquet")
    texts = dict(zip(articles["article_id"].to_pylist(), articles["text"].to_pylist(), strict=True))
    # the first paragraph that comes after a non-ASCII character of its article
    row = next(
        i
        for i, p in enumerate(paragraphs.to_pylist())
        if not texts[p["article_id"]][: p["char_start"]].isascii()
    )
    start, end = paragraphs["char_start"][row].as_py(), paragraphs["char_end"][row].as_py()

    def shift(t):
        return _set(_set(t, "char_start", row, start + 1), "char_end", row, end + 1)

    problems = validate_package(tampered(package, tmp_path, "paragraphs", shift))
    assert _messages(problems) == [
        (
            "data/paragraphs.csv",
            row + 2,
            "text",
            "articles.text[char_start:char_end] does not reproduce it",
        )
    ]


def test_a_changed_span_text_is_caught(package, tmp_path):
    def edit(t):
        mentions = t.to_pylist()
        row = len(mentions) - 1
        text = mentions[row]["text"]
        return _set(t, "text", row, text[:-1] + ("x" if text[-1] != "x" else "y"))

    problems = validate_package(tampered(package, tmp_path, "mentions", edit))
    rows = pq.read_table(package / "data" / "mentions.parquet").num_rows
    assert _messages(problems) == [
        (
            "data/mentions.csv",
            rows + 1,
            "text",
            "articles.text[char_start:char_end] does not reproduce it",
        )
    ]


@pytest.mark.parametrize("in_key_order", [False, True])
def test_a_duplicate_primary_key_is_caught(package, tmp_path, in_key_order):
    # the first row again, at the end or next to itself (where the rows stay in key
    # order, which the check first looks at)
    def duplicate(t):
        parts = [t.slice(0, 1), t] if in_key_order else [t, t.slice(0, 1)]
        return pa.concat_tables(parts).combine_chunks()

    figures = pq.read_table(package / "data" / "figures.parquet")
    first = figures["figure_id"][0].as_py()
    problems = validate_package(tampered(package, tmp_path, "figures", duplicate))
    assert (
        "data/figures.csv",
        None,
        "figure_id",
        f"primary key figure_id={first!r} is not unique (2 rows)",
    ) in _messages(problems)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "a-b", "b"]), st.integers(1, 3)), max_size=10),
    st.booleans(),
)
def test_the_primary_key_rule_names_every_repeated_key(keys, in_order):
    """Whether the rows are in key order (the rule's shortcut) or not, each key of more
    than one row is named, with its count, and no other."""
    from collections import Counter

    from build_dataset.check import _check_primary_key

    keys = sorted(keys) if in_order else keys
    table = pa.table(
        {
            "article_id": pa.array([a for a, _ in keys], pa.string()),
            "paragraph_no": pa.array([n for _, n in keys], pa.int64()),
        }
    )
    found = {p.message for p in _check_primary_key(BY_NAME["paragraphs"], table)}
    assert found == {
        f"primary key article_id={a!r}, paragraph_no={n!r} is not unique ({c} rows)"
        for (a, n), c in Counter(keys).items()
        if c > 1
    }


def test_a_dangling_foreign_key_is_caught(package, tmp_path):
    problems = validate_package(
        tampered(
            package,
            tmp_path,
            "date_mentions",
            lambda t: _set(t, "article_id", 0, "no-such-article"),
        )
    )
    assert _messages(problems) == [
        (
            "data/date_mentions.csv",
            2,
            "article_id",
            "'no-such-article' not found in articles.article_id",
        )
    ]


def test_a_value_outside_its_vocabulary_is_caught(package, tmp_path):
    def bogus(t):
        kind = t["kind"].combine_chunks()
        vocabulary = kind.dictionary.to_pylist()
        indices = pc.cast(kind.indices, pa.int32()).to_pylist()
        indices[3] = len(vocabulary)
        column = pa.DictionaryArray.from_arrays(
            pa.array(indices, pa.int32()), pa.array([*vocabulary, "bogus"])
        )
        return t.set_column(t.column_names.index("kind"), t.field("kind"), column)

    problems = validate_package(tampered(package, tmp_path, "paragraphs", bogus))
    assert [(f, line, field) for f, line, field, _ in _messages(problems)] == [
        ("data/paragraphs.csv", 5, "kind")
    ]
    assert "not one of" in problems[0].message


# ---------------------------------------------------------------- spans, against Python

ALPHABET = "ab ’—é😀\n"


@st.composite
def spans_case(draw):
    texts = draw(st.lists(st.text(ALPHABET, max_size=12), max_size=4))
    ids = [f"a{i}" for i in range(len(texts))]
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        aid = draw(st.sampled_from([*ids, "unknown"]))
        text = texts[ids.index(aid)] if aid in ids else ""
        start = draw(st.integers(0, len(text) + 2))
        end = draw(st.integers(0, len(text) + 2))
        span = text[start:end] if draw(st.booleans()) else draw(st.text(ALPHABET, max_size=4))
        rows.append((aid, start, end, span))
    return ids, texts, rows


@settings(max_examples=300, deadline=None)
@given(spans_case(), st.integers(0, 2))
def test_span_mismatches_agrees_with_python_slicing(case, layout):
    ids, texts, rows = case
    articles = pa.table(
        {"article_id": pa.array(ids, pa.string()), "text": pa.array(texts, pa.string())}
    )
    if layout == 1 and len(ids) > 1:  # chunked columns
        articles = pa.concat_tables([articles.slice(0, 1), articles.slice(1)])
    if layout == 2:  # a slice: the text buffer starts with bytes of another row
        articles = pa.table({"article_id": ["x", *ids], "text": ["é😀—", *texts]}).slice(1)
    cols = list(zip(*rows, strict=True)) if rows else [[], [], [], []]
    found = span_mismatches(
        articles,
        pa.array(cols[0], pa.string()),
        pa.array(cols[1], pa.int64()),
        pa.array(cols[2], pa.int64()),
        pa.array(cols[3], pa.string()),
    )
    by_id = dict(zip(ids, texts, strict=True))
    expected = [
        None
        if aid not in by_id
        else not (start <= end <= len(by_id[aid]) and by_id[aid][start:end] == span)
        for aid, start, end, span in rows
    ]
    assert found.to_pylist() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(ALPHABET + "abcdefgh", max_size=30), max_size=5), st.integers(1, 3))
def test_the_first_bytes_of_multibyte_characters_are_found_word_by_word(texts, step):
    """Read as 8-byte words `step` words at a time, or byte by byte from a view that does
    not begin on a word: the positions Python finds."""
    from build_dataset.check import _lead_bytes, _utf8_buffers

    _, u8 = _utf8_buffers(pa.array(texts, pa.string()))
    for view in (u8, u8.slice(min(3, len(u8)))):
        expected = [i for i, byte in enumerate(view.to_pylist()) if byte >= 0xC0]
        assert _lead_bytes(view, step).to_pylist() == expected


def test_a_csv_that_differs_from_its_parquet_twin_is_caught(package, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns(".cache"))
    csv_path = copy / "data" / "quotes.csv"
    raw = csv_path.read_bytes()
    csv_path.write_bytes(raw.replace(b"said", b"sad", 1) if b"said" in raw else raw + b'""\r\n')
    desc_path = copy / "datapackage.json"
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == "quotes")
    res["bytes"], res["hash"] = csv_path.stat().st_size, "sha256:" + sha256_file(csv_path)
    desc_path.write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert _messages(validate_package(copy)) == [
        ("data/quotes.csv", None, "rows", "CSV and Parquet of quotes hold different rows")
    ]


def test_empty_spans_and_no_bytes_at_all_compare_equal():
    from build_dataset.check import _same_bytes

    u8 = pa.array(list(b"abc"), pa.uint8())
    starts, sizes = pa.array([0, 2], pa.int64()), pa.array([0, 0], pa.int64())
    assert _same_bytes(u8, starts, sizes, pa.array(["", ""])).to_pylist() == [True, True]
    sizes = pa.array([2, 1], pa.int64())
    assert _same_bytes(u8, starts, sizes, pa.array(["ab", "c"])).to_pylist() == [True, True]
    assert _same_bytes(u8, starts, sizes, pa.array(["ab", "x"])).to_pylist() == [True, False]
