"""R loads every table with the descriptor's types: R/read_package.R, run by real Rscript.

Each package is read once by an R script that prints, as JSON, every table's row count,
column classes, factor levels and cells; the tests compare them with the Parquet files.
`make test` installs R first (scripts/ensure-r.sh); without Rscript these tests skip on a
developer's machine and fail in CI (CI=true).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pyarrow.parquet as pq
import pytest

from build_dataset.models import TABLES
from tests.synthetic import A0, publish_synthetic

DUMP = r"""
args <- commandArgs(trailingOnly = TRUE)
source(args[1])
root <- args[2]
out <- list()
for (table in acftu_tables(root)) {
  data <- read_acftu(table, root = root)
  columns <- lapply(data, function(x) {
    values <- if (inherits(x, "Date")) format(x, "%Y-%m-%d") else
      if (is.factor(x)) as.character(x) else x
    list(class = class(x)[1], levels = if (is.factor(x)) I(levels(x)) else NULL,
         values = I(values))
  })
  out[[table]] <- list(rows = nrow(data), names = I(names(data)), columns = columns)
}
cat(jsonlite::toJSON(out, auto_unbox = TRUE, null = "null", na = "null", digits = NA))
"""

R_CLASS = {
    "string": "character",
    "integer": "integer",
    "number": "numeric",
    "boolean": "logical",
    "date": "Date",
    "array": "character",
}


def rscript() -> str:
    exe = shutil.which("Rscript")
    if exe is None:
        message = "Rscript not found: run scripts/ensure-r.sh (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return exe


def run_r(root, folder, script: str, tmp_path) -> dict:
    path = tmp_path / "script.R"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [rscript(), "--vanilla", str(path), str(root / "R" / "read_package.R"), str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def committed(root, tmp_path_factory):
    return run_r(root, root, DUMP, tmp_path_factory.mktemp("r-committed"))


@pytest.fixture(scope="module")
def synthetic(root, tmp_path_factory):
    folder = publish_synthetic(root, tmp_path_factory.mktemp("r-synthetic"))
    return folder, run_r(root, folder, DUMP, tmp_path_factory.mktemp("r-synthetic-run"))


def _expected_cell(value, kind: str):
    if value is None:
        return None
    if kind == "date":
        return value.isoformat()
    if kind == "array":
        return json.dumps(value, ensure_ascii=False)
    return value


def assert_r_matches_parquet(folder, dump: dict) -> None:
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert list(dump) == [r["name"] for r in desc["resources"]]
    for res in desc["resources"]:
        name, fields = res["name"], res["schema"]["fields"]
        got = dump[name]
        rows = pq.read_table(folder / res["parquet"]["path"]).to_pylist()
        assert got["rows"] == len(rows), name
        assert got["names"] == [f["name"] for f in fields], name
        for f in fields:
            col, enum = got["columns"][f["name"]], f.get("constraints", {}).get("enum")
            where = f"{name}.{f['name']}"
            if enum:
                assert (col["class"], col["levels"]) == ("factor", enum), where
            else:
                assert col["class"] == R_CLASS[f["type"]], where
            for i, (cell, row) in enumerate(zip(col["values"], rows, strict=True)):
                if f["type"] == "array" and cell is not None:
                    assert json.loads(cell) == row[f["name"]], (where, i)
                elif f["type"] == "number" and cell is not None:
                    assert cell == pytest.approx(row[f["name"]], rel=1e-12), (where, i)
                else:
                    assert cell == _expected_cell(row[f["name"]], f["type"]), (where, i)


def test_r_reads_every_committed_table_like_parquet(root, committed):
    assert_r_matches_parquet(root, committed)


def test_r_reads_every_table_of_a_package_with_rows_everywhere(synthetic):
    folder, dump = synthetic
    assert all(dump[m.table_name]["rows"] > 0 for m in TABLES)
    assert_r_matches_parquet(folder, dump)


def test_r_known_values(committed, synthetic):
    articles = committed["articles"]["columns"]
    i = articles["article_id"]["values"].index(A0)
    assert articles["published"]["class"] == "Date"
    assert articles["published"]["values"][i] == "2025-04-29"
    assert articles["genre"]["values"][i] == "news"
    assert articles["genre"]["levels"] == ["news", "speech", "commentary"]
    assert articles["word_count"]["class"] == "integer"
    figures = synthetic[1]["figures"]["columns"]
    j = figures["value_text"]["values"].index("nearly 300 million")
    assert figures["as_of"]["values"][j] is None  # NA in R
    assert figures["as_of_precision"]["values"][j] is None
    assert figures["value"]["values"][j] == 300_000_000
    assert figures["qualifier"]["values"][j] == "nearly"


def test_r_stops_on_a_value_the_descriptor_does_not_allow(root, synthetic, tmp_path):
    folder = tmp_path / "package"
    shutil.copytree(synthetic[0], folder)
    csv = folder / "data" / "figures.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",1097,", ",10x97,"), encoding="utf-8")
    script = tmp_path / "bad.R"
    script.write_text(
        "args <- commandArgs(trailingOnly = TRUE); source(args[1]); "
        'read_acftu("figures", root = args[2])',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [rscript(), "--vanilla", str(script), str(root / "R" / "read_package.R"), str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "data/figures.csv: 1 value(s) do not fit the descriptor's types" in proc.stderr
    assert "10x97" in proc.stderr


FRICTIONLESS = r"""
args <- commandArgs(trailingOnly = TRUE)
if (!requireNamespace("frictionless", quietly = TRUE)) {
  cat("{\"installed\": false}")
  quit(status = 0)
}
package <- frictionless::read_package(file.path(args[2], "datapackage.json"))
out <- list(installed = TRUE)
for (table in vapply(package$resources, function(r) r$name, "")) {
  data <- suppressMessages(frictionless::read_resource(package, table))
  out[[table]] <- list(rows = nrow(data), classes = lapply(data, function(x) class(x)[1]))
}
cat(jsonlite::toJSON(out, auto_unbox = TRUE))
"""


def test_frictionless_r_reads_our_descriptor_when_installed(root, synthetic, tmp_path):
    """The frictionless R package is not in Debian; where it is installed, its
    read_package/read_resource read every table with the same types (integers as doubles)."""
    folder, dump = synthetic
    got = run_r(root, folder, FRICTIONLESS, tmp_path)
    if not got["installed"]:
        pytest.skip("the frictionless R package is not installed")
    for m in TABLES:
        mine = {k: v["class"] for k, v in dump[m.table_name]["columns"].items()}
        expected = {k: "numeric" if c == "integer" else c for k, c in mine.items()}
        assert got[m.table_name]["rows"] == dump[m.table_name]["rows"], m.table_name
        assert got[m.table_name]["classes"] == expected, m.table_name


def test_the_readme_recipe_runs(root, synthetic, tmp_path):
    from tests.test_load_pandas import readme_recipe

    folder = tmp_path / "package"
    shutil.copytree(synthetic[0], folder)
    shutil.copytree(root / "R", folder / "R")
    script = tmp_path / "recipe.R"
    show = (
        "cat(class(articles$published), class(articles$genre), nrow(tables$figures), "
        'names(tables)[1], "\\n")\n'
    )
    script.write_text(readme_recipe(root, "tests/test_load_r.py") + show, encoding="utf-8")
    proc = subprocess.run(
        [rscript(), "--vanilla", str(script)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["Date", "factor", "2", "articles"]
