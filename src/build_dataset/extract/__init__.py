"""Extract: automatic candidates with exact character spans, from any English news text.

`extract(text, published, gazetteer)` is a pure function of one article: dates first
(their spans are then closed to figures, so a year or a day is never also a count),
figures, names, and quotes (whose speakers are resolved through the names). Every pattern
is compiled once at import; one pass per article and extractor; no model is loaded.
Invariant: `text[c.char_start:c.char_end]` is the candidate's text, for every candidate.
"""

from __future__ import annotations

import datetime as dt

from build_dataset.extract.dates import find_dates
from build_dataset.extract.figures import find_figures
from build_dataset.extract.names import Gazetteer, find_names
from build_dataset.extract.quotes import find_quotes
from build_dataset.extract.types import (
    DateCandidate,
    Extraction,
    FigureCandidate,
    NameCandidate,
    QuoteCandidate,
)

__all__ = ["DateCandidate", "Extraction", "FigureCandidate", "Gazetteer", "NameCandidate",
           "QuoteCandidate", "extract"]


def extract(text: str, published: dt.date, gazetteer: Gazetteer) -> Extraction:
    dates = find_dates(text, published)
    figures = find_figures(text, [(d.char_start, d.char_end) for d in dates])
    names = find_names(text, gazetteer)
    quotes = find_quotes(text, names)
    return Extraction(tuple(dates), tuple(figures), tuple(names), tuple(quotes))
