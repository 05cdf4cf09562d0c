"""Ingest on the five seed sources: metadata, cleaning, paragraphs and captions."""

from __future__ import annotations

import csv
import hashlib
import random
import re

import pyarrow.parquet as pq
import pytest

from build_dataset import ingest
from build_dataset.errors import Problems

from .conftest import ROOT, SEEDS

EXPECTED = {
    "000_21a81d94c626cbf0": (
        "2025-04-29",
        "Xi calls for rallying working class",
        "China Daily",
        "Mo Jingxi",
        "news",
    ),
    "001_6263109a809d4f35": (
        "2023-10-23",
        "Xi stresses mobilizing workers to participate in national rejuvenation",
        "Xinhua",
        None,
        "news",
    ),
    "002_3f648d3e960a32f1": (
        "2024-07-04",
        "Mobilizing Hundreds of Millions of Workers to "
        "Build a Great Country and Advance National Rejuvenation",
        "Qiushi Journal",
        "Xi Jinping",
        "speech",
    ),
    "003_fc003b9c926bb22b": (
        "2024-06-07",
        "Serving the Workers Wholeheartedly \u2014 the Immutable Goal of Trade Unions",
        "Qiushi Journal",
        "Qiu Wen",
        "commentary",
    ),
    "004_0ec577e8d3cc6e80": (
        "2023-10-10",
        "Workers encouraged to innovate, develop skills",
        "China Daily",
        None,
        "news",
    ),
}


@pytest.fixture(scope="module")
def articles():
    problems = Problems()
    arts = ingest.ingest(ROOT / "sources", problems)
    assert not problems.items
    return {a.article_id: a for a in arts}


@pytest.fixture(scope="module")
def published():
    return {r["article_id"]: r for r in pq.read_table(ROOT / "data/articles.parquet").to_pylist()}


def test_sources_are_the_seeds_byte_for_byte():
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not beside this checkout")
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert seeds == sorted(p.name for p in (ROOT / "sources").glob("*.txt"))
    for name in seeds:
        assert (ROOT / "sources" / name).read_bytes() == (SEEDS / name).read_bytes()


def test_manifest_records_each_texts_sha256():
    with open(ROOT / "sources/sources.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5
    for row in rows:
        data = (ROOT / "sources" / row["file"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_metadata_is_what_the_texts_state(published, article_id):
    row = published[article_id]
    date, title, outlet, author, genre = EXPECTED[article_id]
    assert (
        row["published"].isoformat(),
        row["title"],
        row["outlet"],
        row["author"],
        row["genre"],
    ) == (date, title, outlet, author, genre)
    assert row["language"] == "en"
    assert row["source_file"] == f"sources/{article_id}.txt"


def test_headers_are_read_from_the_texts():
    """What the builder reads by itself agrees with the manifest."""
    states = {}
    for aid in EXPECTED:
        text = (ROOT / "sources" / f"{aid}.txt").read_text(encoding="utf-8")
        _, header = ingest.parse(text)
        states[aid] = header
    for aid, header in states.items():
        assert header["published"] == EXPECTED[aid][0], aid
        assert header["title"] == EXPECTED[aid][1] or aid == "002_3f648d3e960a32f1"
    assert states["000_21a81d94c626cbf0"]["author"] == "Mo Jingxi"
    assert states["000_21a81d94c626cbf0"]["outlet"] == "China Daily"
    assert states["001_6263109a809d4f35"]["outlet"] == "Xinhua"
    assert states["002_3f648d3e960a32f1"]["outlet"] == "Qiushi Journal"
    assert states["003_fc003b9c926bb22b"]["author"] == "Qiu Wen"
    assert states["003_fc003b9c926bb22b"]["editor"] == "Yi Xiaowei"


def test_no_site_chrome_in_any_text(articles):
    for a in articles.values():
        assert "Nav Search" not in a.text
        assert not re.search(r"(^|\n)\s*date \d{4}-\d{2}-\d{2}", a.text)
        assert a.text == a.text.strip()
        assert "\r" not in a.text


CREDITS = re.compile(r"\(Photo/Xinhua\)|PHOTO BY XINHUA REPORTER|\[Photo/Xinhua\]|\(Xinhua/")


def test_every_caption_is_split_off_from_the_body(articles):
    captions = 0
    for a in articles.values():
        for p in a.paragraphs:
            if CREDITS.search(p.text):
                assert p.kind == "caption", p.text
                captions += 1
            else:
                assert p.kind != "caption", p.text
    assert captions == 9


def test_repeated_caption_is_one_paragraph_with_a_count(articles):
    a = articles["000_21a81d94c626cbf0"]
    repeated = [p for p in a.paragraphs if p.repeat_count > 1]
    assert len(repeated) == 1
    assert repeated[0].kind == "caption" and repeated[0].repeat_count == 4
    assert a.text.count(repeated[0].text) == 1
    raw = (ROOT / "sources" / "000_21a81d94c626cbf0.txt").read_text(encoding="utf-8")
    assert raw.count(repeated[0].text) == 4


def test_paragraph_kinds(articles):
    kinds = {aid: [p.kind for p in a.paragraphs] for aid, a in articles.items()}
    assert kinds["000_21a81d94c626cbf0"][:3] == ["title", "byline", "caption"]
    assert kinds["001_6263109a809d4f35"][:3] == ["title", "byline", "caption"]
    assert kinds["002_3f648d3e960a32f1"][-2:] == ["note", "note"]
    assert kinds["003_fc003b9c926bb22b"][-1] == "note"
    dup_title = articles["002_3f648d3e960a32f1"].paragraphs[0]
    assert dup_title.kind == "title" and dup_title.repeat_count == 2


def test_paragraph_offsets_reproduce_text(articles):
    for a in articles.values():
        for p in a.paragraphs:
            assert a.text[p.char_start : p.char_end] == p.text
        assert "\n\n".join(p.text for p in a.paragraphs) == a.text


def test_count_words_is_the_number_of_word_matches(articles):
    """count_words rewrites characters by their kind for WORD; on the seeds and on
    random strings of every kind of character (ASCII, the joiners, the non-ASCII ones
    it replaces first, a letter, a character of another script, a lone surrogate) it
    counts exactly what WORD.findall finds, also with more kinds than it rewrites."""
    for a in articles.values():
        assert ingest.count_words(a.text) == len(ingest.WORD.findall(a.text))
    rng = random.Random(8)
    alphabet = "ab_Z9 \n\t-'’“”‘—–…\u00a0\u3000é中.,;:!?\"()[]\ud800"
    for _ in range(20_000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 14)))
        assert ingest.count_words(text) == len(ingest.WORD.findall(text)), repr(text)
    many = "".join(map(chr, range(0x4E00, 0x4E20))) + " a’b é-x — y"
    assert ingest.count_words(many) == len(ingest.WORD.findall(many))


def test_caption_search_from_the_credit_finds_what_the_whole_search_finds():
    """_is_caption starts CAPTION's search at the block's last "(" or "[" unless a credit
    of another form may be there; on random blocks made of the credits' pieces it agrees
    with the search from the start."""
    rng = random.Random(9)
    pieces = ["(Photo/", "(Photos/", "(Xinhua/", "(CFP/", "(IC/", "[Photo/", "[Photos/"]
    pieces += ["PHOTO BY ", "Photo: ", "Xinhua", "A", "b", ")", "]", "(", "[", " ", ".", "\n"]
    pieces += ["\u2003", "/", "AB C"]
    for _ in range(20_000):
        block = "".join(rng.choices(pieces, k=rng.randint(1, 10)))
        assert ingest._is_caption(block) == bool(ingest.CAPTION.search(block)), repr(block)
