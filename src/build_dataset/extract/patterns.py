"""Regex building blocks shared by the extractors."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable


def trie(words: Iterable[str]) -> str:
    """A regex (no groups) matching exactly `words`, preferring the longest at a position.

    Built as a character trie, so matching costs the length of the word, not the number
    of words: one compiled alternation of thousands of names stays fast."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + build(root) + ")"


def either_case(words: Iterable[str]) -> list[str]:
    """Each word as given and with a capital first letter ("one", "One")."""
    return [v for w in words for v in dict.fromkeys((w, w[:1].upper() + w[1:]))]


class AfterBoundary:
    """`pattern.search(text, pos)`, found faster, where `pattern` is `start` followed by the
    named `alternatives` ("(?P<name>…)"), tried in order, and can only match at the start
    of the text or right after a character of the class `before`.

    The regex engine tries a pattern that opens with a lookaround or `\\b` at every
    position, which costs far more than the few places where it can match. `before`
    followed by the pattern opens with a class, which the engine looks for in a fast loop,
    trying the rest only there. This scan only tells where and which alternative: each
    alternative is followed by an empty group of its name (see _marked), its own named
    groups capture nothing (the engine saves less), except those a pattern refers back
    to. The match is then made again one character on with that alternative alone, which
    matches there as it does in the whole pattern: the alternatives before it failed at
    that place, and the engine takes the same path through it. `scan_start`, if given, is
    `start` without the tests that `before` makes anyway.

    `start` must be zero-width (lookarounds, `\\b`): the scan has already found it to
    hold at that place, so the alternative is matched alone, without it. Compiling it into
    every alternative again cost figures' import a second: its start, the first-word
    test, was 44,000 characters of regex then. At the start of the text, where the scan
    cannot look (nothing precedes), `start` is tested alone, then the alternatives alone
    in turn: the first that matches is the whole pattern's match, as the engine tries
    them in that order and nothing follows them. So the whole pattern, as long as
    `start` and all the alternatives together, is compiled only if `pattern` is asked
    for (the tests compare `search` with it)."""

    def __init__(
        self,
        start: str,
        alternatives: list[tuple[str, str]],
        before: str,
        scan_start: str | None = None,
    ):
        self.alternatives = alternatives
        self.start = re.compile(start)
        self.scan, self.kinds = self._scan(
            before + (start if scan_start is None else scan_start), alternatives
        )
        self.alone = {k: re.compile(f"(?P<{k}>{p})") for k, p in alternatives}

    def _scan(
        self, head: str, alternatives: list[tuple[str, str]]
    ) -> tuple[re.Pattern, dict[str, str]]:
        """The scan (`head`, then the alternatives) and, for each name its matches'
        `lastgroup` can be, the alternative that name stands for. A subclass may try fewer
        alternatives at a place, as long as the first of them to match is the first of
        all (dates.DateSearch)."""
        return re.compile(head + _marked(alternatives)), {k: k for k, _ in alternatives}

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        """`start` followed by the alternatives, the pattern `search` finds the matches of."""
        return re.compile(whole_pattern(self.start.pattern, self.alternatives))

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        if pos == 0:
            if self.start.match(text) is not None:
                for alone in self.alone.values():
                    m = alone.match(text)
                    if m is not None:
                        return m
            pos = 1
        found = self.scan.search(text, pos - 1)
        if found is None:
            return None
        return self.alone[self.kinds[found.lastgroup]].match(text, found.start() + 1)


def whole_pattern(start: str, alternatives: list[tuple[str, str]]) -> str:
    """`start` followed by the named alternatives, tried in order."""
    return start + "(?:" + "|".join(f"(?P<{k}>{p})" for k, p in alternatives) + ")"


def _marked(alternatives: list[tuple[str, str]]) -> str:
    """The alternatives, tried in order, each followed by an empty group of its name rather
    than inside one, their own named groups made non-capturing (except those referred to):
    the last group closed in a match is that empty one, so the match's `lastgroup` names the
    alternative that matched, as a group around it would. The engine opens a group around
    an alternative at every place the scan tries it, and the empty one only where the
    alternative has matched: dates' scan took about 5% less time so (measured)."""
    return (
        "(?:" + "|".join(f"(?:{_without_named_groups(p)})(?P<{k}>)" for k, p in alternatives) + ")"
    )


def _without_named_groups(pattern: str) -> str:
    """`pattern` with its named groups "(?P<name>…)" made non-capturing "(?:…)", which
    matches the same, except the groups a "(?P=name)" or "(?(name)…)" refers to. Left as it
    is when it has a numbered reference ("\\1"), whose numbers would change."""
    if re.search(r"(?<!\\)(?:\\\\)*\\[1-9]|\(\?\([0-9]", pattern):
        return pattern
    referred = set(re.findall(r"\(\?(?:P=|\()(\w+)", pattern))
    return re.sub(
        r"\(\?P<(\w+)>",
        lambda m: m.group() if m.group(1) in referred else "(?:",
        pattern,
    )
