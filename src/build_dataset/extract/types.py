"""The candidates extraction emits: frozen, slotted records with exact character spans.

For every candidate `text[c.char_start:c.char_end]` is its `text` (`value_text` for
figures). Offsets are Unicode code points into the article text given to `extract`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "month", "year"]
Resolution = Literal["explicit", "relative"]
Qualifier = Literal[
    "exact", "approximately", "nearly", "more_than", "at_least", "less_than", "vague"
]
FigureKind = Literal["count", "ordinal", "percent", "duration", "frequency", "amount"]
EntityType = Literal["person", "organization", "place", "publication"]


@dataclass(frozen=True, slots=True)
class DateCandidate:
    char_start: int
    char_end: int
    text: str
    value_start: dt.date  # inclusive
    value_end: dt.date  # inclusive
    precision: Precision
    resolution: Resolution


@dataclass(frozen=True, slots=True)
class FigureCandidate:
    char_start: int
    char_end: int
    value_text: str
    value: float
    qualifier: Qualifier
    kind: FigureKind
    unit: str | None


@dataclass(frozen=True, slots=True)
class NameCandidate:
    char_start: int
    char_end: int
    text: str
    entity_type: EntityType
    entity_id: str | None


@dataclass(frozen=True, slots=True)
class QuoteCandidate:
    char_start: int
    char_end: int
    text: str
    speaker_name: str | None
    speaker_entity_id: str | None
    speaker_char_start: int | None  # the named mention the speaker was resolved to
    speaker_char_end: int | None


@dataclass(frozen=True, slots=True)
class Extraction:
    dates: tuple[DateCandidate, ...]
    figures: tuple[FigureCandidate, ...]
    names: tuple[NameCandidate, ...]
    quotes: tuple[QuoteCandidate, ...]
