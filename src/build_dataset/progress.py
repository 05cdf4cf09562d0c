"""A one-line progress display for long builds, shown only on a terminal.

`Progress("extracting", "articles")` is a callable `(done, total)`, the shape of the
`progress` argument of `pipeline.build`. On a terminal it rewrites one line of stderr,
`extracting 120/2000 articles`; when stderr is a file, a pipe or CI's log it writes
nothing, so logs stay clean.
"""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, label: str, unit: str, stream: TextIO | None = None):
        self.label, self.unit = label, unit
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        self.stream.write(f"\r{self.label} {done}/{total} {self.unit}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the line, if one was drawn, so the next message starts on its own line."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
