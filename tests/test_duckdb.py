"""DuckDB queries the Parquet files directly, with the right column types."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import duckdb
import pyarrow.parquet as pq
import pytest

from build_dataset.models import TABLES
from tests.synthetic import A0, publish_synthetic

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "boolean": "BOOLEAN",
    "array": "VARCHAR[]",
}


@pytest.fixture(scope="module")
def synthetic(root, tmp_path_factory):
    return publish_synthetic(root, tmp_path_factory.mktemp("duck"))


def _sql(folder, query: str) -> list[tuple]:
    """Run `query` in the package folder, with paths like 'data/figures.parquet'."""
    with contextlib.chdir(folder), duckdb.connect() as con:
        return con.sql(query).fetchall()


@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.table_name)
def test_every_table_is_queryable_with_the_descriptor_types(root, model):
    name = model.table_name
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in desc["resources"] if r["name"] == name)["schema"]["fields"]
    described = _sql(root, f"DESCRIBE SELECT * FROM 'data/{name}.parquet'")
    assert [(c[0], c[1]) for c in described] == [
        (f["name"], DUCKDB_TYPES[f["type"]]) for f in fields
    ]
    (count,) = _sql(root, f"SELECT count(*) FROM 'data/{name}.parquet'")[0]
    assert count == pq.read_metadata(root / "data" / f"{name}.parquet").num_rows


def test_known_values_joining_paragraphs_to_articles(root):
    rows = _sql(
        root,
        f"""
        SELECT a.outlet, a.published, p.kind, p.text = a.title
        FROM 'data/paragraphs.parquet' p JOIN 'data/articles.parquet' a USING (article_id)
        WHERE p.article_id = '{A0}' AND p.paragraph_no = 1""",
    )
    assert rows == [("China Daily", dt.date(2025, 4, 29), "title", True)]


@pytest.mark.parametrize("package", ["root", "synthetic"])
@pytest.mark.parametrize(
    "table,column",
    [
        ("paragraphs", "text"),
        ("figures", "value_text"),
        ("quotes", "text"),
        ("date_mentions", "text"),
        ("mentions", "text"),
        ("event_sources", "evidence"),
    ],
)
def test_spans_reproduce_their_text_in_sql(request, package, table, column):
    """DuckDB's substring counts code points, like the package's offsets."""
    folder = request.getfixturevalue(package)
    joined, total, reproduced = _sql(
        folder,
        f"""
        SELECT count(a.article_id), count(*),
               count(*) FILTER (WHERE substring(a.text, t.char_start + 1,
                                                t.char_end - t.char_start) = t.{column})
        FROM 'data/{table}.parquet' t LEFT JOIN 'data/articles.parquet' a USING (article_id)""",
    )[0]
    assert joined == total == reproduced
    if package == "synthetic":
        assert total > 0


def test_figures_joined_to_articles_return_known_values(synthetic):
    rows = _sql(
        synthetic,
        """
        SELECT f.value_text, f.value, f.qualifier, f.as_of, a.outlet, a.published,
               substring(a.text, f.char_start + 1, f.char_end - f.char_start)
        FROM 'data/figures.parquet' f JOIN 'data/articles.parquet' a USING (article_id)
        ORDER BY f.char_start""",
    )
    assert rows == [
        (
            "540,000",
            540000.0,
            "exact",
            dt.date(1925, 1, 1),
            "China Daily",
            dt.date(2025, 4, 29),
            "540,000",
        ),
        (
            "nearly 300 million",
            300000000.0,
            "nearly",
            None,
            "China Daily",
            dt.date(2025, 4, 29),
            "nearly 300 million",
        ),
    ]


def test_events_with_their_sources_and_lists(synthetic):
    rows = _sql(
        synthetic,
        """
        SELECT e.event_id, e.date_start, e.date_end, a.outlet
        FROM 'data/events.parquet' e
        JOIN 'data/event_sources.parquet' s USING (event_id)
        JOIN 'data/articles.parquet' a USING (article_id)
        ORDER BY e.date_start""",
    )
    assert rows == [
        ("1925-acftu-founding", dt.date(1925, 1, 1), dt.date(1925, 12, 31), "China Daily"),
        ("2025-04-28-acftu-centenary", dt.date(2025, 4, 28), dt.date(2025, 4, 28), "China Daily"),
    ]
    aliases = _sql(
        synthetic, "SELECT aliases FROM 'data/entities.parquet' WHERE entity_id = 'acftu'"
    )
    assert aliases == [(["ACFTU", "the federation"],)]


def test_the_readme_recipe_runs(root, synthetic):
    from tests.test_load_pandas import readme_recipe

    rows = _sql(synthetic, readme_recipe(root, "tests/test_duckdb.py"))
    assert [(r[0], r[3], r[5]) for r in rows] == [
        ("540,000", "China Daily", "540,000"),
        ("nearly 300 million", "China Daily", "nearly 300 million"),
    ]
