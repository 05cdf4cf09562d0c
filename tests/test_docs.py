"""The generated docs: data dictionary, dataset card and timeline match the models and data."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import build_dataset
from build_dataset import docs
from build_dataset.models import TABLES
from build_dataset.publish import publish
from build_dataset.schema import columns, enum_meanings
from tests.synthetic import CENTENARY, FOUNDING, synthetic_rows, synthetic_tables

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def committed_docs(root) -> dict[str, str]:
    return {rel: (root / rel).read_text(encoding="utf-8") for rel in docs.DOC_FILES}


@pytest.fixture(scope="module")
def synthetic(root) -> dict[str, list[dict]]:
    return {name: t.to_pylist() for name, t in synthetic_tables(root).items()}


def test_committed_docs_are_what_the_builder_generates_from_the_committed_data(root):
    generated = docs.render(docs.read_tables(root))
    assert sorted(generated) == sorted(docs.DOC_FILES)
    for rel, content in generated.items():
        assert (root / rel).read_bytes() == content, (
            f"{rel} is stale: `make data` (or `python -m build_dataset.docs`) regenerates it"
        )


def test_rendering_is_deterministic(root, synthetic):
    tables = docs.read_tables(root)
    assert docs.render(tables) == docs.render(tables)
    assert docs.timeline_svg(synthetic) == docs.timeline_svg(synthetic)


def test_every_field_and_enum_value_is_described_in_the_dictionary(committed_docs):
    dictionary = committed_docs[docs.DICTIONARY]
    for model in TABLES:
        section = dictionary.split(f"\n## {model.table_name}\n", 1)[1].split("\n## ", 1)[0]
        for c in columns(model):
            assert len(c.description) > 5, f"{model.table_name}.{c.name}"
            row = f"| `{c.name}` |"
            assert row in section, f"{model.table_name}.{c.name} not in the dictionary"
            line = next(x for x in section.splitlines() if x.startswith(row))
            assert docs._cell(c.description) in line, f"{model.table_name}.{c.name}"
            for value, meaning in enum_meanings(model, c.name).items():
                assert f"| `{value}` | {docs._cell(meaning)} |" in section, (c.name, value)
        assert "Primary key: " + ", ".join(f"`{k}`" for k in model.primary_key) in section
        for _, table, _ in model.foreign_keys:
            assert f"[`{table}`](#{table})" in section


def test_dictionary_example_row_is_the_first_row(root, committed_docs):
    section = committed_docs[docs.DICTIONARY].split("\n## articles\n", 1)[1]
    first = pq.read_table(root / "data" / "articles.parquet").to_pylist()[0]
    assert f"| `article_id` | `{first['article_id']}` |" in section
    assert f"| `published` | `{first['published']}` |" in section
    text_line = next(x for x in section.splitlines() if x.startswith("| `text` | `"))
    assert len(text_line) < docs.EXAMPLE_WIDTH + 30 and text_line.endswith(" …` |")


def test_dataset_card_matches_the_data(root, committed_docs):
    card = committed_docs[docs.CARD]
    assert f"acftu-discourse {build_dataset.__version__}" in card
    tables = docs.read_tables(root)
    for m in TABLES:
        assert f"| {m.table_name} | {tables[m.table_name].num_rows} |" in card
    published = tables["articles"].column("published").to_pylist()
    assert f"Articles published from {min(published)} to {max(published)}" in card
    for outlet in set(tables["articles"].column("outlet").to_pylist()):
        n = tables["articles"].column("outlet").to_pylist().count(outlet)
        assert re.search(rf"^\| {re.escape(outlet)} \| {n} \|", card, re.M), outlet
    for heading in (
        "## How the records were made",
        "## Known limits",
        "## How to cite",
        "## Licence and the sources' terms",
    ):
        assert heading in card
    assert f"(Version {build_dataset.__version__})" in card
    assert "English translations" in card and "State-media perspective" in card


def test_dataset_card_counts_statuses(synthetic):
    card = docs.dataset_card(synthetic)
    assert "| figures | 1 (50%) | 1 (50%) | 0 (0%) | 2 |" in card
    assert "Events dated from 1925-01-01 to 2025-04-28 (2 events)." in card


def _svg(text: str) -> ET.Element:
    return ET.fromstring(text)


def test_timeline_draws_one_row_per_event_with_its_sources(synthetic):
    svg = _svg(docs.timeline_svg(synthetic))
    rows = {g.get("id"): g for g in svg.iter(f"{SVG}g") if g.get("id")}
    assert list(rows) == [FOUNDING, CENTENARY]  # in date order
    founding = rows[FOUNDING]
    texts = " ".join("".join(t.itertext()) for t in founding.iter(f"{SVG}text"))
    assert "1925" in texts and "Founding of the ACFTU" in texts
    assert "reported by China Daily 2025-04-29" in texts
    bar = founding.find(f"{SVG}rect")  # a year-precision event is a bar over its year
    year_labels = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "year"]
    assert [t.text for t in year_labels] == ["1925", "⋯", "2025"]
    band = next(
        r
        for r in svg.iter(f"{SVG}rect")
        if r.get("height") and r.get("width") and float(r.get("x", 0)) == float(bar.get("x"))
    )
    assert float(bar.get("width")) == pytest.approx(float(band.get("width")), abs=0.2)
    assert rows[CENTENARY].find(f"{SVG}circle") is not None  # a one-day event is a dot
    for g in rows.values():
        assert len(g.findall(f"{SVG}g/{SVG}polygon")) == 1  # one source article each


def test_timeline_with_many_sources_and_no_events(synthetic):
    rows = dict(synthetic)
    rows["event_sources"] = rows["event_sources"] + [
        {**rows["event_sources"][1], "event_id": FOUNDING, "article_id": "002_3f648d3e960a32f1"}
    ]
    svg = _svg(docs.timeline_svg(rows))
    founding = next(g for g in svg.iter(f"{SVG}g") if g.get("id") == FOUNDING)
    titles = [t.text for t in founding.iter(f"{SVG}title")]
    assert any(t.startswith("Qiushi Journal, 2024-07-04") for t in titles)
    assert any(t.startswith("China Daily, 2025-04-29") for t in titles)

    no_events = {**synthetic, "events": [], "event_sources": []}
    svg = _svg(docs.timeline_svg(no_events))
    ids = [g.get("id") for g in svg.iter(f"{SVG}g") if g.get("id")]
    assert ids == sorted(
        ids,
        key=lambda a: next(r["published"] for r in synthetic["articles"] if r["article_id"] == a),
    )
    assert len(ids) == len(synthetic["articles"])
    assert "No events have been curated" in "".join(svg.itertext())

    empty = {name: [] for name in no_events}
    assert "No events" in "".join(_svg(docs.timeline_svg(empty)).itertext())


def test_rows_for_the_timeline_are_those_of_to_pylist():
    """The timeline's rows are made a column at a time (dates and enums decoded faster
    than pyarrow's `to_pylist` does): the same values, missing ones included."""
    part = pa.table(
        {
            "published": pa.array([dt.date(2020, 1, 2), None, dt.date(1925, 5, 1)], pa.date32()),
            "genre": pa.array(["news", None, "speech"]).dictionary_encode(),
            "title": ["a", "b", None],
        }
    )
    table = pa.concat_tables([part, part.slice(1)])  # several chunks
    assert docs._pylist(table) == table.to_pylist()
    assert docs._pylist(table.slice(0, 0)) == []


def test_publish_writes_the_docs_and_keeps_hand_written_pages(root, tmp_path):
    tables = synthetic_tables(root)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "benchmarks.md").write_text("# hand-written\n")
    files = publish(tables, tmp_path)
    assert set(docs.DOC_FILES) <= set(files)
    for rel, content in docs.render(tables).items():
        assert (tmp_path / rel).read_bytes() == content
    fewer = {**tables, "events": tables["events"].slice(0, 1)}
    fewer["event_sources"] = tables["event_sources"].slice(0, 1)
    publish(fewer, tmp_path)
    assert (tmp_path / "docs" / "benchmarks.md").read_text() == "# hand-written\n"
    assert CENTENARY not in (tmp_path / docs.TIMELINE).read_text()
    assert FOUNDING in (tmp_path / docs.TIMELINE).read_text()


def test_readme_shows_the_timeline_and_points_to_the_card(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "![Timeline of events](docs/timeline.svg)" in readme
    assert readme.index("![Timeline of events]") < readme.index("## Two commands")
    assert "## Dataset card" in readme and "docs/dataset-card.md" in readme
    assert "docs/data-dictionary.md" in readme


def test_synthetic_fixture_spans_are_real(root):
    """The synthetic rows the docs and loading tests use are valid evidence spans."""
    rows = synthetic_rows(root)
    assert rows["events"][0]["date_end"] - rows["events"][0]["date_start"] == dt.timedelta(364)


def test_the_card_cites_like_build_dataset_cite(root, committed_docs):
    from build_dataset.release import citation, format_citation

    assert f"> {format_citation(citation(root), 'apa')}\n" in committed_docs[docs.CARD]
