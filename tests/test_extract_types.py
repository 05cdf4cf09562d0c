"""The candidates the extractors make through types' fast makers are the records the
constructors make: same class, equal, hashed, printed, frozen, and read by dataclasses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pytest

from build_dataset.extract import Gazetteer, extract, types

SAMPLES = [
    (
        types.make_date,
        types.DateCandidate,
        (3, 13, "March 2024", dt.date(2024, 3, 1), dt.date(2024, 3, 31), "month", "explicit"),
    ),
    (
        types.make_figure,
        types.FigureCandidate,
        (0, 11, "300 million", 300e6, "nearly", "count", "members"),
    ),
    (types.make_figure, types.FigureCandidate, (5, 8, "17th", 17.0, "exact", "ordinal", None)),
    (types.make_name, types.NameCandidate, (0, 10, "Xi Jinping", "person", "xi-jinping")),
    (types.make_name, types.NameCandidate, (4, 8, "ACFTU", "organization", None)),
    (types.make_quote, types.QuoteCandidate, (9, 30, "“We work.”", "Liu", None, 0, 3)),
    (types.make_quote, types.QuoteCandidate, (9, 30, "“We work.”", None, None, None, None)),
]


@pytest.mark.parametrize(("make", "cls", "values"), SAMPLES)
def test_fast_made_candidate_is_the_constructors(make, cls, values) -> None:
    fast, made = make(*values), cls(*values)
    assert type(fast) is cls
    assert fast == made and hash(fast) == hash(made) and repr(fast) == repr(made)
    assert dataclasses.astuple(fast) == values == dataclasses.astuple(made)
    assert dataclasses.fields(fast) == dataclasses.fields(made)
    assert dataclasses.replace(fast) == made
    assert pickle.loads(pickle.dumps(fast)) == made
    assert {fast: 1}[made] == 1
    for field in dataclasses.fields(cls):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(fast, field.name, None)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(fast, field.name)
    assert not hasattr(fast, "__dict__")


def test_extracted_candidates_are_frozen_records() -> None:
    gazetteer = Gazetteer.from_entities([("xi-jinping", "Xi Jinping", "person", ["Xi"])])
    text = (
        'On March 3, 2024, nearly 300 million members heard Xi Jinping. "We will work '
        'harder for the workers of the whole country," Xi said on Monday.'
    )
    result = extract(text, dt.date(2024, 3, 4), gazetteer)
    found = [*result.dates, *result.figures, *result.names, *result.quotes]
    assert {type(c) for c in found} == {
        types.DateCandidate,
        types.FigureCandidate,
        types.NameCandidate,
        types.QuoteCandidate,
    }
    for c in found:
        assert c == type(c)(*dataclasses.astuple(c))
        assert hash(c) == hash(type(c)(*dataclasses.astuple(c)))
        with pytest.raises(dataclasses.FrozenInstanceError):
            c.char_start = 0
