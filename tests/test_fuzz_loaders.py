"""Property tests: random bytes and random YAML fed to the loaders.

Whatever the input, the loaders report problems or succeed: `make_tables` returns or
raises BuildFailed (never anything else), and the CLI exits 0 or 1 without a traceback,
leaving the published package byte-identical when it fails.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_dataset import cli, curate, ingest
from build_dataset.check import validate_package
from build_dataset.errors import BuildFailed, Problems
from build_dataset.pipeline import build, make_tables

from .conftest import ROOT

A0 = "000_21a81d94c626cbf0"
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- strategies

TEXT_CHUNKS = [
    b"\n",
    b"\n\n",
    b"\r\n",
    b"\r",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff",
    b"\xc3",
    b" ",
    b"\t",
    "\u2014".encode(),
    "\u00a0".encode(),
    b"Title",
    b"President Xi Jinping said.",
    b" date 2024-02-30 A headline",
    b" date 2024-01-01 A headline",
    b"By Mo Jingxi ( China Daily",
    b"February 30, 2024 By Qiu Wen",
    b"( 2024.13.45 )",
    b"( 2024.01.01 )",
    b"Source: Xinhua Updated: 2024-02-30",
    b"Source: Updated: 2024-01-01",
    b"Nav Search",
    b"Home",
    b"(Photo/Xinhua)",
    b"[Photo/Xinhua]",
    b"Editor: X",
    b"BEIJING, Oct. 23 (Xinhua) --",
    b"This is an excerpt of it.",
    b'"Quoted," he said.',
    b"In 1925, 540,000 members.",
]
text_bytes = st.one_of(
    st.binary(max_size=600),
    st.lists(st.sampled_from(TEXT_CHUNKS), max_size=40).map(b"".join),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
)

CELLS = [
    "",
    " ",
    "a.txt",
    "../a.txt",
    "/etc/hostname",
    "a\x00.txt",
    "nope.txt",
    "sources.csv",
    ".",
    "..",
    "a.txt/",
    "2024-01-01",
    "2024-02-30",
    "2024-1-1",
    "0000-00-00",
    "news",
    "opinion",
    "en",
    "EN",
    "x" * 64,
    "0" * 64,
    "Title, with comma",
    '"',
    "\r\n",
    "\u2028",
]
COLUMNS = [*ingest.KNOWN_COLUMNS, "", "File", "extra", "file "]
cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=12))


@st.composite
def manifests(draw) -> bytes:
    """sources.csv: random bytes, or a CSV with shuffled known/unknown columns and odd cells."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=10))
    if draw(st.booleans()):
        header = ["file", "published", *header]
    rows = draw(
        st.lists(st.lists(cell, min_size=len(header) - 1, max_size=len(header) + 1), max_size=5)
    )
    buf = io.StringIO()
    csv.writer(buf, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *rows])
    data = buf.getvalue().encode("utf-8", "surrogatepass")
    return (b"\xef\xbb\xbf" + data) if draw(st.booleans()) else data


YAML_CHUNKS = [
    "\n",
    "  ",
    "- ",
    ": ",
    "entities:",
    "events:",
    "figures:",
    "quotes:",
    "dates:",
    "names:",
    "id: a",
    "id: acftu",
    "name: X",
    "type: person",
    "type: founding",
    "aliases: [a, a]",
    "date_start: 2025-02-30",
    "date_end: 1925-12-31",
    "date_precision: year",
    "sources:",
    f"article: {A0}",
    "article: nope",
    "evidence: The federation",
    "occurrence: 0",
    "participants:",
    "entity: acftu",
    "role: speaker",
    "{",
    "}",
    "[",
    "]",
    "'",
    '"',
    "#",
    "---",
    "...",
    "%YAML 1.1",
    "&a",
    "*a",
    "<<: *a",
    "? ",
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "!!binary x",
    "!!int abc",
    "!!float x",
    "!!timestamp 2024-02-30",
    "!!set {a}",
    "!!omap [a]",
    "!custom x",
    "\t",
    "\x00",
    "\ufeff",
    "\u2028",
    "1e999",
    "~",
    "yes",
    "0x1F",
    "2024-01-01",
    "2024-01-01T25:00:00",
]
yaml_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(YAML_CHUNKS), max_size=60).map("".join),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(["acftu", A0, "The federation", "year", "day", "person", "founding"]),
)
nested = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4),
        st.dictionaries(
            st.text(max_size=10)
            | st.sampled_from(
                ["id", "name", "type", "events", "entities", "sources", "evidence", "article"]
            ),
            kids,
            max_size=4,
        ),
    ),
    max_leaves=25,
)


def _field_names(model) -> list[str]:
    return list(model.model_fields)


@st.composite
def near_valid(draw) -> tuple[str, dict]:
    """An annotation file with the right shape: known keys, values anything plausible."""
    fname = draw(st.sampled_from(sorted(curate.FILES)))
    model = curate.FILES[fname]
    key = _field_names(model)[0]
    item_model = model.model_fields[key].annotation.__args__[0]
    keys = _field_names(item_model)
    items = draw(
        st.lists(st.dictionaries(st.sampled_from(keys), nested, max_size=len(keys)), max_size=4)
    )
    return fname, {key: items}


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A project with one seed source (for speed) and a good package built into out/."""
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "sources").mkdir()
    (folder / "annotations").mkdir()
    shutil.copy(ROOT / "sources" / f"{A0}.txt", folder / "sources")
    with open(ROOT / "sources/sources.csv", newline="", encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    (folder / "sources/sources.csv").write_text("".join(lines[:2]), encoding="utf-8")
    build(folder / "sources", folder / "out", folder / "annotations")
    return folder


@contextlib.contextmanager
def project(base: Path):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for part in ("sources", "annotations", "out"):
            shutil.copytree(base / part, folder / part)
        yield folder


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def pipeline_reports_or_succeeds(folder: Path) -> None:
    """The property: make_tables returns, or raises BuildFailed with located problems."""
    try:
        make_tables(folder / "sources", folder / "annotations")
    except BuildFailed as e:
        assert e.problems
        assert all(p.file and p.field and p.message for p in e.problems)


def cli_reports_or_succeeds(folder: Path) -> None:
    """In-process CLI: exit 0 or 1, no traceback or internal error, package kept or valid."""
    before = snapshot(folder / "out")
    err = io.StringIO()
    args = [
        "build",
        "--sources",
        str(folder / "sources"),
        "--out",
        str(folder / "out"),
        "--annotations",
        str(folder / "annotations"),
    ]
    with contextlib.redirect_stderr(err):
        code = cli.main(args)
    assert code in (0, 1), err.getvalue()
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue(), (
        err.getvalue()
    )
    if code == 1:
        assert snapshot(folder / "out") == before
    else:
        assert validate_package(folder / "out") == []


# ---------------------------------------------------------------- sources


@FAST
@given(data=text_bytes, keep_sha=st.booleans())
def test_random_bytes_as_a_source_text(base, data, keep_sha):
    with project(base) as folder:
        (folder / "sources" / f"{A0}.txt").write_bytes(data)
        if not keep_sha:
            _drop_sha(folder)
        problems = Problems()
        ingest.ingest(folder / "sources", problems)
        if keep_sha:  # the manifest still records the seed's sha256
            assert any(p.field == "sha256" for p in problems.items)
        pipeline_reports_or_succeeds(folder)


def _drop_sha(folder: Path) -> None:
    path = folder / "sources/sources.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    i = rows[0].index("sha256")
    for row in rows[1:]:
        row[i] = ""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@FAST
@given(data=manifests())
def test_random_manifest(base, data):
    with project(base) as folder:
        (folder / "sources/sources.csv").write_bytes(data)
        (folder / "sources" / "a.txt").write_bytes(b"A title\n\nA body.\n")
        problems = Problems()
        ingest.ingest(folder / "sources", problems)
        pipeline_reports_or_succeeds(folder)


# ---------------------------------------------------------------- annotations


@FAST
@given(fname=st.sampled_from(sorted(curate.FILES)), text=yaml_text)
def test_random_yaml_text_as_an_annotation_file(base, fname, text):
    with project(base) as folder:
        path = folder / "annotations" / fname
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        problems = Problems()
        curate.load(folder / "annotations", problems)
        assert all(p.file.endswith(fname) for p in problems.items)
        pipeline_reports_or_succeeds(folder)


@FAST
@given(
    fname=st.sampled_from(sorted(curate.FILES)),
    data=st.one_of(
        st.binary(max_size=400),
        st.tuples(yaml_text, st.binary(max_size=8), st.integers(0, 300)).map(
            lambda t: (lambda b: b[: t[2]] + t[1] + b[t[2] :])(
                t[0].encode("utf-8", "surrogatepass")
            )
        ),
    ),
)
def test_random_bytes_as_an_annotation_file(base, fname, data):
    """Bytes, or YAML with random bytes spliced in (invalid UTF-8, NULs, BOMs mid-file)."""
    with project(base) as folder:
        (folder / "annotations" / fname).write_bytes(data)
        problems = Problems()
        curate.load(folder / "annotations", problems)
        assert all(p.file.endswith(fname) for p in problems.items)
        cli_reports_or_succeeds(folder)


@FAST
@given(fname=st.sampled_from(sorted(curate.FILES)), data=nested)
def test_random_data_dumped_as_yaml(base, fname, data):
    with project(base) as folder:
        (folder / "annotations" / fname).write_text(yaml.safe_dump(data), encoding="utf-8")
        pipeline_reports_or_succeeds(folder)


@FAST
@given(file=near_valid())
def test_annotations_of_the_right_shape_with_random_values(base, file):
    fname, data = file
    with project(base) as folder:
        (folder / "annotations" / fname).write_text(yaml.safe_dump(data), encoding="utf-8")
        pipeline_reports_or_succeeds(folder)


# ---------------------------------------------------------------- the CLI


@FAST
@given(text=yaml_text, data=text_bytes)
def test_cli_never_prints_a_traceback(base, text, data):
    with project(base) as folder:
        (folder / "annotations" / "events.yaml").write_text(
            text, encoding="utf-8", errors="surrogatepass"
        )
        (folder / "sources" / f"{A0}.txt").write_bytes(data)
        _drop_sha(folder)
        cli_reports_or_succeeds(folder)


@SLOW
@given(text=yaml_text, data=text_bytes)
def test_cli_subprocess_never_prints_a_traceback(base, text, data):
    with project(base) as folder:
        (folder / "annotations" / "entities.yaml").write_text(
            text, encoding="utf-8", errors="surrogatepass"
        )
        (folder / "sources" / f"{A0}.txt").write_bytes(data)
        before = snapshot(folder / "out")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "build_dataset",
                "build",
                "--sources",
                "sources",
                "--out",
                "out",
                "--annotations",
                "annotations",
            ],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 1, proc.stderr  # the text changed: sha256 no longer matches
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
        assert "sources/sources.csv:2: sha256:" in proc.stderr
        assert snapshot(folder / "out") == before
