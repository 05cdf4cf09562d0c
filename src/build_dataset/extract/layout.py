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

PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0\u3000]*\n\s*")
SENTENCE_BREAK = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
WORD_BEFORE = re.compile(r"([A-Za-z0-9]+)\.?$")
DIGIT = re.compile(r"\d")
LONG_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]{3,}")
ABBREVIATIONS = frozenset(
    """
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun
No Nos Mr Mrs Ms Dr Prof St Gen Col Lt Sgt Capt Gov Sen Rep Rev Jr Sr Co Corp Inc Ltd Dept
Univ Ave Rd Mt Fig Vol vs etc al approx est Art Sec Para US UK
""".split()
)
OPENERS = "\"“‘'([ \t\n"


class Layout:
    """Paragraph and sentence spans of a text, with position lookups (bisect, no scans)."""

    __slots__ = ("_headline", "_para_starts", "_sent_starts", "paragraphs", "sentences", "text")

    def __init__(self, text: str):
        self.text = text
        self.paragraphs: list[tuple[int, int]] = []
        pos = 0
        for m in PARAGRAPH_BREAK.finditer(text):
            self.paragraphs.append((pos, m.start()))
            pos = m.end()
        self.paragraphs.append((pos, len(text)))
        self.sentences: list[tuple[int, int]] = []
        self._headline: list[bool] = []
        for i, (ps, pe) in enumerate(self.paragraphs):
            para = text[ps:pe]
            self._headline.append(_title_case(para) or (i == 0 and not _ends_sentence(para)))
            start = ps
            for m in SENTENCE_BREAK.finditer(text, ps, pe):
                if _abbreviation(text, ps, m.start()):
                    continue
                self.sentences.append((start, m.start() + len(m.group().rstrip())))
                start = m.end()
            self.sentences.append((start, pe))
        self._para_starts = [s for s, _ in self.paragraphs]
        self._sent_starts = [s for s, _ in self.sentences]

    def paragraph(self, pos: int) -> tuple[int, int]:
        return self.paragraphs[max(0, bisect.bisect_right(self._para_starts, pos) - 1)]

    def paragraph_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._para_starts, pos) - 1)

    def sentence(self, pos: int) -> tuple[int, int]:
        return self.sentences[max(0, bisect.bisect_right(self._sent_starts, pos) - 1)]

    def at_sentence_start(self, pos: int) -> bool:
        """Only opening marks or brackets stand between the sentence start and `pos`."""
        start = self.sentence(pos)[0]
        return all(c in OPENERS for c in self.text[start:pos])

    def is_headline(self, pos: int) -> bool:
        return self._headline[self.paragraph_index(pos)]


def _abbreviation(text: str, para_start: int, period: int) -> bool:
    if text[period] != ".":
        return False
    m = WORD_BEFORE.search(text, max(para_start, period - 12), period + 1)
    if not m:
        return False
    word = m.group(1)
    if word in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
        return True
    # "1." opening a paragraph is a list number, not a sentence of its own
    return word.isdigit() and text[para_start : m.start(1)].strip() == ""


def _ends_sentence(paragraph: str) -> bool:
    return paragraph.rstrip().endswith((".", "?", "!", '."', ".”", '?"', "?”"))


def _title_case(paragraph: str) -> bool:
    if _ends_sentence(paragraph) or DIGIT.search(paragraph):
        return False
    words = LONG_WORD.findall(paragraph)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)
