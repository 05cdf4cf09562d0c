"""Atomic publish: a build that fails, or is killed, never leaves a half-written package.

Two input sets over the seed sources: OLD (four sources) and NEW (all five), so that a
build of NEW over a package of OLD changes most published files. A build is killed with
SIGKILL (no cleanup, no `finally`) by a small driver that patches one function of
build_dataset.publish and then runs the CLI: once while it writes its staging folder, once
between two renames of the swap. The published files (data/, schema/, docs/,
datapackage.json) are compared byte for byte with clean builds of OLD and NEW.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from build_dataset import publish as publish_module
from build_dataset.check import validate_package
from build_dataset.errors import BuildFailed, Problem
from build_dataset.pipeline import build, make_tables
from build_dataset.publish import JOURNAL_FILE, STAGE_PREFIX, publish, recover

from .conftest import ROOT
from .test_bad_input import ANNOTATIONS, snapshot

A4 = "004_0ec577e8d3cc6e80"
PUBLISHED = ("data", "schema", "docs", "datapackage.json")

# Runs the CLI in a process that SIGKILLs itself at a chosen point of the publish.
DRIVER = """\
import os, signal, sys
import build_dataset.publish as publish
from build_dataset import cli

mode, n = sys.argv[1], int(sys.argv[2])
calls = 0

def die_on_call():
    global calls
    calls += 1
    if calls > n:
        os.kill(os.getpid(), signal.SIGKILL)

if mode == "stage":  # killed while writing the staging folder: on data file n + 1
    # (a Parquet or CSV file; the build makes the Parquet files' bytes before it stages)
    write_hash_sync = publish._write_hash_sync

    def dying_write(write, path):
        die_on_call()
        return write_hash_sync(write, path)

    publish._write_hash_sync = dying_write
else:  # "swap": killed between two renames, after n of them
    class DyingOs:
        def __getattr__(self, name):
            return getattr(os, name)

        def replace(self, src, dst):
            die_on_call()
            os.replace(src, dst)

    publish.os = DyingOs()
sys.exit(cli.main(sys.argv[3:]))
"""


# ---------------------------------------------------------------- helpers


def published(out: Path) -> dict[str, bytes | None]:
    """The published files of a package folder, by relative path."""
    snap = snapshot(out)
    return {rel: data for rel, data in snap.items() if rel.split("/")[0] in PUBLISHED}


def leftovers(out: Path) -> list[str]:
    """Staging folders and the swap journal: what a killed publish leaves behind."""
    found = sorted(p.name for p in out.glob(STAGE_PREFIX + "*"))
    return found + ([JOURNAL_FILE] if (out / JOURNAL_FILE).exists() else [])


def cli(project: Path, inputs: str, *extra: str) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "build_dataset",
        "build",
        "--sources",
        f"{inputs}/sources",
        "--out",
        "out",
        "--annotations",
        "annotations",
        *extra,
    ]
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=600)


def killed(project: Path, mode: str, n: int, inputs: str = "new") -> subprocess.CompletedProcess:
    (project / "driver.py").write_text(DRIVER, encoding="utf-8")
    cmd = [
        sys.executable,
        "driver.py",
        mode,
        str(n),
        "build",
        "--sources",
        f"{inputs}/sources",
        "--out",
        "out",
        "--annotations",
        "annotations",
    ]
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=600)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """old/sources (four seeds), new/sources (five), annotations/, and clean builds of both
    into clean-old/ and clean-new/."""
    folder = tmp_path_factory.mktemp("atomic")
    shutil.copytree(ROOT / "sources", folder / "new" / "sources")
    old = folder / "old" / "sources"
    shutil.copytree(ROOT / "sources", old)
    (old / f"{A4}.txt").unlink()
    lines = (old / "sources.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (old / "sources.csv").write_text(
        "".join(x for x in lines if not x.startswith(A4)), encoding="utf-8"
    )
    (folder / "annotations").mkdir()
    for name, text in ANNOTATIONS.items():
        (folder / "annotations" / name).write_text(text, encoding="utf-8")
    for inputs in ("old", "new"):
        build(folder / inputs / "sources", folder / f"clean-{inputs}", folder / "annotations")
    return folder


@pytest.fixture
def project(template, tmp_path) -> Path:
    """A copy of the template with out/ holding the clean build of OLD (and its stamp)."""
    for part in ("old", "new", "annotations"):
        shutil.copytree(template / part, tmp_path / part)
    shutil.copytree(template / "clean-old", tmp_path / "out")
    return tmp_path


@pytest.fixture(scope="module")
def clean(template) -> dict[str, dict]:
    old, new = (published(template / f"clean-{i}") for i in ("old", "new"))
    assert {rel.split("/")[0] for rel in old} == set(PUBLISHED)
    changed = [rel for rel in old if old[rel] != new.get(rel)]
    assert len(changed) > 10, "OLD and NEW must differ in many published files"
    return {"old": old, "new": new}


# ---------------------------------------------------------------- a failing build


def test_failing_build_leaves_every_file_byte_identical(project, clean):
    """Bad evidence fails the build: exit 1, the file and line named, nothing changed (the
    stamp and lock in .cache/ included), no staging folder left."""
    before = snapshot(project / "out")
    events = project / "annotations" / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("founded in 1925", "founded in 1926"), encoding="utf-8")
    proc = cli(project, "new")
    assert proc.returncode == 1, proc.stderr
    assert "annotations/events.yaml:13: events[0].sources[0].evidence:" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(project / "out") == before
    assert published(project / "out") == clean["old"]
    assert leftovers(project / "out") == []


def test_checks_failing_after_staging_leave_every_file_byte_identical(project, clean):
    """The last moment a publish can still fail, with every file of NEW staged: the checks
    on the staging folder. Nothing is swapped in and the staging folder is removed."""
    tables, _ = make_tables(project / "new" / "sources", project / "annotations")
    staged = []

    def checks(stage: Path) -> None:
        staged.append(published(stage))
        raise BuildFailed([])

    with pytest.raises(BuildFailed):
        publish(tables, project / "out", checks=checks)
    assert staged and staged[0] == clean["new"]  # the whole package was written...
    assert published(project / "out") == clean["old"]  # ...and none of it published
    assert leftovers(project / "out") == []


def test_a_table_check_failing_while_staging_publishes_nothing(project, clean, monkeypatch):
    """The build checks its tables while publish stages them: a problem found by the
    checks (here made up) fails the build after staging, and nothing is swapped in, the
    fingerprint stamp included."""
    import build_dataset.check

    problem = Problem("data/figures.csv", 2, "value", "made up for the test")
    monkeypatch.setattr(build_dataset.check, "check_tables", lambda tables, threads=None: [problem])
    before = snapshot(project / "out")
    with pytest.raises(BuildFailed) as failed:
        build(project / "new" / "sources", project / "out", project / "annotations")
    assert failed.value.problems == [problem]
    assert snapshot(project / "out") == before
    assert published(project / "out") == clean["old"]
    assert leftovers(project / "out") == []


# ---------------------------------------------------------------- killed while staging


@pytest.mark.parametrize("then", ["new", "old"])
def test_build_killed_while_staging(project, clean, then):
    """SIGKILL on the 4th write of a data file into the staging folder: the published files
    are untouched and the staging folder is left behind; the next build removes it and
    succeeds, also when it finds the package up to date (`then` = old, the inputs of the
    published package)."""
    # The stamp of out/ fingerprints the builder's code too: refresh it (a skip, unless
    # the code changed since the template was built), so that `then` = old is up to date.
    build(project / "old" / "sources", project / "out", project / "annotations")
    cache = {k: v for k, v in snapshot(project / "out").items() if k.startswith(".cache")}
    proc = killed(project, "stage", 3)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    out = project / "out"
    assert published(out) == clean["old"]
    assert {k: v for k, v in snapshot(out).items() if k.startswith(".cache")} == cache
    [stage] = leftovers(out)  # killed half-way through staging, no journal yet
    assert stage.startswith(STAGE_PREFIX)
    # writes 1 to 3 begun, in a pool of threads: each may or may not have made its file
    assert len(list((out / stage / "data").iterdir())) <= 3

    proc = cli(project, then)
    assert proc.returncode == 0, proc.stderr
    assert ("up to date" in proc.stderr) == (then == "old")
    assert leftovers(out) == []
    assert published(out) == clean[then]
    assert validate_package(out) == []


# ---------------------------------------------------------------- killed during the swap


@pytest.mark.parametrize("renames", [0, 3])
@pytest.mark.parametrize("then", ["recover", "new", "old"])
def test_build_killed_during_the_swap(project, clean, renames, then):
    """SIGKILL after `renames` renames of the swap: the journal and the staging folder
    stay. `recover()` rolls the swap forward to exactly the package being published; the
    next build does the same first, then builds its own inputs: byte-identical to a clean
    build either way, with nothing left behind."""
    proc = killed(project, "swap", renames)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    out = project / "out"
    assert (out / JOURNAL_FILE).is_file() and len(leftovers(out)) == 2
    now = published(out)
    swapped = sorted(rel for rel in now if now[rel] != clean["old"][rel])
    assert len(swapped) == renames
    assert all(now[rel] == clean["new"][rel] for rel in swapped)
    if renames:  # half old, half new: the descriptor no longer matches the data
        assert validate_package(out) != []

    if then == "recover":
        assert recover(out) is True
        assert published(out) == clean["new"]
        assert not (out / JOURNAL_FILE).exists()
        publish_module.tidy(out)  # what the next build does first
    else:
        proc = cli(project, then)
        assert proc.returncode == 0, proc.stderr
        assert published(out) == clean[then]
    assert leftovers(out) == []
    assert validate_package(out) == []


class InterruptingOs:
    """`os` for build_dataset.publish whose replace() raises KeyboardInterrupt (Ctrl-C)
    before the rename numbers in `at` (1-based)."""

    def __init__(self, at: set[int]):
        self.at, self.calls = at, 0

    def __getattr__(self, name):
        return getattr(os, name)

    def replace(self, src, dst):
        self.calls += 1
        if self.calls in self.at:
            raise KeyboardInterrupt
        os.replace(src, dst)


@pytest.mark.parametrize("interrupts", [1, 2])
def test_ctrl_c_during_the_swap(project, clean, monkeypatch, interrupts):
    """Ctrl-C between two renames: the swap is finished before the interrupt goes on, so
    the package is NEW, whole. A second Ctrl-C while finishing leaves the journal and the
    staging folder (never the staging folder removed under the journal), and the next
    build's first step finishes it."""
    tables, _ = make_tables(project / "new" / "sources", project / "annotations")
    out = project / "out"
    with monkeypatch.context() as m:
        m.setattr(publish_module, "os", InterruptingOs({4, 5} if interrupts == 2 else {4}))
        with pytest.raises(KeyboardInterrupt):
            publish(tables, out)
    if interrupts == 1:
        assert leftovers(out) == []
    else:
        assert (out / JOURNAL_FILE).is_file() and len(leftovers(out)) == 2
        assert published(out) != clean["new"]
        publish_module.tidy(out)
        assert leftovers(out) == []
    assert published(out) == clean["new"]


# ---------------------------------------------------------------- concurrent builds


def test_concurrent_builds_do_not_corrupt_the_package(project, clean):
    """Two builds of different inputs into one folder at the same time: one waits for the
    other's publish; the result is one of the two clean packages, whole. The fingerprint
    stamp then still tells the truth: building OLD gives OLD, then NEW gives NEW."""
    shutil.rmtree(project / "out")
    cmd = [
        sys.executable,
        "-m",
        "build_dataset",
        "build",
        "--out",
        "out",
        "--annotations",
        "annotations",
        "--sources",
    ]
    procs = [
        subprocess.Popen(
            [*cmd, f"{inputs}/sources"],
            cwd=project,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for inputs in ("old", "new", "old", "new")
    ]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    out = project / "out"
    assert published(out) in (clean["old"], clean["new"])
    assert leftovers(out) == []
    assert validate_package(out) == []
    for inputs in ("old", "new"):
        proc = cli(project, inputs)
        assert proc.returncode == 0, proc.stderr
        assert published(out) == clean[inputs]
