"""Numbers stated in a text: value, qualifier, kind and unit, with exact spans.

value_text is the exact surface including the qualifier ("nearly 300 million"). Values
are normalised ("540,000" -> 540000, "1.2 billion" -> 1.2e9, "one fifth" -> 0.2, "eight"
-> 8). Vague magnitudes ("hundreds of millions", "thousands of") get qualifier `vague`
and their order of magnitude as value (hundreds of millions -> 100000000).
Kinds: percent ("68.3 percent", "22.4%"), amount (money), ordinal ("17th", "100th",
"No. 9", "first" before a noun, a paragraph's "1." heading), duration ("four-day",
"five years"), frequency ("every five years", "twice a year"), count otherwise.
The unit is the counted noun phrase after the number, as written, up to three words,
stopping at a preposition, article, verb-like word or punctuation ("1,670 national model
workers" -> "national model workers"); for durations the time unit, for percents
"percent", for money the currency. "one" alone is not a figure (it is mostly a pronoun);
years and day numbers inside date expressions are not figures: callers pass the date spans.
"""

from __future__ import annotations

import re

from build_dataset.extract.types import FigureCandidate

UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
         "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
         "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                 "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
                 "twelfth": 12, "twentieth": 20, "hundredth": 100}
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
             "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
             "tenth": 10, "tenths": 10}
VAGUE = {"dozens": 12, "tens": 10, "hundreds": 100, "thousands": 1e3, "millions": 1e6,
         "billions": 1e9}
QUALIFIERS = [
    ("nearly", "nearly"), ("almost", "nearly"), ("close to", "nearly"),
    ("about", "approximately"), ("around", "approximately"), ("some", "approximately"),
    ("approximately", "approximately"), ("roughly", "approximately"),
    ("an estimated", "approximately"), ("more than", "more_than"), ("over", "more_than"),
    ("above", "more_than"), ("upwards of", "more_than"), ("in excess of", "more_than"),
    ("at least", "at_least"), ("no fewer than", "at_least"), ("no less than", "at_least"),
    ("less than", "less_than"), ("fewer than", "less_than"), ("under", "less_than"),
    ("below", "less_than"), ("up to", "less_than"),
]
_QUAL = {q: k for q, k in QUALIFIERS}
TIME_UNITS = r"(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries|century)"
CURRENCY_WORDS = r"(?:yuan|U\.S\. dollars|US dollars|dollars|euros|pounds)"

_w = "|".join
NOT_AFTER_ORDINAL = """of and to in the a an time place all half be been is are was were that
this these it its by as at on for with from or but""".split()
WORDNUM = (rf"(?:(?:{_w(TENS)})(?:-(?:{_w(k for k in UNITS if UNITS[k] < 10)}))?"
           rf"|{_w(sorted((k for k in UNITS if k != 'one'), key=len, reverse=True))})")
DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
SCALE = rf"(?:\s+(?:{_w(SCALES)}))"
NUMBER = rf"(?:(?:{DIGITS}|{WORDNUM}|one(?={SCALE}))(?![\w]){SCALE}*)"
_QUAL_WORDS = _w(re.escape(q) for q, _ in QUALIFIERS)


def _qual(alt: str) -> str:
    return rf"(?:\b(?P<q_{alt}>(?i:{_QUAL_WORDS}))\s+)?"
NB = r"(?<![\w.,$-])"  # a number does not continue a word, a decimal or a code like Covid-19

_ALTERNATIVES = [
    ("vague", rf"\b(?:{_w(VAGUE)})\s+of\s+(?:(?:{_w(VAGUE)})(?=\s|$|[.,;]))?"
              rf"(?:\s+of\s+)?"),
    ("frequency", rf"\bevery\s+(?:{NUMBER}\s+)?{TIME_UNITS}\b|{NB}(?:{NUMBER}\s+times|once|twice)"
                  rf"\s+(?:a|per|each|every)\s+(?:year|month|week|day)\b"),
    ("amount", rf"{_qual('amount')}(?:(?:US\$|\$|¥|€|£|RMB\s?){NUMBER}"
               rf"|{NB}{NUMBER}\s+{CURRENCY_WORDS})\b"),
    ("percent", rf"{_qual('percent')}{NB}{NUMBER}\s*"
                r"(?:%|percent\b|per\s+cent\b|percentage\s+points?\b)"),
    ("fraction", rf"\b(?:one|a|two|three)[\s-](?:{_w(FRACTIONS)})\b"),
    ("ordinal", rf"{NB}\d+(?:st|nd|rd|th)\b|\bNo\.\s?\d+\b"
                rf"|\b(?:{_w(ORDINAL_WORDS)})(?=\s+(?!(?:{_w(NOT_AFTER_ORDINAL)})\b)[a-zA-Z])"),
    ("heading", r"(?:(?<=\n\n)|^)\d{1,2}(?=\.\s)"),
    ("adjectival", rf"{NB}{NUMBER}-(?:day|week|month|year|hour|minute|decade|century)"
                   rf"(?:-long)?\b"),
    ("number", rf"{_qual('number')}{NB}{NUMBER}(?![\w%])(?!\.\d)(?!,\d)"),
]
PATTERN = re.compile("|".join(f"(?P<{n}>{p})" for n, p in _ALTERNATIVES))
UNIT_WORD = re.compile(r"\s+((?:[A-Za-z][A-Za-z’'-]*))")
STOP = set("""of in at on and or to from for with by as than per into over under about
within across after before during while who which that whose where when this these those
the a an its their his her our your is are was were be been being has have had will would
can could should may might must do does did not no said says says told such so also
percent each every other than more most less""".split())
TIME_UNIT_RE = re.compile(rf"\s+(?:of\s+)?({TIME_UNITS})\b")


def word_value(s: str) -> float:
    """Value of a number surface without qualifier: '540,000', 'nearly'-less words."""
    tokens = s.replace("-", " ").split()
    total, current = 0.0, 0.0
    for t in tokens:
        t = t.lower()
        if re.fullmatch(DIGITS, t):
            current += float(t.replace(",", ""))
        elif t in UNITS:
            current += UNITS[t]
        elif t in TENS:
            current += TENS[t]
        elif t in SCALES:
            scale = SCALES[t]
            current = (current or 1) * scale
            if scale >= 1e3:
                total, current = total + current, 0.0
    return total + current


def _unit(text: str, end: int, allow_caps: bool) -> str | None:
    words, pos = [], end
    while len(words) < 3:
        m = UNIT_WORD.match(text, pos)
        if not m or "\n" in text[pos:m.start(1)]:
            break
        w = m.group(1)
        if w.lower() in STOP or w.endswith("ly") or (w[0].isupper() and not allow_caps):
            break
        words.append(w)
        pos = m.end()
    return " ".join(words) or None


def find_figures(text: str, skip: list[tuple[int, int]]) -> list[FigureCandidate]:
    """Every figure outside the `skip` spans (the date mentions), in text order."""
    out = []
    skip = sorted(skip)
    for m in PATTERN.finditer(text):
        s, e = m.span()
        if any(a < e and s < b for a, b in skip):
            continue
        kind_alt = next(n for n, _ in _ALTERNATIVES if m.group(n) is not None)
        surface = text[s:e].rstrip()
        e = s + len(surface)
        if kind_alt == "vague":
            surface = re.sub(r"\s+of\s*$", "", surface)
            e = s + len(surface)
        qual = m.groupdict().get(f"q_{kind_alt}")
        qualifier = _QUAL.get(qual.lower(), "exact") if qual else "exact"
        body = surface[len(qual):].strip() if qual else surface
        cand = _classify(kind_alt, body, text, e)
        if cand is None:
            continue
        value, kind, unit = cand
        if kind_alt == "vague":
            qualifier = "vague"
        if kind == "count" and qualifier == "exact" and _is_bare_year(body, text, e):
            continue
        out.append(FigureCandidate(s, e, surface, float(value), qualifier, kind, unit))
    return out


def _is_bare_year(body: str, text: str, end: int) -> bool:
    """A four-digit 1800-2100 number with no counted noun after it reads as a year."""
    if not re.fullmatch(r"(1[89]\d\d|20\d\d|2100)", body):
        return False
    return _unit(text, end, False) is None


def _classify(alt: str, body: str, text: str, end: int):
    if alt == "vague":
        words = [w for w in body.lower().split() if w in VAGUE]
        value = 1.0
        for w in words:
            value *= VAGUE[w]
        rest = re.match(r"\s+of\s+", text[end:])
        unit = _unit(text, end + rest.end() - 1, False) if rest else None
        return value, "count", unit
    if alt == "frequency":
        m = re.search(TIME_UNITS, body)
        if body.lower().startswith("every"):
            num = body[5:m.start()].strip()
            return (word_value(num) if num else 1), "frequency", m.group()
        unit = re.search(r"(year|month|week|day)\b", body).group()
        times = {"once": 1, "twice": 2}.get(body.split()[0].lower())
        return (times or word_value(body.split(" times")[0])), "frequency", f"times a {unit}"
    if alt == "amount":
        cur = re.search(rf"US\$|\$|¥|€|£|RMB|{CURRENCY_WORDS}", body).group()
        num = re.search(NUMBER, body).group()
        return word_value(num), "amount", cur
    if alt == "percent":
        num = re.search(NUMBER, body).group()
        return word_value(num), "percent", "percent"
    if alt == "fraction":
        first, second = re.split(r"[\s-]", body.lower())
        numer = {"one": 1, "a": 1, "two": 2, "three": 3}[first]
        return numer / FRACTIONS[second], "count", _unit(text, end, False)
    if alt in ("ordinal", "heading"):
        if alt == "heading":
            return int(body), "ordinal", None
        low = body.lower()
        if low.startswith("no."):
            return int(re.search(r"\d+", body).group()), "ordinal", None
        value = ORDINAL_WORDS.get(low) or int(re.match(r"\d+", body).group())
        return value, "ordinal", _unit(text, end, True)
    if alt == "adjectival":
        num, unit = body.rsplit("-", 1) if not body.endswith("-long") else (
            body[:-5].rsplit("-", 1))
        return word_value(num), "duration", unit
    value = word_value(body)
    t = TIME_UNIT_RE.match(text, end)
    if t:
        return value, "duration", t.group(1)
    return value, "count", _unit(text, end, False)
