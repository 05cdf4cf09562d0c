"""A small, valid package with a row in every table, for the loading and docs tests.

The articles and paragraphs are the committed ones; the other tables hold a few records
written here by hand over real spans of article 000 (so every span check holds), with the
things a loader must get right: missing values in optional dates, integers and strings,
lists, every enum column, a year-precision event. Auto-extracted tables in data/ change as
extraction and curation land; these rows do not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from build_dataset.assemble import table_from_rows
from build_dataset.check import check_tables
from build_dataset.models import BY_NAME
from build_dataset.publish import publish

A0 = "000_21a81d94c626cbf0"
FOUNDING, CENTENARY = "1925-acftu-founding", "2025-04-28-acftu-centenary"


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def synthetic_rows(root: Path) -> dict[str, list[dict]]:
    arts = pq.read_table(root / "data" / "articles.parquet").to_pylist()
    text = next(a["text"] for a in arts if a["article_id"] == A0)

    def at(needle: str) -> dict:
        s, e = _span(text, needle)
        return {"article_id": A0, "char_start": s, "char_end": e}

    def fid(row: dict) -> str:
        return f"{A0}:{row['char_start']}-{row['char_end']}"

    quote = text[text.index('"The practice') : text.index('CPC,"') + 5]
    members, nearly, monday = at("540,000"), at("nearly 300 million"), at("on Monday")
    xi, said = at("Xi Jinping"), at(quote)
    return {
        "entities": [
            {
                "entity_id": "acftu",
                "name": "All-China Federation of Trade Unions",
                "entity_type": "organization",
                "aliases": ["ACFTU", "the federation"],
                "description": "China's national trade union federation.",
                "status": "curated",
            },
            {
                "entity_id": "beijing",
                "name": "Beijing",
                "entity_type": "place",
                "aliases": [],
                "description": None,
                "status": "auto",
            },
            {
                "entity_id": "xi-jinping",
                "name": "Xi Jinping",
                "entity_type": "person",
                "aliases": ["Xi"],
                "description": None,
                "status": "curated",
            },
        ],
        "mentions": [
            {
                "mention_id": fid(xi),
                "entity_id": "xi-jinping",
                **xi,
                "text": "Xi Jinping",
                "status": "curated",
            }
        ],
        "events": [
            {
                "event_id": FOUNDING,
                "title": "Founding of the ACFTU",
                "event_type": "founding",
                "date_start": dt.date(1925, 1, 1),
                "date_end": dt.date(1925, 12, 31),
                "date_precision": "year",
                "location": None,
                "location_id": None,
                "description": None,
                "parent_event_id": None,
            },
            {
                "event_id": CENTENARY,
                "title": "Gathering for the ACFTU's 100th anniversary",
                "event_type": "anniversary",
                "date_start": dt.date(2025, 4, 28),
                "date_end": dt.date(2025, 4, 28),
                "date_precision": "day",
                "location": "Beijing",
                "location_id": "beijing",
                "description": "Xi Jinping spoke.",
                "parent_event_id": None,
            },
        ],
        "event_sources": [
            {"event_id": FOUNDING, **at("founded in 1925"), "evidence": "founded in 1925"},
            {
                "event_id": CENTENARY,
                **at("made the remarks on Monday"),
                "evidence": "made the remarks on Monday",
            },
        ],
        "event_participants": [
            {"event_id": CENTENARY, "entity_id": "xi-jinping", "role": "speaker"}
        ],
        "figures": [
            {
                "figure_id": fid(members),
                **members,
                "value": 540000.0,
                "value_text": "540,000",
                "qualifier": "exact",
                "kind": "count",
                "unit": "members",
                "measure": "ACFTU membership",
                "subject_id": "acftu",
                "event_id": FOUNDING,
                "as_of": dt.date(1925, 1, 1),
                "as_of_precision": "year",
                "status": "curated",
                "note": None,
            },
            {
                "figure_id": fid(nearly),
                **nearly,
                "value": 300000000.0,
                "value_text": "nearly 300 million",
                "qualifier": "nearly",
                "kind": "count",
                "unit": None,
                "measure": None,
                "subject_id": None,
                "event_id": None,
                "as_of": None,
                "as_of_precision": None,
                "status": "auto",
                "note": None,
            },
        ],
        "quotes": [
            {
                "quote_id": fid(said),
                **said,
                "speaker_id": "xi-jinping",
                "text": quote,
                "event_id": CENTENARY,
                "status": "curated",
                "note": None,
            }
        ],
        "date_mentions": [
            {
                "mention_id": fid(monday),
                **monday,
                "text": "on Monday",
                "value_start": dt.date(2025, 4, 28),
                "value_end": dt.date(2025, 4, 28),
                "precision": "day",
                "resolution": "relative",
                "status": "auto",
                "note": None,
            }
        ],
    }


def synthetic_tables(root: Path) -> dict[str, pa.Table]:
    rows = synthetic_rows(root)
    tables = {
        name: pq.read_table(root / "data" / f"{name}.parquet")
        for name in ("articles", "paragraphs")
    }
    tables |= {
        name: table_from_rows(model, rows.get(name, []))
        for name, model in BY_NAME.items()
        if name not in tables
    }
    problems = check_tables(tables)
    assert not problems, [str(p) for p in problems]
    return tables


def publish_synthetic(root: Path, out: Path) -> Path:
    """Publish the synthetic package into `out` (with its docs) and return `out`."""
    publish(synthetic_tables(root), out)
    return out
