"""Direct quotations and who said them.

A quotation runs from an opening quotation mark (" or “) to its closing mark, marks
included in the span; one of three words or more. A paragraph that opens a quotation and
does not close it, followed by a paragraph that opens with a quotation mark, continues
it: the span then covers both paragraphs. The speaker is found in the attribution next to
the quotation: `"…," he said` / `"…," said Chen` / `Chen said: "…"` / `"…" he told the
gathering`. A name is resolved through the names found in the text (a surname such as
"Chen" to the last full name ending in it); a pronoun to the nearest person named before
the quotation.
"""

from __future__ import annotations

import re

from build_dataset.extract.types import NameCandidate, QuoteCandidate

VERBS = (r"(?:said|says|added|adds|noted|notes|stressed|stresses|told|tells|emphasized|"
         r"emphasised|urged|stated|remarked|explained|declared|recalled|asked|wrote|"
         r"pointed\s+out)")
OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))[\"“]")
NAME = r"(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,3})"
AFTER = [
    re.compile(rf"^[,.!?]?\s*(?P<pron>he|she|they)\s+{VERBS}\b", re.I),
    re.compile(rf"^[,.!?]?\s*{VERBS}\s+{NAME}"),
    re.compile(rf"^[,.!?]?\s*{NAME}\s+{VERBS}\b"),
]
BEFORE = re.compile(rf"(?:{NAME}|(?P<pron>\b[Hh]e|\b[Ss]he))\s+{VERBS}(?:\s+that)?[,:]?\s*$")


def _spans(text: str) -> list[tuple[int, int]]:
    """Quotation spans, marks included, joined across paragraphs."""
    spans = []
    i = 0
    n = len(text)
    while True:
        m = OPEN.search(text, i)
        if not m:
            break
        start = m.start()
        j = start + 1
        while True:
            close = re.compile(r"[\"”]").search(text, j)
            para_end = text.find("\n\n", j)
            if close and (para_end < 0 or close.start() < para_end):
                end = close.end()
                break
            # unclosed in this paragraph: continues if the next one opens with a mark
            if para_end >= 0 and para_end + 2 < n and text[para_end + 2] in "\"“":
                j = para_end + 3
                continue
            end = None
            break
        if end is None:
            i = start + 1
            continue
        if len(text[start + 1:end - 1].split()) >= 3:
            spans.append((start, end))
        i = end
    return spans


def _resolve(name: str, names: list[NameCandidate], before: int):
    """A name as written -> (entity_id, full name, span) via the names found."""
    for n in reversed([n for n in names if n.char_start < before + 200]):
        if n.text == name or n.text.endswith(" " + name):
            return n
    return None


def _person_before(names: list[NameCandidate], pos: int, quotes) -> NameCandidate | None:
    for n in reversed(names):
        if n.char_end <= pos and n.entity_type == "person" and not any(
                s <= n.char_start < e for s, e in quotes):
            return n
    return None


def find_quotes(text: str, names: list[NameCandidate]) -> list[QuoteCandidate]:
    spans = _spans(text)
    out = []
    for s, e in spans:
        tail = text[e:e + 80].split("\n\n")[0]
        head = text[max(0, s - 80):s].split("\n\n")[-1]
        speaker = None
        for pat in AFTER:
            m = pat.match(tail)
            if m:
                if m.groupdict().get("pron"):
                    speaker = _person_before(names, s, spans)
                else:
                    speaker = _resolve(m.group("name"), names, e)
                    if speaker is None:
                        speaker = NameCandidate(e + m.start("name"), e + m.end("name"),
                                                m.group("name"), "person", None)
                break
        else:
            m = BEFORE.search(head)
            if m:
                offset = s - len(head)
                if m.group("pron"):
                    speaker = _person_before(names, offset + m.start(), spans)
                else:
                    speaker = _resolve(m.group("name"), names, s) or NameCandidate(
                        offset + m.start("name"), offset + m.end("name"), m.group("name"),
                        "person", None)
        full = None
        if speaker is not None and speaker.entity_id is None:
            full = _resolve(speaker.text, names, s)
            speaker = full or speaker
        out.append(QuoteCandidate(
            s, e, text[s:e],
            speaker.text if speaker else None,
            speaker.entity_id if speaker else None,
            speaker.char_start if speaker else None,
            speaker.char_end if speaker else None))
    return out
