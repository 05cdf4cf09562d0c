"""Extract: automatic candidates with exact character spans, from any English news text.

    gazetteer = Gazetteer.from_entities(entries)   # once per build
    result = extract(text, published, gazetteer)   # once per article; pure

`extract` reads one article: its paragraphs and sentences once (layout), then dates
(resolved against the publication date), figures (outside the date spans, so a year or a
day is never also a count), names (gazetteer first, then typed unknown names) and quotes
(whose speakers are resolved through the names). Every pattern is compiled at import;
nothing is loaded per article or sentence; only `re`, `datetime` and `dataclasses` are used.

Invariants, for every candidate `c`: `text[c.char_start:c.char_end]` is its text
(`value_text` for figures); candidates of one kind never overlap and come sorted by
`char_start`. Offsets are code points into `text`, whose paragraphs are joined by "\\n\\n"
(a hard sentence break). The rules of each kind are in its module's docstring.
"""

from __future__ import annotations

import datetime as dt

from build_dataset.extract.dates import find_dates
from build_dataset.extract.figures import find_figures
from build_dataset.extract.layout import Layout
from build_dataset.extract.names import Gazetteer, find_names
from build_dataset.extract.quotes import find_quotes
from build_dataset.extract.types import (
    DateCandidate,
    Extraction,
    FigureCandidate,
    NameCandidate,
    QuoteCandidate,
)

__all__ = [
    "DateCandidate",
    "Extraction",
    "FigureCandidate",
    "Gazetteer",
    "NameCandidate",
    "QuoteCandidate",
    "extract",
]


def extract(text: str, published: dt.date, gazetteer: Gazetteer) -> Extraction:
    """Every date, figure, name and quote candidate of one article."""
    layout = Layout(text)
    dates = find_dates(text, published, layout)
    figures = find_figures(text, dates, layout)
    names = find_names(text, gazetteer, layout)
    quotes = find_quotes(text, names, gazetteer, layout)
    return Extraction(tuple(dates), tuple(figures), tuple(names), tuple(quotes))
