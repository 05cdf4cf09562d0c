"""Quotations: spans (marks included, across paragraphs) and speakers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from build_dataset.extract import Gazetteer, extract

PUB = dt.date(2025, 4, 29)
EMPTY = Gazetteer.from_entities([])
SOURCES = Path(__file__).resolve().parents[1] / "sources"
SEED_GAZETTEER = Gazetteer.from_entities(
    [
        ("xi-jinping", "Xi Jinping", "person", ["Xi", "President Xi", "President Xi Jinping"]),
        ("chen-keying", "Chen Keying", "person", ["Chen"]),
        ("gao-feng", "Gao Feng", "person", []),
        ("cai-qi", "Cai Qi", "person", ["Cai"]),
        ("wang-dongming", "Wang Dongming", "person", []),
    ]
)


def quotes(text: str, gazetteer: Gazetteer = EMPTY):
    found = list(extract(text, PUB, gazetteer).quotes)
    for q in found:
        assert text[q.char_start : q.char_end] == q.text
        if q.speaker_char_start is not None:
            assert text[q.speaker_char_start : q.speaker_char_end] == q.speaker_name
    return found


def speakers(text: str, gazetteer: Gazetteer = EMPTY):
    return [(q.text[:12], q.speaker_name, q.speaker_entity_id) for q in quotes(text, gazetteer)]


# ---------------------------------------------------------------- seeds

SEED_000 = """Xi said that over the past century, under the leadership of the CPC, the federation \
has united and mobilized the working class.

"The practice over the past 100 years has fully proved that the working class in our country \
is indeed the most solid and reliable class foundation of the CPC," he said.

Chen Keying, an engineer with China National Offshore Oil Corp, said that Xi's words greatly \
motivated him as a worker engaged in oil and gas extraction in the South China Sea.

President Xi Jinping, also general secretary of the Communist Party of China Central \
Committee, delivers an important speech in Beijing, April 28, 2025. (Photo/Xinhua)

"Offshore extraction is full of challenges. Generation after generation of offshore oil \
workers have struggled and fought bravely," Chen said, vowing to fulfill the mission.

Gao Feng, a Meituan deliveryman, who was recognized as a national model worker this year, \
said the State-level honor fully demonstrates the care of the Party.

"I feel that the power of an individual may be little, but the power of a group is immense. \
This award does not belong to me alone, but also belongs to our entire group," he said."""

SEED_004 = """Addressing the session on behalf of the CPC Central Committee, Cai Qi, a member of \
the Standing Committee of the Political Bureau of the CPC Central Committee, encouraged workers \
to excel through hard work and dedication.

"The working class forms the most solid and dependable foundation for our Party," he told the \
gathering, which included representatives of workers from across the nation."""


def test_seed_speakers_through_the_gazetteer():
    assert [(s, i) for _, s, i in speakers(SEED_000, SEED_GAZETTEER)] == [
        ("Xi", "xi-jinping"),
        ("Chen", "chen-keying"),
        ("Gao Feng", "gao-feng"),
    ]
    assert [(s, i) for _, s, i in speakers(SEED_004, SEED_GAZETTEER)] == [("Cai Qi", "cai-qi")]


def test_seed_speakers_without_a_gazetteer_resolve_to_full_names():
    assert [s for _, s, _ in speakers(SEED_000)] == ["Xi", "Chen Keying", "Gao Feng"]
    assert [s for _, s, _ in speakers(SEED_004)] == ["Cai Qi"]


def test_a_bare_surname_pronoun_antecedent_resolves_to_the_full_name():
    text = (
        "Xi Jinping addressed the workers. Xi said unions matter.\n\n"
        '"The working class is the foundation of our country," he said.'
    )
    ((_, name, _),) = speakers(text)
    assert name == "Xi Jinping"


def test_speaker_span_is_the_mention_used():
    (q,) = quotes(SEED_004)
    assert SEED_004[q.speaker_char_start : q.speaker_char_end] == "Cai Qi"
    assert q.speaker_char_start < q.char_start


@pytest.mark.skipif(not SOURCES.is_dir(), reason="sources/ not available")
def test_seed_articles_whole():
    from build_dataset import ingest
    from build_dataset.errors import Problems

    arts = {a.article_id: a for a in ingest.ingest(SOURCES, Problems())}
    a = arts["000_21a81d94c626cbf0"]
    got = [
        (q.text[:20], q.speaker_entity_id)
        for q in extract(a.text, a.published, SEED_GAZETTEER).quotes
    ]
    assert got == [
        ('"The practice over t', "xi-jinping"),
        ('"Regardless of how t', "xi-jinping"),
        ('"Offshore extraction', "chen-keying"),
        ('"I feel that the pow', "gao-feng"),
    ]
    a = arts["004_0ec577e8d3cc6e80"]
    assert [q.speaker_entity_id for q in extract(a.text, a.published, SEED_GAZETTEER).quotes] == [
        "cai-qi"
    ]


# ---------------------------------------------------------------- spans


def test_span_includes_the_marks_and_curly_marks_work():
    text = "Wang Lina said: “Every worker deserves to be paid on time.” The rest followed."
    (q,) = quotes(text)
    assert q.text == "“Every worker deserves to be paid on time.”"
    assert q.speaker_name == "Wang Lina"


def test_a_quotation_continues_across_paragraphs():
    text = (
        '"Craftsmanship is the foundation of a manufacturing power. Every product carries '
        'our reputation.\n\n"We will train another 500 young technicians," said Zhao Jun, '
        "a senior technician."
    )
    (q,) = quotes(text)
    assert q.char_start == 0 and q.text.endswith('technicians,"') and "\n\n" in q.text
    assert q.speaker_name == "Zhao Jun"


def test_an_unclosed_quotation_gives_nothing():
    text = 'He said: "We will never stop working hard for the workers.\n\nThe rest is silence.'
    assert quotes(text) == []


def test_short_scare_quotes_and_titles_are_not_quotations():
    text = (
        'The annual "warmth delivery" campaign promotes the "two establishments" and the '
        '"Thought on Socialism With Chinese Characteristics" across "golden technicians".'
    )
    assert quotes(text) == []


def test_long_unattributed_quotation_is_kept_without_speaker():
    text = (
        'The slogan reads "work hard and serve the people with all your heart and soul" '
        "on every wall."
    )
    (q,) = quotes(text)
    assert q.speaker_name is None and q.speaker_char_start is None


# ---------------------------------------------------------------- attribution patterns


@pytest.mark.parametrize(
    "text, speaker",
    [
        ('"We want every courier to feel at home," said Wang Lina, an official.', "Wang Lina"),
        ('"We want every courier to feel at home," Wang Lina said.', "Wang Lina"),
        (
            '"These workers show that ordinary people can do great things," Chen Gang, '
            "vice-chairman of the ACFTU, told the ceremony.",
            "Chen Gang",
        ),
        ('Zhou Hong said: "Every worker deserves to be paid on time."', "Zhou Hong"),
        ('Zhou Hong added, "Every worker deserves to be paid on time."', "Zhou Hong"),
        ('Xi Jinping said workers should "forge ahead with innovation and skills".', "Xi Jinping"),
        (
            'Liu Jun spoke first.\n\n"Our second priority is to leave no worker behind," he told '
            "reporters.",
            "Liu Jun",
        ),
    ],
)
def test_attributions(text, speaker):
    (q,) = quotes(text)
    assert q.speaker_name == speaker


def test_a_following_quotation_in_the_paragraph_keeps_the_speaker():
    text = (
        'Liu Jun, an official, spoke.\n\n"Our second priority is to leave no worker '
        'behind," Liu said at a news conference. "In 2024, we handled 98 percent of '
        'requests."'
    )
    assert [s for _, s, _ in speakers(text)] == ["Liu Jun", "Liu Jun"]


def test_pronoun_skips_names_inside_quotations():
    text = 'Gao Feng spoke next.\n\n"I thank Xi Jinping for the honor of this award," he said.'
    assert [s for _, s, _ in speakers(text)] == ["Gao Feng"]


def test_no_person_before_a_pronoun_gives_no_speaker():
    (q,) = quotes('"The working class is the foundation of the country," he said.')
    assert (q.speaker_name, q.speaker_entity_id, q.speaker_char_start) == (None, None, None)
