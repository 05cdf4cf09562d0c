"""Direct quotations and who said them.

Span: from the opening quotation mark (" or “) to the closing one (" or ”), both marks
included (the data contract: "the quotation as printed, quotation marks included"). A
paragraph that opens a quotation and does not close it, followed by a paragraph that
opens with a quotation mark, continues it: the span then runs from the first opening mark
to the last closing mark, paragraph breaks and all. An opening mark that is never closed
gives no quotation.

A quotation needs three words or more, and one of: an attribution, a final punctuation
mark inside the marks (`"…," he said`), or eight words or more; a short quoted phrase in
Title Case without attribution is a name, not a quotation. So scare quotes (the "two
establishments") and quoted titles are left out.

Speaker: the attribution next to the quotation: after it (`"…," he said`, `"…," said Chen`,
`"…," Chen said`, `"…" he told the gathering`), else before it in the same paragraph
(`Xi said: "…"`, `He added, "…"`), else a "NAME said" earlier in the same sentence (for a
partial quotation: `Xi said workers should "forge ahead with innovation"`). A pronoun is
resolved to the nearest person named before the quotation (outside any quotation). A name
is resolved through the gazetteer (alias -> entity id); a surname the gazetteer does not
know, to the most recent full name that begins (Chinese order) or ends (Western order)
with it ("Chen" -> "Chen Keying"). The speaker span is the named mention used: the name
in the attribution, or the antecedent a pronoun or surname was resolved to;
`speaker_name` is that mention's text. A quotation without attribution that follows an
attributed one in the same paragraph (`"…," Liu said. "…"`) has the same speaker.
"""

from __future__ import annotations

import bisect
import re

from build_dataset.extract.layout import Layout
from build_dataset.extract.names import Gazetteer
from build_dataset.extract.types import NameCandidate, QuoteCandidate, make_name, make_quote

WORDS = re.compile(r"[\w’'-]+")
VERB = (
    r"(?:said|says|added|adds|noted|notes|stressed|stresses|told|tells|emphasized|"
    r"emphasised|urged|stated|remarked|explained|declared|recalled|asked|wrote|"
    r"continued|insisted|observed|warned|acknowledged|commented|concluded|vowed|"
    r"pledged|pointed\s+out)"
)
NAME = r"[A-Z][a-z]+(?:[-’'][A-Za-z]+)?(?: [A-Z][a-z]+(?:-[a-z]+)?){0,2}"
PRONOUN = r"[Hh]e|[Ss]he"
AFTER = [
    re.compile(rf"[\s,]*(?P<pron>{PRONOUN})\s+(?:also\s+)?{VERB}\b"),
    re.compile(rf"[\s,]*{VERB}\s+(?P<name>{NAME})\b"),
    re.compile(rf"[\s,]*(?P<name>{NAME})(?:,[^\"“”\n,]{{1,80}},)?\s+(?:also\s+)?{VERB}\b"),
    re.compile(rf"[\s,]*{VERB}\s+the\s+[a-z]+\b"),  # `said the engineer`: attributed, no name
]
BEFORE = re.compile(
    rf"(?:\b(?P<pron>{PRONOUN})|(?P<name>{NAME}))\s+(?:also\s+)?{VERB}"
    r"(?:\s+(?:that|reporters|journalists|Xinhua|the\s+\w+))?\s*[:,]?\s*$"
)
IN_SENTENCE = re.compile(rf"(?:\b(?P<pron>{PRONOUN})|(?P<name>{NAME}))\s+(?:also\s+)?{VERB}\b")
NOT_NAMES = frozenset({"He", "She", "They", "It", "We", "I", "The", "This", "That"})
MIN_WORDS, LONG_WORDS = 3, 8
# MIN_WORDS WORDS matches: maximal runs of word characters, so told apart by others
ENOUGH_WORDS = re.compile(rf"[\w’'-]+(?:[^\w’'-]+[\w’'-]+){{{MIN_WORDS - 1}}}")


def find_quotes(
    text: str,
    names: list[NameCandidate] | tuple,
    gazetteer: Gazetteer,
    layout: Layout | None = None,
) -> list[QuoteCandidate]:
    layout = layout or Layout(text)
    spans = quote_spans(text, layout)
    if not spans:  # most texts: nothing to attribute, no need to sort out the people
        return []
    people = [n for n in names if n.entity_type == "person" and not _inside(n.char_start, spans)]
    starts = [n.char_start for n in people]
    out: list[QuoteCandidate] = []
    for s, e in spans:
        if not ENOUGH_WORDS.search(text, s + 1, e - 1):  # fewer than MIN_WORDS words
            continue
        speaker, attributed = _attribution(text, s, e, layout)
        if not attributed:  # the words themselves are needed only now
            inner = text[s + 1 : e - 1]
            words = WORDS.findall(inner)
            if _title_case(words) or not _sentence_like(inner, words):
                continue
        mention = _resolve(speaker, text, s, people, starts, gazetteer) if speaker else None
        if not attributed and out and _same_speaker(text, out[-1], s, layout):
            prev = out[-1]  # `"…," Liu said. "…"`: a second quotation of the same speaker
            mention = (
                make_name(
                    prev.speaker_char_start,
                    prev.speaker_char_end,
                    prev.speaker_name,
                    "person",
                    prev.speaker_entity_id,
                )
                if prev.speaker_name
                else None
            )
        out.append(
            make_quote(
                s,
                e,
                text[s:e],
                mention.text if mention else None,
                mention.entity_id if mention else None,
                mention.char_start if mention else None,
                mention.char_end if mention else None,
            )
        )
    return out


def _title_case(words: list[str]) -> bool:
    return sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _sentence_like(inner: str, words: list[str]) -> bool:
    """A final punctuation mark inside the marks, or eight words or more."""
    return inner.rstrip()[-1:] in ".,!?…;:" or len(words) >= LONG_WORDS


def _same_speaker(text: str, prev: QuoteCandidate, start: int, layout: Layout) -> bool:
    """The previous quotation is in the same paragraph, with only its attribution between."""
    return (
        layout.paragraph(prev.char_end - 1) == layout.paragraph(start)
        and '"' not in text[prev.char_end : start]
        and "“" not in text[prev.char_end : start]
        and len(text[prev.char_end : start]) <= 150
    )


def quote_spans(text: str, layout: Layout) -> list[tuple[int, int]]:
    """(start, end) of every closed quotation, marks included, joined across paragraphs.

    The marks of the whole text are found at once and taken in order; the paragraph is
    looked up only when a mark is past the current one."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    index, ps, pe = -1, 0, 0
    for pos in _marks(text):
        if pos >= pe:  # the first mark of a later paragraph
            prev, index = index, layout.paragraph_index(pos)
            ps, pe = layout.paragraphs[index]
            if open_at is not None:  # an unclosed quotation continues if the next one opens
                if index == prev + 1 and pos == ps and text[ps] in '"“':
                    continue
                open_at = None
        ch = text[pos]
        if open_at is None:
            if ch == "“" or (ch == '"' and _opens(text, pos, ps)):
                open_at = pos
        elif ch in '"”':
            spans.append((open_at, pos + 1))
            open_at = None
    return spans


def _marks(text: str) -> list[int]:
    """Positions of the quotation marks (\", “ and ”) in text, in order. Each mark is
    searched for alone (str.find: a fast scan, and half the cost of a regex match per
    mark; a regex with the class of the three tests every position) and the positions
    merged; a text without curly marks (most) is searched for the straight one only."""
    if "“" in text or "”" in text:
        return sorted(pos for mark in '"“”' for pos in _positions(text, mark))
    return _positions(text, '"')


def _positions(text: str, mark: str) -> list[int]:
    found = []
    find = text.find
    pos = find(mark)
    while pos >= 0:
        found.append(pos)
        pos = find(mark, pos + 1)
    return found


def _opens(text: str, pos: int, para_start: int) -> bool:
    return pos == para_start or text[pos - 1] in " \t\n([{—–-/"


def _inside(pos: int, spans) -> bool:
    # not any(generator): that costs three times this loop over a text's few quotations
    for s, e in spans:  # noqa: SIM110
        if s <= pos < e:
            return True
    return False


def _attribution(text: str, s: int, e: int, layout: Layout):
    """(speaker reference, attributed): the reference is ("pronoun", start, end) or
    ("name", start, end), or None."""
    para_start, para_end = layout.paragraph(s)
    tail_end = min(layout.paragraph(e - 1)[1], e + 120)
    for pattern in AFTER:
        m = pattern.match(text, e, tail_end)
        if m:
            return _ref(m), True
    m = BEFORE.search(text, max(para_start, s - 150), s)
    if m and _ref(m):
        return _ref(m), True
    sent_start = layout.sentence(s)[0]
    found = [m for m in IN_SENTENCE.finditer(text, sent_start, s) if _ref(m)]
    if found:
        return _ref(found[-1]), True
    return None, False


def _ref(m: re.Match):
    if m.groupdict().get("pron"):
        return ("pronoun", m.start("pron"), m.end("pron"))
    if m.groupdict().get("name") and m.group("name").split()[0] not in NOT_NAMES:
        return ("name", m.start("name"), m.end("name"))
    return None


def _resolve(
    ref,
    text: str,
    quote_start: int,
    people: list[NameCandidate],
    starts: list[int],
    gazetteer: Gazetteer,
) -> NameCandidate | None:
    kind, s, e = ref
    if kind == "pronoun":
        i = bisect.bisect_left(starts, quote_start) - 1
        return _full_name(people[i], people, starts) if i >= 0 else None
    i = bisect.bisect_left(starts, s)
    if i < len(people) and (people[i].char_start, people[i].char_end) == (s, e):
        mention = people[i]  # the names extractor's mention (gazetteer or heuristic)
    else:
        surface = text[s:e]
        known = gazetteer.lookup(surface)
        mention = make_name(
            s, e, surface, known[1] if known else "person", known[0] if known else None
        )
    return _full_name(mention, people, starts)


def _full_name(mention: NameCandidate, people, starts) -> NameCandidate:
    """A lone surname without entity id -> the latest earlier full name with it."""
    if mention.entity_id is not None or " " in mention.text:
        return mention
    i = bisect.bisect_left(starts, mention.char_start) - 1
    for n in reversed(people[: i + 1]):
        parts = n.text.split()
        if len(parts) > 1 and mention.text in (parts[0], parts[-1]):
            return n
    return mention
