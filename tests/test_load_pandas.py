"""pandas loads every table in one line, from Parquet or CSV, with the descriptor's types."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import build_dataset
from build_dataset.load import package_root, tables
from build_dataset.models import TABLES
from build_dataset.schema import columns
from tests.synthetic import A0, publish_synthetic

DATE = pd.ArrowDtype(pa.date32())


@pytest.fixture(scope="module")
def synthetic(root, tmp_path_factory):
    return publish_synthetic(root, tmp_path_factory.mktemp("synthetic"))


def _plain(value):
    """A cell of a loaded frame as the Python value pyarrow gives for the Parquet cell."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def descriptor_fields(folder, table: str) -> list[dict]:
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return next(r for r in desc["resources"] if r["name"] == table)["schema"]["fields"]


def assert_typed_like_the_descriptor(df: pd.DataFrame, folder, table: str) -> None:
    fields = descriptor_fields(folder, table)
    assert list(df.columns) == [f["name"] for f in fields]
    for f in fields:
        name, kind, constraints = f["name"], f["type"], f.get("constraints", {})
        dtype = df[name].dtype
        if "enum" in constraints:
            assert isinstance(dtype, pd.CategoricalDtype), name
            assert list(dtype.categories) == constraints["enum"], name
            assert not dtype.ordered
        elif kind == "date":
            assert dtype == DATE, name
        elif kind == "integer":
            assert dtype == ("int64" if constraints.get("required") else pd.Int64Dtype()), name
        elif kind == "number":
            assert dtype == "float64", name
        elif kind == "string":
            assert pd.api.types.is_string_dtype(dtype), (name, dtype)
        elif kind == "array":
            assert all(isinstance(v, list) for v in df[name]), name
        else:
            raise AssertionError(f"{table}.{name}: type {kind} not covered by this test")


def assert_same_cells_as_parquet(df: pd.DataFrame, path) -> None:
    expected = pq.read_table(path).to_pylist()
    assert len(df) == len(expected)
    for i, row in enumerate(expected):
        for name, value in row.items():
            assert _plain(df[name].iloc[i]) == value, (path.name, i, name)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.table_name)
def test_every_committed_table_loads_with_the_descriptor_types(root, model, fmt):
    df = build_dataset.load(model.table_name, root=root, format=fmt)
    assert_typed_like_the_descriptor(df, root, model.table_name)
    assert_same_cells_as_parquet(df, root / "data" / f"{model.table_name}.parquet")


@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.table_name)
def test_parquet_and_csv_give_the_same_frame(synthetic, model):
    from_parquet = build_dataset.load(model.table_name, root=synthetic)
    from_csv = build_dataset.load(model.table_name, root=synthetic, format="csv")
    assert len(from_parquet) > 0
    assert_typed_like_the_descriptor(from_parquet, synthetic, model.table_name)
    assert [f["name"] for f in descriptor_fields(synthetic, model.table_name)] == [
        c.name for c in columns(model)
    ]
    pd.testing.assert_frame_equal(from_parquet, from_csv)
    assert_same_cells_as_parquet(from_csv, synthetic / "data" / f"{model.table_name}.parquet")


def test_known_values_of_the_seed_articles(root):
    articles = build_dataset.load("articles", root=root).set_index("article_id")
    assert articles.loc[A0, "published"] == dt.date(2025, 4, 29)
    assert articles.loc[A0, "outlet"] == "China Daily"
    assert articles.loc[A0, "genre"] == "news"
    assert articles["published"].dt.year.loc[A0] == 2025
    assert set(articles["outlet"]) == {"China Daily", "Xinhua", "Qiushi Journal"}
    paragraphs = build_dataset.load("paragraphs", root=root, format="csv")
    first = paragraphs[(paragraphs.article_id == A0) & (paragraphs.paragraph_no == 1)]
    assert first["kind"].tolist() == ["title"]
    assert first["text"].tolist() == ["Xi calls for rallying working class"]


def test_missing_values_lists_and_dates_in_the_synthetic_package(synthetic):
    figures = build_dataset.load("figures", root=synthetic, format="csv")
    by_text = figures.set_index("value_text")
    assert by_text.loc["540,000", "as_of"] == dt.date(1925, 1, 1)
    assert by_text.loc["nearly 300 million", "as_of"] is pd.NA
    assert pd.isna(by_text.loc["nearly 300 million", "unit"])
    assert by_text.loc["nearly 300 million", "value"] == 300_000_000
    assert pd.isna(by_text.loc["nearly 300 million", "as_of_precision"])
    entities = build_dataset.load("entities", root=synthetic).set_index("entity_id")
    assert entities.loc["acftu", "aliases"] == ["ACFTU", "the federation"]
    assert entities.loc["beijing", "aliases"] == []
    events = build_dataset.load("events", root=synthetic, format="csv")
    assert (events["date_end"] - events["date_start"]).dt.days.tolist() == [364, 0]


def test_integers_with_missing_values_are_nullable(tmp_path, synthetic):
    """No optional integer column exists yet; a descriptor with one loads it as Int64."""
    desc = json.loads((synthetic / "datapackage.json").read_text())
    res = next(r for r in desc["resources"] if r["name"] == "figures")
    res["schema"]["fields"].append({"name": "rank", "type": "integer"})
    res["path"], res["parquet"]["path"] = "figures.csv", "figures.parquet"
    (tmp_path / "datapackage.json").write_text(json.dumps(desc))
    lines = (synthetic / "data" / "figures.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ',"rank"', lines[1] + ",7", lines[2] + ","]
    (tmp_path / "figures.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    table = pq.read_table(synthetic / "data" / "figures.parquet")
    pq.write_table(
        table.append_column("rank", pa.array([7, None], pa.int64())), tmp_path / "figures.parquet"
    )
    for fmt in ("parquet", "csv"):
        rank = build_dataset.load("figures", root=tmp_path, format=fmt)["rank"]
        assert rank.dtype == pd.Int64Dtype(), fmt
        assert rank.tolist() == [7, pd.NA], fmt


def test_a_value_outside_the_vocabulary_is_an_error(tmp_path, synthetic):
    desc = json.loads((synthetic / "datapackage.json").read_text())
    (tmp_path / "datapackage.json").write_text(json.dumps(desc))
    (tmp_path / "data").mkdir()
    csv = (synthetic / "data" / "figures.csv").read_text(encoding="utf-8")
    (tmp_path / "data" / "figures.csv").write_text(
        csv.replace('"nearly"', '"roughly"'), encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"figures\.qualifier: .*'roughly'"):
        build_dataset.load("figures", root=tmp_path, format="csv")


def test_root_defaults_to_the_package_around_the_working_directory(root, monkeypatch):
    monkeypatch.chdir(root / "data")
    assert package_root() == root
    assert tables() == [m.table_name for m in TABLES]
    assert (
        len(build_dataset.load("articles"))
        == pq.read_metadata(root / "data" / "articles.parquet").num_rows
    )


def test_unknown_table_and_format_are_explained(root):
    with pytest.raises(KeyError, match="tables: articles, paragraphs"):
        build_dataset.load("article", root=root)
    with pytest.raises(ValueError, match="parquet, csv"):
        build_dataset.load("articles", root=root, format="xlsx")


def test_importing_the_builder_does_not_import_pandas():
    import subprocess
    import sys

    code = "import sys, build_dataset; print('pandas' in sys.modules, callable(build_dataset.load))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_the_plain_one_liner_documented_in_the_readme(root):
    """pd.read_parquet alone: enums are categoricals, dates are datetime.date objects."""
    df = pd.read_parquet(root / "data" / "articles.parquet")
    assert isinstance(df["genre"].dtype, pd.CategoricalDtype)
    assert list(df["genre"].dtype.categories) == ["news", "speech", "commentary"]
    assert df["word_count"].dtype == "int64"
    assert df["published"].dtype == object
    assert isinstance(df["published"].iloc[0], dt.date)


def readme_recipe(root, test_file: str) -> str:
    """The code block of README.md marked as run by `test_file`."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    after = readme.split(f"<!-- recipe: {test_file} runs this block -->", 1)[1]
    return after.split("```", 2)[1].split("\n", 1)[1]


def test_the_readme_recipe_runs(root, synthetic, monkeypatch):
    monkeypatch.chdir(synthetic)
    namespace: dict = {}
    exec(readme_recipe(root, "tests/test_load_pandas.py"), namespace)
    assert namespace["figures"]["value_text"].tolist() == ["540,000", "nearly 300 million"]
    assert namespace["articles"]["published"].dtype == DATE
    pd.testing.assert_frame_equal(namespace["articles"], build_dataset.load("articles"))
