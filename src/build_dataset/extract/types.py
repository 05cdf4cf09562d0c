"""The candidates extraction emits: plain frozen records with exact character spans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DateCandidate:
    char_start: int
    char_end: int
    text: str
    value_start: dt.date
    value_end: dt.date
    precision: str  # day | month | year
    resolution: str  # explicit | relative


@dataclass(frozen=True, slots=True)
class FigureCandidate:
    char_start: int
    char_end: int
    value_text: str
    value: float
    qualifier: str
    kind: str
    unit: str | None


@dataclass(frozen=True, slots=True)
class NameCandidate:
    char_start: int
    char_end: int
    text: str
    entity_type: str
    entity_id: str | None


@dataclass(frozen=True, slots=True)
class QuoteCandidate:
    char_start: int
    char_end: int
    text: str
    speaker_name: str | None
    speaker_entity_id: str | None
    speaker_char_start: int | None
    speaker_char_end: int | None


@dataclass(frozen=True, slots=True)
class Extraction:
    dates: tuple[DateCandidate, ...]
    figures: tuple[FigureCandidate, ...]
    names: tuple[NameCandidate, ...]
    quotes: tuple[QuoteCandidate, ...]
