"""Properties of `extract` on random text built from seed fragments, numbers, dates and
noise: every span reproduces its text, spans of one kind are sorted and disjoint, every
value is in its vocabulary and consistent, and nothing crashes; the fast scans find what
their whole patterns find. (Speed is measured by bench/, not asserted here.)"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from build_dataset.extract import Gazetteer, extract, layout, quotes
from build_dataset.extract import dates as date_extractor
from build_dataset.extract import figures as figure_extractor

GAZETTEER = Gazetteer.from_entities(
    [
        ("xi-jinping", "Xi Jinping", "person", ["Xi", "President Xi Jinping"]),
        ("li-xi", "Li Xi", "person", []),
        (
            "acftu",
            "All-China Federation of Trade Unions",
            "organization",
            ["ACFTU", "the federation"],
        ),
        ("china", "China", "place", []),
        ("south-china-sea", "South China Sea", "place", []),
    ]
)
FRAGMENTS = [
    "President Xi Jinping delivers a speech on Monday at the Great Hall of the People",
    "The federation, which was founded in 1925 with 540,000 members,",
    "with a membership of nearly 300 million.",
    "Monday's event was the 17th State-level",
    "The first such award ceremony was held in 1950,",
    "every five years since 1995.",
    '"The practice over the past 100 years has fully proved',
    '," he said.',
    "Chen said,",
    "Addressing a gathering of 1,670 national model workers and 756 exemplary individuals,",
    "He toured Chongqing from April 22 to 24.",
    "(Originally appeared in Qiushi Journal, No. 9, 2024)",
    "BEIJING, Oct. 23 (Xinhua) --",
    "( 2023.10.23 )",
    "Updated: 2024-07-04",
    "this year's ninth",
    "between Nov. 15, 2012 and July 7, 2023",
    "will be published on Wednesday",
    "“",
    "”",
    '"',
    "Over the past five years,",
    "hundreds of millions of workers",
    "about 2,000 delegates",
    "1. It is imperative",
    "Covid-19",
    "one fifth",
    "22.4%",
    "$5 million",
    "twice a year",
    "Li Xi and South China Sea",
    "All-China",
    "Xi's",
    "the 1990s",
    "mid-2025",
    "2,000-plus",
    "April 22-24",
    "from 2019 to 2023",
    "last Tuesday",
    "Dec 31",
    "Article 5",
    "almost half",
    "in January and February",
    "in the July round",
    "the first quarter of 2024",
    "third-quarter",
    "the first half of the year",
    "About one in four",
    "a 2.8-billion-yuan program",
    "at 7 pm",
    "less than a quarter",
    "a third term",
    "every other year",
    "said it would publish the list on Thursday",
    "registration closes on Friday",
    "the 1980s and 1990s",
    "under a 2004 regulation",
    "drafted over 18 months",
]
SEPARATORS = [" ", "\n\n", ", ", ". ", "", "-", " and ", ": ", "\n"]
NOISE = st.lists(
    st.sampled_from(
        list("abcXYZ019 ,.-–'’\"“”()%$/:;\n\u00a0é中")
        + ["May", "Monday", "of", "the", " 2024", "th", "Xi"]
    ),
    max_size=30,
).map("".join)


@st.composite
def numbers(draw):
    n = draw(st.integers(min_value=0, max_value=10**10))
    style = draw(st.sampled_from(["plain", "comma", "decimal", "ordinal", "year"]))
    if style == "comma":
        return f"{n:,}"
    if style == "decimal":
        return f"{n / 100:.2f}"
    if style == "ordinal":
        return f"{n % 200}th"
    return str(n if style == "plain" else 1800 + n % 320)


@st.composite
def dates(draw):
    d = draw(st.dates(min_value=dt.date(1790, 1, 1), max_value=dt.date(2110, 12, 31)))
    fmt = draw(
        st.sampled_from(
            [
                "%B %d, %Y",
                "%b. %d, %Y",
                "%b %d",
                "%Y-%m-%d",
                "%Y.%m.%d",
                "%d %B %Y",
                "%B %Y",
                "in %Y",
                "on %A",
                "%A's",
                "since %Y",
            ]
        )
    )
    return d.strftime(fmt)


PIECES = st.one_of(st.sampled_from(FRAGMENTS), NOISE, numbers(), dates())


@st.composite
def articles(draw):
    parts = draw(st.lists(PIECES, min_size=1, max_size=25))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps, strict=True))


def _disjoint_sorted(cands) -> bool:
    return all(a.char_end <= b.char_start for a, b in zip(cands, cands[1:], strict=False))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=articles(),
    published=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)),
)
def test_spans_reproduce_texts_and_never_overlap(text, published):
    ex = extract(text, published, GAZETTEER)
    for d in ex.dates:
        assert text[d.char_start : d.char_end] == d.text and d.text
        assert d.value_start <= d.value_end
        assert d.precision in ("day", "month", "year")
        assert d.resolution in ("explicit", "relative")
        if d.precision == "year":
            assert (d.value_start.month, d.value_start.day) == (1, 1)
            assert (d.value_end.month, d.value_end.day) == (12, 31)
        if d.precision == "month":
            last = calendar.monthrange(d.value_end.year, d.value_end.month)[1]
            assert d.value_start.day == 1 and d.value_end.day == last
    for f in ex.figures:
        assert text[f.char_start : f.char_end] == f.value_text and f.value_text
        assert math.isfinite(f.value) and f.value >= 0
        assert f.qualifier in (
            "exact",
            "approximately",
            "nearly",
            "more_than",
            "at_least",
            "less_than",
            "vague",
        )
        assert f.kind in ("count", "ordinal", "percent", "duration", "frequency", "amount")
        assert f.unit is None or (f.unit and f.unit == f.unit.strip())
    for n in ex.names:
        assert text[n.char_start : n.char_end] == n.text and n.text
        assert n.entity_type in ("person", "organization", "place", "publication")
        if n.entity_id is not None:
            assert GAZETTEER.lookup(n.text) == (n.entity_id, n.entity_type)
    for q in ex.quotes:
        assert text[q.char_start : q.char_end] == q.text
        assert q.text[0] in '"“' and q.text[-1] in '"”'
        if q.speaker_char_start is not None:
            assert text[q.speaker_char_start : q.speaker_char_end] == q.speaker_name
    for cands in (ex.dates, ex.figures, ex.names, ex.quotes):
        assert _disjoint_sorted(cands)
    for f in ex.figures:  # a date's characters are never also a figure's
        assert not any(d.char_start < f.char_end and f.char_start < d.char_end for d in ex.dates)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300), published=st.dates())
def test_any_unicode_text_is_safe(text, published):
    ex = extract(text, published, GAZETTEER)
    for cands in (ex.dates, ex.figures, ex.names, ex.quotes):
        assert _disjoint_sorted(cands)
        for c in cands:
            surface = c.value_text if hasattr(c, "value_text") else c.text
            assert text[c.char_start : c.char_end] == surface


@settings(max_examples=100, deadline=None)
@given(
    text=articles(),
    published=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)),
)
def test_extraction_is_pure(text, published):
    assert extract(text, published, GAZETTEER) == extract(text, published, GAZETTEER)


def _searches(search, text: str) -> list[tuple]:
    """Every match `search(text, pos)` finds, from the start of the text on, as finditer
    would step: (span, alternative, the groups that took part)."""
    found, pos = [], 0
    while (m := search(text, pos)) is not None:
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        found.append((m.span(), m.lastgroup, groups))
        pos = m.end() if m.end() > m.start() else m.end() + 1
    return found


SCANS = {
    "figures": figure_extractor.PATTERN_SEARCH,
    "dates": date_extractor.PATTERN_SEARCH,
    "date singles": date_extractor.SINGLES_SEARCH,
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=articles())
def test_scans_find_what_their_pattern_finds(text):
    """AfterBoundary's scan, then the alternative alone without `start`, finds the same
    matches with the same groups as the whole pattern searched (which holds only while
    each `start` is zero-width)."""
    for scan in SCANS.values():
        assert _searches(scan.search, text) == _searches(scan.pattern.search, text)


def test_scans_find_what_their_pattern_finds_in_the_seeds(root):
    for path in sorted((root / "sources").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for kind, scan in SCANS.items():
            assert _searches(scan.search, text) == _searches(scan.pattern.search, text), kind


# where a figure can start, as figures' first test had it before the qualifiers left it
# (the same places as its 44,000-character form): a first word, or QUALIFIED
_first = figure_extractor.FIRST_WORD_ALTERNATIVES
FIGURE_START = (
    r"(?<![A-Za-z0-9])(?=[0-9$¥€£]|"
    + "|".join(v for k, v in _first.items() if k.islower())
    + "|(?=[A-Z])(?:"
    + "|".join(v for k, v in _first.items() if k.isupper())
    + f")|{figure_extractor.QUALIFIED.pattern})"
)
# figures' alternatives there, without the fast first test, the qualifiers found from the
# number and the alternatives' opening tests, which must change nothing
FIGURES_UNTESTED = re.compile(
    FIGURE_START
    + "(?:"
    + "|".join(f"(?P<{k}>{p})" for k, p in figure_extractor.PLAIN_ALTERNATIVES)
    + ")"
)
# the words figures begin with, and what follows them, in any order
FIGURE_WORDS = [
    *figure_extractor.QUALIFIERS,
    *figure_extractor.FIRST_WORDS,
    *figure_extractor.SCALES,
    *figure_extractor.FRACTIONS,
    *["a", "an", "no", "Nos", "Article", "Item", "US$", "HK$", "RMB", "$", "¥", "the", "of"],
    *["5", "1,000", "2.5", "17th", "percent", "times", "year", "a year", "or more", "plus"],
    *["yuan", "dollars", "every", "each", "other", "per", "in", "as many", "and a half"],
    *["٣٠٠", "RMBfive", "RMB5", "(", "no more", "than"],
]
FIGURE_TEXT = st.lists(
    st.tuples(
        st.sampled_from(FIGURE_WORDS + [w.capitalize() for w in FIGURE_WORDS]),
        st.sampled_from([" ", "  ", "\n", "\u00a0", "-", ". ", ".", "", ", "]),
    ),
    max_size=12,
).map(lambda pairs: "".join(w + sep for w, sep in pairs))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(FIGURE_TEXT, articles()))
@example(text="3 and a half times a year, up to 2 million times per week")
@example(text="a 2.8-billion-yuan program, twenty-one-dollar tickets, 1,000-euro")
@example(text="about ٣٠٠ workers, ٣ people, nearly RMBfive million, RMBfive, (about\n\n5")
@example(text="no more than 5, no fewer than  a third, well over half of them, an estimated 3")
def test_the_first_word_test_passes_over_no_figure(text):
    """_search finds the matches of the alternatives where a figure can start: its first
    test passes over no other place, the qualifiers found from the number are those of
    FIGURE_START, and each alternative's opening test holds wherever it matches."""
    assert _searches(FIGURES_UNTESTED.search, text) == _searches(figure_extractor._search, text)


def test_the_first_word_test_passes_over_no_figure_in_the_seeds(root):
    for path in sorted((root / "sources").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found = _searches(figure_extractor._search, text)
        assert _searches(FIGURES_UNTESTED.search, text) == found


# the characters around sentence ends and quotation marks, and words
MARKS_TEXT = st.lists(
    st.sampled_from([*".!?\"“”‘’')]([", " ", "\n", "Zhang", "said", "1", " The", "No."]),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=MARKS_TEXT)
def test_end_marks_searched_alone_find_what_the_class_finds(text):
    """The sentence breaks and the quotation marks, found one mark at a time and merged,
    are those of the one pattern with a class of the marks."""
    breaks = [(m.span(), m.span(1)) for m in layout._breaks(text)]
    assert breaks == [(m.span(), m.span(1)) for m in layout.SENTENCE_BREAK.finditer(text)]
    assert quotes._marks(text) == [m.start() for m in re.finditer(r"[\"“”]", text)]
