"""One version everywhere: datapackage.json, CITATION.cff, the top CHANGELOG entry and the
Python package (its __init__ and its installed metadata) agree, and so do the dates.

The readers below parse each file on their own (regex, YAML, JSON), independently of
build_dataset.release, so that a bug there cannot hide a disagreement here.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

import build_dataset

SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
FILES = ("datapackage.json", "CITATION.cff", "CHANGELOG.md", "src/build_dataset/__init__.py")


def _init(root: Path, name: str) -> str:
    text = (root / "src/build_dataset/__init__.py").read_text(encoding="utf-8")
    return re.search(rf'^__{name}__ = "([^"]*)"', text, re.MULTILINE).group(1)


def _changelog_top(root: Path) -> tuple[str, str]:
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    for m in re.finditer(r"^## \[([^\]]+)\](?: - (\S+))?", text, re.MULTILINE):
        if m.group(1).lower() != "unreleased":
            return m.group(1), m.group(2)
    raise AssertionError("CHANGELOG.md has no version entry")


def versions(root: Path) -> dict[str, str]:
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    return {
        "datapackage.json version": desc["version"],
        "CITATION.cff version": str(cff["version"]),
        "CITATION.cff preferred-citation version": str(cff["preferred-citation"]["version"]),
        "CHANGELOG.md top entry": _changelog_top(root)[0],
        "src/build_dataset/__init__.py __version__": _init(root, "version"),
    }


def dates(root: Path) -> dict[str, str]:
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    pref = cff["preferred-citation"]
    created = desc["created"]
    assert created.endswith("T00:00:00Z"), created
    return {
        "datapackage.json created": created[: -len("T00:00:00Z")],
        "CITATION.cff date-released": str(cff["date-released"]),
        "CITATION.cff preferred-citation date-released": str(pref["date-released"]),
        "CHANGELOG.md top entry": _changelog_top(root)[1],
        "src/build_dataset/__init__.py __release_date__": _init(root, "release_date"),
    }


def test_one_version_everywhere(root):
    found = versions(root)
    assert len(set(found.values())) == 1, found
    assert SEMVER.fullmatch(found["datapackage.json version"])


def test_one_release_date_everywhere(root):
    found = dates(root)
    assert len(set(found.values())) == 1, found
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["preferred-citation"]["year"]) == found["CHANGELOG.md top entry"][:4]


def test_the_imported_package_is_this_version(root):
    assert build_dataset.__version__ == versions(root)["CHANGELOG.md top entry"]
    assert build_dataset.__release_date__ == dates(root)["CHANGELOG.md top entry"]


def test_package_metadata_takes_the_version_from_init(root):
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"]
    assert "version" not in pyproject["project"]
    attr = pyproject["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "build_dataset.__version__"


def test_installed_metadata_says_the_same_version(root):
    # The editable install's metadata is written at install time; the Makefile reinstalls
    # when __init__.py changes, so after `build-dataset release` run `make` (or `make test`).
    installed = importlib.metadata.version("acftu-discourse")
    assert installed == _init(root, "version"), (
        f"installed metadata says {installed}: stale, reinstall with `make`"
    )


def test_citation_cff_is_valid(root):
    exe = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run(
        [str(exe), "--builtin-schema", "vendor.citation-file-format", str(root / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["type"] == "dataset"
    for key in (
        "title",
        "authors",
        "version",
        "date-released",
        "license",
        "repository",
        "preferred-citation",
    ):
        assert cff.get(key), key


def test_a_disagreement_is_caught(root, tmp_path):
    for rel in FILES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, tmp_path / rel)
    assert len(set(versions(tmp_path).values())) == 1
    cff = tmp_path / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    current = versions(tmp_path)["CITATION.cff version"]
    # only preferred-citation's version (indented) changes
    cff.write_text(text.replace(f'  version: "{current}"', '  version: "99.0.0"'), encoding="utf-8")
    found = versions(tmp_path)
    assert found["CITATION.cff preferred-citation version"] == "99.0.0"
    assert found["CITATION.cff version"] == current
    assert len(set(found.values())) == 2


def test_an_unreleased_section_is_not_the_top_entry(root, tmp_path):
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    first = text.index("\n## [")
    (tmp_path / "CHANGELOG.md").write_text(
        text[:first] + "\n## [Unreleased]\n\n- pending\n" + text[first:], encoding="utf-8"
    )
    assert _changelog_top(tmp_path) == _changelog_top(root)


def test_release_moves_the_readme_recipe_to_the_new_version(root):
    from build_dataset.release import readme_text

    text = (root / "README.md").read_text(encoding="utf-8")
    current = build_dataset.__version__
    moved = readme_text(text, current, "9.9.9")
    assert f"--release {current}" in text
    assert f"--release {current}" not in moved and "--release 9.9.9" in moved
    assert f"@v{current}" not in moved and "acftu-discourse-9.9.9.json" in moved
