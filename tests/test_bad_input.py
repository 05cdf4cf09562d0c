"""Bad input: one case per kind, each breaking ONE thing in a copy of the project.

Every case starts from a good package already published into `out/`, runs the CLI on the
broken copy, and asserts: exit code 1, the offending file named as
`file:line: field: message` (line and field where there is one), no traceback, and every
file in `out/` byte-identical to before.

Source cases start from the repository's sources/ and annotations/; annotation cases
start from the repository's sources/ and the small valid annotation files below, so that
each break is made at a known line (figures, dates, quotes and names files are added by
the case itself).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from build_dataset.pipeline import build

from .conftest import ROOT

MANIFEST = "sources/sources.csv"
A0, A1, A2, A3, A4 = (
    "000_21a81d94c626cbf0",
    "001_6263109a809d4f35",
    "002_3f648d3e960a32f1",
    "003_fc003b9c926bb22b",
    "004_0ec577e8d3cc6e80",
)
ROW = {A0: 2, A1: 3, A2: 4, A3: 5, A4: 6}  # line of each source in sources.csv

ENTITIES = """\
entities:
  - id: xi-jinping
    name: Xi Jinping
    type: person
  - id: acftu
    name: All-China Federation of Trade Unions
    type: organization
    aliases: [ACFTU]
  - id: beijing
    name: Beijing
    type: place
"""
EVENTS = f"""\
events:
  - id: acftu-founding
    title: Founding of the All-China Federation of Trade Unions
    type: founding
    date_start: 1925-01-01
    date_end: 1925-12-31
    date_precision: year
    participants:
      - entity: acftu
        role: subject
    sources:
      - article: {A0}
        evidence: The federation, which was founded in 1925
  - id: acftu-centenary
    title: Gathering for the 100th anniversary of the ACFTU
    type: anniversary
    date_start: 2025-04-28
    date_end: 2025-04-28
    date_precision: day
    location: beijing
    participants:
      - entity: xi-jinping
        role: speaker
    sources:
      - article: {A0}
        evidence: made the remarks on Monday at a gathering
"""
ANNOTATIONS = {"entities.yaml": ENTITIES, "events.yaml": EVENTS}
FIGURES = f"""\
figures:
  - article: {A0}
    evidence: 540,000
    value: 540000
    qualifier: exact
    kind: count
"""
DATES = f"""\
dates:
  - article: {A0}
    evidence: on Monday
    value_start: 2025-04-28
    value_end: 2025-04-28
    precision: day
"""
QUOTES = f"""\
quotes:
  - article: {A0}
    evidence: We will never be workers again
    speaker: xi-jinping
"""
NAMES = """\
names:
  - text: Great Hall of the People
    entity: beijing
"""
PUBLISHED = {"data", "schema", "docs", "datapackage.json"}
PROBLEM_LINE = re.compile(
    r"^(?P<file>[^:\s]+)(?::(?P<line>\d+))?: (?P<field>[^:\s]+): (?P<msg>.+)$"
)


# ---------------------------------------------------------------- helpers


def run_cli(project: Path, *extra: str, sources: str = "sources") -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "build_dataset",
        *extra,
        "build",
        "--sources",
        sources,
        "--out",
        "out",
        "--annotations",
        "annotations",
    ]
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=600)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under `folder`, by relative path."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def manifest_rows(project: Path, edit: Callable[[list[list[str]]], None]) -> None:
    path = project / MANIFEST
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def set_cell(project: Path, article: str, column: str, value: str) -> None:
    def edit(rows):
        col = rows[0].index(column)
        rows[ROW[article] - 1][col] = value

    manifest_rows(project, edit)


def add_row(project: Path, file: str, published: str = "2024-01-01", title: str = "T") -> None:
    def edit(rows):
        header = rows[0]
        row = [""] * len(header)
        row[header.index("file")] = file
        row[header.index("published")] = published
        row[header.index("title")] = title
        rows.append(row)

    manifest_rows(project, edit)


def put_text(project: Path, article: str, data: bytes, record: bool = True) -> None:
    """Replace a source text; with `record`, its sha256 in the manifest is updated too, so
    that the text itself is the only thing wrong."""
    (project / "sources" / f"{article}.txt").write_bytes(data)
    if record:
        set_cell(project, article, "sha256", hashlib.sha256(data).hexdigest())


def raw(project: Path, article: str) -> bytes:
    return (project / "sources" / f"{article}.txt").read_bytes()


def ann(project: Path, name: str) -> Path:
    return project / "annotations" / name


# ---------------------------------------------------------------- the good starting points


def _project(folder: Path, annotations: dict[str, str] | None) -> Path:
    shutil.copytree(ROOT / "sources", folder / "sources")
    if annotations is None:
        shutil.copytree(ROOT / "annotations", folder / "annotations")
    else:
        (folder / "annotations").mkdir()
        for name, text in annotations.items():
            (folder / "annotations" / name).write_text(text, encoding="utf-8")
    build(folder / "sources", folder / "out", folder / "annotations")
    return folder


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, Path]:
    """Two good projects with their package built: repository annotations, or ours."""
    return {
        "repo": _project(tmp_path_factory.mktemp("good-repo"), None),
        "ours": _project(tmp_path_factory.mktemp("good-ours"), ANNOTATIONS),
    }


def copy_project(template: Path, dest: Path) -> Path:
    for part in ("sources", "annotations", "out"):
        shutil.copytree(template / part, dest / part, symlinks=True)
    return dest


def assert_fails_cleanly(proc, before: dict, out: Path) -> list[re.Match]:
    """Exit 1, no traceback, every line but the summary a `file:line: field: message`
    problem, and the published package untouched. Returns the parsed problems."""
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr
    *lines, summary = proc.stderr.strip().splitlines()
    assert re.fullmatch(r"build-dataset: \d+ problem\(s\); nothing was published", summary)
    problems = [PROBLEM_LINE.match(line) for line in lines]
    assert lines and all(problems), proc.stderr
    assert {rel.split("/")[0] for rel in before} >= PUBLISHED  # docs/ included
    assert snapshot(out) == before, "the published package changed"
    return problems


# ---------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    id: str
    edit: Callable[[Path], None]
    file: str  # the offending file, as the CLI names it
    line: int | None  # None: the problem has no line (whole file)
    field: str
    message: str  # regular expression searched in the message
    base: str = "repo"


def _outside(p: Path, name: str) -> str:
    (p / "outside.txt").write_text("Title\n\nA text outside the sources folder.\n")
    return name


def _symlink_out(p: Path) -> None:
    (p / "outside.txt").write_text("Title\n\nA text outside the sources folder.\n")
    (p / "sources" / "link.txt").symlink_to(p / "outside.txt")
    add_row(p, "link.txt")


def _duplicate_content(p: Path) -> None:
    shutil.copy(p / "sources" / f"{A4}.txt", p / "sources" / "005_copy.txt")
    add_row(p, "005_copy.txt", "2023-10-10")


def _drop_column(column: str):
    def edit(rows):
        i = rows[0].index(column)
        for row in rows:
            del row[i]

    return edit


def _write(name: str, text: str, old: str = "", new: str = ""):
    """An edit that writes annotations/<name>, with `old` replaced by `new` (once)."""

    def edit(p: Path) -> None:
        assert not old or text.count(old) == 1, old
        ann(p, name).write_text(text.replace(old, new) if old else text, encoding="utf-8")

    return edit


def _not_utf8_at(p: Path, article: str, offset: int, bad: bytes = b"\xff") -> None:
    data = raw(p, article)
    put_text(p, article, data[:offset] + bad + data[offset:])


def _line_at(p: Path, article: str, offset: int) -> int:
    return raw(p, article).count(b"\n", 0, offset) + 1


def _repo_raw(article: str) -> bytes:
    return (ROOT / "sources" / f"{article}.txt").read_bytes()


def _repo_line(article: str, offset: int) -> int:
    return _repo_raw(article).count(b"\n", 0, offset) + 1


SOURCE_CASES = [
    # sources.csv
    Case(
        "manifest-missing", lambda p: (p / MANIFEST).unlink(), MANIFEST, None, "file", "not found"
    ),
    Case(
        "sources-folder-missing",
        lambda p: shutil.rmtree(p / "sources"),
        "sources",
        None,
        "folder",
        "does not exist",
    ),
    Case(
        "manifest-empty", lambda p: (p / MANIFEST).write_bytes(b""), MANIFEST, 1, "header", "empty"
    ),
    Case(
        "required-column-missing",
        lambda p: manifest_rows(p, _drop_column("published")),
        MANIFEST,
        1,
        "published",
        "required column missing",
    ),
    Case(
        "unknown-column",
        lambda p: manifest_rows(p, lambda rows: [r.append("x") for r in rows]),
        MANIFEST,
        1,
        "x",
        "unknown column",
    ),
    Case(
        "row-with-too-few-cells",
        lambda p: manifest_rows(p, lambda rows: rows[3].pop()),
        MANIFEST,
        ROW[A2],
        "row",
        "8 cells, header has 9",
    ),
    Case(
        "published-not-a-date",
        lambda p: set_cell(p, A3, "published", "June 7, 2024"),
        MANIFEST,
        ROW[A3],
        "published",
        "not a date YYYY-MM-DD",
    ),
    Case(
        "published-impossible-date",
        lambda p: set_cell(p, A3, "published", "2024-02-30"),
        MANIFEST,
        ROW[A3],
        "published",
        "'2024-02-30' is not a date",
    ),
    Case(
        "published-empty",
        lambda p: set_cell(p, A1, "published", ""),
        MANIFEST,
        ROW[A1],
        "published",
        "required",
    ),
    Case(
        "published-contradicts-text",
        lambda p: set_cell(p, A2, "published", "2024-07-05"),
        MANIFEST,
        ROW[A2],
        "published",
        "text of .* says 2024-07-04",
    ),
    Case(
        "genre-outside-enum",
        lambda p: set_cell(p, A1, "genre", "opinion"),
        MANIFEST,
        ROW[A1],
        "genre",
        "'opinion' not one of news, speech, commentary",
    ),
    Case(
        "file-cell-empty", lambda p: set_cell(p, A1, "file", ""), MANIFEST, ROW[A1], "file", "empty"
    ),
    Case(
        "duplicate-row",
        lambda p: manifest_rows(p, lambda rows: rows.append(rows[2])),
        MANIFEST,
        7,
        "file",
        f"'{A1}.txt' already listed on line {ROW[A1]}",
    ),
    Case(
        "duplicate-file-content", _duplicate_content, MANIFEST, 7, "file", f"same bytes as {A4}.txt"
    ),
    Case(
        "file-does-not-exist",
        lambda p: add_row(p, "005_missing.txt"),
        MANIFEST,
        7,
        "file",
        "'005_missing.txt' does not exist",
    ),
    Case(
        "path-leaves-folder",
        lambda p: add_row(p, _outside(p, "../outside.txt")),
        MANIFEST,
        7,
        "file",
        "leaves the sources folder",
    ),
    Case(
        "absolute-path",
        lambda p: add_row(p, _outside(p, str(p / "outside.txt"))),
        MANIFEST,
        7,
        "file",
        "leaves the sources folder",
    ),
    Case("symlink-leaves-folder", _symlink_out, MANIFEST, 7, "file", "leaves the sources folder"),
    Case(
        "not-a-txt-file",
        lambda p: add_row(p, "sources.csv"),
        MANIFEST,
        7,
        "file",
        "not a .txt file",
    ),
    Case(
        "file-name-with-nul",
        lambda p: add_row(p, "005\x00.txt"),
        MANIFEST,
        7,
        "file",
        "contains a NUL character",
    ),
    Case(
        "column-given-twice",
        lambda p: manifest_rows(p, lambda rows: [r.append(r[1]) for r in rows]),
        MANIFEST,
        1,
        "published",
        "column 'published' given twice",
    ),
    Case(
        "text-not-listed",
        lambda p: (p / "sources" / "005_extra.txt").write_text("X\n"),
        "sources/005_extra.txt",
        None,
        "file",
        "not listed in sources.csv",
    ),
    Case(
        "manifest-not-utf8",
        lambda p: (p / MANIFEST).write_bytes(
            (p / MANIFEST).read_bytes().replace(b"Xinhua", b"Xinhua\xff", 1)
        ),
        MANIFEST,
        ROW[A1],
        "file",
        r"not valid UTF-8 at byte \d+",
    ),
    # source texts
    Case(
        "sha256-changed",
        lambda p: (p / "sources" / f"{A3}.txt").write_bytes(raw(p, A3) + b"\nOne more sentence.\n"),
        MANIFEST,
        ROW[A3],
        "sha256",
        "the text changed since it was added",
    ),
    Case(
        "sha256-malformed",
        lambda p: set_cell(p, A3, "sha256", "ABC"),
        MANIFEST,
        ROW[A3],
        "sha256",
        "not 64 lowercase hex digits",
    ),
    Case(
        "text-empty",
        lambda p: put_text(p, A4, b""),
        f"sources/{A4}.txt",
        None,
        "text",
        "empty text",
    ),
    Case(
        "text-blank",
        lambda p: put_text(p, A4, b" \r\n\t\n\n"),
        f"sources/{A4}.txt",
        None,
        "text",
        "empty text",
    ),
    Case(
        "text-only-site-chrome",
        lambda p: put_text(p, A4, b"Nav Search\n\nHome\n"),
        f"sources/{A4}.txt",
        None,
        "text",
        "no text",
    ),
    Case(
        "text-not-utf8",
        lambda p: _not_utf8_at(p, A0, 1000),
        f"sources/{A0}.txt",
        _repo_line(A0, 1000),
        "text",
        "not valid UTF-8 at byte 1000: invalid start byte",
    ),
    Case(
        "text-truncated-utf8",
        lambda p: put_text(p, A3, raw(p, A3).replace("—".encode(), "—".encode()[:2], 1)),
        f"sources/{A3}.txt",
        _repo_line(A3, _repo_raw(A3).index("—".encode())),
        "text",
        f"not valid UTF-8 at byte {_repo_raw(A3).index('—'.encode())}",
    ),
    Case(
        "text-utf16",
        lambda p: put_text(p, A1, raw(p, A1).decode().encode("utf-16")),
        f"sources/{A1}.txt",
        1,
        "text",
        "not valid UTF-8 at byte 0",
    ),
    Case(
        "text-nul",
        lambda p: put_text(p, A2, raw(p, A2).replace(b"\n\n", b"\n\x00\n", 1)),
        f"sources/{A2}.txt",
        _repo_line(A2, _repo_raw(A2).index(b"\n\n") + 1),
        "text",
        "contains a NUL character",
    ),
]

_EV = "annotations/events.yaml"
_EN = "annotations/entities.yaml"
_FI = "annotations/figures.yaml"
_DA = "annotations/dates.yaml"
_NA = "annotations/names.yaml"


def _tag_case(tag: str):
    """A Python-object tag in an annotation file; returns (case, marker path)."""
    marker = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    docs = {
        "apply": f'!!python/object/apply:os.system ["touch {marker}"]',
        "new": f'!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
        "name": "!!python/name:os.system",
    }

    def edit(p):
        replace(
            ann(p, "events.yaml"),
            "    date_precision: day\n",
            f"    date_precision: day\n    description: {docs[tag]}\n",
        )

    return Case(f"yaml-python-{tag}", edit, _EV, 20, "yaml", "tag not allowed", "ours"), marker


def _tag_at_top(tag: str):
    """The whole of entities.yaml is one Python-object tag."""
    marker = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    doc = {
        "apply": f'!!python/object/apply:os.system ["touch {marker}"]\n',
        "module": "entities: !!python/module:os\n",
        "object": "entities:\n  - !!python/object:builtins.object {}\n",
    }[tag]
    line = 2 if tag == "object" else 1
    return Case(
        f"yaml-python-{tag}-in-entities",
        lambda p: ann(p, "entities.yaml").write_text(doc),
        _EN,
        line,
        "yaml",
        "tag not allowed",
        "ours",
    ), marker


TAG_CASES = [_tag_case(t) for t in ("apply", "new", "name")] + [
    _tag_at_top(t) for t in ("apply", "module", "object")
]

ANNOTATION_CASES = [
    Case(
        "yaml-syntax-error",
        lambda p: replace(ann(p, "events.yaml"), "type: founding", "type: [founding"),
        _EV,
        5,
        "yaml",
        "",
        "ours",
    ),
    Case(
        "yaml-bad-indentation",
        lambda p: replace(ann(p, "entities.yaml"), "    type: place", "  type: place"),
        _EN,
        11,
        "yaml",
        "",
        "ours",
    ),
    Case(
        "yaml-duplicate-key",
        lambda p: replace(
            ann(p, "entities.yaml"), "    type: person\n", "    type: person\n    name: Xi\n"
        ),
        _EN,
        5,
        "yaml",
        "duplicate key 'name'",
        "ours",
    ),
    Case(
        "annotation-not-utf8",
        lambda p: ann(p, "entities.yaml").write_bytes(
            ENTITIES.replace("Beijing", "Bei\udcffjing").encode("utf-8", "surrogateescape")
        ),
        _EN,
        10,
        "file",
        r"not valid UTF-8 at byte \d+",
        "ours",
    ),
    Case(
        "document-not-a-mapping",
        lambda p: ann(p, "entities.yaml").write_text("- a\n- b\n"),
        _EN,
        1,
        "document",
        "must be a mapping",
        "ours",
    ),
    Case(
        "unknown-top-level-key",
        lambda p: replace(ann(p, "events.yaml"), "events:", "event:"),
        _EV,
        1,
        "event",
        "unknown key",
        "ours",
    ),
    Case(
        "unknown-key",
        lambda p: replace(
            ann(p, "events.yaml"), "    type: founding\n", "    type: founding\n    colour: red\n"
        ),
        _EV,
        5,
        "events[0].colour",
        "unknown key",
        "ours",
    ),
    Case(
        "unknown-annotation-file",
        lambda p: ann(p, "entity.yaml").write_text("x: 1\n"),
        "annotations/entity.yaml",
        None,
        "file",
        "unknown annotation file",
        "ours",
    ),
    Case(
        "unknown-entity-in-participant",
        lambda p: replace(ann(p, "events.yaml"), "entity: acftu\n", "entity: acftu-typo\n"),
        _EV,
        9,
        "events[0].participants[0].entity",
        "unknown entity 'acftu-typo'",
        "ours",
    ),
    Case(
        "unknown-location",
        lambda p: replace(ann(p, "events.yaml"), "location: beijing", "location: shanghai"),
        _EV,
        20,
        "events[1].location",
        "unknown entity 'shanghai'",
        "ours",
    ),
    Case(
        "location-not-a-place",
        lambda p: replace(ann(p, "events.yaml"), "location: beijing", "location: acftu"),
        _EV,
        20,
        "events[1].location",
        "not a place",
        "ours",
    ),
    Case(
        "duplicate-entity-id",
        lambda p: ann(p, "entities.yaml").write_text(
            ENTITIES + "  - id: acftu\n    name: ACFTU Federation\n    type: organization\n"
        ),
        _EN,
        12,
        "entities[3].id",
        "duplicate id 'acftu'",
        "ours",
    ),
    Case(
        "duplicate-event-id",
        lambda p: replace(ann(p, "events.yaml"), "id: acftu-centenary", "id: acftu-founding"),
        _EV,
        14,
        "events[1].id",
        "duplicate id 'acftu-founding'",
        "ours",
    ),
    Case(
        "evidence-not-in-text",
        lambda p: replace(ann(p, "events.yaml"), "founded in 1925", "founded in 1926"),
        _EV,
        13,
        "events[0].sources[0].evidence",
        f"'The federation, which was founded in 1926' not found in the text of {A0}",
        "ours",
    ),
    Case(
        "evidence-in-another-article",
        lambda p: replace(
            ann(p, "events.yaml"),
            f"article: {A0}\n        evidence: The",
            f"article: {A1}\n        evidence: The",
        ),
        _EV,
        13,
        "events[0].sources[0].evidence",
        f"not found in the text of {A1}",
        "ours",
    ),
    Case(
        "evidence-empty",
        lambda p: replace(
            ann(p, "events.yaml"),
            "evidence: made the remarks on Monday at a gathering",
            "evidence: ''",
        ),
        _EV,
        26,
        "events[1].sources[0].evidence",
        "at least 1 character",
        "ours",
    ),
    Case(
        "unknown-article",
        lambda p: replace(
            ann(p, "events.yaml"),
            f"article: {A0}\n        evidence: made",
            "article: 999_nope\n        evidence: made",
        ),
        _EV,
        25,
        "events[1].sources[0].article",
        "unknown article '999_nope'",
        "ours",
    ),
    Case(
        "date-end-before-start",
        lambda p: replace(ann(p, "events.yaml"), "date_end: 2025-04-28", "date_end: 2025-04-27"),
        _EV,
        14,
        "events[1]",
        "date_end 2025-04-27 is before date_start 2025-04-28",
        "ours",
    ),
    Case(
        "year-precision-not-a-year",
        lambda p: replace(ann(p, "events.yaml"), "date_end: 1925-12-31", "date_end: 1925-06-30"),
        _EV,
        2,
        "events[0]",
        "year precision needs YYYY-01-01 .. YYYY-12-31",
        "ours",
    ),
    Case(
        "date-impossible",
        lambda p: replace(
            ann(p, "events.yaml"), "date_start: 2025-04-28", "date_start: 2025-02-30"
        ),
        _EV,
        17,
        "events[1].date_start",
        "",
        "ours",
    ),
    Case(
        "date-not-a-date",
        lambda p: replace(
            ann(p, "events.yaml"), "date_start: 2025-04-28", "date_start: last Monday"
        ),
        _EV,
        17,
        "events[1].date_start",
        "",
        "ours",
    ),
    Case(
        "event-type-outside-enum",
        lambda p: replace(ann(p, "events.yaml"), "type: founding", "type: birthday"),
        _EV,
        4,
        "events[0].type",
        "'congress'",
        "ours",
    ),
    Case(
        "entity-type-outside-enum",
        lambda p: replace(ann(p, "entities.yaml"), "type: place", "type: city"),
        _EN,
        11,
        "entities[2].type",
        "'place'",
        "ours",
    ),
    Case(
        "role-outside-enum",
        lambda p: replace(ann(p, "events.yaml"), "role: speaker", "role: orator"),
        _EV,
        23,
        "events[1].participants[0].role",
        "'speaker'",
        "ours",
    ),
    Case(
        "precision-outside-enum",
        lambda p: replace(ann(p, "events.yaml"), "date_precision: year", "date_precision: decade"),
        _EV,
        7,
        "events[0].date_precision",
        "'year'",
        "ours",
    ),
    Case(
        "slug-malformed",
        lambda p: replace(ann(p, "entities.yaml"), "id: beijing", "id: Bei Jing"),
        _EN,
        9,
        "entities[2].id",
        "pattern",
        "ours",
    ),
    Case(
        "participant-listed-twice",
        lambda p: replace(
            ann(p, "events.yaml"),
            "        role: speaker\n",
            "        role: speaker\n      - entity: xi-jinping\n        role: host\n",
        ),
        _EV,
        24,
        "events[1].participants[1].entity",
        "listed twice",
        "ours",
    ),
    Case(
        "yaml-alias-bomb",
        lambda p: ann(p, "entities.yaml").write_text(
            "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
            + "entities: *a9\n"
        ),
        _EN,
        2,
        "yaml",
        "aliases .* are not allowed",
        "ours",
    ),
    Case(
        "annotation-file-unreadable",
        lambda p: (ann(p, "events.yaml").unlink(), ann(p, "events.yaml").mkdir()),
        _EV,
        None,
        "file",
        "cannot read",
        "ours",
    ),
    Case(
        "annotations-folder-missing",
        lambda p: shutil.rmtree(p / "annotations"),
        "annotations",
        None,
        "folder",
        "does not exist",
        "ours",
    ),
    Case(
        "date-month-13",
        lambda p: replace(ann(p, "events.yaml"), "date_end: 1925-12-31", "date_end: 1925-13-31"),
        _EV,
        6,
        "events[0].date_end",
        "",
        "ours",
    ),
    # figures.yaml, dates.yaml, quotes.yaml, names.yaml
    Case(
        "figure-evidence-not-in-text",
        _write("figures.yaml", FIGURES, "540,000", "540,001"),
        _FI,
        3,
        "figures[0].evidence",
        f"'540,001' not found in the text of {A0}",
        "ours",
    ),
    Case(
        "figure-qualifier-outside-enum",
        _write("figures.yaml", FIGURES, "exact", "roughly"),
        _FI,
        5,
        "figures[0].qualifier",
        "'approximately'",
        "ours",
    ),
    Case(
        "figure-as-of-out-of-range",
        _write(
            "figures.yaml",
            FIGURES,
            "kind: count\n",
            "kind: count\n    as_of: 2024-13-01\n    as_of_precision: month\n",
        ),
        _FI,
        7,
        "figures[0].as_of",
        "",
        "ours",
    ),
    Case(
        "figure-unknown-event",
        _write("figures.yaml", FIGURES, "kind: count\n", "kind: count\n    event: no-such-event\n"),
        _FI,
        7,
        "figures[0].event",
        "unknown event 'no-such-event'",
        "ours",
    ),
    Case(
        "figure-occurrence-zero",
        _write("figures.yaml", FIGURES, "kind: count\n", "kind: count\n    occurrence: 0\n"),
        _FI,
        7,
        "figures[0].occurrence",
        "greater than or equal to 1",
        "ours",
    ),
    Case(
        "dates-end-before-start",
        _write("dates.yaml", DATES, "value_end: 2025-04-28", "value_end: 2025-04-27"),
        _DA,
        2,
        "dates[0]",
        "2025-04-27 is before .* 2025-04-28",
        "ours",
    ),
    Case(
        "dates-value-out-of-range",
        _write("dates.yaml", DATES, "value_start: 2025-04-28", "value_start: 2025-04-31"),
        _DA,
        4,
        "dates[0].value_start",
        "",
        "ours",
    ),
    Case(
        "dates-precision-outside-enum",
        _write("dates.yaml", DATES, "precision: day", "precision: hour"),
        _DA,
        6,
        "dates[0].precision",
        "'day'",
        "ours",
    ),
    Case(
        "quote-evidence-not-in-text",
        _write("quotes.yaml", QUOTES),
        "annotations/quotes.yaml",
        3,
        "quotes[0].evidence",
        "not found in the text",
        "ours",
    ),
    Case(
        "name-entity-and-dismissed",
        _write(
            "names.yaml", NAMES, "entity: beijing\n", "entity: beijing\n    dismissed: a place\n"
        ),
        _NA,
        2,
        "names[0]",
        "give either entity or dismissed",
        "ours",
    ),
    Case(
        "name-unknown-entity",
        _write("names.yaml", NAMES, "entity: beijing", "entity: great-hall"),
        _NA,
        3,
        "names[0].entity",
        "unknown entity 'great-hall'",
        "ours",
    ),
    *(case for case, _ in TAG_CASES),
]

CASES = SOURCE_CASES + ANNOTATION_CASES


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_fails_cleanly(case, good, tmp_path):
    project = copy_project(good[case.base], tmp_path)
    before = snapshot(project / "out")
    case.edit(project)
    proc = run_cli(project)
    problems = assert_fails_cleanly(proc, before, project / "out")
    line = str(case.line) if case.line else None
    hits = [
        m
        for m in problems
        if (m["file"], m["line"], m["field"]) == (case.file, line, case.field)
        and re.search(case.message, m["msg"])
    ]
    assert hits, (
        f"expected {case.file}:{case.line}: {case.field}: /{case.message}/ in\n" + proc.stderr
    )


def test_offsets_in_messages_are_true(good, tmp_path):
    """The byte offset and line named for a text that is not UTF-8 are where the bad byte is."""
    project = copy_project(good["repo"], tmp_path)
    offset = raw(project, A0).index(b"The federation, which was founded")
    _not_utf8_at(project, A0, offset)
    proc = run_cli(project)
    line = _line_at(project, A0, offset)
    assert f"sources/{A0}.txt:{line}: text: not valid UTF-8 at byte {offset}:" in proc.stderr


@pytest.mark.parametrize("case,marker", TAG_CASES, ids=[c.id for c, _ in TAG_CASES])
def test_yaml_python_tags_never_run(case, marker, good, tmp_path):
    project = copy_project(good["ours"], tmp_path)
    case.edit(project)
    assert "!!python/" in (project / case.file).read_text()
    proc = run_cli(project)
    assert proc.returncode == 1
    assert f"{case.file}:{case.line}: yaml: tag not allowed" in proc.stderr
    assert not marker.exists(), "a YAML tag ran code"


def test_a_python_tag_would_run_without_the_safe_loader(tmp_path):
    """The tag cases can fail: the same document under PyYAML's unsafe loader runs
    `touch`, so a marker that stays absent means the builder's loader refused it."""
    marker = tmp_path / "ran"
    yaml.unsafe_load(f'!!python/object/apply:os.system ["touch {marker}"]')
    assert marker.exists()


def test_all_problems_of_a_run_are_reported(good, tmp_path):
    project = copy_project(good["ours"], tmp_path)
    before = snapshot(project / "out")
    set_cell(project, A3, "published", "2024-02-30")
    set_cell(project, A1, "genre", "opinion")
    _not_utf8_at(project, A4, 10)
    replace(
        ann(project, "events.yaml"), "    type: founding\n", "    type: founding\n    colour: red\n"
    )
    replace(ann(project, "entities.yaml"), "type: place", "type: city")
    proc = run_cli(project)
    problems = assert_fails_cleanly(proc, before, project / "out")
    found = {(m["file"], m["line"], m["field"]) for m in problems}
    assert {
        (MANIFEST, str(ROW[A3]), "published"),
        (MANIFEST, str(ROW[A1]), "genre"),
        (f"sources/{A4}.txt", "1", "text"),
        (_EV, "5", "events[0].colour"),
        (_EN, "11", "entities[2].type"),
    } <= found
    assert f"{len(problems)} problem(s)" in proc.stderr


def test_problems_of_every_stage_in_one_run(good, tmp_path):
    """Bad sources and a bad annotation file do not hide the other files' problems: a date
    in sources.csv, a text that is not UTF-8, an entity type, evidence not found in an
    article's text, an enum value in figures.yaml, all in one run. What points at what was
    left out (dates.yaml at the article that cannot be read, events.yaml at the place in
    the broken entities.yaml) is not reported again."""
    project = copy_project(good["ours"], tmp_path)
    before = snapshot(project / "out")
    set_cell(project, A3, "published", "2024-02-30")
    _not_utf8_at(project, A4, 10)
    replace(ann(project, "entities.yaml"), "type: place", "type: city")
    replace(ann(project, "events.yaml"), "founded in 1925", "founded in 1926")
    _write("figures.yaml", FIGURES, "exact", "roughly")(project)
    _write("dates.yaml", DATES.replace(A0, A4))(project)
    proc = run_cli(project)
    problems = assert_fails_cleanly(proc, before, project / "out")
    found = {(m["file"], m["line"], m["field"]) for m in problems}
    assert found == {
        (MANIFEST, str(ROW[A3]), "published"),
        (f"sources/{A4}.txt", "1", "text"),
        (_EN, "11", "entities[2].type"),
        (_EV, "13", "events[0].sources[0].evidence"),
        (_FI, "5", "figures[0].qualifier"),
    }, proc.stderr


def test_debug_shows_the_traceback(good, tmp_path):
    """Problems alone by default; `--debug` (before or after the command) adds the traceback."""
    project = copy_project(good["ours"], tmp_path)
    set_cell(project, A3, "published", "2024-02-30")
    plain = run_cli(project)
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    after = [
        sys.executable,
        "-m",
        "build_dataset",
        "build",
        "--debug",
        "--sources",
        "sources",
        "--out",
        "out",
        "--annotations",
        "annotations",
    ]
    for debug in (
        run_cli(project, "--debug"),
        subprocess.run(after, cwd=project, capture_output=True, text=True),
    ):
        assert debug.returncode == 1, debug.stderr
        assert "Traceback" in debug.stderr and "BuildFailed" in debug.stderr
        assert f"{MANIFEST}:{ROW[A3]}: published:" in debug.stderr


# ---------------------------------------------------------------- BOM and CRLF: one policy


@pytest.mark.parametrize("variant", ["bom", "crlf", "cr", "bom+crlf"])
def test_bom_and_line_endings_give_the_same_article(variant, good, tmp_path):
    """decode() drops a UTF-8 BOM and turns CRLF and CR into LF: the article (text,
    paragraphs, offsets) is the same; source_sha256 is the hash of the bytes as shipped."""
    project = copy_project(good["repo"], tmp_path)
    data = raw(project, A4)
    assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
    if "crlf" in variant:
        data = data.replace(b"\n", b"\r\n")
    if variant == "cr":
        data = data.replace(b"\n", b"\r")
    if "bom" in variant:
        data = b"\xef\xbb\xbf" + data
    put_text(project, A4, data)
    proc = run_cli(project)
    assert proc.returncode == 0, proc.stderr

    def article(folder, table):
        rows = pq.read_table(folder / "data" / f"{table}.parquet").to_pylist()
        return [r for r in rows if r["article_id"] == A4]

    for table in ("articles", "paragraphs"):
        old, new = article(good["repo"] / "out", table), article(project / "out", table)
        if table == "articles":
            assert new[0]["source_sha256"] == hashlib.sha256(data).hexdigest()
            for r in old + new:
                r.pop("source_sha256")
        assert old == new, table
