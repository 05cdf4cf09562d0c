"""The build's progress line: drawn on a terminal, silent in logs and pipes."""

from __future__ import annotations

import io

from build_dataset.progress import Progress


class FakeStream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_on_a_terminal_one_line_is_rewritten_then_ended():
    stream = FakeStream(tty=True)
    with Progress("extracting", "articles", stream) as progress:
        progress(100, 2000)
        progress(2000, 2000)
    assert stream.getvalue() == ("\rextracting 100/2000 articles\rextracting 2000/2000 articles\n")


def test_not_a_terminal_writes_nothing():
    stream = FakeStream(tty=False)
    with Progress("extracting", "articles", stream) as progress:
        progress(100, 2000)
    assert stream.getvalue() == ""
    plain = io.StringIO()  # isatty() is False for an in-memory stream
    with Progress("extracting", "articles", plain) as progress:
        progress(1, 1)
    assert plain.getvalue() == ""


def test_nothing_drawn_means_no_newline_on_a_terminal():
    stream = FakeStream(tty=True)
    with Progress("extracting", "articles", stream):
        pass
    assert stream.getvalue() == ""


def test_the_build_reports_progress_through_the_callback(root, tmp_path):
    from build_dataset.pipeline import build

    stream = FakeStream(tty=True)
    with Progress("extracting", "articles", stream) as progress:
        build(
            root / "sources",
            tmp_path / "out",
            root / "annotations",
            progress=progress,
            use_cache=False,
        )
    n = len(list((root / "sources").glob("*.txt")))
    assert stream.getvalue().endswith(f"\rextracting {n}/{n} articles\n")


def test_the_cli_is_silent_when_stderr_is_not_a_terminal(root, tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "build_dataset",
            "build",
            "--sources",
            str(root / "sources"),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr and "extracting" not in proc.stderr
