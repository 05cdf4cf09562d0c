"""Date expressions, resolved to inclusive intervals against the publication date.

Span: the expression itself, without a leading preposition ("1925" in "in 1925", "1995"
in "since 1995", "Monday" in "on Monday" and in "Monday's event"); a weekday's "last" or
"next" is part of it ("last Monday"), and so are the "from … to …" and "between … and …"
words of a range ("from April 22 to 24"), which is one mention.

Precision: `day` (a date or a range of days), `month` ("October 2023", "in May", "the
July round", "January and February", "the first quarter" / "third-quarter" ->
January..March / July..September, "the first half of the year"), `year` ("in 1925" ->
1925-01-01..1925-12-31, "this year", "from 2019 to 2023", "the 1980s and 1990s").
Resolution: `explicit` when the text gives every part of the date (a range is explicit
when it states a year), `relative` when anything comes from the publication date: the
year of "Oct. 23" or "May 1" (the year that puts the date nearest to the publication),
the day of a weekday, "this year", "last month", "yesterday". A "this year" (or "last
year") right after a partial date gives its year ("Oct. 31 this year"); a range without a
year takes the years that put it nearest to (or around) the publication date; a month or
quarter without a year takes the one its sentence's tense points to (the next for the
future, the last for the past), else the nearest.

Weekdays: a weekday equal to the publication's is the publication day (unless "last" or
"next" says otherwise); otherwise the verb group nearest before the weekday in its
sentence decides (or, with none before it, the first one after it): "will", "shall",
"would", "is to", "is scheduled", "is set to", "plans to", and a schedule in the present
tense outside headlines and photo captions ("the fair opens on Saturday") -> the next
such day after publication; anything else (past, present, no verb) -> the most recent
such day before it. A participle before "by" ("workshops led by …") is not the verb.

A number is a year only between 1800 and 2100 and in a date-like context: after "in",
"since", "by", "until", "from", "before", "after", "during", "through", "of", "early",
"late", "mid-", "as early as", "as of", "over" ("up 0.7 percent over 2023"); inside
"(2024)" or ", 2024)" (as in "No. 9, 2024)"); before "'s"; after "the" and before a
capitalized name ("the 2008 Olympic Games"); after "a" and before a singular noun that is
not a unit ("a 2004 regulation"); in a full date or a range. "2,000 delegates", "17th",
"No. 9" and "18th National Congress" are never dates, nor is a year directly followed by a
plural noun ("in 2000 workers").
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

from build_dataset.extract.layout import Layout
from build_dataset.extract.patterns import AfterBoundary, _marked, trie, whole_pattern
from build_dataset.extract.types import DateCandidate, make_date

MONTH_NUMBERS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINAL_NUMBERS = {"first": 1, "second": 2, "third": 3, "fourth": 4}

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ABBREVIATED = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")
FULLMON = trie(MONTH_NAMES)
# the first letter of a month name, tested before the lookbehinds of a month's context
# (a class costs less than the lookbehinds the other words would try)
MONTH_INITIAL = "(?=[" + "".join(dict.fromkeys(m[0] for m in MONTH_NAMES)) + "])"
MON = trie(MONTH_NAMES + ABBREVIATED + tuple(a + "." for a in ABBREVIATED)) + "(?![A-Za-z])"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\w)"
YEAR = r"(?:1[89]\d\d|20\d\d|2100)(?!\d)"
NOT_NUM = r"(?![.,]?\d)"  # not continued as "2,000" or "2023.10"
WD = trie(w.title() for w in WEEKDAYS)
RANGE_CONN = r"(?:\s+(?P<{k}_conn>to|until|till|through|and)\s+|\s*(?P<{k}_dash>[-–—])\s*)"


def _after(*words: str) -> str:
    """Zero-width: the position follows one of `words` (either capitalization) and a blank.

    One lookbehind per length of word (a lookbehind has a fixed width), each a trie: the
    engine tries a handful of lookbehinds instead of one per word."""
    by_width: dict[tuple[int, str], list[str]] = {}
    for w in words:
        for v in dict.fromkeys((w, w[0].upper() + w[1:])):
            tail = "" if v.endswith("-") else r"\s"
            by_width.setdefault((len(v), tail), []).append(v)
    return "(?:" + "|".join(rf"(?<=\b{trie(vs)}{tail})" for (_, tail), vs in by_width.items()) + ")"


YEAR_CONTEXT = _after(
    "in",
    "since",
    "by",
    "until",
    "till",
    "from",
    "before",
    "after",
    "during",
    "through",
    "throughout",
    "of",
    "early",
    "late",
    "mid-",
    "as early as",
    "as of",
    "as late as",
    "circa",
    "spring",
    "summer",
    "autumn",
    "winter",
    "year",
    "the end of",
    "end-",
    "over",
)
MONTH_CONTEXT = _after(
    "in",
    "since",
    "by",
    "until",
    "till",
    "from",
    "before",
    "after",
    "during",
    "through",
    "of",
    "early",
    "late",
    "mid-",
    "end-",
    "for",
    *(f"{m}{conj}" for m in MONTH_NAMES for conj in (",", " and", " or")),
)
# "the July round", "the October data": a month name between "the" and a lower-case noun
MONTH_THE = rf"{MONTH_INITIAL}(?<=\bthe\s)(?P<mthe_m>{FULLMON})(?=\s+(?!of\b)[a-z])"
QUARTER = (
    r"(?P<quarter_n>(?i:first|second|third|fourth))[\s-]quarter\b"
    rf"(?:\s+of\s+(?:(?P<quarter_y>{YEAR})|(?:the|this)\s+year\b))?"
)
HALF = (
    r"(?P<half_n>(?i:first|second))\s+half\s+of\s+(?P<half_mod>the|this|last|next)"
    r"\s+year\b"
)
# "the second half of June": days 16 to the end of the month
MONTH_HALF = (
    rf"(?P<mhalf_n>(?i:first|second))\s+half\s+of\s+(?P<mhalf_m>{FULLMON})"
    rf"(?:,?\s+(?P<mhalf_y>{YEAR}))?(?![\w-])(?!\s+\d)"
)
UNIT_WORDS = frozenset(
    """yuan dollar euro pound yen won rupee meter metre kilometer km ton
tonne kilogram kg mu hectare square cubic point""".split()
)


def _range(k: str, body: str) -> str:
    return body.replace("{K}", k).replace("{CONN}", RANGE_CONN.format(k=k))


ALTERNATIVES = [
    (
        "rmd",
        _range(
            "rmd",
            rf"(?:(?P<rmd_pre>[Ff]rom|[Bb]etween)\s+)?(?P<rmd_m1>{MON})\s+"
            rf"(?P<rmd_d1>{DAY})(?:,?\s+(?P<rmd_y1>{YEAR}))?{{CONN}}"
            rf"(?:(?P<rmd_m2>{MON})\s+)?(?P<rmd_d2>{DAY})"
            rf"(?:,?\s+(?P<rmd_y2>{YEAR}))?{NOT_NUM}",
        ),
    ),
    (
        "rdm",
        _range(
            "rdm",
            rf"(?<![\w,.])(?:(?P<rdm_pre>[Ff]rom|[Bb]etween)\s+)?"
            rf"(?P<rdm_d1>{DAY})(?:\s+(?P<rdm_m1>{FULLMON}))?{{CONN}}"
            rf"(?P<rdm_d2>{DAY})\s+(?P<rdm_m2>{FULLMON})"
            rf"(?:,?\s+(?P<rdm_y2>{YEAR}))?{NOT_NUM}",
        ),
    ),
    (
        "rmo",
        _range(
            "rmo",
            rf"(?:(?P<rmo_pre>[Ff]rom|[Bb]etween)\s+)?(?P<rmo_m1>{MON})"
            rf"(?:\s+(?P<rmo_y1>{YEAR}))?{{CONN}}(?P<rmo_m2>{MON})"
            rf"(?!\s+\d{{1,2}}(?!\d))(?:,?\s+(?P<rmo_y2>{YEAR}))?{NOT_NUM}",
        ),
    ),
    (
        "iso",
        rf"(?<![\w.,/-])(?P<iso_y>{YEAR})(?P<iso_sep>[-./])(?P<iso_m>1[0-2]|0?[1-9])"
        r"(?P=iso_sep)(?P<iso_d>3[01]|[12]\d|0?[1-9])(?!\d)(?![-./]\d)",
    ),
    (
        "ryr",
        _range(
            "ryr",
            rf"(?<![\w,.$-])(?:(?P<ryr_pre>[Ff]rom|[Bb]etween)\s+)?"
            rf"(?P<ryr_y1>{YEAR}){{CONN}}(?P<ryr_y2>{YEAR}|\d\d(?!\d))"
            r"(?![.,]?\d|[-–/]\d|%)",
        ),
    ),
    (
        "mdy",
        rf"(?:(?P<mdy_wd>{WD}),?\s+)?(?P<mdy_m>{MON})\s+(?P<mdy_d>{DAY}),?\s+"
        rf"(?P<mdy_y>{YEAR}){NOT_NUM}",
    ),
    (
        "dmy",
        rf"(?:(?P<dmy_wd>{WD}),?\s+)?(?<![\w,.])(?P<dmy_d>{DAY})\s+(?P<dmy_m>{MON}),?\s+"
        rf"(?P<dmy_y>{YEAR}){NOT_NUM}",
    ),
    ("my", rf"(?P<my_m>{MON})\s+(?P<my_y>{YEAR}){NOT_NUM}"),
    ("md", rf"(?:(?P<md_wd>{WD}),?\s+)?(?P<md_m>{MON})\s+(?P<md_d>{DAY})(?![.,:]\d)"),
    (
        "dm",
        rf"(?=[0-9]){_after('on', 'from', 'since', 'until', 'by')}(?P<dm_d>{DAY})\s+"
        rf"(?P<dm_m>{FULLMON})(?![\w-])(?!,?\s+\d)",
    ),
    (
        "mctx",
        rf"(?:(?P<mctx_mod>[Ll]ast|[Nn]ext|[Tt]his)\s+|{MONTH_INITIAL}{MONTH_CONTEXT})"
        rf"(?P<mctx_m>{FULLMON})(?![\w-])(?!,?\s+\d)",
    ),
    ("mthe", MONTH_THE),
    ("quarter", QUARTER),
    ("half", HALF),
    ("mhalf", MONTH_HALF),
    (
        "decade",
        rf"(?=[12])(?:{_after('the', 'the early', 'the late', 'the mid-')}"
        r"|(?<=0s\sand\s)|(?<=0s\sor\s)|(?<=0s,\s))(?P<decade_y>1[89]\d0|20\d0)s\b",
    ),
    ("rel", r"\b(?P<rel_mod>[Tt]his|[Ll]ast|[Nn]ext)\s+(?P<rel_unit>year|month)\b(?!-)"),
    ("relday", r"\b(?:[Yy]esterday|[Tt]omorrow)\b"),
    (
        "weekday",
        rf"\b(?:(?P<weekday_mod>[Ll]ast|[Nn]ext|[Tt]his(?:\s+coming)?|[Cc]oming)\s+)?"
        rf"(?P<weekday_d>{WD})\b(?!-)",
    ),
    (
        "year",
        rf"(?=(?:1[89]|20)\d\d)(?:{YEAR_CONTEXT}(?P<year_a>{YEAR})(?![.,]?\d|[-–/]\d|%)"
        rf"|(?:(?<=\()|(?<=,\s))(?P<year_b>{YEAR})(?=\))"
        rf"|(?<![\w.,$])(?P<year_c>{YEAR})(?=['’]s\b)"
        rf"|(?<=\bthe\s)(?P<year_d>{YEAR})(?=\s[A-Z][a-z])"
        rf"|(?<=\b[Aa]\s)(?P<year_e>{YEAR})(?=\s[a-z]))",
    ),
]
RANGES = {"rmd", "rdm", "rmo", "ryr"}
# every date starts a word with a digit, a month or weekday name (its first three letters
# here), or one of these words in any case: a cheap first test, which most words fail
NAME_STARTS = sorted({m[:3] for m in MONTH_NAMES} | {w[:3].title() for w in WEEKDAYS})
CASELESS_STARTS = (
    "from between this last next coming yesterday tomorrow first second third fourth".split()
)


def _cases(letter: str) -> str:
    """The characters (?i:letter) matches, for the first letters of CASELESS_STARTS: the
    two ASCII cases, and for "s" also the long s "ſ" (U+017F)."""
    return letter.upper() + letter + ("ſ" if letter == "s" else "")


def _word_starts() -> str:
    """Alternatives matching the start of a date's first word: a NAME_STARTS word as
    written, or a CASELESS_STARTS word in any case (as (?i:…) would) and whole; one
    alternative per first character, opening with it as a literal:
    "F(?:eb|ri|(?i:rom|irst|ourth)\\b)". The engine passes over an alternative opening with
    another literal at the cost of one comparison (a class costs a call), so a word enters
    only the alternative of its first character."""
    rests: dict[str, list[str]] = {}
    for w in NAME_STARTS:
        rests.setdefault(w[0], []).append(w[1:])
    caseless: dict[str, list[str]] = {}
    for w in CASELESS_STARTS:
        caseless.setdefault(w[0], []).append(w[1:])
    for letter, words in caseless.items():
        for c in _cases(letter):
            rests.setdefault(c, []).append(f"(?i:{'|'.join(words)})\\b")
    return "|".join(f"{c}(?:{'|'.join(r)})" for c, r in sorted(rests.items()))


START = (
    # the first character alone, a single test where most words stop; the \b (two Unicode
    # lookups) last, where few words get
    r"(?=[0-9"
    + "".join(dict.fromkeys(w[0] for w in NAME_STARTS))
    + "".join(_cases(c) for c in dict.fromkeys(w[0] for w in CASELESS_STARTS))
    + r"])(?=[0-9]|"
    + _word_starts()
    + r")\b"
)
# a date starts a word (START): it follows a character that is not an ASCII letter, digit
# or "_", or starts the text
BEFORE_WORD = "[^0-9A-Za-z_]"
# the alternatives that can only match where the date's first character is a digit, and
# those that can only match where it is not (a month, weekday or other word; "from" or
# "between" opens a range of either); the others (rdm, ryr, dmy) can match at both
DIGIT_ONLY = frozenset({"iso", "dm", "decade", "year"})
LETTER_ONLY = frozenset(
    {"rmd", "rmo", "mdy", "my", "md", "mctx", "mthe", "quarter", "half", "mhalf", "rel"}
    | {"relday", "weekday"}
)


class DateSearch(AfterBoundary):
    """AfterBoundary's search (patterns.py) of START followed by the named `alternatives`,
    tried in order, after BEFORE_WORD; with a scan that tries, after START, only the
    alternatives that can match at the character there: those that can open with a digit
    if it is one, the others if not (most words that pass START are numbers, which the
    word alternatives would each be entered for, only to fail at once). At a place, the
    first of the alternatives to match is the first of those that can, in the same order.

    An alternative in both lists is named a second time among the letters' (its kind +
    "_"), which `kinds` maps back. As in AfterBoundary, `pattern` itself (8 KB of regex,
    20 to 40 ms to compile) is only compiled when asked for (by the tests)."""

    def __init__(self, alternatives: list[tuple[str, str]]):
        super().__init__(START, alternatives, BEFORE_WORD)

    def _scan(
        self, head: str, alternatives: list[tuple[str, str]]
    ) -> tuple[re.Pattern, dict[str, str]]:
        digit = [(k, p) for k, p in alternatives if k not in LETTER_ONLY]
        letter = [
            (k + "_" if k not in DIGIT_ONLY | LETTER_ONLY else k, p)
            for k, p in alternatives
            if k not in DIGIT_ONLY
        ]
        scan = re.compile(head + f"(?:(?=[0-9]){_marked(digit)}|(?![0-9]){_marked(letter)})")
        return scan, {k: k.rstrip("_") for k, _ in digit + letter}


class SinglesSearch:
    """The search of the alternatives that are not ranges, as DateSearch would find it,
    made with the search of them all (which it needs asked only after a range that is not
    one): the first place where any alternative matches is the first where a single one can;
    where a range comes first, the singles are tried alone there, in order, before the
    search goes on."""

    def __init__(self, search: DateSearch):
        self.all = search
        self.alternatives = [a for a in search.alternatives if a[0] not in RANGES]

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        return re.compile(whole_pattern(START, self.alternatives))

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        while (m := self.all.search(text, pos)) is not None and m.lastgroup in RANGES:
            for k, _ in self.alternatives:
                single = self.all.alone[k].match(text, m.start())
                if single is not None:
                    return single
            pos = m.start() + 1
        return m


PATTERN_SEARCH = DateSearch(ALTERNATIVES)
SINGLES_SEARCH = SinglesSearch(PATTERN_SEARCH)

# after a range ending in a bare day ("from April 22 to 24"), a lower-case word must be a
# function word: "from May 1 to 24 cities" is a date and a count, not a range
AFTER_BARE_DAY = frozenset(
    """in at on and with during when for to this that as the where
while after before under respectively of or but""".split()
)
PLURAL_NOT_NOUN = frozenset("is as has was its this thus us always perhaps across plus".split())
NEXT_WORD = re.compile(r"\s+([a-z][a-z’'-]*)")
YEAR_AFTER = re.compile(r",?\s+(this|last|next)\s+year\b")

TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
FUTURE_WORDS = frozenset(
    {"will", "shall", "would", "upcoming", "forthcoming", "scheduled", "slated"}
)
# a schedule in the present tense speaks of the future ("the fair opens on Saturday"), except
# in headlines and photo captions, whose present tense tells what happened
SCHEDULE_PRESENT = frozenset(
    {
        "opens",
        "closes",
        "starts",
        "begins",
        "ends",
        "runs",
        "kicks",
        "resumes",
        "concludes",
        "convenes",
        "expires",
    }
)
CAPTION = re.compile(r"\(Photo|\[Photo|PHOTO|\(Xinhua/|\[Xinhua")
FUTURE_BEFORE_TO = frozenset(
    {
        "is",
        "are",
        "am",
        "scheduled",
        "expected",
        "set",
        "going",
        "slated",
        "planned",
        "plans",
        "plan",
        "poised",
        "aims",
        "aim",
    }
)
FUTURE_AFTER_BE = frozenset(
    {"to", "due", "scheduled", "set", "expected", "going", "slated", "poised"}
)
BE_PRESENT = frozenset({"is", "are", "am"})
PAST_WORDS = frozenset(
    """said told met held made gave took began saw spoke went came sent won
led left kept brought built felt found got heard knew laid lost meant paid ran sat stood
thought understood wrote chose drew drove fell flew grew rose sold taught threw became broke
caught fought sought bought spent struck shook was were had did has have been done given
taken seen spoken known shown written chosen begun""".split()
)
NOT_PAST_ED = frozenset(
    """need speed seed feed bed red shed hundred indeed deed creed breed
weed greed proceed exceed succeed bleed""".split()
)
ADVERBS = frozenset(
    {
        "not",
        "also",
        "already",
        "still",
        "just",
        "formally",
        "officially",
        "reportedly",
        "jointly",
        "never",
        "now",
        "then",
        "again",
    }
)


def find_dates(text: str, published: dt.date, layout: Layout | None = None) -> list[DateCandidate]:
    """Every date expression of `text`, in order, without overlaps."""
    layout = layout or Layout(text)
    out: list[DateCandidate] = []
    pos, n = 0, len(text)
    while pos < n:
        m = PATTERN_SEARCH.search(text, pos)
        if m is None:
            break
        cand = _candidate(m, text, published, layout)
        if cand is None and m.lastgroup in RANGES:  # not a range: its first date may be one
            m = SINGLES_SEARCH.search(text, m.start())
            if m is None:
                break
            cand = _candidate(m, text, published, layout)
        if cand is not None:
            out.append(cand)
        pos = max(m.end(), m.start() + 1)
    return out


def _candidate(m: re.Match, text: str, published: dt.date, layout: Layout):
    kind = m.lastgroup
    try:
        resolved = RESOLVERS[kind](m, text, published, layout)
    except ValueError:  # February 30, a day that does not exist: not a date
        return None
    if resolved is None:
        return None
    s, e = m.span(kind)
    return make_date(s, e, text[s:e], *resolved)


# ---------------------------------------------------------------- helpers


# The characters besides ASCII letters that Python's case-insensitive matching takes for
# i, s and k: a word matched by (?i:first|second…) may hold them ("ſecond"), and is looked
# up as the ASCII word it matched.
_ASCII_FOLD = str.maketrans({"ı": "i", "İ": "i", "ſ": "s", "\u212a": "k"})


def _ascii_lower(word: str) -> str:
    """A word matched case-insensitively, as the lowercase ASCII word it matched."""
    return word.translate(_ASCII_FOLD).lower()


def _month(token: str) -> int:
    return MONTH_NUMBERS[token.rstrip(".").lower()]


def _day(token: str) -> int:
    return int(token.rstrip("stndrh"))


def _nearest_year(month: int, day: int, published: dt.date) -> int:
    """The year that puts month/day nearest to the publication date."""
    best: tuple[int, int] | None = None
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            distance = abs((dt.date(year, month, day) - published).days)
        except ValueError:  # February 29
            continue
        if best is None or distance < best[0]:
            best = (distance, year)
    if best is None:
        raise ValueError("no such day")
    return best[1]


def _range_years(m1: int, d1: int, m2: int, d2: int, published: dt.date) -> tuple[int, int]:
    """Years of a range given without one: the interval nearest to the publication date
    (0 when it contains it); the end is in the next year when it comes before the start."""
    best: tuple[int, int, int] | None = None
    for y in (published.year - 1, published.year, published.year + 1):
        y2 = y if (m2, d2) >= (m1, d1) else y + 1
        try:
            start, end = dt.date(y, m1, d1), dt.date(y2, m2, d2)
        except ValueError:
            continue
        gap = (
            0
            if start <= published <= end
            else min(abs((start - published).days), abs((end - published).days))
        )
        if best is None or gap < best[0]:
            best = (gap, y, y2)
    if best is None:
        raise ValueError("no such day")
    return best[1], best[2]


def _year_hint(text: str, end: int, published: dt.date) -> int | None:
    """The year of a following "this year" / "last year" / "next year" ("Oct. 31 this
    year"), which is also a date mention of its own."""
    m = YEAR_AFTER.match(text, end)
    return published.year + {"this": 0, "last": -1, "next": 1}[m.group(1).lower()] if m else None


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _year_span(y1: int, y2: int | None = None) -> tuple[dt.date, dt.date]:
    return dt.date(y1, 1, 1), dt.date(y2 or y1, 12, 31)


def _range_words_ok(m: re.Match, k: str) -> bool:
    """ "between" goes with "and"; "and" only with "between"; a bare range needs a dash,
    or "to"/"through" between two month-day dates."""
    pre = (m.group(f"{k}_pre") or "").lower()
    conn = m.group(f"{k}_conn")
    if pre == "between":
        return conn == "and"
    if conn == "and":
        return False
    return (
        bool(pre)
        or m.group(f"{k}_dash") is not None
        or (k in ("rmd", "rdm") and conn in ("to", "through"))
    )


def _bare_day_end_ok(text: str, end: int) -> bool:
    nxt = NEXT_WORD.match(text, end)
    return nxt is None or nxt.group(1) in AFTER_BARE_DAY


# ---------------------------------------------------------------- resolvers
# each returns (value_start, value_end, precision, resolution) or None


def _rmd(m, text, published, layout):
    if not _range_words_ok(m, "rmd"):
        return None
    m1, d1 = _month(m["rmd_m1"]), _day(m["rmd_d1"])
    m2 = _month(m["rmd_m2"]) if m["rmd_m2"] else m1
    d2 = _day(m["rmd_d2"])
    y1, y2 = m["rmd_y1"], m["rmd_y2"]
    if not m["rmd_m2"] and not y2 and (d2 <= d1 or not _bare_day_end_ok(text, m.end("rmd"))):
        return None
    explicit = bool(y1 or y2)
    y2 = y2 or _year_hint(text, m.end("rmd"), published)
    if y1:
        y1 = int(y1)
        y2 = int(y2) if y2 else (y1 if (m2, d2) >= (m1, d1) else y1 + 1)
    elif y2:
        y2 = int(y2)
        y1 = y2 if (m1, d1) <= (m2, d2) else y2 - 1
    else:
        y1, y2 = _range_years(m1, d1, m2, d2, published)
    start, end = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
    if end <= start:
        return None
    return start, end, "day", "explicit" if explicit else "relative"


def _rdm(m, text, published, layout):
    if not _range_words_ok(m, "rdm"):
        return None
    d1, d2, m2 = _day(m["rdm_d1"]), _day(m["rdm_d2"]), _month(m["rdm_m2"])
    m1 = _month(m["rdm_m1"]) if m["rdm_m1"] else m2
    y2 = m["rdm_y2"] or _year_hint(text, m.end("rdm"), published)
    if y2:
        y2 = int(y2)
        y1 = y2 if (m1, d1) <= (m2, d2) else y2 - 1
    else:
        y1, y2 = _range_years(m1, d1, m2, d2, published)
    start, end = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
    if end <= start:
        return None
    return start, end, "day", "explicit" if m["rdm_y2"] else "relative"


def _rmo(m, text, published, layout):
    if not _range_words_ok(m, "rmo"):
        return None
    m1, m2 = _month(m["rmo_m1"]), _month(m["rmo_m2"])
    y1, y2 = m["rmo_y1"], m["rmo_y2"]
    if y2 and not y1:
        y2 = int(y2)
        y1 = y2 if m1 <= m2 else y2 - 1
    elif y1:
        y1 = int(y1)
        y2 = int(y2) if y2 else (y1 if m2 >= m1 else y1 + 1)
    else:
        y1, y2 = _range_years(m1, 1, m2, 28, published)
    if (y2, m2) <= (y1, m1):
        return None
    return (
        _month_span(y1, m1)[0],
        _month_span(y2, m2)[1],
        "month",
        "explicit" if (m["rmo_y1"] or m["rmo_y2"]) else "relative",
    )


def _ryr(m, text, published, layout):
    if not _range_words_ok(m, "ryr"):
        return None
    y1, tail = int(m["ryr_y1"]), m["ryr_y2"]
    y2 = int(tail) if len(tail) == 4 else y1 // 100 * 100 + int(tail)
    if y2 <= y1 or y2 > 2100:
        return None
    return (*_year_span(y1, y2), "year", "explicit")


def _iso(m, text, published, layout):
    d = dt.date(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))
    return d, d, "day", "explicit"


def _mdy(m, text, published, layout):
    d = dt.date(int(m["mdy_y"]), _month(m["mdy_m"]), _day(m["mdy_d"]))
    return d, d, "day", "explicit"


def _dmy(m, text, published, layout):
    d = dt.date(int(m["dmy_y"]), _month(m["dmy_m"]), _day(m["dmy_d"]))
    return d, d, "day", "explicit"


def _my(m, text, published, layout):
    return (*_month_span(int(m["my_y"]), _month(m["my_m"])), "month", "explicit")


def _md(m, text, published, layout):
    month, day = _month(m["md_m"]), _day(m["md_d"])
    year = _year_hint(text, m.end("md"), published) or _nearest_year(month, day, published)
    d = dt.date(year, month, day)
    return d, d, "day", "relative"


def _dm(m, text, published, layout):
    month, day = _month(m["dm_m"]), _day(m["dm_d"])
    year = _year_hint(text, m.end("dm"), published) or _nearest_year(month, day, published)
    d = dt.date(year, month, day)
    return d, d, "day", "relative"


def _mctx(m, text, published, layout):
    month = _month(m["mctx_m"])
    mod = (m["mctx_mod"] or "").lower()
    if mod == "last":
        year = published.year if month < published.month else published.year - 1
    elif mod == "next":
        year = published.year if month > published.month else published.year + 1
    elif mod == "this":
        year = published.year
    else:
        year = _tense_year(month, text, m.start("mctx_m"), m.end("mctx_m"), published, layout)
    return (*_month_span(year, month), "month", "relative")


def _mthe(m, text, published, layout):
    month = _month(m["mthe_m"])
    year = _tense_year(month, text, m.start("mthe"), m.end("mthe"), published, layout)
    return (*_month_span(year, month), "month", "relative")


def _tense_year(
    month: int, text: str, start: int, end: int, published: dt.date, layout: Layout
) -> int:
    """The year of a month named without one: the next such month when its sentence
    speaks of the future, the last one (or this one) when of the past, else the nearest."""
    hint = _year_hint(text, end, published)  # "in July last year"
    if hint is not None:
        return hint
    verdict = tense(text, start, end, layout)
    if verdict is None or month == published.month:
        return _nearest_year(month, 15 if month != 2 else 14, published)
    if verdict:
        return published.year + (month < published.month)
    return published.year - (month > published.month)


def _quarter(m, text, published, layout):
    """ "the first quarter" (January-March), "the fourth quarter of 2024"."""
    first = 3 * ORDINAL_NUMBERS[_ascii_lower(m["quarter_n"])] - 2
    if m["quarter_y"]:
        year, resolution = int(m["quarter_y"]), "explicit"
    else:
        year, resolution = published.year, "relative"
        verdict = tense(text, m.start("quarter"), m.end("quarter"), layout)
        if verdict is False and dt.date(year, first, 1) > published:
            year -= 1  # "profits fell in the fourth quarter", published in January
        elif verdict and _month_span(year, first + 2)[1] < published:
            year += 1
    return _month_span(year, first)[0], _month_span(year, first + 2)[1], "month", resolution


def _mhalf(m, text, published, layout):
    month = _month(m["mhalf_m"])
    if m["mhalf_y"]:
        year, resolution = int(m["mhalf_y"]), "explicit"
    else:
        end = m.end("mhalf")
        year, resolution = (
            _tense_year(month, text, m.start("mhalf"), end, published, layout),
            "relative",
        )
    first, last = _month_span(year, month)
    if _ascii_lower(m["mhalf_n"]) == "first":
        return first, first.replace(day=15), "day", resolution
    return first.replace(day=16), last, "day", resolution


def _half(m, text, published, layout):
    """ "the first half of the year" (January-June), "the second half of last year"."""
    year = published.year + {"the": 0, "this": 0, "last": -1, "next": 1}[m["half_mod"]]
    first = 1 if _ascii_lower(m["half_n"]) == "first" else 7
    return _month_span(year, first)[0], _month_span(year, first + 5)[1], "month", "relative"


def _decade(m, text, published, layout):
    y = int(m["decade_y"])
    return (*_year_span(y, y + 9), "year", "explicit")


def _rel(m, text, published, layout):
    if text[max(0, m.start() - 4) : m.start()].lower() == "the ":  # "the last year of"
        return None
    shift = {"this": 0, "last": -1, "next": 1}[m["rel_mod"].lower()]
    if m["rel_unit"] == "year":
        return (*_year_span(published.year + shift), "year", "relative")
    month_index = published.year * 12 + published.month - 1 + shift
    return (*_month_span(month_index // 12, month_index % 12 + 1), "month", "relative")


def _relday(m, text, published, layout):
    d = published + dt.timedelta(days=-1 if m.group().lower() == "yesterday" else 1)
    return d, d, "day", "relative"


def _weekday(m, text, published, layout):
    target = WEEKDAYS.index(m["weekday_d"].lower())
    mod = (m["weekday_mod"] or "").lower()
    today = published.weekday()
    if mod == "last":
        future = False
    elif mod == "next" or mod.endswith("coming"):
        future = True
    elif target == today:
        return published, published, "day", "relative"
    else:
        future = is_future(text, m.start("weekday"), m.end("weekday"), layout)
    if future:
        d = published + dt.timedelta(days=(target - today) % 7 or 7)
    else:
        d = published - dt.timedelta(days=(today - target) % 7 or 7)
    return d, d, "day", "relative"


def _year(m, text, published, layout):
    if m["year_a"]:
        nxt = NEXT_WORD.match(text, m.end("year"))
        if nxt and nxt.group(1).endswith("s") and nxt.group(1) not in PLURAL_NOT_NOUN:
            return None  # "of 2000 workers": a count
    if m["year_e"]:  # "a 2004 regulation"; not "a 2000 yuan bonus", "a 2000 workers' march"
        nxt = NEXT_WORD.match(text, m.end("year")).group(1)
        if nxt in UNIT_WORDS or (nxt.endswith("s") and nxt not in PLURAL_NOT_NOUN):
            return None
    y = int(m["year_a"] or m["year_b"] or m["year_c"] or m["year_d"] or m["year_e"])
    return (*_year_span(y), "year", "explicit")


RESOLVERS = {
    "rmd": _rmd,
    "rdm": _rdm,
    "rmo": _rmo,
    "ryr": _ryr,
    "iso": _iso,
    "mdy": _mdy,
    "dmy": _dmy,
    "my": _my,
    "md": _md,
    "dm": _dm,
    "mctx": _mctx,
    "mthe": _mthe,
    "quarter": _quarter,
    "half": _half,
    "mhalf": _mhalf,
    "decade": _decade,
    "rel": _rel,
    "relday": _relday,
    "weekday": _weekday,
    "year": _year,
}


# ---------------------------------------------------------------- tense of a weekday


def is_future(text: str, start: int, end: int, layout: Layout) -> bool:
    """Does the verb group governing the expression at [start, end) speak of the future?

    The nearest verb marker before it in its sentence decides; if there is none, the
    first one after it; with none at all, the past."""
    return bool(tense(text, start, end, layout))


def tense(text: str, start: int, end: int, layout: Layout) -> bool | None:
    """True future, False past, None when the sentence has no verb marker (see is_future)."""
    s_start, s_end = layout.sentence(start)
    # whether a present-tense schedule counts is asked only when one of its words is
    # there to be read (most sentences have none): it costs a search of the paragraph
    schedule = None
    before = _lower_tokens(text, s_start, start)
    before.reverse()
    if not SCHEDULE_PRESENT.isdisjoint(before):
        schedule = _schedule_counts(text, start, layout)
    verdict = _scan(before, backwards=True, schedule=bool(schedule))
    if verdict is None:
        after = _lower_tokens(text, end, s_end)
        if schedule is None and not SCHEDULE_PRESENT.isdisjoint(after):
            schedule = _schedule_counts(text, start, layout)
        verdict = _scan(after, backwards=False, schedule=bool(schedule))
    return verdict


def _lower_tokens(text: str, start: int, end: int) -> list[str]:
    """The TOKEN words of text[start:end], lowercased (the words hold no white space, so
    one join, lower and split do what a lower() per word would)."""
    return " ".join(TOKEN.findall(text, start, end)).lower().split()


def _schedule_counts(text: str, start: int, layout: Layout) -> bool:
    """A schedule in the present tense speaks of the future, except in a headline or a
    photo caption (SCHEDULE_PRESENT)."""
    p_start, p_end = layout.paragraph(start)
    return not layout.is_headline(start) and not CAPTION.search(text, p_start, p_end)


# the words _scan tests for, but past forms and "…'ll"
VERB_MARKERS = SCHEDULE_PRESENT | FUTURE_WORDS | FUTURE_BEFORE_TO | BE_PRESENT | {"won't", "won’t"}
# a word none of them nor a past form (_is_past) can be: neither in SCAN_WORDS nor ending
# in one of SCAN_ENDINGS
SCAN_WORDS = VERB_MARKERS | PAST_WORDS
SCAN_ENDINGS = ("ed", "'ll", "’ll")


def _is_past(w: str) -> bool:
    return w in PAST_WORDS or (len(w) > 4 and w.endswith("ed") and w not in NOT_PAST_ED)


def _skip_adverbs(tokens: list[str], i: int) -> int:
    while i < len(tokens) and (tokens[i] in ADVERBS or tokens[i].endswith("ly")):
        i += 1
    return i


def _scan(tokens: list[str], backwards: bool, schedule: bool = True) -> bool | None:
    """First verb marker in `tokens` (in scan order): True future, False past."""
    for i, w in enumerate(tokens):
        if w not in SCAN_WORDS and not w.endswith(SCAN_ENDINGS):
            continue  # most words: one lookup tells that none of the tests below can hold
        past = _is_past(w)
        if not past and w not in VERB_MARKERS and not w.endswith(("'ll", "’ll")):
            continue
        later = (
            tokens[i - 1]
            if backwards and i
            else (tokens[i + 1] if not backwards and i + 1 < len(tokens) else "")
        )
        if schedule and w in SCHEDULE_PRESENT:
            return True
        if past and later == "by":
            continue  # "workshops led by model workers": a participle, not the verb
        if w in FUTURE_WORDS or w.endswith(("'ll", "’ll")) or w in ("won't", "won’t"):
            return True
        if w in FUTURE_BEFORE_TO and later == "to":
            return True
        if w in BE_PRESENT and later in FUTURE_AFTER_BE:
            return True
        if past:
            if not backwards:
                return False
            j = _skip_adverbs(tokens, i + 1)  # "will be published", "is to be held"
            if j < len(tokens) and tokens[j] in ("be", "been", "being"):
                k = _skip_adverbs(tokens, j + 1)
                aux = tokens[k] if k < len(tokens) else ""
                if aux in ("will", "shall") or aux.endswith(("'ll", "’ll")):
                    return True
                if aux == "to" and k + 1 < len(tokens) and tokens[k + 1] in FUTURE_BEFORE_TO:
                    return True
            return False
    return None
