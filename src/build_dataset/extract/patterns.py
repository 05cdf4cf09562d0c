"""Regex building blocks shared by the extractors."""

from __future__ import annotations

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
