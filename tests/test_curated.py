"""The curated layer of the published package: annotations laid over the automatic one.

Facts are checked on the committed package (data/*.parquet) against what the five seed
sources say; the audit, the evidence check and a new unannotated source are checked on
fresh builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from functools import cache
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from build_dataset import cli
from build_dataset.errors import BuildFailed
from build_dataset.models import BY_NAME
from build_dataset.pipeline import make_tables

from .conftest import ROOT

A0, A1, A2, A3, A4 = (
    "000_21a81d94c626cbf0",
    "001_6263109a809d4f35",
    "002_3f648d3e960a32f1",
    "003_fc003b9c926bb22b",
    "004_0ec577e8d3cc6e80",
)
D = dt.date.fromisoformat


@cache
def rows(table: str, root: Path = ROOT) -> list[dict]:
    return pq.read_table(root / "data" / f"{table}.parquet").to_pylist()


def entity_id(name: str) -> str:
    (eid,) = [e["entity_id"] for e in rows("entities") if e["name"] == name]
    return eid


def event(event_type: str, date_start: str, **where) -> dict:
    found = [
        e
        for e in rows("events")
        if e["event_type"] == event_type
        and e["date_start"] == D(date_start)
        and all(e[k] == v for k, v in where.items())
    ]
    assert len(found) == 1, (event_type, date_start, found)
    return found[0]


def figure(article: str, value_text: str, nth: int = 1) -> dict:
    found = sorted(
        (
            f
            for f in rows("figures")
            if f["article_id"] == article and f["value_text"] == value_text
        ),
        key=lambda f: f["char_start"],
    )
    assert len(found) >= nth, (article, value_text, found)
    return found[nth - 1]


def date_mention(article: str, text: str, nth: int = 1) -> dict:
    found = sorted(
        (d for d in rows("date_mentions") if d["article_id"] == article and d["text"] == text),
        key=lambda d: d["char_start"],
    )
    assert len(found) >= nth, (article, text, found)
    return found[nth - 1]


ACFTU = "All-China Federation of Trade Unions"


# ---------------------------------------------------------------- the audit


@pytest.fixture(scope="module")
def seeds_build():
    return make_tables(ROOT / "sources", ROOT / "annotations")


def test_audit_of_the_seeds_is_empty(seeds_build):
    _, audit = seeds_build
    assert audit == []


@pytest.mark.parametrize("table", ["figures", "date_mentions", "quotes", "mentions", "entities"])
def test_no_record_of_the_seeds_is_left_auto(table):
    left = [r for r in rows(table) if r["status"] == "auto"]
    assert left == []


@pytest.mark.parametrize("table", ["figures", "date_mentions"])
def test_dismissed_rows_say_why(table):
    dismissed = [r for r in rows(table) if r["status"] == "dismissed"]
    assert all(r["note"] and r["note"].strip() for r in dismissed), dismissed


def test_every_curated_figure_says_what_it_measures():
    curated = [f for f in rows("figures") if f["status"] == "curated"]
    assert curated
    assert [f for f in curated if not f["measure"]] == []


@pytest.mark.parametrize(
    "model", [m for m in BY_NAME.values() if m.span_text_column], ids=lambda m: m.table_name
)
def test_every_span_reproduces_its_text(model):
    texts = {a["article_id"]: a["text"] for a in rows("articles")}
    column = model.span_text_column
    for r in rows(model.table_name):
        assert texts[r["article_id"]][r["char_start"] : r["char_end"]] == r[column], r


# ---------------------------------------------------------------- figures


def test_membership_at_the_founding():
    f = figure(A0, "540,000")
    assert f["value"] == 540000 and f["qualifier"] == "exact" and f["kind"] == "count"
    assert f["measure"]
    assert f["subject_id"] == entity_id(ACFTU)
    assert (f["as_of"], f["as_of_precision"]) == (D("1925-01-01"), "year")
    assert f["event_id"] == event("founding", "1925-01-01")["event_id"]


def test_membership_today():
    f = figure(A0, "nearly 300 million")
    assert (f["value"], f["qualifier"], f["kind"]) == (300_000_000, "nearly", "count")
    assert f["measure"] == figure(A0, "540,000")["measure"]
    assert f["subject_id"] == entity_id(ACFTU)
    assert (f["as_of"], f["as_of_precision"]) == (D("2025-04-29"), "day")  # "currently"


def test_model_workers_belong_to_the_2025_ceremony():
    ceremony = event("award_ceremony", "2025-04-28")
    for text, value in (("1,670", 1670), ("756", 756)):
        f = figure(A0, text)
        assert (f["value"], f["kind"], f["event_id"]) == (value, "count", ceremony["event_id"])
    assert figure(A0, "17th")["event_id"] == ceremony["event_id"]


def test_first_ceremony_and_five_yearly_cycle():
    first = figure(A0, "first")
    assert (first["value"], first["kind"]) == (1, "ordinal")
    assert first["event_id"] == event("award_ceremony", "1950-01-01")["event_id"]
    cycle = figure(A0, "every five years")
    assert (cycle["value"], cycle["kind"], cycle["unit"]) == (5, "frequency", "years")
    assert (cycle["as_of"], cycle["as_of_precision"]) == (D("1995-01-01"), "year")


def test_delegates_at_the_congress_opening():
    f = figure(A4, "about 2,000")
    assert (f["value"], f["qualifier"], f["kind"], f["unit"]) == (
        2000,
        "approximately",
        "count",
        "delegates",
    )
    opening = event("congress", "2023-10-09")
    assert f["event_id"] == opening["event_id"]


def test_ordinal_17th_is_not_a_date():
    f = figure(A0, "17th")
    assert (f["value"], f["kind"], f["status"]) == (17, "ordinal", "curated")
    overlapping = [
        d
        for d in rows("date_mentions")
        if d["article_id"] == A0
        and d["char_start"] < f["char_end"]
        and f["char_start"] < d["char_end"]
    ]
    assert overlapping == []


def test_vague_magnitudes_and_the_headline_figure():
    for article, nth in ((A1, 1), (A1, 2), (A2, 1), (A2, 2)):
        f = figure(article, "hundreds of millions", nth)
        assert (f["value"], f["qualifier"], f["kind"]) == (100_000_000, "vague", "count")
    headline = figure(A2, "Hundreds of Millions")  # in the title of 002
    assert (headline["value"], headline["qualifier"], headline["unit"]) == (
        100_000_000,
        "vague",
        "workers",
    )
    (title,) = [p for p in rows("paragraphs") if p["article_id"] == A2 and p["kind"] == "title"]
    assert title["char_start"] <= headline["char_start"] < title["char_end"]


def test_section_numbers_of_the_remarks_are_not_curated_figures():
    """'1.', '2.', '3.' open the sections of Xi's remarks (002): text structure, not facts.
    The extraction may or may not offer them; a curator never keeps one."""
    headings = [
        p
        for p in rows("paragraphs")
        if p["article_id"] == A2 and p["kind"] == "body" and p["text"][:3] in ("1. ", "2. ", "3. ")
    ]
    assert len(headings) == 3
    for p in headings:
        on_number = [
            f
            for f in rows("figures")
            if f["article_id"] == A2 and f["char_start"] == p["char_start"]
        ]
        assert all(f["status"] == "dismissed" for f in on_number), on_number


def test_congress_ordinals_point_at_their_congress():
    cpc_congress = event("congress", "2012-01-01")["event_id"]
    acftu_congress = event("congress", "2023-10-01")["event_id"]
    assert figure(A1, "18th")["event_id"] == cpc_congress
    assert figure(A2, "18th", 1)["event_id"] == cpc_congress
    assert figure(A2, "18th", 2)["event_id"] == acftu_congress  # "of Chinese Trade Unions"
    assert {figure(A3, "18th", n)["event_id"] for n in range(1, 6)} == {cpc_congress}
    assert {figure(A4, "18th", n)["event_id"] for n in range(1, 4)} == {acftu_congress}


# ---------------------------------------------------------------- events


def test_the_talk_of_october_23_2023_has_exactly_two_sources():
    talk = event("talk", "2023-10-23")
    sources = [s for s in rows("event_sources") if s["event_id"] == talk["event_id"]]
    assert sorted(s["article_id"] for s in sources) == [A1, A2]


def test_acftu_founding_is_dated_to_the_year():
    founding = event("founding", "1925-01-01")
    assert (founding["date_end"], founding["date_precision"]) == (D("1925-12-31"), "year")
    participants = {
        p["entity_id"] for p in rows("event_participants") if p["event_id"] == founding["event_id"]
    }
    assert entity_id(ACFTU) in participants


# ---------------------------------------------------------------- quotes

QUOTES = {  # opening words -> (speaker, event the words were said at, or None)
    '"The practice over the past 100 years': ("Xi Jinping", ("speech", "2025-04-28")),
    '"Regardless of how the conditions': ("Xi Jinping", ("speech", "2025-04-28")),
    '"Offshore extraction is full of challenges': ("Chen Keying", None),
    '"I feel that the power of an individual': ("Gao Feng", None),
    '"The working class forms the most solid': ("Cai Qi", ("speech", "2023-10-09")),
}


def test_every_quote_has_its_speaker_and_event():
    quotes = rows("quotes")
    assert len(quotes) == len(QUOTES)
    for q in quotes:
        (opening,) = [o for o in QUOTES if q["text"].startswith(o)]
        speaker, said_at = QUOTES[opening]
        assert q["speaker_id"] == entity_id(speaker), q["text"]
        assert q["status"] == "curated"
        if said_at is None:
            assert q["event_id"] is None and q["note"], q["text"]
        else:
            ev = [e for e in rows("events") if e["event_id"] == q["event_id"]]
            assert ev and (ev[0]["event_type"], ev[0]["date_start"]) == (
                said_at[0],
                D(said_at[1]),
            ), q["text"]
            speakers = {
                p["entity_id"]
                for p in rows("event_participants")
                if p["event_id"] == q["event_id"] and p["role"] == "speaker"
            }
            assert entity_id(speaker) in speakers


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "article, text, nth, start, end, precision",
    [
        (A0, "April 29, 2025", 1, "2025-04-29", "2025-04-29", "day"),
        (A0, "Monday", 1, "2025-04-28", "2025-04-28", "day"),
        (A0, "Monday", 4, "2025-04-28", "2025-04-28", "day"),  # "Monday's event"
        (A0, "this year", 1, "2025-01-01", "2025-12-31", "year"),
        (A0, "May 1", 1, "2025-05-01", "2025-05-01", "day"),
        (A0, "1925", 1, "1925-01-01", "1925-12-31", "year"),
        (A1, "Oct. 23", 1, "2023-10-23", "2023-10-23", "day"),  # the dateline
        (A1, "Monday", 1, "2023-10-23", "2023-10-23", "day"),  # published that Monday
        (A2, "2024-07-04", 1, "2024-07-04", "2024-07-04", "day"),
        (A2, "from April 22 to 24", 1, "2024-04-22", "2024-04-24", "day"),
        (A2, "2024", 1, "2024-01-01", "2024-12-31", "year"),  # "No. 9, 2024"
        (A3, "this year", 1, "2024-01-01", "2024-12-31", "year"),
        (A4, "Monday", 1, "2023-10-09", "2023-10-09", "day"),
        (A4, "Monday", 2, "2023-10-09", "2023-10-09", "day"),
    ],
)
def test_date_mentions_resolve_as_the_text_says(article, text, nth, start, end, precision):
    d = date_mention(article, text, nth)
    assert (d["value_start"], d["value_end"], d["precision"]) == (D(start), D(end), precision)
    assert d["status"] == "curated"


# ---------------------------------------------------------------- evidence and new sources


def test_evidence_missing_from_the_text_fails_naming_file_line_and_string(tmp_path):
    ann = tmp_path / "annotations"
    shutil.copytree(ROOT / "annotations", ann)
    path = ann / "figures.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if line.lstrip().startswith('evidence: "540,000"')]
    lines[at] = lines[at].replace("540,000", "540,001")
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(BuildFailed) as e:
        make_tables(ROOT / "sources", ann)
    (problem,) = e.value.problems
    assert problem.file.endswith("figures.yaml") and problem.line == at + 1
    assert "'540,001'" in problem.message and A0 in problem.message


NEW_TEXT = """\
Unions hold national skills contest

BEIJING, May 6 (Xinhua) -- More than 3,000 workers took part in a national skills \
competition organized by the All-China Federation of Trade Unions on Tuesday, the \
federation said.

The contest, held for the fifth time, ran for three days in Beijing.
"""


def test_a_new_source_with_no_annotations_builds_as_auto(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    raw = NEW_TEXT.encode("utf-8")
    (sources / "005_newsource.txt").write_bytes(raw)
    with (sources / "sources.csv").open("a", encoding="utf-8", newline="") as f:
        f.write(
            f"005_newsource.txt,2025-05-07,Unions hold national skills contest,Xinhua,,,"
            f"news,en,{hashlib.sha256(raw).hexdigest()}\n"
        )
    out = tmp_path / "out"
    code = cli.main(
        [
            "build",
            "--sources",
            str(sources),
            "--out",
            str(out),
            "--annotations",
            str(ROOT / "annotations"),
            "--no-cache",
        ]
    )
    assert code == 0
    new = "005_newsource"
    figures = [f for f in rows("figures", out) if f["article_id"] == new]
    dates = [d for d in rows("date_mentions", out) if d["article_id"] == new]
    assert figures and dates
    assert {f["status"] for f in figures} == {"auto"}
    assert {d["status"] for d in dates} == {"auto"}
    assert all(f["measure"] is None for f in figures)
    # the seeds keep their curation
    seeds = [f for f in rows("figures", out) if f["article_id"] != new]
    assert seeds and "auto" not in {f["status"] for f in seeds}
    _, audit = make_tables(sources, ROOT / "annotations")
    assert audit and {a["article"] for a in audit} == {new}
