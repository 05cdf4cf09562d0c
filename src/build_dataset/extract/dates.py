"""Date expressions, resolved to intervals against the publication date.

Span policy: the expression itself, without a leading preposition ("1925" in "in 1925",
"Monday" in "on Monday"), except ranges, whose "from … to …" / "between … and …" words
are part of the expression. Resolution is `explicit` when the text gives the full date,
`relative` when the year, month or day comes from the publication date (a weekday, a
month and day without a year, "this year").

Weekdays: a weekday equal to the publication's is the publication day; otherwise tense
decides: the most recent such day before publication, or the next one after it when the
sentence speaks of the future ("will", "is to", "is scheduled", "next Monday").
A number is a year only in a date-like context (a preposition such as "in", "since",
"as early as" before it, a comma after "No. 9", a month before it): "2,000 delegates",
"17th" and "18th National Congress" are never dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from build_dataset.extract.types import DateCandidate

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
       r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|"
       r"Nov\.?|Dec\.?)")
FULLMON = (r"(?:January|February|March|April|May|June|July|August|September|October|"
           r"November|December)")
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]\d\d|20\d\d|2100)"
END = r"(?![\d,]\d)(?!\d)"
WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
MDY = rf"{MON}\s+{DAY}(?:,?\s+{YEAR})?"

_ALTERNATIVES = [
    ("between", rf"between\s+{MDY}\s+and\s+{MDY}{END}"),
    ("from_to", rf"from\s+{MDY}\s+(?:to|until|till|through)\s+(?:{MON}\s+)?{DAY}"
                rf"(?:,?\s+{YEAR})?{END}"),
    ("dash", rf"{MON}\s+{DAY}\s*[-–]\s*(?:{MON}\s+)?{DAY}(?:,?\s+{YEAR})?{END}"),
    ("year_range", rf"(?:from\s+{YEAR}\s+to\s+{YEAR}|between\s+{YEAR}\s+and\s+{YEAR}"
                   rf"|{YEAR}\s*[-–]\s*{YEAR}){END}"),
    ("mdy", rf"{MON}\s+{DAY},?\s+{YEAR}{END}"),
    ("dmy", rf"{DAY}\s+{MON}\s+{YEAR}{END}"),
    ("iso", r"(?<![\d.])\d{4}(?:-\d{2}-\d{2}|\.\d{1,2}\.\d{1,2}|/\d{1,2}/\d{1,2})(?![\d.]\d)"),
    ("md", rf"{MON}\s+{DAY}(?!\d)(?!\s*[-–]\s*\d)"),
    ("my", rf"{MON}\s+{YEAR}{END}"),
    ("in_month", rf"(?<=\bin\s){FULLMON}\b(?!\s+\d)"),
    ("rel_year", r"\b(?:[Tt]his|[Ll]ast|[Nn]ext)\s+year\b"),
    ("rel_day", r"\b(?:[Tt]oday|[Yy]esterday|[Tt]omorrow)\b"),
    ("weekday", rf"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his)\s+)?{WD}\b"),
    ("ctx_year", rf"(?:\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Bb]efore|[Aa]fter|[Dd]uring"
                 rf"|[Oo]f|[Ff]rom|[Aa]s\s+early\s+as|[Aa]s\s+of|[Ee]arly|[Ll]ate|[Mm]id-?)"
                 rf"\s+(?:the\s+year\s+)?|,\s+|\(\s*)(?P<year>{YEAR}){END}(?![-–./]\d)"),
]
PATTERN = re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in _ALTERNATIVES))
_PARTS = {name: re.compile(pat) for name, pat in _ALTERNATIVES}
_MDY_PARTS = re.compile(rf"(?P<mon>{MON})\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}))?")
FUTURE = re.compile(
    r"\b(?:will|shall|'ll|is\s+to|are\s+to|is\s+scheduled|are\s+scheduled|is\s+expected|"
    r"are\s+expected|is\s+set\s+to|are\s+set\s+to|going\s+to|upcoming|to\s+be\s+held)\b", re.I)
SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[A-Z\"“(])|\n\n")


def _month(token: str) -> int:
    return _MONTHS[token.rstrip(".").lower()]


def _day(token: str) -> int:
    return int(re.match(r"\d+", token).group())


def _nearest_year(month: int, day: int | None, published: dt.date) -> int:
    """The year that puts month/day nearest the publication date."""
    best = None
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            d = dt.date(year, month, day or 1)
        except ValueError:
            continue
        dist = abs((d - published).days)
        if best is None or dist < best[0]:
            best = (dist, year)
    return best[1] if best else published.year


def _month_interval(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    m = SENTENCE_END.search(text, end)
    return text[left:m.start() if m else len(text)]


def _weekday(text: str, s: int, e: int, published: dt.date):
    words = text[s:e].split()
    target = _WEEKDAYS.index(words[-1].lower())
    modifier = words[0].lower() if len(words) > 1 else None
    pub = published.weekday()
    future = modifier == "next" or (
        modifier != "last" and FUTURE.search(_sentence(text, s, e)) is not None)
    if modifier is None and target == pub:
        day = published
    elif future:
        day = published + dt.timedelta(days=(target - pub) % 7 or 7)
    else:
        day = published - dt.timedelta(days=(pub - target) % 7 or 7)
    return day, day, "day", "relative"


def _resolve(kind: str, m: re.Match, text: str, published: dt.date):
    """(value_start, value_end, precision, resolution), or None if not a real date."""
    s = m.group(kind)
    if kind in ("between", "from_to", "dash"):
        parts = list(_MDY_PARTS.finditer(s))
        first = parts[0]
        m1, d1 = _month(first["mon"]), _day(first["day"])
        if len(parts) > 1:
            m2, d2, y2 = _month(parts[1]["mon"]), _day(parts[1]["day"]), parts[1]["year"]
        else:
            m2, y2 = m1, None
            d2 = _day(re.findall(DAY, s[first.end():])[-1])
        y1 = first["year"] or y2
        explicit = y1 is not None
        y1 = int(y1) if y1 else _nearest_year(m1, d1, published)
        y2 = int(y2) if y2 else y1
        start, end = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
        if end < start:
            return None
        return start, end, "day", "explicit" if explicit else "relative"
    if kind == "year_range":
        y1, y2 = (int(y) for y in re.findall(YEAR, s))
        if y2 < y1:
            return None
        return dt.date(y1, 1, 1), dt.date(y2, 12, 31), "year", "explicit"
    if kind in ("mdy", "md"):
        p = _MDY_PARTS.match(s)
        month, day = _month(p["mon"]), _day(p["day"])
        year = int(p["year"]) if p["year"] else _nearest_year(month, day, published)
        d = dt.date(year, month, day)
        return d, d, "day", "explicit" if p["year"] else "relative"
    if kind == "dmy":
        day, mon, year = s.split()
        d = dt.date(int(year), _month(mon), _day(day))
        return d, d, "day", "explicit"
    if kind == "iso":
        y, mo, d = (int(x) for x in re.split(r"[-./]", s))
        v = dt.date(y, mo, d)
        return v, v, "day", "explicit"
    if kind == "my":
        mon, year = s.split()
        return (*_month_interval(int(year), _month(mon)), "month", "explicit")
    if kind == "in_month":
        month = _month(s)
        return (*_month_interval(_nearest_year(month, None, published), month), "month",
                "relative")
    if kind == "rel_year":
        year = published.year + {"this": 0, "last": -1, "next": 1}[s.split()[0].lower()]
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "relative"
    if kind == "rel_day":
        d = published + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[s.lower()])
        return d, d, "day", "relative"
    if kind == "weekday":
        return _weekday(text, m.start(kind), m.end(kind), published)
    if kind == "ctx_year":
        year = int(m.group("year"))
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "explicit"
    raise AssertionError(kind)


def find_dates(text: str, published: dt.date) -> list[DateCandidate]:
    out = []
    for m in PATTERN.finditer(text):
        kind = m.lastgroup if m.lastgroup != "year" else "ctx_year"
        if kind == "year":
            kind = "ctx_year"
        try:
            resolved = _resolve(kind, m, text, published)
        except ValueError:  # February 30 and the like: not a date
            continue
        if resolved is None:
            continue
        s, e = (m.start("year"), m.end("year")) if kind == "ctx_year" else m.span(kind)
        out.append(DateCandidate(s, e, text[s:e], *resolved))
    return out
