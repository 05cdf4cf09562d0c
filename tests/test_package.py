"""The published package: reproducible, valid, hash-stamped, typed, CSV = Parquet."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_dataset.docs import DOC_FILES
from build_dataset.models import BY_NAME, TABLES
from build_dataset.pipeline import CACHE_FILE, _in_thread, _intact, build, fingerprint, in_child
from build_dataset.publish import extra_schema_files
from build_dataset.schema import arrow_schema, columns, json_schema, table_schema
from tests.test_bad_input import A0, put_text, raw
from tests.test_ci import change_one_byte

PUBLISHED_DIRS = ("data", "schema")


def published_files(folder):
    files = {"datapackage.json"}
    for d in PUBLISHED_DIRS:
        files |= {f"{d}/{p.name}" for p in (folder / d).iterdir() if p.is_file()}
    # docs/ also holds hand-written pages: only the generated ones are published files
    return files | {rel for rel in DOC_FILES if (folder / rel).is_file()}


def test_rebuild_reproduces_committed_files_byte_for_byte(root, rebuilt):
    committed, fresh = published_files(root), published_files(rebuilt)
    assert committed == fresh
    for rel in sorted(committed):
        assert (root / rel).read_bytes() == (rebuilt / rel).read_bytes(), rel


def test_frictionless_validate_says_valid(root):
    exe = [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"]
    proc = subprocess.run(exe, cwd=root, capture_output=True, text=True)
    report = json.loads(proc.stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    assert proc.returncode == 0
    assert len(report["tasks"]) == len(TABLES)


def test_every_file_has_matching_bytes_and_sha256(root):
    desc = json.loads((root / "datapackage.json").read_text())
    seen = 0
    for res in desc["resources"]:
        for entry in (res, res["parquet"]):
            data = (root / entry["path"]).read_bytes()
            assert entry["bytes"] == len(data), entry["path"]
            assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), entry["path"]
            seen += 1
    assert seen == 2 * len(TABLES)


def test_one_resource_per_table_with_keys(root):
    desc = json.loads((root / "datapackage.json").read_text())
    names = [r["name"] for r in desc["resources"]]
    assert names == [m.table_name for m in TABLES]
    by = {r["name"]: r for r in desc["resources"]}
    assert by["paragraphs"]["schema"]["primaryKey"] == ["article_id", "paragraph_no"]
    fks = by["figures"]["schema"]["foreignKeys"]
    assert {
        "fields": ["article_id"],
        "reference": {"resource": "articles", "fields": ["article_id"]},
    } in fks
    assert desc["version"] and desc["licenses"] and desc["sources"] and desc["contributors"]


def _csv_value(cell: str, kind: str):
    if cell == "":
        return None
    return {
        "integer": int,
        "number": float,
        "date": dt.date.fromisoformat,
        "boolean": lambda s: s == "true",
        "list": json.loads,
    }.get(kind, str)(cell)


@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.table_name)
def test_csv_and_parquet_hold_the_same_rows_and_columns(root, model):
    name = model.table_name
    table = pq.read_table(root / "data" / f"{name}.parquet")
    with open(root / "data" / f"{name}.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    cols = columns(model)
    assert rows[0] == [c.name for c in cols] == table.column_names
    assert len(rows) - 1 == table.num_rows
    parquet_rows = table.to_pylist()
    for cells, prow in zip(rows[1:], parquet_rows, strict=True):
        for cell, c in zip(cells, cols, strict=True):
            assert _csv_value(cell, c.kind) == prow[c.name], (name, c.name, cell)


@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.table_name)
def test_parquet_uses_real_arrow_types(root, model):
    schema = pq.read_schema(root / "data" / f"{model.table_name}.parquet")
    assert schema.equals(arrow_schema(model), check_metadata=False)
    for c in columns(model):
        t = schema.field(c.name).type
        expected = {
            "date": pa.date32(),
            "integer": pa.int64(),
            "number": pa.float64(),
            "string": pa.string(),
        }.get(c.kind)
        if c.kind == "enum":
            assert pa.types.is_dictionary(t)
        elif expected is not None:
            assert t == expected, c.name


def test_articles_published_is_date32(root):
    t = pq.read_table(root / "data" / "articles.parquet")
    assert t.schema.field("published").type == pa.date32()
    assert pa.types.is_dictionary(t.schema.field("genre").type)


def test_schema_folder_and_descriptor_do_not_drift_from_models(root):
    desc = json.loads((root / "datapackage.json").read_text())
    by = {r["name"]: r for r in desc["resources"]}
    for model in TABLES:
        name = model.table_name
        assert by[name]["schema"] == table_schema(model), name
        on_disk = json.loads((root / "schema" / f"{name}.schema.json").read_text())
        assert on_disk == json_schema(model), name
        on_disk = json.loads((root / "schema" / f"{name}.tableschema.json").read_text())
        assert on_disk == table_schema(model), name
    for fname, content in extra_schema_files().items():
        assert json.loads((root / "schema" / fname).read_text()) == content


def test_every_field_has_a_description():
    for model in TABLES:
        for c in columns(model):
            assert len(c.description) > 5, f"{model.table_name}.{c.name}"
        assert table_schema(model)["fields"]


def test_rows_are_sorted_by_primary_key(root):
    for name, model in BY_NAME.items():
        rows = pq.read_table(root / "data" / f"{name}.parquet").to_pylist()
        keys = [tuple(r[k] for k in model.primary_key) for r in rows]
        assert keys == sorted(keys), name
        assert len(set(keys)) == len(keys), name


def test_a_build_skipped_as_up_to_date_still_reports_the_uncurated_count(root, tmp_path):
    """The skip cache keeps the number of uncurated candidates (not the whole audit, which
    can be large), and the second build prints the same number as the first."""
    cmd = [sys.executable, "-m", "build_dataset", "build", "--sources", str(root / "sources")]
    cmd += ["--out", str(tmp_path / "out"), "--annotations", str(tmp_path / "none")]
    (tmp_path / "none").mkdir()
    first = subprocess.run(cmd, capture_output=True, text=True, check=True)
    second = subprocess.run(cmd, capture_output=True, text=True, check=True)
    counts = [
        [ln for ln in p.stderr.splitlines() if "automatic candidates not yet curated" in ln]
        for p in (first, second)
    ]
    assert counts[0] and counts[0] == counts[1]
    assert int(counts[0][0].split()[0]) > 0
    assert "up to date" in second.stderr and "up to date" not in first.stderr


def test_a_build_found_up_to_date_loads_no_heavy_library(root, tmp_path):
    """A build with nothing changed only hashes its inputs and outputs: it imports
    neither pyarrow nor pydantic nor PyYAML, nor the process pool (a third of its time)."""
    out, none = tmp_path / "out", tmp_path / "none"
    none.mkdir()
    build(root / "sources", out, none)
    code = (
        "import sys; from pathlib import Path; from build_dataset.pipeline import build; "
        f"r = build(Path({str(root / 'sources')!r}), Path({str(out)!r}), Path({str(none)!r})); "
        "print(r.skipped, sorted(m for m in ('pyarrow', 'pydantic', 'yaml', "
        "'concurrent.futures.process') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["True", "[]"]


@pytest.mark.parametrize("change", ["nothing", "an output's byte", "an output gone", "a source"])
def test_a_build_is_skipped_only_if_inputs_and_outputs_are_as_recorded(sources_copy, change):
    """The stamp's fingerprint (inputs) and the published files' SHA-256 (outputs, hashed
    meanwhile by a thread) must both hold for a build to be skipped; a skipped build
    leaves the files alone, a build made again restores the one changed."""
    sources, out, none = sources_copy / "sources", sources_copy / "out", sources_copy / "none"
    none.mkdir()
    build(sources, out, none)
    figures = out / "data" / "figures.csv"
    before = figures.read_bytes()
    if change == "an output's byte":
        change_one_byte(figures)
    elif change == "an output gone":
        figures.unlink()
    elif change == "a source":  # one more paragraph, its new SHA-256 in the manifest
        put_text(sources_copy, A0, raw(sources_copy, A0) + b"\nOne more paragraph.\n")
    again = build(sources, out, none)
    assert again.skipped == (change == "nothing")
    if change != "a source":
        assert figures.read_bytes() == before
    recorded = json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))
    assert recorded["fingerprint"] == fingerprint(sources, none)[0]


def test_the_output_check_runs_in_a_thread(tmp_path):
    """`_intact` in a thread (`_in_thread`): its result or its error comes back."""
    (tmp_path / "a.csv").write_bytes(b"x")
    recorded = {"files": {"a.csv": hashlib.sha256(b"x").hexdigest()}}
    assert _in_thread(_intact, tmp_path, recorded)() is True
    (tmp_path / "a.csv").write_bytes(b"y")
    assert _in_thread(_intact, tmp_path, recorded)() is False
    with pytest.raises(ValueError):
        _in_thread(int, "not a number")()


def test_the_fingerprint_hashed_in_a_child_process_is_the_one_recorded(root, rebuilt):
    """A build into a folder without a stamp hashes its inputs in a child process while
    it gets ready (`in_child`): the stamp records the fingerprint hashed here, and errors
    in the child are raised in the parent."""
    recorded = json.loads((rebuilt / CACHE_FILE).read_text(encoding="utf-8"))
    assert recorded["fingerprint"] == fingerprint(root / "sources", root / "annotations")[0]
    assert in_child(sorted, [3, 1, 2])() == [1, 2, 3]
    with pytest.raises(FileNotFoundError):
        in_child(fingerprint, root / "no such folder", None)()


def _broken_rows(model, row: dict) -> list[dict]:
    """Variants of a valid row, each breaking one rule of the model's fields."""
    out = [{**row, "unexpected": 1}]  # extra column
    for name, field in model.model_fields.items():
        out.append({k: v for k, v in row.items() if k != name})  # missing column
        out.append({**row, name: [1]})  # a list where no field takes one
        if field.annotation in (int, float) or name in ("char_start", "char_end"):
            out.append({**row, name: -1})  # below a minimum, where there is one
        if isinstance(row[name], str):
            out += [{**row, name: ""}, {**row, name: "not an id!"}, {**row, name: None}]
    return out


@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.table_name)
def test_rows_are_validated_by_the_same_rules_as_the_models(root, model):
    """The builder validates rows against a TypedDict made from each model (faster than
    building model instances): it must accept and reject exactly what the model does."""
    from pydantic import TypeAdapter, ValidationError

    from build_dataset.assemble import row_type

    adapter = TypeAdapter(row_type(model))
    rows = pq.read_table(root / "data" / f"{model.table_name}.parquet").to_pylist()[:20]
    if not rows:
        pytest.skip(f"{model.table_name} has no rows to vary")
    tried = rejected = 0
    for row in rows[:3] + [r for base in rows[:2] for r in _broken_rows(model, base)]:
        try:
            model.model_validate(row)
            expected = None
        except ValidationError as e:
            expected = sorted((err["loc"], err["type"]) for err in e.errors())
        try:
            adapter.validate_python(row)
            got = None
        except ValidationError as e:
            got = sorted((err["loc"], err["type"]) for err in e.errors())
        assert got == expected, (model.table_name, row)
        tried += 1
        rejected += expected is not None
    assert rejected > tried // 2  # the variants do break rules


@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.table_name)
def test_table_models_have_no_validators_beyond_their_fields(model):
    """The builder validates rows and columns against TypedDicts made of the models'
    fields (assemble.row_type, column_type), which would skip a model's own validators or
    serializers: a table model that gains one must be validated otherwise."""
    found = model.__pydantic_decorators__
    assert not any(
        (
            found.validators,
            found.field_validators,
            found.root_validators,
            found.model_validators,
            found.field_serializers,
            found.model_serializers,
            found.computed_fields,
        )
    ), model.table_name


@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.table_name)
def test_rows_validated_the_fast_way_get_the_exact_verdicts(root, model):
    """The builder validates rows as columns (faster) when each has exactly the model's
    fields as keys: its values and errors must be those of the exact row validator, also
    for a row that lacks a column and has an unknown one instead; and rows given as
    columns (as a worker makes them) must make the same part as the same rows."""
    from pydantic import TypeAdapter, ValidationError

    from build_dataset.assemble import _validate, make_part, make_part_of_columns, row_type

    exact = TypeAdapter(list[row_type(model)])
    rows = pq.read_table(root / "data" / f"{model.table_name}.parquet").to_pylist()[:20]
    if not rows:
        pytest.skip(f"{model.table_name} has no rows to vary")
    swapped = [
        {**{k: v for k, v in rows[0].items() if k != name}, "unexpected": 1}
        for name in model.model_fields
    ]
    for batch in [rows, *([rows[0], r] for r in _broken_rows(model, rows[0]) + swapped)]:
        try:
            records = exact.validate_python(batch)
            expected = {k: [r[k] for r in records] for k in model.model_fields}, []
        except ValidationError as e:
            expected = (
                None,
                [
                    (err["loc"][0], ".".join(map(str, err["loc"][1:])) or "row", err["msg"])
                    for err in e.errors()
                ],
            )
        valid, errors = _validate(model, batch)
        assert (valid, [(row, col, msg) for row, col, _, msg in errors]) == expected, batch
        part = make_part(model.table_name, batch)
        if all(r.keys() == batch[0].keys() for r in batch):
            columns = {k: [r[k] for r in batch] for k in batch[0]}
            by_columns = make_part_of_columns(model.table_name, columns)
            assert by_columns[1:] == part[1:], batch
            assert (by_columns[0] is None) == (part[0] is None), batch
            assert part[0] is None or by_columns[0].equals(part[0]), batch


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "a-b", "a_b", "b", "ab"]), st.integers(1, 4)),
        unique=True,
        max_size=12,
    )
)
def test_tables_come_out_in_key_order_whatever_the_order_of_their_rows(keys):
    """Rows in any order (already sorted ones are not sorted again) come out sorted by
    (article_id, paragraph_no), as Python sorts them."""
    from build_dataset.assemble import table_from_rows

    model = BY_NAME["paragraphs"]
    rows = [
        {
            "article_id": a,
            "paragraph_no": n,
            "kind": "body",
            "text": "x",
            "char_start": 0,
            "char_end": 1,
            "repeat_count": 1,
            "source_line": 1,
        }
        for a, n in keys
    ]
    for given_rows in (rows, sorted(rows, key=lambda r: (r["article_id"], r["paragraph_no"]))):
        table = table_from_rows(model, given_rows)
        got = list(
            zip(table["article_id"].to_pylist(), table["paragraph_no"].to_pylist(), strict=True)
        )
        assert got == sorted(keys)


def test_extract_batch_holds_every_candidate_in_arrow(root):
    """`extract_batch`, the pure function a distributed engine runs: one record batch per
    kind, the article's id then the candidate's fields with their Arrow types, a row per
    candidate in article order, the values of `extract` (also for no articles)."""
    import dataclasses

    from build_dataset import curate, ingest, pipeline
    from build_dataset.errors import Problems
    from build_dataset.extract import extract

    problems = Problems()
    ann = curate.load(root / "annotations", problems)
    gjson = json.dumps(curate.gazetteer_entries(ann), ensure_ascii=False, sort_keys=True)
    articles = ingest.ingest(root / "sources", problems)
    for batch in (articles, articles[:1], []):
        found = pipeline.extract_batch(pipeline.article_batch(batch), gjson)
        assert list(found) == list(pipeline.CANDIDATE_TYPES)
        gazetteer = pipeline._gazetteer(gjson)
        for kind, types in pipeline.CANDIDATE_TYPES.items():
            fields = [(f, getattr(pa, t)()) for f, t in types.items()]
            schema = pa.schema([("article_id", pa.string()), *fields])
            assert found[kind].schema.equals(schema)
            expected = [
                {"article_id": a.article_id, **dataclasses.asdict(c)}
                for a in batch
                for c in getattr(extract(a.text, a.published, gazetteer), kind)
            ]
            assert found[kind].to_pylist() == expected
            assert expected or not batch  # the seeds have candidates of every kind


def test_a_batch_comes_back_from_a_worker_as_it_was_made(root):
    """A worker's `Batch` crosses to the main process pickled at the process pool's
    protocol (its parts' Arrow batches as IPC streams): the same parts come out, enum
    columns with their whole vocabulary, and a part of invalid rows with its problems."""
    import pickle

    from build_dataset.assemble import make_part
    from build_dataset.pipeline import Batch

    rows = pq.read_table(root / "data" / "figures.parquet").to_pylist()[:5]
    good = make_part("figures", rows)
    bad = make_part("figures", [{**rows[0], "qualifier": "exactly"}])
    assert good[0] is not None and bad[0] is None and bad[2]
    batch = Batch(
        ["a"], {"figures": good, "quotes": bad}, {"names": []}, {}, {"x": ("X", "person")}, []
    )
    back = pickle.loads(pickle.dumps(batch, protocol=4))
    assert back.parts["figures"][0].equals(good[0])
    assert back.parts["figures"][0].schema.equals(good[0].schema)
    assert back.parts["figures"][1:] == good[1:]
    assert back.parts["quotes"] == bad
    assert (back.ids, back.deferred, back.speakers, back.names, back.problems) == (
        batch.ids,
        batch.deferred,
        batch.speakers,
        batch.names,
        batch.problems,
    )
