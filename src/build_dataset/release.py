"""Release: one version everywhere, release manifests, `verify` and `cite`.

The version and the release date live in src/build_dataset/__init__.py. `release` builds
the package from sources/ and annotations/, diffs it against the last release, refuses a
bump smaller than the diff requires, then writes the new version into the package's
__init__.py, CITATION.cff, a new CHANGELOG.md entry and (by publishing the build)
datapackage.json, and records every published file's bytes, sha256 and git blob id in
releases/<version>.json, kept in the repository for good.

The last release is the highest version in releases/. Its files are found by the hashes
its manifest records: in the working tree when unchanged, else in git's object store by
their blob id (any clone with the history has them; no tag or commit id is needed), or in
a folder given with `--previous` (checked against the manifest byte for byte).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from build_dataset.diff import LEVELS, DiffError, PackageDiff, diff_packages
from build_dataset.errors import BuildFailed, Problem

SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
BUMPS = ("major", "minor", "patch")
VERSION_FILE = Path("src/build_dataset/__init__.py")
RELEASES = Path("releases")
OWNED_FOLDERS = ("data", "schema")  # every file in them is published (docs/ has others)
CHANGELOG_ENTRY = re.compile(
    r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d\d-\d\d))?", re.MULTILINE
)


class ReleaseError(Exception):
    """A release, verification or citation that cannot be done; `code` is the exit code."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------- version numbers


def parse_version(text: str) -> tuple[int, int, int]:
    m = SEMVER.fullmatch(text or "")
    if m is None:
        raise ReleaseError(f"{text!r} is not a version X.Y.Z", 2)
    major, minor, patch = map(int, m.groups())
    return major, minor, patch


def bumped(version: str, level: str) -> str:
    major, minor, patch = parse_version(version)
    return {
        "major": f"{major + 1}.0.0",
        "minor": f"{major}.{minor + 1}.0",
        "patch": f"{major}.{minor}.{patch + 1}",
    }[level]


def bump_level(old: str, new: str) -> str:
    """The level of the step old -> new ('none' when new is not greater)."""
    o, n = parse_version(old), parse_version(new)
    if n <= o:
        return "none"
    return "major" if n[0] > o[0] else "minor" if n[1] > o[1] else "patch"


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ReleaseError(f"{text!r} is not a date YYYY-MM-DD", 2) from None


# ---------------------------------------------------------------- the files holding it


def _assignment(name: str) -> re.Pattern:
    return re.compile(rf'^(__{name}__\s*=\s*)"([^"]*)"', re.MULTILINE)


def read_version(root: Path) -> tuple[str, str]:
    """(version, release date) from <root>/src/build_dataset/__init__.py."""
    path = root / VERSION_FILE
    if not path.is_file():
        raise ReleaseError(f"{root}: no {VERSION_FILE}; the root must be the repository", 2)
    text = path.read_text(encoding="utf-8")
    found = [_assignment(n).search(text) for n in ("version", "release_date")]
    if not all(found):
        raise ReleaseError(f"{path}: __version__ or __release_date__ not found", 2)
    return found[0].group(2), found[1].group(2)


def write_version(root: Path, version: str, date: str) -> None:
    path = root / VERSION_FILE
    text = path.read_text(encoding="utf-8")
    for name, value in (("version", version), ("release_date", date)):
        text = _assignment(name).sub(rf'\g<1>"{value}"', text, count=1)
    path.write_text(text, encoding="utf-8")


def _set_keys(text: str, indent: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        pattern = rf"^({re.escape(indent)}{key}:[ \t]*).*$"
        text = re.sub(pattern, lambda m, v=value: m.group(1) + v, text, flags=re.MULTILINE)
    return text


def citation_text(text: str, version: str, date: str) -> str:
    """CITATION.cff with `version` and `date-released` set at the top level and in
    `preferred-citation` (with its `year`); nothing else changes: references to other
    works, comments and layout are kept."""
    text = _set_keys(text, "", {"version": f'"{version}"', "date-released": f'"{date}"'})
    block = re.search(
        r"^preferred-citation:[ \t]*\n((?:[ \t]+\S.*\n?|[ \t]*\n)*)", text, re.MULTILINE
    )
    if block:
        indent = re.match(r"[ \t]*", block.group(1)).group(0)
        values = {"version": f'"{version}"', "date-released": f'"{date}"', "year": date[:4]}
        text = (
            text[: block.start(1)]
            + _set_keys(block.group(1), indent, values)
            + text[block.end(1) :]
        )
    cff = yaml.safe_load(text)
    pref = cff.get("preferred-citation") or {}
    found = {(str(c.get("version")), str(c.get("date-released"))) for c in (cff, pref) if c}
    if found != {(version, date)} or str(pref.get("year", date[:4])) != date[:4]:
        raise ReleaseError("CITATION.cff: could not set its version and date")
    return text


def readme_text(text: str, old: str, new: str) -> str:
    """README with the version pinned in its "Validate this dataset in your CI" recipe
    (install tag, manifest name and `verify --release`) moved from `old` to `new`."""
    o = re.escape(old)
    for pattern, repl in (
        (rf"@v{o}\b", f"@v{new}"),
        (rf"/v{o}/releases/{o}\.json", f"/v{new}/releases/{new}.json"),
        (rf"acftu-discourse-{o}\.json", f"acftu-discourse-{new}.json"),
        (rf"--release {o}\b", f"--release {new}"),
    ):
        text = re.sub(pattern, repl, text)
    return text


def changelog_entries(text: str) -> list[tuple[str, str | None]]:
    """(version, date) of every released entry, top first (not `Unreleased`)."""
    return [
        (m["version"], m["date"])
        for m in CHANGELOG_ENTRY.finditer(text)
        if m["version"].lower() != "unreleased"
    ]


def changelog_text(text: str, version: str, date: str, summary: str) -> str:
    """CHANGELOG.md with a new top entry; the `## [Unreleased]` section's content, if
    any, moves into it (the empty Unreleased heading stays on top)."""
    heads = list(CHANGELOG_ENTRY.finditer(text))
    unreleased = next((m for m in heads if m["version"].lower() == "unreleased"), None)
    notes = ""
    if unreleased is not None:
        end = next((m.start() for m in heads if m.start() > unreleased.start()), len(text))
        notes = text[unreleased.end() : end].strip()
        text = text[: unreleased.start()] + "## [Unreleased]\n\n" + text[end:]
        heads = list(CHANGELOG_ENTRY.finditer(text))[1:]
    entry = f"## [{version}] - {date}\n\n" + (notes + "\n\n" if notes else "") + summary + "\n\n"
    at = heads[0].start() if heads else len(text.rstrip()) + 1
    text = text[:at].rstrip() + "\n\n" + entry + text[at:]
    return text.rstrip() + "\n"


def change_summary(diff: PackageDiff, previous: str | None) -> str:
    """The CHANGELOG's account of a diff: rows per table, then schema and metadata changes."""
    against = f"against release {previous}" if previous else "first release: every row is new"
    lines = [
        f"### Data ({against})",
        "",
        "| table | rows | added | removed | changed | changed columns |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for t in diff.tables:
        cols = ", ".join(f"{c} ({n})" for c, n in t.changed_columns.items())
        rows = "removed" if t.rows_new is None else t.rows_new
        lines.append(
            f"| {t.table} | {rows} | {len(t.added)} | {len(t.removed)} | "
            f"{len(t.changed)} | {cols} |"
        )
    changes = [c for c in diff.changes if c.level != "none" and c.what != "table added"]
    if changes:
        lines += ["", "Schema and metadata changes:", ""]
        lines += [f"- {c} ({c.level})" for c in changes]
    return "\n".join(lines)


# ---------------------------------------------------------------- manifests


def file_record(path: Path) -> dict:
    """Bytes, sha256 and git blob id (sha1 of 'blob <size>\\0' + content) of a file."""
    size = path.stat().st_size
    sha256, blob = hashlib.sha256(), hashlib.sha1(f"blob {size}\0".encode())
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha256.update(chunk)
            blob.update(chunk)
    return {"bytes": size, "sha256": sha256.hexdigest(), "git_blob": blob.hexdigest()}


def release_versions(root: Path) -> list[str]:
    """Versions with a manifest in releases/, oldest first."""
    folder = root / RELEASES
    found = [p.stem for p in folder.glob("*.json") if SEMVER.fullmatch(p.stem)]
    return sorted(found, key=parse_version)


def load_manifest(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{path}: no such release manifest", 2) from None
    except ValueError as e:
        raise ReleaseError(f"{path}: not valid JSON: {e}", 2) from None


def make_manifest(
    root: Path, files: list[str], version: str, date: str, previous: str | None, diff: PackageDiff
) -> dict:
    return {
        "version": version,
        "date": date,
        "previous": previous,
        "level": diff.level,
        "tables": {
            t.table: {
                "rows": t.rows_new,
                "added": len(t.added),
                "removed": len(t.removed),
                "changed": len(t.changed),
            }
            for t in diff.tables
            if t.rows_new is not None
        },
        "files": {rel: file_record(root / rel) for rel in sorted(files)},
    }


def verify(folder: Path, manifest: dict) -> list[Problem]:
    """Every file of the release present with its bytes and sha256, and no other file in
    data/ and schema/."""
    version, listed = manifest.get("version"), manifest.get("files", {})
    problems = []
    for rel, rec in listed.items():
        path = folder / rel
        if not path.is_file():
            problems.append(Problem(rel, None, "file", f"missing (release {version} has it)"))
            continue
        found = file_record(path)
        if found["bytes"] != rec["bytes"]:
            problems.append(
                Problem(
                    rel, None, "bytes", f"{found['bytes']}, release {version} has {rec['bytes']}"
                )
            )
        elif found["sha256"] != rec["sha256"]:
            problems.append(
                Problem(
                    rel, None, "sha256", f"{found['sha256']}, release {version} has {rec['sha256']}"
                )
            )
    for sub in OWNED_FOLDERS:
        for path in sorted((folder / sub).glob("*")):
            if path.is_file() and f"{sub}/{path.name}" not in listed:
                problems.append(
                    Problem(f"{sub}/{path.name}", None, "file", f"not part of release {version}")
                )
    return problems


def manifest_places(root: Path, folder: Path) -> list[Path]:
    """Where `verify` looks for releases/<version>.json, most trusted first: the repository
    it runs in, the installed checker (its source tree, or the copy a wheel installs under
    <prefix>/share), and last the folder being verified."""
    import build_dataset

    source = Path(build_dataset.__file__).resolve().parents[2]
    installed = [source / RELEASES] if (source / "pyproject.toml").is_file() else []
    shared = Path(sys.prefix) / "share" / "acftu-discourse" / "releases"
    places = [root / RELEASES, *installed, shared, folder / RELEASES]
    return list(dict.fromkeys(p.resolve() for p in places))


def _git_object(root: Path, blob: str) -> bytes | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "cat-file", "blob", blob], capture_output=True, check=False
        )
    except OSError:
        return None
    return proc.stdout if proc.returncode == 0 else None


def materialize(root: Path, manifest: dict, dest: Path) -> None:
    """Write the files of a release under `dest`, from the working tree or git history."""
    version = manifest.get("version")
    for rel, rec in manifest["files"].items():
        here, target = root / rel, dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if here.is_file() and file_record(here)["sha256"] == rec["sha256"]:
            target.write_bytes(here.read_bytes())
            continue
        data = _git_object(root, rec["git_blob"])
        if data is None or hashlib.sha256(data).hexdigest() != rec["sha256"]:
            raise ReleaseError(
                f"{rel} of release {version} is neither in the working tree nor in the git "
                f"history of {root}; pass --previous DIR, a copy of release {version}"
            )
        target.write_bytes(data)


# ---------------------------------------------------------------- release


@dataclass
class Plan:
    current: str  # the version before the release
    previous: str | None  # the last release diffed against (None: first release)
    version: str
    date: str
    required: str  # the smallest bump the diff allows
    diff: PackageDiff
    summary: str  # what the CHANGELOG entry says about the data


def _previous(root: Path, last: str | None, given: Path | None, dest: Path) -> Path | None:
    if last is None:
        return given
    manifest = load_manifest(root / RELEASES / f"{last}.json")
    if given is None:
        materialize(root, manifest, dest)
        return dest
    problems = verify(given, manifest)
    if problems:
        raise ReleaseError(
            f"--previous {given} is not release {last}: " + "; ".join(map(str, problems[:5]))
        )
    return given


def _target(spec: str, current: str) -> str:
    return bumped(current, spec) if spec in BUMPS else ".".join(map(str, parse_version(spec)))


def release(
    root: Path,
    spec: str,
    date: str | None = None,
    previous: Path | None = None,
    dry_run: bool = False,
) -> Plan:
    """Build, diff against the last release, check the bump, and (unless dry_run) write
    every version field, the CHANGELOG entry, the package and releases/<version>.json."""
    from build_dataset.check import validate_package
    from build_dataset.pipeline import make_tables
    from build_dataset.publish import publish

    root = Path(root)
    current, _ = read_version(root)
    date = _date(date or dt.datetime.now(dt.UTC).date().isoformat())
    version = _target(spec, current)
    for name in ("CITATION.cff", "CHANGELOG.md"):
        if not (root / name).is_file():
            raise ReleaseError(f"{root}: no {name}", 2)
    versions = release_versions(root)
    last = versions[-1] if versions else None
    if last and parse_version(last) > parse_version(current):
        raise ReleaseError(f"{VERSION_FILE} says {current}, but releases/ has {last}", 2)
    if bump_level(current, version) == "none" or version in versions:
        raise ReleaseError(f"{version} is not above the current version {current}", 2)
    if last and load_manifest(root / RELEASES / f"{last}.json").get("date", "") > date:
        raise ReleaseError(f"{date} is before the date of release {last}", 2)
    annotations = root / "annotations"
    tables, _ = make_tables(root / "sources", annotations if annotations.is_dir() else None)
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        fresh = Path(tmp) / "new"
        publish(tables, fresh, release=(version, date))
        diff = diff_packages(_previous(root, last, previous, Path(tmp) / "old"), fresh)
    level, required = bump_level(current, version), diff.level
    if LEVELS.index(level) < LEVELS.index(required):
        reasons = "\n".join(f"  - {r}" for r in diff.reasons(required))
        raise ReleaseError(
            f"refused: {version} is a {level} release, but the changes against "
            f"{f'release {last}' if last else 'an empty package (first release)'} need a "
            f"{required} release:\n{reasons}\nrun `build-dataset release {required}` "
            f"(or an explicit version at least {bumped(current, required)})"
        )
    plan = Plan(current, last, version, date, required, diff, change_summary(diff, last))
    if dry_run:
        return plan

    def checked(stage: Path) -> None:
        problems = validate_package(stage)
        if problems:
            raise BuildFailed(problems)

    cff, log = root / "CITATION.cff", root / "CHANGELOG.md"
    texts = {  # made before anything is written: an error here leaves the repository as is
        cff: citation_text(cff.read_text(encoding="utf-8"), version, date),
        log: changelog_text(log.read_text(encoding="utf-8"), version, date, plan.summary),
    }
    readme = root / "README.md"
    if readme.is_file():
        texts[readme] = readme_text(readme.read_text(encoding="utf-8"), current, version)
    files = publish(tables, root, checks=checked, release=(version, date))
    write_version(root, version, date)
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    manifest = make_manifest(root, files, version, date, last, diff)
    (root / RELEASES).mkdir(exist_ok=True)
    (root / RELEASES / f"{version}.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return plan


# ---------------------------------------------------------------- cite


def citation(root: Path, version: str | None = None) -> dict:
    """What a citation needs, from CITATION.cff; for an earlier `version`, its release
    date from releases/<version>.json or its CHANGELOG entry."""
    path = root / "CITATION.cff"
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{root}: no CITATION.cff", 2) from None
    current, date = str(cff["version"]), str(cff["date-released"])
    if version is not None and version != current:
        parse_version(version)
        date = _release_date(root, version)
    authors = [
        a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
        for a in cff.get("authors", [])
    ]
    return {
        "title": cff["title"],
        "authors": authors,
        "version": version or current,
        "date": date,
        "year": date[:4],
        "license": cff.get("license"),
        "url": cff.get("repository") or cff.get("url") or cff.get("repository-code"),
        "doi": cff.get("doi"),
        "cff": path.read_text(encoding="utf-8"),
    }


def _release_date(root: Path, version: str) -> str:
    manifest = root / RELEASES / f"{version}.json"
    if manifest.is_file():
        return load_manifest(manifest)["date"]
    log = root / "CHANGELOG.md"
    entries = dict(changelog_entries(log.read_text(encoding="utf-8"))) if log.is_file() else {}
    if entries.get(version):
        return entries[version]
    known = ", ".join(sorted({*release_versions(root), *entries}, key=parse_version))
    raise ReleaseError(f"unknown version {version} (known: {known or 'none'})", 2)


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([&%$#_])", r"\\\1", text)


def format_citation(c: dict, fmt: str) -> str:
    url = f"https://doi.org/{c['doi']}" if c.get("doi") else c["url"]
    if fmt == "cff":
        return citation_text(c["cff"], c["version"], c["date"]).rstrip("\n")
    if fmt == "apa":
        authors = ", ".join(c["authors"])
        return f"{authors}. ({c['year']}). {c['title']} (Version {c['version']}) [Data set]. {url}"
    key = "acftu-discourse-" + c["version"]
    authors = " and ".join("{" + _bibtex_escape(a) + "}" for a in c["authors"])
    fields = [
        ("author", authors),
        ("title", "{" + _bibtex_escape(c["title"]) + "}"),
        ("year", c["year"]),
        ("version", c["version"]),
        ("date", c["date"]),
        ("howpublished", f"\\url{{{url}}}"),
        ("url", url),
        (
            "note",
            f"Data set, version {c['version']}, released {c['date']}"
            + (f". License: {c['license']}" if c.get("license") else ""),
        ),
    ]
    if c.get("doi"):
        fields.append(("doi", c["doi"]))
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


# ---------------------------------------------------------------- commands


def _root(args) -> Path:
    from build_dataset.cli import repo_root

    return args.root or repo_root()


def _version_arg(text: str) -> str:
    if text in BUMPS or SEMVER.fullmatch(text):
        return text
    raise argparse.ArgumentTypeError("expected major, minor, patch or a version X.Y.Z")


def cmd_release(args) -> int:
    try:
        plan = release(_root(args), args.bump, args.date, args.previous, args.dry_run)
    except (ReleaseError, DiffError) as e:
        print(f"build-dataset release: {e}", file=sys.stderr)
        return getattr(e, "code", 2)
    verb = "would release" if args.dry_run else "released"
    print(
        f"{verb} {plan.version} ({plan.current} -> {plan.version}, {plan.date}; "
        f"the changes need at least: {plan.required})\n\n{plan.summary}",
        file=sys.stderr,
    )
    if not args.dry_run:
        print(
            f"\nwrote datapackage.json, data/, schema/, {VERSION_FILE}, CITATION.cff, "
            f"CHANGELOG.md and {RELEASES}/{plan.version}.json; reinstall the package "
            "(`make`) so its metadata says the new version too",
            file=sys.stderr,
        )
    return 0


def cmd_verify(args) -> int:
    folder, name = args.package, f"{args.release}.json"
    places = manifest_places(_root(args), folder)
    found = [p / name for p in places if (p / name).is_file()]
    if not args.manifest and not found:
        print(
            f"build-dataset verify: no manifest of release {args.release} in "
            + ", ".join(map(str, places)),
            file=sys.stderr,
        )
        return 2
    path = args.manifest or found[0]
    try:
        manifest = load_manifest(path)
    except ReleaseError as e:
        print(f"build-dataset verify: {e}", file=sys.stderr)
        return e.code
    if manifest.get("version") != args.release:
        print(
            f"build-dataset verify: {path} is the manifest of {manifest.get('version')}, "
            f"not {args.release}",
            file=sys.stderr,
        )
        return 2
    problems = verify(folder, manifest)
    for p in problems:
        print(p)
    n = len(manifest.get("files", {}))
    print(
        f"{folder}: "
        + (
            f"byte for byte release {args.release} ({n} files, {path})"
            if not problems
            else f"not release {args.release}: {len(problems)} problem(s)"
        ),
        file=sys.stderr,
    )
    return 1 if problems else 0


def cmd_cite(args) -> int:
    try:
        print(format_citation(citation(_root(args), args.version), args.format))
    except ReleaseError as e:
        print(f"build-dataset cite: {e}", file=sys.stderr)
        return e.code
    return 0


def register(sub) -> None:
    """Add the commands diff, release, verify and cite to the CLI's subparsers."""
    from build_dataset.diff import add_command

    add_command(sub)
    root_help = "the repository (default: the one the current folder is in)"

    r = sub.add_parser(
        "release",
        help="diff against the last release, bump every version "
        "field, write the CHANGELOG entry and the manifest",
    )
    r.add_argument("bump", type=_version_arg, metavar="major|minor|patch|X.Y.Z")
    r.add_argument("--root", type=Path, help=root_help)
    r.add_argument("--date", help="release date YYYY-MM-DD (default: today, UTC)")
    r.add_argument(
        "--previous",
        type=Path,
        help="a copy of the last release (default: found by its hashes in the "
        "working tree or git history)",
    )
    r.add_argument("--dry-run", action="store_true", help="show the diff; write nothing")
    r.set_defaults(func=cmd_release)

    v = sub.add_parser("verify", help="is a folder byte for byte a release?")
    v.add_argument("package", nargs="?", type=Path, default=Path("."))
    v.add_argument("--release", required=True, metavar="X.Y.Z")
    v.add_argument(
        "--manifest",
        type=Path,
        help="the release manifest (default: "
        "releases/X.Y.Z.json of the repository, else of the folder)",
    )
    v.add_argument("--root", type=Path, help=root_help)
    v.set_defaults(func=cmd_verify)

    c = sub.add_parser("cite", help="print the citation of this or another version")
    c.add_argument("--format", choices=("bibtex", "apa", "cff"), default="bibtex")
    c.add_argument("--version", metavar="X.Y.Z", help="a released version (default: current)")
    c.add_argument("--root", type=Path, help=root_help)
    c.set_defaults(func=cmd_cite)
