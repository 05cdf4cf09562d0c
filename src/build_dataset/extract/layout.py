"""Paragraphs, sentences and headlines of one article text, computed once per article.

Texts are paragraphs joined by a blank line ("\\n\\n"): a paragraph break is always a
sentence break. Inside a paragraph a sentence ends at ".", "!" or "?" (and any closing
quotation marks or brackets) before white space and a capital, a digit or an opening mark,
unless the word before the period is an abbreviation ("Oct.", "No.", "Mr.", "Corp."), an
initial ("F."), or a paragraph's list number ("1.").

A headline is the first paragraph unless it ends like a sentence, or a Title Case
paragraph without digits or a final period ("Mobilizing Hundreds of Millions of Workers to
Build a Great Country"): name heuristics skip headlines, and capitalized number words count
as numbers there.
"""

from __future__ import annotations

import bisect
import re
import string

PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0\u3000]*\n\s*")
# group 1: the end mark and any closing marks, which end the sentence
SENTENCE_BREAK = re.compile(r"([.!?][\"”’')\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
# SENTENCE_BREAK at one end mark each (see _breaks)
END_MARK_BREAKS = {
    mark: re.compile(rf"({re.escape(mark)}[\"”’')\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])") for mark in ".!?"
}
PERIOD_BREAK = END_MARK_BREAKS["."]
DIGIT = re.compile(r"\d")
LONG_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]{3,}")
ABBREVIATIONS = frozenset(
    """
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun
No Nos Mr Mrs Ms Dr Prof St Gen Col Lt Sgt Capt Gov Sen Rep Rev Jr Sr Co Corp Inc Ltd Dept
Univ Ave Rd Mt Fig Vol vs etc al approx est Art Sec Para US UK
""".split()
)
SENTENCE_ENDS = (".", "?", "!", '."', ".”", '?"', "?”")
ASCII_ALNUM = string.ascii_letters + string.digits
OPENERS = "\"“‘'([ \t\n"


class Layout:
    """Paragraph and sentence spans of a text, with position lookups (bisect, no scans)."""

    __slots__ = ("_headline", "_para_starts", "paragraphs", "sentence_starts", "sentences", "text")

    def __init__(self, text: str):
        self.text = text
        self.paragraphs = paragraphs = _paragraphs(text)
        self._headline = [_headline(text, ps, pe, i == 0) for i, (ps, pe) in enumerate(paragraphs)]
        self.sentences = _sentences(text, paragraphs)
        self._para_starts = [s for s, _ in paragraphs]
        self.sentence_starts = [s for s, _ in self.sentences]

    def paragraph(self, pos: int) -> tuple[int, int]:
        return self.paragraphs[max(0, bisect.bisect_right(self._para_starts, pos) - 1)]

    def paragraph_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._para_starts, pos) - 1)

    def sentence(self, pos: int) -> tuple[int, int]:
        return self.sentences[max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)]

    def at_sentence_start(self, pos: int) -> bool:
        """Only opening marks or brackets stand between the sentence start and `pos`."""
        start = self.sentence(pos)[0]
        return all(c in OPENERS for c in self.text[start:pos])

    def is_headline(self, pos: int) -> bool:
        return self._headline[self.paragraph_index(pos)]

    def stretches_without_headlines(self) -> list[tuple[int, int]]:
        """(start, end) of each stretch of consecutive paragraphs that are not headlines,
        from the first one's start to the last one's end (most texts: one stretch, after
        the title)."""
        stretches: list[tuple[int, int]] = []
        joins = False  # the paragraph before is in the last stretch
        for (ps, pe), headline in zip(self.paragraphs, self._headline, strict=True):
            if not headline:
                stretches.append((stretches.pop()[0], pe) if joins else (ps, pe))
            joins = not headline
        return stretches


def _paragraphs(text: str) -> list[tuple[int, int]]:
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    for m in PARAGRAPH_BREAK.finditer(text):
        paragraphs.append((pos, m.start()))
        pos = m.end()
    paragraphs.append((pos, len(text)))
    return paragraphs


def _sentences(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One SENTENCE_BREAK pass over the whole text (not one per paragraph). A match can
    only start inside a paragraph (the gaps are white space); one that runs past its
    paragraph's end (a final period, then the blank line and a capital) is not a break
    within the paragraph: a search bounded by the paragraph would not find it, and finds
    nothing else after it (only closing marks and white space follow). Any other match is
    the one the bounded search finds."""
    sentences: list[tuple[int, int]] = []
    rest = iter(paragraphs)
    ps, pe = next(rest)
    start = ps
    for m in _breaks(text):
        period = m.start()
        while period >= pe:  # the match is in a later paragraph: close this one
            sentences.append((start, pe))
            ps, pe = next(rest)
            start = ps
        if m.end() <= pe and not _abbreviation(text, ps, period):
            sentences.append((start, m.end(1)))
            start = m.end()
    sentences.append((start, pe))
    sentences.extend(rest)  # the paragraphs after the last break are one sentence each
    return sentences


def _breaks(text: str):
    """SENTENCE_BREAK.finditer(text). A match starts at its end mark and cannot contain
    another, so the matches are found one end mark at a time, and merged in order: a
    literal first character is found by a fast scan, a character class is tested at
    every position (the three searches take half the time of the one with the class).
    In a text without "!" or "?" (most), the search for "." alone finds them all."""
    if "!" in text or "?" in text:
        found = [m for breaks in END_MARK_BREAKS.values() for m in breaks.finditer(text)]
        return sorted(found, key=re.Match.start)
    return PERIOD_BREAK.finditer(text)


def _headline(text: str, ps: int, pe: int, first: bool) -> bool:
    """A Title Case paragraph without digits, or the first paragraph, not ending like a
    sentence; searched in place (pos, endpos) instead of in a slice of the paragraph."""
    if pe > ps and text[pe - 1] in ".?!":  # most paragraphs: ends like a sentence
        return False
    if _ends_sentence(text, ps, pe):
        return False
    if first:
        return True
    if DIGIT.search(text, ps, pe):
        return False
    words = LONG_WORD.findall(text, ps, pe)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _abbreviation(text: str, para_start: int, period: int) -> bool:
    if text[period] != ".":
        return False
    # the ASCII letters and digits just before the period, at most 12 and none before
    # the paragraph; rstrip finds them several times faster than a regex search
    tail = text[max(para_start, period - 12) : period]
    word = tail[len(tail.rstrip(ASCII_ALNUM)) :]
    if not word:
        return False
    if word in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
        return True
    # "1." opening a paragraph is a list number, not a sentence of its own
    return word.isdigit() and text[para_start : period - len(word)].strip() == ""


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """text[start:end].rstrip() ends like a sentence. A paragraph seldom ends in white
    space, so the slice for rstrip is only made when it does."""
    if end > start and text[end - 1].isspace():
        end = start + len(text[start:end].rstrip())
    return text.endswith(SENTENCE_ENDS, start, end)
