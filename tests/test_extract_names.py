"""Name mentions: gazetteer first (longest match, word boundaries, entity ids), then typed
unknown names, and the capitalized words that are not names."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from build_dataset.extract import Gazetteer, extract
from build_dataset.extract.layout import Layout
from build_dataset.extract.names import find_names

PUB = dt.date(2025, 4, 29)
EMPTY = Gazetteer.from_entities([])
GAZ = Gazetteer.from_entities(
    [
        ("xi-jinping", "Xi Jinping", "person", ["Xi", "President Xi Jinping"]),
        ("li-xi", "Li Xi", "person", []),
        ("china", "China", "place", []),
        ("south-china-sea", "South China Sea", "place", []),
        (
            "acftu",
            "All-China Federation of Trade Unions",
            "organization",
            ["ACFTU", "the federation"],
        ),
        ("cpc", "Communist Party of China", "organization", ["CPC", "the Party"]),
        (
            "cpc-central-committee",
            "Communist Party of China Central Committee",
            "organization",
            ["CPC Central Committee"],
        ),
        ("chen-keying", "Chen Keying", "person", ["Chen"]),
    ]
)


def names(text: str, gazetteer: Gazetteer = EMPTY):
    found = list(extract(text, PUB, gazetteer).names)
    for n in found:
        assert text[n.char_start : n.char_end] == n.text
    assert all(a.char_end <= b.char_start for a, b in zip(found, found[1:], strict=False))
    return [(n.text, n.entity_type, n.entity_id) for n in found]


# ---------------------------------------------------------------- gazetteer


def test_gazetteer_longest_match_wins_and_ids_are_set():
    text = (
        "Xi Jinping, Li Xi and President Xi Jinping met workers of the South China Sea "
        "and of the Communist Party of China Central Committee."
    )
    assert names(text, GAZ) == [
        ("Xi Jinping", "person", "xi-jinping"),
        ("Li Xi", "person", "li-xi"),
        ("President Xi Jinping", "person", "xi-jinping"),
        ("South China Sea", "place", "south-china-sea"),
        ("Communist Party of China Central Committee", "organization", "cpc-central-committee"),
    ]


def test_gazetteer_respects_word_boundaries():
    text = "The All-China Federation of Trade Unions, Xi's speech, Xiamen and CPCs."
    got = names(text, GAZ)
    assert ("All-China Federation of Trade Unions", "organization", "acftu") in got
    assert ("Xi", "person", "xi-jinping") in got
    assert ("China", "place", "china") not in got  # not inside "All-China"
    assert all(t != "CPC" for t, _, _ in got)  # not inside "CPCs"


def test_gazetteer_aliases_are_case_sensitive():
    assert ("the federation", "organization", "acftu") in names("He said the federation grew.", GAZ)
    assert names("It is a federation of unions.", GAZ) == []


def test_gazetteer_accepts_lists_and_first_claim_wins():
    g = Gazetteer.from_entities(
        [["a", "Alpha Group", "organization", ["AG"]], ["b", "Beta Group", "organization", ["AG"]]]
    )
    assert g.lookup("AG") == ("a", "organization")


def test_gazetteer_of_thousands_is_one_pattern():
    entities = [(f"e{i}", f"Name{i} Zhang{i}", "person", [f"Alias{i}"]) for i in range(5000)]
    g = Gazetteer.from_entities(entities)
    assert isinstance(g.pattern, re.Pattern)  # one regex, not a loop over names
    text = " ".join(f"Name{i} Zhang{i} met Alias{i}." for i in range(0, 5000, 50)) * 5
    found = g.find(text)
    assert len(found) == 2 * 100 * 5 and found[0].entity_id == "e0"
    # in text order, each with its entity ("Name50 …" is not taken for "Name5 …")
    assert [(n.text, n.entity_id) for n in found[2:4]] == [
        ("Name50 Zhang50", "e50"),
        ("Alias50", "e50"),
    ]


# ---------------------------------------------------------------- unknown names


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "It is the All-China Federation of Trade Unions at work.",
            ("All-China Federation of Trade Unions", "organization"),
        ),
        (
            "Chen Keying is an engineer with China National Offshore Oil Corp in the south.",
            ("China National Offshore Oil Corp", "organization"),
        ),
        (
            "He spoke at the Great Hall of the People on Monday.",
            ("Great Hall of the People", "place"),
        ),
        (
            "He is general secretary of the Communist Party of China Central Committee now.",
            ("Communist Party of China Central Committee", "organization"),
        ),
        (
            "He visited Chongqing International Logistics Hub Park last year.",
            ("Chongqing International Logistics Hub Park", "place"),
        ),
        ("He works in the South China Sea every day.", ("South China Sea", "place")),
        ("It was in the Qiushi Journal yesterday.", ("Qiushi Journal", "publication")),
        ("He wrote for the People's Daily then.", ("People's Daily", "publication")),
        (
            "The Ministry of Human Resources and Social Security said so.",
            ("Ministry of Human Resources and Social Security", "organization"),
        ),
        ("He visited Zhongnanhai and left.", ("Zhongnanhai", "place")),
        ("He works in Hebei province.", ("Hebei", "place")),
        ("It joined the ILO in time.", ("ILO", "organization")),
        ("It was reported by Xinhua today.", ("Xinhua", "publication")),
    ],
)
def test_unknown_names_are_typed(text, expected):
    got = names(text)
    assert (*expected, None) in got, got


def test_titles_are_left_out_of_person_spans():
    got = names("President Xi Jinping and Premier Li Qiang met General Secretary Xi.")
    assert got == [
        ("Xi Jinping", "person", None),
        ("Li Qiang", "person", None),
        ("Xi", "person", None),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Chen Keying",
        "Gao Feng",
        "Mo Jingxi",
        "Wang Dongming",
        "Cai Qi",
        "Ding Xuexiang",
        "Zhao Leji",
        "Qiu Wen",
    ],
)
def test_chinese_personal_names(name):
    assert names(f"The engineer {name} spoke.") == [(name, "person", None)]


def test_western_names_need_a_cue():
    assert names("Gilbert Houngbo, director-general of the ILO, spoke.")[0] == (
        "Gilbert Houngbo",
        "person",
        None,
    )
    assert names("Dr. Maria Santos said they agreed.")[0] == ("Maria Santos", "person", None)
    assert names("The Blue Horizon report is out.") == []


def test_a_lone_surname_with_a_verb_of_speech_is_a_person():
    assert names("The federation will grow, Wang pledged.") == [("Wang", "person", None)]
    assert names("Wang is a surname.") == []


def test_two_people_joined_by_and_are_two_names():
    assert names("The event was attended by Xi Jinping and Li Qiang in the hall.") == [
        ("Xi Jinping", "person", None),
        ("Li Qiang", "person", None),
    ]


def test_a_name_inside_an_untyped_run_is_found():
    got = names("A headline\n\nSource: English Edition of Qiushi Journal Updated: 2024-07-04")
    assert ("Qiushi Journal", "publication", None) in got


def test_event_names_are_not_entities_but_what_they_are_of_is():
    got = names(
        "He attended the 18th National Congress of the All-China Federation of "
        "Trade Unions on Monday."
    )
    assert got == [("All-China Federation of Trade Unions", "organization", None)]


def test_acronyms_inside_event_names_are_kept():
    assert names("Since the 18th CPC National Congress, workers have thrived.") == [
        ("CPC", "organization", None)
    ]


def test_possessives_are_left_out():
    assert names("He praised China's unions and the ACFTU's work.") == [
        ("China", "place", None),
        ("ACFTU", "organization", None),
    ]


# ---------------------------------------------------------------- precision


@pytest.mark.parametrize(
    "text",
    [
        "Trade unions should guide workers.",
        "The working class is the leading class.",
        "Chinese workers met on Monday in April.",
        "President and Party and State leaders applauded.",
        "Governments at all levels should help.",
        "Upholding the Party's overall leadership is a principle.",
        "It embraces the Thought on Socialism with Chinese Characteristics for a New Era.",
        "GDP grew and AI spread while COVID receded.",
        "International Workers' Day is a holiday.",
        "Regardless of how the conditions change, we act.",
        "It was a State-level honor for a Meituan deliveryman.",
    ],
)
def test_ordinary_capitalized_words_are_not_names(text):
    assert names(text) == [], names(text)


def test_headlines_and_credit_lines_use_the_gazetteer_only():
    text = (
        "Serving the Workers Wholeheartedly the Immutable Goal of Trade Unions\n\n"
        "Trade unions must act.\n\n"
        "Xi talks with truck drivers. PHOTO BY XINHUA REPORTER JU PENG"
    )
    assert names(text) == []
    g = Gazetteer.from_entities([("ju-peng", "Ju Peng", "person", ["JU PENG"])])
    assert names(text, g) == [("JU PENG", "person", "ju-peng")]


def test_find_names_without_layout():
    got = find_names("Chen Keying met reporters.", GAZ)
    assert [(n.text, n.entity_id) for n in got] == [("Chen Keying", "chen-keying")]


def test_and_the_between_two_capitalized_names_makes_two_names():
    text = (
        "The contest is co-hosted by the Ministry of Human Resources and Social Security "
        "and the Tianjin municipal government."
    )
    assert names(text) == [
        ("Ministry of Human Resources and Social Security", "organization", None),
        ("Tianjin", "place", None),
    ]


@pytest.mark.parametrize("kinds", list(itertools.product("hs", repeat=4)) + [("h",), ("s",)])
def test_stretches_without_headlines_are_the_runs_of_other_paragraphs(kinds) -> None:
    """Each maximal run of paragraphs that are not headlines, start to end."""
    headline, sentence = "Workers Build a Great Country Together", "They met on Monday."
    text = "\n\n".join(headline if k == "h" else sentence for k in kinds)
    layout = Layout(text)
    assert [layout.is_headline(s) for s, _ in layout.paragraphs] == [k == "h" for k in kinds]
    runs, run = [], []
    for (s, e), k in zip(layout.paragraphs, kinds, strict=True):
        if k == "s":
            run.append((s, e))
        elif run:
            runs.append((run[0][0], run[-1][1]))
            run = []
    if run:
        runs.append((run[0][0], run[-1][1]))
    assert layout.stretches_without_headlines() == runs
