"""Numbers stated in a text: value, qualifier, kind and unit, with exact spans.

Surface (`value_text`, the span): the number with its qualifier words ("nearly 300
million", "about 2,000", "2,000-plus", "100 or more"), its currency ("$5 million", "100
yuan"), percent sign or word ("68.3 percent", "22.4%"), and, for durations and
frequencies, the time unit ("five years", "four-day", "every five years", "twice a
year"). For counts and ordinals the counted noun is not in the span but in `unit`.

Values: "540,000" -> 540000, "nearly 300 million" -> 3e8, "1.2 billion" -> 1.2e9,
"eight" -> 8, "two hundred and fifty" -> 250, "a dozen" -> 12, "one fifth" -> 0.2 (also
"roughly one third", "a third of", "one in four" -> 0.25), "half of" / "almost half" ->
0.5, "one and a half" -> 1.5, "a 2.8-billion-yuan program" -> 2.8e9 yuan. Fractions are
counts whose value is the share. Vague magnitudes get qualifier `vague` and their lower bound:
"dozens" 12, "hundreds" 100, "thousands" 1000, "tens of thousands" 1e4, "hundreds of
millions" 1e8.

Qualifiers (before any number, fraction or frequency): nearly/almost/close to -> nearly;
about/around/some/approximately/roughly/(an) estimated/"or so"/"-odd" -> approximately;
more than/over/above/upwards of/in excess of/"-plus" -> more_than; at least/no less
than/no fewer than/"or more"/"and above" -> at_least; less than/fewer than/under/below/up
to/as many as/no more than -> less_than.
"about" after a verb of speech ("talked about three issues"), a sentence-initial "Over"
before a duration ("Over five years, …") and "over" after a past participle ("drafted over
18 months") are not qualifiers.

Kinds: percent; amount (a currency); duration (a number of years, months, weeks, days,
hours, minutes, decades, centuries: "100 years", "four-day", "three working days");
frequency ("every five years": value 5, unit "years"; "twice a year": value 2, unit "times
a year"; "every year" / "each month": value 1; "every other year": value 2); ordinal
("17th", "100th", "No. 9", "Article 5", and "first" … "hundredth" only after a
determiner or possessive and before a noun or "one": "the first such award ceremony",
"this year's ninth issue", "the first one"; not "the first half"); count otherwise.

Unit: for counts and ordinals, the noun phrase right after the number (after "of" for
vague magnitudes), up to three words, ending at the first plural noun (its head: "30
workers attended" -> "workers"; "skills", "sales", "goods"… are modifiers) or before a
preposition, conjunction, article, pronoun, auxiliary verb, adverb, a number or
punctuation; a leading "such", "more", "other", "additional" or "further" is skipped
("1,670 national model workers" -> "national model workers"). Counts keep
the words as written; ordinals lower-case Title Case words and keep acronyms ("18th
National Congress" -> "national congress", "18th CPC National Congress" -> "CPC
national congress"). Percents: "percent" or "percentage points"; money: the currency
("$" -> "dollars", "¥"/"RMB" -> "yuan", or the word as written); durations: the time word.

Not figures: numbers inside date mentions (years, days), a bare "one" (mostly a pronoun:
"one of", "of one heart and mind"; "one million", "one year", "one fifth" are figures),
capitalized number words inside names ("Five-Year Plan", "Two Sessions"; in headlines
they count), number words in other hyphenated compounds ("two-way", "10-member"), a
paragraph's list number ("1. It is imperative…"), codes ("Covid-19", "G20", "5G"), clock
times ("10:30", "7 pm") and "24/7", a fraction that is a period ("the first three
quarters"), and a bare four-digit 1800-2100 number the date extractor did not take
(almost always a year: "the 2025 work plan"). A range "20 to 30 percent" / "2-3 million"
gives two figures, the first taking the second's unit and scale.
"""

from __future__ import annotations

import functools
import re

from build_dataset.extract.layout import Layout
from build_dataset.extract.patterns import AfterBoundary, either_case, trie
from build_dataset.extract.types import DateCandidate, FigureCandidate, make_figure

ONES = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
WORD_VALUES = {**ONES, **TEENS, **TENS}
SCALES = {
    "hundred": 100,
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "dozen": 12,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
}
FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fourth": 4,
    "fourths": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "seventh": 7,
    "sevenths": 7,
    "eighth": 8,
    "eighths": 8,
    "ninth": 9,
    "ninths": 9,
    "tenth": 10,
    "tenths": 10,
}
VAGUE = {
    "dozens": 12,
    "tens": 10,
    "hundreds": 100,
    "thousands": 10**3,
    "millions": 10**6,
    "billions": 10**9,
}
VAGUE_OF = ("thousands", "millions", "billions")
QUALIFIERS = {
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "about": "approximately",
    "around": "approximately",
    "some": "approximately",
    "approximately": "approximately",
    "roughly": "approximately",
    "an estimated": "approximately",
    "estimated": "approximately",
    "more than": "more_than",
    "over": "more_than",
    "above": "more_than",
    "upwards of": "more_than",
    "in excess of": "more_than",
    "well over": "more_than",
    "just over": "more_than",
    "well above": "more_than",
    "at least": "at_least",
    "no less than": "at_least",
    "not less than": "at_least",
    "no fewer than": "at_least",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "up to": "less_than",
    "as many as": "less_than",
    "as much as": "less_than",
    "no more than": "less_than",
    "not more than": "less_than",
    "just under": "less_than",
}
TAIL_QUALIFIERS = {
    "or more": "at_least",
    "or above": "at_least",
    "and above": "at_least",
    "or so": "approximately",
    "-odd": "approximately",
    "-plus": "more_than",
}
CURRENCY_SIGNS = {
    "$": "dollars",
    "US$": "US dollars",
    "HK$": "HK dollars",
    "¥": "yuan",
    "RMB": "yuan",
    "€": "euros",
    "£": "pounds",
}
TIME_UNIT = r"(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries|century)"


def _words(words, capital=True) -> str:
    """Regex of `words` (a trie), each also with a capital first letter unless not `capital`."""
    return trie(either_case(words) if capital else words)


def _qual(k: str) -> str:
    """An optional qualifier before the number of alternative `k`, as group `k_q`."""
    return rf"(?:(?P<{k}_q>{_words(QUALIFIERS)})\s+)?"


SCALE = rf"(?:{_words(SCALES, capital=False)})\b"
BASIC = (
    rf"(?:(?:{_words(TENS)})(?:-(?:{_words(ONES, capital=False)}))?"
    rf"|{_words(TEENS)}|{_words(ONES)})(?![\w])"
)
WORDNUM = (
    rf"(?:{BASIC}|[Aa](?=\s+{SCALE}))"
    rf"(?:(?:\s+{SCALE})+(?:(?:\s+and)?\s+{BASIC})?)*"
)
DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![A-Za-z\d])"
NUMBER = (
    rf"(?:{DIGITS}(?:\s+{SCALE})?|{WORDNUM}|[Hh]alf\s+a\s+(?:million|billion)\b)"
    r"(?:\s+and\s+a\s+half\b)?"
)
CURRENCY = r"(?:US\$|HK\$|RMB\s?|\$|¥|€|£)"
CURRENCY_WORD = r"(?:yuan|U\.S\.\s+dollars|US\s+dollars|dollars|euros|pounds|renminbi)\b"
SUFFIX = (
    rf"\s*%|\s+percent\b|\s+per\s+cent\b|\s+percentage\s+points?\b|\s+{CURRENCY_WORD}"
    r"|-(?:day|week|month|year|hour|minute|decade|century)s?(?:-long|-old)?\b"
)
GUARD = r"(?<![\w.,:/$¥€£-])"

PLAIN_ALTERNATIVES = [
    (
        "label",
        r"\b(?:No|Nos|no)\.\s?(?P<label_n>\d+)\b(?!\.\d)"
        r"|\b(?P<label_w>Article|Chapter|Section|Clause|Item|Document|Volume)\s+"
        r"(?P<label_n2>\d+)\b(?!\.\d)",
    ),
    (
        "every",
        rf"{_qual('every')}\b(?:[Oo]nce\s+)?[Ee]very\s+(?P<every_n>{NUMBER})\s+"
        rf"(?P<every_u>{TIME_UNIT})\b"
        rf"|{_qual('each')}\b(?:[Ee]very|[Ee]ach)\s+(?P<every_o>other\s+)?"
        r"(?P<every_1>year|month|week|day|decade)\b(?![-’'])",
    ),
    ("onein", rf"{GUARD}{_qual('onein')}\b[Oo]ne\s+in\s+(?P<onein_n>{DIGITS}|{BASIC})"),
    (
        "hyph",
        rf"{GUARD}(?P<hyph_n>{DIGITS}|{BASIC})-(?:(?P<hyph_s>{SCALE})-)?"
        r"(?P<hyph_c>yuan|dollars?|euros?|pounds?)\b(?!-)",
    ),
    (
        "times",
        rf"{GUARD}{_qual('times')}(?:(?P<times_w>[Oo]nce|[Tt]wice|[Tt]hrice)"
        rf"|(?P<times_n>{NUMBER})\s+"
        r"times)\s+(?:a|per|each|every)\s+(?P<times_u>year|month|week|day|decade)\b",
    ),
    (
        "mult",
        rf"{GUARD}{_qual('mult')}\b(?P<mult_w>[Dd]ouble|[Tt]riple|[Tt]reble|[Qq]uadruple"
        r"|[Tt]wice)(?=\s+(?:the|that|its|their|his|her|our|what|as\s+(?:many|much))\b)",
    ),
    ("vague", rf"\b(?:{_words(VAGUE)})(?:\s+of\s+(?:{_words(VAGUE_OF)}))?\b"),
    (
        "frac",
        rf"\b{_qual('frac')}(?P<frac_n>{_words(ONES)}|[Aa])[\s-]"
        rf"(?P<frac_d>{_words(FRACTIONS, False)})"
        r"\b(?!-)",
    ),
    ("ordd", r"(?<![\w.,-])\d{1,4}(?:st|nd|rd|th)\b"),
    (
        "core",
        rf"{GUARD}(?:(?P<qual>{_words(QUALIFIERS)})\s+)?"
        rf"(?P<cur>{CURRENCY})?(?P<num>{NUMBER})"
        rf"(?:(?P<rconn>\s*[-–]\s*|\s+to\s+)(?P<cur2>{CURRENCY})?(?P<num2>{NUMBER}))?"
        rf"(?P<suffix>{SUFFIX})?"
        r"(?P<tail>\s+or\s+(?:more|so|above)\b|\s+and\s+above\b|-plus\b|-odd\b)?",
    ),
    ("half", rf"(?<![\w-]){_qual('half')}[Hh]alf\b(?!-)"),
    ("ordw", rf"\b(?:(?:{_words(TENS)})-)?(?:{_words(ORDINALS)})\b(?!-)"),
]
# The alternatives are tried in turn wherever a figure can start. Most can only open with
# a letter (a word or a qualifier), "ordd" only with a digit: tested first, that character
# lets the engine pass over the alternative at once where it cannot match, instead of
# trying its guard and optional qualifier there. "hyph" and "times" open with a digit
# only before a hyphen ("2.8-billion-yuan"), or the word "times" ("3 times a year"): so
# tested, the engine no longer reads the number in every way it can before they fail.
# (Tests that always hold where the alternative matches: they match as before. The whole
# alternative in a group: "label" and "every" have alternatives of their own.)
LETTER_FIRST = ("label", "every", "onein", "mult", "vague", "frac", "half", "ordw")
OPENS_WITH = {
    **dict.fromkeys(LETTER_FIRST, "[A-Za-z]"),
    "ordd": r"\d",
    "hyph": r"[\d,.]++-|[A-Za-z]++-",  # the digits or first word ("twenty-one"), a hyphen
    "times": rf"(?!\d)|{DIGITS}(?:\s+{SCALE})?(?:\s+and\s+a\s+half\b)?\s+times\b",
}
ALTERNATIVES = [
    (k, f"(?={OPENS_WITH[k]})(?:{p})" if k in OPENS_WITH else p) for k, p in PLAIN_ALTERNATIVES
]
# The words a figure can begin with, in any alternative above, and what must follow them
# there. Most word starts fail this test at once, before the alternatives are tried one by
# one (a superset is harmless; a word missing here would lose figures: keep it in step).
# A number, ordinal or vague word stands whole. A qualifier opens a figure only whole and
# followed by blanks and a number (_qual: "over 500", "about a third"), so "over the",
# "about the", "some of" stop here too; "a" only before a scale or a fraction ("a
# million", "a third"); a label word only as the label alternative writes it ("Article
# 5", "No. 9": not "the article", "no one").
NUMBER_WORDS = (
    set(ONES)
    | set(TEENS)
    | set(TENS)
    | {"half", "once", "twice", "thrice", "every", "each", "double", "triple", "treble"}
    | {"quadruple"}
)
FIRST_WORDS = sorted(NUMBER_WORDS | set(VAGUE) | set(ORDINALS) | {"US", "HK", "RMB"})
A_BEFORE = rf"(?:\s+{SCALE}|[\s-]{_words(FRACTIONS, False)})"  # "a million", "a third"


def _by_first_letter(*groups: tuple[list[str], str]) -> dict[str, str]:
    """Alternatives matching each group's words, with the first letter in either case
    ("one", "One"), then the group's tail; one alternative per first letter, opening with
    it: "o(?:(?:n(?:ce|e))(?![A-Za-z])|(?:ver)\\s+…)". The regex engine skips at once an
    alternative that opens with a letter other than the next character, so a word costs a
    test per letter, not per word."""
    by_first: dict[str, dict[str, list[str]]] = {}
    for words, tail in groups:
        for w in either_case(words):
            by_first.setdefault(w[0], {}).setdefault(tail, []).append(w[1:])
    return {
        first: f"{re.escape(first)}(?:{'|'.join(trie(r) + tail for tail, r in tails.items())})"
        for first, tails in sorted(by_first.items())
    }


# what opens the number after a qualifier: a digit, a currency ("RMB" even before a
# letter: "RMBfive") or a number word
NUMBER_START = "|".join(
    [
        r"[\d$¥€£]",
        *_by_first_letter(
            (sorted(NUMBER_WORDS), "(?![A-Za-z])"), (["a"], A_BEFORE), (["US$", "HK$", "RMB"], "")
        ).values(),
    ]
)
FIRST_WORD_ALTERNATIVES = _by_first_letter(
    (FIRST_WORDS, "(?![A-Za-z])"),
    (["a"], A_BEFORE),
    (["Article", "Chapter", "Section", "Clause", "Item", "Document", "Volume"], r"\s+\d"),
    (["no", "Nos"], r"\."),  # "No. 9", "no. 9", "Nos. 3"
)
# what opens a number after a qualifier's blanks but no figure alone: a digit other than
# 0-9, "RMB" before a letter ("nearly RMBfive"). See _search.
AFTER_BLANK = r"[^\x00-\x7f](?<=\d)(?<=\s.)|RMB(?<=\sRMB)"
# figures start a word: a cheap first test, its first character tested alone first. The
# engine passes over the alternatives of a lookahead one by one, all of them where none
# matches (most words): those of the capitals, rarer, are passed over in one test, and
# what is neither a small letter nor a capital, in one more.
FIRST_TEST = (
    rf"(?=[0-9$¥€£{''.join(FIRST_WORD_ALTERNATIVES)}\x80-\U0010ffff])"
    + "(?=[0-9$¥€£]|"
    + "|".join(v for k, v in FIRST_WORD_ALTERNATIVES.items() if k.islower())
    + "|(?=[^a-z])(?:(?=[A-Z])(?:"
    + "|".join(v for k, v in FIRST_WORD_ALTERNATIVES.items() if k.isupper())
    + f")|{AFTER_BLANK}))"
)
assert all(k.isascii() and k.isalpha() for k in FIRST_WORD_ALTERNATIVES)
START = r"(?<![A-Za-z0-9])" + FIRST_TEST
# a figure follows a character that is not an ASCII letter or digit, or starts the text
PATTERN_SEARCH = AfterBoundary(START, ALTERNATIVES, "[^A-Za-z0-9]", scan_start=FIRST_TEST)

# A qualifier opens a figure before a number: "about 3,000", "nearly half". The first test
# leaves the qualifiers out, so that the many words that begin as one does ("in", "is",
# "with", "be", "more", "under") fail it at their first letter. The figure is found at its
# number, which passes the first test (or AFTER_BLANK), then the qualifier before it,
# blanks between, and the alternatives are tried again from there, as if found there
# first: no figure can start in between (the qualifiers hold no number word).
QUALIFIER_BEFORE = re.compile(rf"(?<![A-Za-z0-9])(?:{_words(QUALIFIERS)})\Z")
# where the whole first test held before: a qualifier, blanks and what opens a number
QUALIFIED = re.compile(rf"(?:{_words(QUALIFIERS)})\s+(?:{NUMBER_START})")
QUALIFIER_LENGTH = max(map(len, QUALIFIERS))
# a cheap first test: the qualifiers' last words ("about", "than"), as a text ends with them
QUALIFIER_LAST_WORDS = tuple(either_case(sorted({w.split()[-1] for w in QUALIFIERS})))
NOT_ALONE = re.compile(r"(?=[^\x00-\x7f])\d|RMB[A-Za-z]")


def _search(masked: str, pos: int) -> re.Match | None:
    """The first match of the alternatives at or after `pos` where a figure can start:
    where the first test holds (PATTERN_SEARCH), or at a qualifier before a number."""
    lo = pos
    while (m := PATTERN_SEARCH.search(masked, pos)) is not None:
        s = m.start()
        j = s
        while j > lo and masked[j - 1].isspace():
            j -= 1
        if j < s and masked.endswith(QUALIFIER_LAST_WORDS, lo, j):
            q = QUALIFIER_BEFORE.search(masked, max(lo, j - QUALIFIER_LENGTH), j)
            while q is not None:
                if QUALIFIED.match(masked, q.start()):
                    for alone in PATTERN_SEARCH.alone.values():
                        found = alone.match(masked, q.start())
                        if found is not None:
                            return found
                q = QUALIFIER_BEFORE.search(masked, q.start() + 1, j)
        first = masked[s]
        if first < "\x80" and first != "R" or NOT_ALONE.match(masked, s) is None:
            return m
        pos = s + 1
    return None


TIME_AFTER = re.compile(
    rf"\s+(?:(?:working|calendar|business|consecutive|straight|full)\s+)?"
    rf"({TIME_UNIT})\b"
)
WORD_AFTER = re.compile(r"[ \t]+([A-Za-z][A-Za-z’'-]*)")
OF_AFTER = re.compile(r"\s+of\b")
PREV_WORD = re.compile(r"([A-Za-z’']+)[ \t]+$")
COMPARATIVE_AFTER = re.compile(r"\s+(?:more|less|fewer|[a-z]+er)\s+than\b")
CLOCK_AFTER = re.compile(r"\s*(?:[ap]\.m\.|[ap]m\b)")
YEAR_LIKE = re.compile(r"1[89]\d\d|20\d\d|2100")
TRAILING_SCALE = re.compile(rf"\s({SCALE})$")
UNIT_STOP = frozenset(
    """of in at on to from for with by as than per into onto over under
about within across after before during while since until among between including like
and or but nor so yet plus versus vs the a an this that these those its their his her our
your my who whom whose which what where when why how is are was were be been being has have
had will would can could should may might must shall do does did not no said says say told
percent percentage times more most less least each every all both either neither other
one two three four five six seven eight nine ten hundred thousand million billion
year years month months week weeks day days ago old respectively""".split()
)
PLURAL_MODIFIERS = frozenset(
    {
        "skills",
        "sales",
        "arms",
        "goods",
        "savings",
        "news",
        "sports",
        "earnings",
        "means",
        "series",
        "species",
        "this",
        "its",
        "has",
        "was",
        "is",
        "us",
        "plus",
        "bus",
        "gas",
        "status",
        "campus",
    }
)
LEADING_SKIP = frozenset({"such", "more", "other", "additional", "further"})
DETERMINERS = frozenset(
    {"the", "its", "their", "his", "her", "this", "that", "our", "a", "an", "my", "your", "whose"}
)
NOT_AFTER_ORDINAL = frozenset({"half", "quarter", "halves", "quarters"})
PERIOD_BEFORE = frozenset({"past", "last", "next", "previous", "following", "coming"})
SPEECH_VERBS = frozenset(
    """talk talked talks talking spoke speak speaks speaking said say
says saying know knew known learn learned learnt care cared cares think thought worry
worried complain complained concerned ask asked asks information news questions
question wrote write writes read reads""".split()
)


def find_figures(
    text: str, dates: list[DateCandidate] | tuple = (), layout: Layout | None = None
) -> list[FigureCandidate]:
    """Every figure of `text` outside the date mentions, in text order, without overlaps."""
    layout = layout or Layout(text)
    masked = _mask(text, dates)
    out: list[FigureCandidate] = []
    m = _search(masked, 0)
    while m is not None:  # no match is empty
        out.extend(HANDLERS[m.lastgroup](m, text, masked, layout))
        m = _search(masked, m.end())
    return out


def _mask(text: str, dates) -> str:
    """The text with every date span blanked out (same length, so offsets hold)."""
    if not dates:
        return text
    parts, pos = [], 0
    for d in sorted(dates, key=lambda d: d.char_start):
        parts.append(text[pos : d.char_start])
        parts.append("\x00" * (d.char_end - d.char_start))
        pos = d.char_end
    parts.append(text[pos:])
    return "".join(parts)


def _fig(
    text: str, s: int, e: int, value: float, qualifier: str, kind: str, unit: str | None
) -> FigureCandidate:
    return make_figure(s, e, text[s:e], float(value), qualifier, kind, unit)


# ---------------------------------------------------------------- values


def number_value(surface: str) -> float:
    """'540,000' -> 540000, '1.2 billion' -> 1.2e9, 'two hundred and fifty' -> 250."""
    low = surface.lower().replace(",", "")
    half = 0.0
    if low.endswith("and a half"):
        low, half = low[: -len("and a half")].strip(), 0.5
    tokens = low.replace("-", " ").split()
    if tokens[:2] == ["half", "a"]:
        return SCALES[tokens[2]] / 2
    total, current, decimals = 0, 0, 0
    for t in tokens:
        if t[0].isdigit():
            whole, _, frac = t.partition(".")
            current, decimals = int(whole + frac), len(frac)
        elif t in WORD_VALUES:
            current += WORD_VALUES[t]
        elif t == "a":
            current = 1
        elif t == "hundred":
            current = (current or 1) * 100
        elif t in SCALES:
            total, current = total + (current or 1) * SCALES[t], 0
    return (total + current) / 10**decimals + half


# ---------------------------------------------------------------- unit


def _noun_phrase(masked: str, pos: int, ordinal: bool = False) -> str | None:
    words: list[str] = []
    while len(words) < 3:
        m = WORD_AFTER.match(masked, pos)
        if not m:
            break
        raw = m.group(1)
        stop, skip, word, word_ordinal, head = _unit_word(raw)
        if stop:
            break
        pos = m.end()
        if not words and skip:
            continue
        words.append(word_ordinal if ordinal else word)
        if head:
            break  # the head noun: "national model workers", not "workers attended"
    return " ".join(words) or None


@functools.lru_cache(maxsize=100_000)  # the same words recur; bounded, however varied
def _unit_word(raw: str) -> tuple[bool, bool, str, str, bool]:
    """What _noun_phrase makes of a word, by the word as written: (stops the phrase,
    skipped when first, the word, the word in an ordinal's unit, is the head noun)."""
    w = raw.rstrip("’'-")
    trailing = w != raw  # "workers'": a plural possessive
    low = w.lower()
    possessive = low.endswith(("'s", "’s"))
    if possessive:
        w, low = w[:-2], low[:-2]
    if not w or low in UNIT_STOP or low.endswith("ly"):
        return True, False, "", "", False
    plural = low.endswith("s") and not low.endswith("ss") and low not in PLURAL_MODIFIERS
    return (
        False,
        low in LEADING_SKIP,
        w,
        low if w[0].isupper() and not w.isupper() else w,
        possessive or plural or trailing,
    )


# ---------------------------------------------------------------- handlers
# each yields the candidates of one match of _search


def _label(m, text, masked, layout):
    n = int(m["label_n"] or m["label_n2"])
    unit = m["label_w"].lower() if m["label_w"] else None
    yield _fig(text, *m.span("label"), n, "exact", "ordinal", unit)


def _qualifier(m: re.Match, k: str) -> str:
    q = m[f"{k}_q"]
    return QUALIFIERS[" ".join(q.lower().split())] if q else "exact"


def _every(m, text, masked, layout):
    if m["every_1"]:  # "every year", "each month": once a year; "every other year": 2
        yield _fig(
            text,
            *m.span("every"),
            2 if m["every_o"] else 1,
            _qualifier(m, "each"),
            "frequency",
            m["every_1"] + "s" if m["every_o"] else m["every_1"],
        )
        return
    yield _fig(
        text,
        *m.span("every"),
        number_value(m["every_n"]),
        _qualifier(m, "every"),
        "frequency",
        m["every_u"],
    )


MULTIPLES = {"double": 2, "twice": 2, "triple": 3, "treble": 3, "quadruple": 4}


def _mult(m, text, masked, layout):
    """ "nearly double the number", "twice as many": a multiple, counted as its factor."""
    yield _fig(
        text, *m.span("mult"), MULTIPLES[m["mult_w"].lower()], _qualifier(m, "mult"), "count", None
    )


def _onein(m, text, masked, layout):
    """ "one in four contestants": a share, 0.25."""
    s, e = m.span("onein")
    yield _fig(
        text,
        s,
        e,
        1 / number_value(m["onein_n"]),
        _qualifier(m, "onein"),
        "count",
        _noun_phrase(masked, e),
    )


def _hyph(m, text, masked, layout):
    """ "a 2.8-billion-yuan program", "a 100-yuan rise": an amount as one compound word."""
    value = number_value(m["hyph_n"]) * (SCALES[m["hyph_s"].lower()] if m["hyph_s"] else 1)
    cur = m["hyph_c"]
    yield _fig(
        text,
        *m.span("hyph"),
        value,
        "exact",
        "amount",
        cur if cur == "yuan" or cur.endswith("s") else cur + "s",
    )


def _times(m, text, masked, layout):
    w = (m["times_w"] or "").lower()
    value = {"once": 1, "twice": 2, "thrice": 3}[w] if w else number_value(m["times_n"])
    yield _fig(
        text,
        *m.span("times"),
        value,
        _qualifier(m, "times"),
        "frequency",
        f"times a {m['times_u']}",
    )


def _vague(m, text, masked, layout):
    value = 1
    for w in m.group("vague").lower().split():
        value *= VAGUE.get(w, 1)
    of = OF_AFTER.match(masked, m.end("vague"))
    if m.group("vague").lower() == "tens" and not of:
        return  # "tens" alone is not a number
    unit = _noun_phrase(masked, of.end()) if of else None
    yield _fig(text, *m.span("vague"), value, "vague", "count", unit)


def _after_period_word(masked: str, s: int) -> bool:
    """ "the first half", "the past three quarters": a period, not a share."""
    prev = PREV_WORD.search(masked, max(0, s - 20), s)
    return bool(prev) and (
        prev.group(1).lower() in ORDINALS or prev.group(1).lower() in PERIOD_BEFORE
    )


def _prev_word(masked: str, s: int) -> str:
    prev = PREV_WORD.search(masked, max(0, s - 20), s)
    return prev.group(1).lower() if prev else ""


def _frac(m, text, masked, layout):
    numerator = m["frac_n"].lower()
    if numerator == "a" and not (
        m["frac_q"]
        or OF_AFTER.match(masked, m.end("frac"))
        or COMPARATIVE_AFTER.match(masked, m.end("frac"))
        or _prev_word(masked, m.start("frac")) == "by"
    ):
        # "a third of", "less than a quarter", "a third higher", "cut by a third" are
        # fractions; "a third term" is an ordinal
        s, e = m.span("frac_d")
        unit = _noun_phrase(masked, e, ordinal=True)
        if m["frac_d"] in ORDINALS and unit is not None:
            yield _fig(text, s, e, ORDINALS[m["frac_d"]], "exact", "ordinal", unit)
        return
    if _after_period_word(masked, m.start("frac")):
        return
    n = 1 if numerator == "a" else ONES[numerator]
    yield _fig(
        text, *m.span("frac"), n / FRACTIONS[m["frac_d"]], _qualifier(m, "frac"), "count", None
    )


def _half(m, text, masked, layout):
    if not m["half_q"] and not OF_AFTER.match(masked, m.end("half")):
        return  # "half" alone: "in half", "half an hour"
    if _after_period_word(masked, m.start("half")):
        return
    yield _fig(text, *m.span("half"), 0.5, _qualifier(m, "half"), "count", None)


def _ordd(m, text, masked, layout):
    s, e = m.span("ordd")
    yield _fig(
        text, s, e, int(text[s:e][:-2]), "exact", "ordinal", _noun_phrase(masked, e, ordinal=True)
    )


def _ordw(m, text, masked, layout):
    s, e = m.span("ordw")
    prev = PREV_WORD.search(masked, max(0, s - 30), s)
    if not prev:
        return
    p = prev.group(1).lower()
    if p not in DETERMINERS and not p.endswith(("'s", "’s")):
        return
    unit = _noun_phrase(masked, e, ordinal=True)
    nxt = WORD_AFTER.match(masked, e)
    following = nxt.group(1).lower() if nxt else ""
    if following in NOT_AFTER_ORDINAL or (unit is None and following not in ("one", "ones")):
        return
    parts = text[s:e].lower().split("-")
    value = ORDINALS[parts[-1]] + (TENS[parts[0]] if len(parts) == 2 else 0)
    yield _fig(text, s, e, value, "exact", "ordinal", unit)


def _core(m, text, masked, layout):
    s, e = m.span("core")
    num = m["num"]
    after = masked[e : e + 2]
    if after[:1] == "-" and after[1:2].isalpha():
        return  # "two-way", "10-member", "Five-Year Plan"
    if after[:1] in ":/" and after[1:2].isdigit() or CLOCK_AFTER.match(masked, e):
        return  # "10:30", "24/7", "7 pm"
    ns = m.start("num")
    if (
        num[0].isdigit()
        and text[layout.paragraph(ns)[0] : ns].strip() == ""
        and (after[:1] in ".)" and not m["suffix"] and not m["num2"])
    ):
        return  # a list number opening a paragraph: "1. It is imperative …"
    if num[0].isupper() and not layout.is_headline(ns) and not layout.at_sentence_start(ns):
        nxt = text[m.end("num") : m.end("num") + 2]
        if nxt[:1] in " -" and nxt[1:2].isupper():
            return  # a number word inside a name: "the Two Sessions"
    suffix = (m["suffix"] or "").strip()
    cur = (m["cur"] or m["cur2"] or "").strip()
    end = e
    unit: str | None
    if suffix.endswith("%") or suffix.startswith(("percent", "per")):
        kind, unit = "percent", "percentage points" if "point" in suffix else "percent"
    elif cur or (suffix and not suffix.startswith("-")):
        kind = "amount"
        unit = CURRENCY_SIGNS.get(cur) if cur else " ".join(suffix.split())
    elif suffix.startswith("-"):
        kind, unit = "duration", re.match(r"-([a-z]+?)s?(?:-|$)", suffix).group(1)
    else:
        t = TIME_AFTER.match(masked, e) if not m["tail"] else None
        if t:
            kind, unit, end = "duration", t.group(1), t.end()
        else:
            kind, unit = "count", _noun_phrase(masked, e)
    if num.lower() == "one" and kind == "count" and not m["num2"]:
        return  # "one of", "one heart": a pronoun or a determiner, not a figure
    qual = m["qual"]
    if kind == "count" and not (qual or m["num2"] or m["tail"]) and YEAR_LIKE.fullmatch(num):
        return  # a year the date extractor did not take
    qualifier = QUALIFIERS[" ".join(qual.lower().split())] if qual else "exact"
    if qual:
        prev = PREV_WORD.search(masked, max(0, s - 20), s)
        preposition = qual.lower() == "about" and prev and prev.group(1).lower() in SPEECH_VERBS
        initial_over = qual == "Over" and kind == "duration" and layout.at_sentence_start(s)
        during = (
            qual.lower() == "over"
            and kind == "duration"
            and prev
            and prev.group(1).lower().endswith("ed")
        )  # "drafted over 18 months"
        if preposition or initial_over or during:  # not a qualifier: the span starts later
            s, qualifier = m.start("cur") if m["cur"] else ns, "exact"
    tail = TAIL_QUALIFIERS[" ".join(m["tail"].split())] if m["tail"] else "exact"
    if not m["num2"]:
        yield _fig(
            text, s, end, number_value(num), tail if qualifier == "exact" else qualifier, kind, unit
        )
        return
    num2 = m["num2"]
    first = number_value(num)
    scale = TRAILING_SCALE.search(num2)
    if scale and not TRAILING_SCALE.search(num):  # "2 to 3 million": 2 million
        first *= SCALES[scale.group(1)]
    yield _fig(text, s, m.end("num"), first, qualifier, kind, unit)
    yield _fig(
        text,
        m.start("cur2") if m["cur2"] else m.start("num2"),
        end,
        number_value(num2),
        tail,
        kind,
        unit,
    )


HANDLERS = {
    "label": _label,
    "every": _every,
    "onein": _onein,
    "hyph": _hyph,
    "mult": _mult,
    "times": _times,
    "vague": _vague,
    "frac": _frac,
    "half": _half,
    "ordd": _ordd,
    "ordw": _ordw,
    "core": _core,
}
