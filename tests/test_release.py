"""Versions you can cite: validate, diff, release, verify and cite, run on copies."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

import build_dataset
from build_dataset.assemble import table_from_rows
from build_dataset.check import validate_package
from build_dataset.cli import main
from build_dataset.diff import diff_packages, schema_changes
from build_dataset.models import BY_NAME, Figure
from build_dataset.pipeline import build
from build_dataset.publish import sha256_file, write_csv, write_parquet
from build_dataset.release import (
    bump_level,
    bumped,
    changelog_text,
    citation_text,
    write_version,
)
from tests.test_versions import dates, versions

DATE = "2027-01-02"

# ---------------------------------------------------------------- helpers


@pytest.fixture
def package(rebuilt, tmp_path):
    """A writable copy of a fresh build of the repository's package."""
    out = tmp_path / "package"
    shutil.copytree(rebuilt, out, ignore=shutil.ignore_patterns(".cache"))
    return out


PROJECT_CHANGELOG = """# Changelog

## [Unreleased]

### Added
- Curated figures.

## [0.1.0] - 2026-11-22

- Seeds.
"""


@pytest.fixture
def project(root, tmp_path):
    """A project root for `release --root`: the sources, the files holding the version,
    set to 0.1.0 of 2026-11-22 with no release made yet, whatever the repository's own
    version is now. No annotations, so that removing a source cannot break a curated
    reference."""
    proj = tmp_path / "project"
    shutil.copytree(root / "sources", proj / "sources")
    for rel in ("CITATION.cff", "src/build_dataset/__init__.py"):
        (proj / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, proj / rel)
    write_version(proj, "0.1.0", "2026-11-22")
    cff = proj / "CITATION.cff"
    cff.write_text(
        citation_text(cff.read_text(encoding="utf-8"), "0.1.0", "2026-11-22"), encoding="utf-8"
    )
    (proj / "CHANGELOG.md").write_text(PROJECT_CHANGELOG, encoding="utf-8")
    return proj


def read(folder, name) -> pa.Table:
    return pq.read_table(folder / "data" / f"{name}.parquet")


def rewrite(folder, name, table: pa.Table, field: dict | None = None) -> None:
    """Replace a table's Parquet and CSV and fix the descriptor's bytes and hashes
    (`field`: a Table Schema field to append, for a column the models do not have)."""
    write_parquet(table, folder / "data" / f"{name}.parquet")
    write_csv(table, BY_NAME[name], folder / "data" / f"{name}.csv")
    path = folder / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == name)
    if field:
        res["schema"]["fields"].append(field)
    for entry in (res, res["parquet"]):
        entry["bytes"] = (folder / entry["path"]).stat().st_size
        entry["hash"] = "sha256:" + sha256_file(folder / entry["path"])
    path.write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def new_figures(folder, n: int) -> list[dict]:
    """`n` figure rows over numbers really in the first article, with ids not yet used."""
    article = read(folder, "articles").to_pylist()[0]
    taken = set(read(folder, "figures").column("figure_id").to_pylist())
    rows = []
    for m in re.finditer(r"\d+", article["text"]):
        fid = f"{article['article_id']}:{m.start()}-{m.end()}"
        if fid not in taken:
            rows.append(
                {
                    "figure_id": fid,
                    "article_id": article["article_id"],
                    "value": float(m.group()),
                    "value_text": m.group(),
                    "qualifier": "exact",
                    "kind": "count",
                    "unit": None,
                    "measure": None,
                    "subject_id": None,
                    "event_id": None,
                    "as_of": None,
                    "as_of_precision": None,
                    "char_start": m.start(),
                    "char_end": m.end(),
                    "status": "auto",
                    "note": None,
                }
            )
        if len(rows) == n:
            return rows
    raise AssertionError("not enough numbers in the first article")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def copy_package(src, dest):
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".cache", "releases"))
    return dest


# ---------------------------------------------------------------- validate


def test_validate_passes_on_the_repository_package(root, capsys):
    assert validate_package(root) == []
    assert run(capsys, "validate", root)[0] == 0


def test_validate_passes_on_a_fresh_build(rebuilt):
    assert validate_package(rebuilt) == []


def test_validate_fails_naming_articles_when_one_byte_changes(package, capsys):
    path = package / "data" / "articles.csv"
    data = bytearray(path.read_bytes())
    i = data.index(b"trade union")
    data[i] = ord("T")  # one byte, same length
    path.write_bytes(bytes(data))
    problems = validate_package(package)
    assert problems and {p.file for p in problems} == {"data/articles.csv"}
    assert any(p.field == "hash" for p in problems)
    code, out, _ = run(capsys, "validate", package)
    assert code == 1
    assert "data/articles.csv: hash:" in out


def test_validate_names_table_row_and_column(package):
    paras = read(package, "paragraphs")
    ends = paras.column("char_end").to_pylist()
    ends[1] -= 1  # the second row's span no longer reproduces its text
    i = paras.column_names.index("char_end")
    rewrite(package, "paragraphs", paras.set_column(i, paras.schema.field(i), [ends]))
    problems = validate_package(package)
    assert problems
    assert {(p.file, p.line, p.field) for p in problems} == {("data/paragraphs.csv", 3, "text")}


# ---------------------------------------------------------------- diff


def test_diff_of_a_package_with_itself_exits_0(root, package, capsys):
    code, out, _ = run(capsys, "diff", root, root)
    assert code == 0 and out.rstrip().endswith("identical")
    other = copy_package(package, package.parent / "other")
    code, out, _ = run(capsys, "diff", package, other, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["identical"] and report["level"] == "none" and not report["changes"]
    assert all(
        not t["added"] and not t["removed"] and not t["changed"] for t in report["tables"].values()
    )


def test_diff_reports_a_removed_figures_row(package, capsys):
    old = package
    rows = read(old, "figures").to_pylist() + new_figures(old, 2)
    rewrite(old, "figures", table_from_rows(Figure, rows))
    gone = rows[-1]["figure_id"]
    new = copy_package(old, old.parent / "new")
    rewrite(new, "figures", table_from_rows(Figure, rows[:-1]))

    code, out, _ = run(capsys, "diff", old, new, "--format", "json")
    assert code == 1
    report = json.loads(out)
    figures = report["tables"]["figures"]
    assert figures["removed"] == [gone]
    assert figures["added"] == [] and figures["changed"] == []
    assert figures["rows_old"] == figures["rows_new"] + 1
    others = {n: t for n, t in report["tables"].items() if n != "figures"}
    assert all(not t["added"] and not t["removed"] and not t["changed"] for t in others.values())
    assert report["level"] == "patch"

    code, out, _ = run(capsys, "diff", old, new)
    assert code == 1
    assert "figures: " in out and "1 removed" in out and gone in out


def test_diff_names_the_changed_columns(package):
    old = package
    rows = read(old, "figures").to_pylist() + new_figures(old, 1)
    rewrite(old, "figures", table_from_rows(Figure, rows))
    new = copy_package(old, old.parent / "new")
    changed = [dict(r) for r in rows]
    changed[-1].update(value=changed[-1]["value"] + 1, unit="members")
    rewrite(new, "figures", table_from_rows(Figure, changed))
    figures = next(t for t in diff_packages(old, new).tables if t.table == "figures")
    assert figures.changed == [(rows[-1]["figure_id"], ["value", "unit"])]
    assert figures.changed_columns == {"value": 1, "unit": 1}
    assert not figures.added and not figures.removed


def test_diff_reports_schema_changes_and_a_removed_table(package, capsys):
    new = copy_package(package, package.parent / "new")
    desc = json.loads((new / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"] = [r for r in desc["resources"] if r["name"] != "quotes"]
    res = next(r for r in desc["resources"] if r["name"] == "figures")
    res["schema"]["fields"] = [f for f in res["schema"]["fields"] if f["name"] != "note"]
    (new / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    figures = read(new, "figures")
    write_parquet(figures.drop_columns(["note"]), new / "data" / "figures.parquet")
    result = diff_packages(package, new)
    found = {(c.table, c.column, c.what, c.level) for c in result.changes}
    assert ("figures", "note", "column removed", "major") in found
    assert ("quotes", None, "table removed", "major") in found
    assert result.level == "major"
    assert run(capsys, "diff", package, new)[0] == 1


def test_bump_levels_of_schema_changes():
    field = {
        "name": "kind",
        "type": "string",
        "description": "d",
        "constraints": {"required": True, "enum": ["a", "b"]},
    }

    def level(**new):
        old = {"fields": [field], "primaryKey": ["kind"]}
        changed = {"fields": [{**field, **new}], "primaryKey": ["kind"]}
        return {c.level for c in schema_changes("t", old, changed)}

    assert level() == set()
    assert level(type="integer") == {"major"}
    assert level(constraints={"required": True, "enum": ["a"]}) == {"major"}
    assert level(constraints={"required": True, "enum": ["a", "b", "c"]}) == {"minor"}
    assert level(constraints={"enum": ["a", "b"]}) == {"major"}  # may now be missing
    assert level(description="other words") == {"patch"}
    added = schema_changes("t", {"fields": [field]}, {"fields": [field, {"name": "x"}]})
    assert [(c.column, c.level) for c in added] == [("x", "minor")]


def test_diff_of_a_folder_without_a_package_is_a_usage_error(tmp_path, package, capsys):
    assert run(capsys, "diff", tmp_path, package)[0] == 2


# ---------------------------------------------------------------- release


def test_version_arithmetic():
    assert bumped("0.1.0", "patch") == "0.1.1"
    assert bumped("0.1.9", "minor") == "0.2.0"
    assert bumped("1.4.2", "major") == "2.0.0"
    assert bump_level("1.4.2", "1.4.3") == "patch"
    assert bump_level("1.4.2", "1.5.0") == "minor"
    assert bump_level("1.4.2", "2.0.0") == "major"
    assert bump_level("1.4.2", "1.4.2") == "none"
    assert bump_level("1.4.2", "1.3.9") == "none"


def _untouched(project, before: dict[str, bytes]) -> bool:
    return all((project / rel).read_bytes() == data for rel, data in before.items())


def test_release_refuses_a_bump_too_small(project, tmp_path, capsys):
    # the last release had a column the current build no longer has
    previous = tmp_path / "previous"
    build(project / "sources", previous, None)
    figures = read(previous, "figures")
    field = {"name": "confidence", "type": "number", "description": "Dropped since."}
    rewrite(
        previous,
        "figures",
        figures.append_column("confidence", pa.nulls(figures.num_rows, pa.float64())),
        field=field,
    )
    before = {
        rel: (project / rel).read_bytes()
        for rel in ("CITATION.cff", "CHANGELOG.md", "src/build_dataset/__init__.py")
    }
    for bump in ("patch", "minor", "0.2.0"):
        code, _, err = run(
            capsys, "release", bump, "--root", project, "--previous", previous, "--date", DATE
        )
        assert code == 1, bump
        assert "refused" in err and "need a major release" in err
        assert "figures.confidence: column removed" in err
        assert _untouched(project, before) and not (project / "releases").exists()
        assert not (project / "datapackage.json").exists()
    code, _, err = run(
        capsys, "release", "major", "--root", project, "--previous", previous, "--date", DATE
    )
    assert code == 0, err
    assert set(versions(project).values()) == {"1.0.0"}
    top = (project / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## [0.1.0]")[0]
    assert "figures.confidence: column removed (major)" in top


def test_release_rejects_a_version_not_above_the_current(project, capsys):
    for spec in ("0.1.0", "0.0.9"):
        code, _, err = run(capsys, "release", spec, "--root", project, "--date", DATE)
        assert code == 2 and "not above" in err
    with pytest.raises(SystemExit) as exit_:  # argparse: not X.Y.Z
        main(["release", "1.0", "--root", str(project)])
    assert exit_.value.code == 2


def test_dry_run_writes_nothing(project, capsys):
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    code, _, err = run(capsys, "release", "minor", "--root", project, "--dry-run")
    assert code == 0 and "would release 0.2.0" in err
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_citation_text_sets_only_this_work_s_version():
    cff = (
        'cff-version: 1.2.0\ntitle: "T"\nversion: "0.1.0"\ndate-released: "2026-11-22"\n'
        'preferred-citation:\n  type: data\n  title: "T"\n  version: "0.1.0"\n'
        '  year: 2026\n  date-released: "2026-11-22"\n'
        'references:\n  - type: software\n    title: pyarrow\n    version: "26.0.1"\n'
        "    year: 2025\n"
    )
    out = yaml.safe_load(citation_text(cff, "1.2.3", "2027-05-06"))
    assert out["cff-version"] == "1.2.0"
    assert (out["version"], out["date-released"]) == ("1.2.3", "2027-05-06")
    pref = out["preferred-citation"]
    assert (pref["version"], pref["date-released"], pref["year"]) == ("1.2.3", "2027-05-06", 2027)
    assert out["references"] == [
        {"type": "software", "title": "pyarrow", "version": "26.0.1", "year": 2025}
    ]


def git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_first_release_writes_the_manifest_and_every_version_field(project, capsys, monkeypatch):
    # the running builder still says the version it was installed with, as it does when
    # a release is made: what the release writes must name the new one all the same
    monkeypatch.setattr(build_dataset, "__version__", "0.1.0")
    monkeypatch.setattr(build_dataset, "__release_date__", "2026-11-22")
    code, _, err = run(capsys, "release", "1.0.0", "--root", project, "--date", DATE)
    assert code == 0, err
    assert set(versions(project).values()) == {"1.0.0"}
    assert set(dates(project).values()) == {DATE}
    cff = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["preferred-citation"]["year"] == 2027

    manifest = json.loads((project / "releases" / "1.0.0.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "1.0.0" and manifest["date"] == DATE
    assert manifest["previous"] is None
    published = {"datapackage.json"} | {
        f"{p.parent.name}/{p.name}" for d in ("data", "schema") for p in (project / d).iterdir()
    }
    assert published <= set(manifest["files"])
    for rel, rec in manifest["files"].items():
        data = (project / rel).read_bytes()
        assert rec == {
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "git_blob": git_blob(data),
        }, rel
    assert validate_package(project) == []
    for doc in ("dataset-card.md", "data-dictionary.md", "timeline.svg"):  # the new version
        assert "acftu-discourse 1.0.0" in (project / "docs" / doc).read_text(encoding="utf-8")

    log = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = log.split("## [1.0.0] - 2027-01-02\n")[1].split("\n## [0.1.0]")[0]
    articles = read(project, "articles").num_rows
    assert f"| articles | {articles} | {articles} | 0 | 0 |" in entry
    assert "## [0.1.0] - 2026-11-22" in log  # earlier entries kept

    assert run(capsys, "verify", project, "--release", "1.0.0", "--root", project)[0] == 0
    assert run(capsys, "release", "1.0.0", "--root", project)[0] == 2  # exists for good
    code, _, err = run(capsys, "release", "patch", "--root", project, "--date", "2026-12-31")
    assert code == 2 and "before the date of release 1.0.0" in err


def test_verify_names_every_file_that_differs(project, tmp_path, capsys):
    assert run(capsys, "release", "minor", "--root", project, "--date", DATE)[0] == 0
    copy = copy_package(project, tmp_path / "copy")
    path = copy / "data" / "paragraphs.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    (copy / "schema" / "figures.schema.json").unlink()
    (copy / "data" / "stray.csv").write_text("x\r\n", encoding="utf-8")
    code, out, err = run(capsys, "verify", copy, "--release", "0.2.0", "--root", project)
    assert code == 1
    assert "data/paragraphs.parquet: sha256:" in out
    assert "schema/figures.schema.json: file: missing" in out
    assert "data/stray.csv: file: not part of release 0.2.0" in out
    assert "not release 0.2.0: 3 problem(s)" in err
    assert run(capsys, "verify", copy, "--release", "9.9.9", "--root", project)[0] == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_next_release_diffs_against_the_last_one_found_in_git(project, capsys):
    assert run(capsys, "release", "1.0.0", "--root", project, "--date", DATE)[0] == 0
    git = ["git", "-C", str(project)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)  # the release's files, as git blobs
    # the data changes after the release: one source is withdrawn, the package rebuilt
    dropped = sorted((project / "sources").glob("*.txt"))[-1]
    manifest = project / "sources" / "sources.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text(
        "".join(x for x in lines if not x.startswith(dropped.name)), encoding="utf-8"
    )
    dropped.unlink()
    build(project / "sources", project, None)

    shutil.move(project / ".git", project.parent / "git-aside")
    code, _, err = run(capsys, "release", "patch", "--root", project, "--date", "2027-02-01")
    assert code == 1 and "--previous" in err  # 1.0.0's files are nowhere to be found
    shutil.move(project.parent / "git-aside", project / ".git")

    code, _, err = run(capsys, "release", "patch", "--root", project, "--date", "2027-02-01")
    assert code == 0, err
    assert set(versions(project).values()) == {"1.0.1"}
    manifest = json.loads((project / "releases" / "1.0.1.json").read_text(encoding="utf-8"))
    assert manifest["previous"] == "1.0.0" and manifest["level"] == "patch"
    assert manifest["tables"]["articles"]["removed"] == 1
    entry = (project / "CHANGELOG.md").read_text(encoding="utf-8").split("## [1.0.0]")[0]
    articles = read(project, "articles").num_rows
    assert "### Data (against release 1.0.0)" in entry
    assert f"| articles | {articles} | 0 | 1 | 0 |" in entry
    assert run(capsys, "verify", project, "--release", "1.0.1", "--root", project)[0] == 0


def test_release_moves_the_unreleased_notes_into_the_new_entry():
    log = (
        "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n- Curated figures.\n\n"
        "## [0.1.0] - 2026-11-22\n\n- Seeds.\n"
    )
    out = changelog_text(log, "1.0.0", DATE, "### Data (summary)")
    assert out == (
        "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n"
        "## [1.0.0] - 2027-01-02\n\n### Added\n- Curated figures.\n\n"
        "### Data (summary)\n\n## [0.1.0] - 2026-11-22\n\n- Seeds.\n"
    )


# ---------------------------------------------------------------- cite


def test_cite_prints_the_current_version(root, capsys):
    from build_dataset import __release_date__, __version__

    code, out, _ = run(capsys, "cite", "--root", root, "--format", "apa")
    assert code == 0
    assert out.startswith(f"acftu-discourse contributors. ({__release_date__[:4]}). ")
    assert f"(Version {__version__}) [Data set]. https://github.com/" in out


def test_cite_formats_and_versions(project, capsys):
    assert run(capsys, "release", "1.0.0", "--root", project, "--date", DATE)[0] == 0
    code, out, _ = run(capsys, "cite", "--root", project)
    assert code == 0
    assert out.startswith("@misc{acftu-discourse-1.0.0,\n")
    assert re.search(r"version\s+= \{1\.0\.0\}", out) and re.search(r"year\s+= \{2027\}", out)
    assert out.count("{") == out.count("}")
    cff = yaml.safe_load(run(capsys, "cite", "--root", project, "--format", "cff")[1])
    assert (cff["version"], cff["date-released"]) == ("1.0.0", DATE)
    # an earlier version: its date from its CHANGELOG entry (0.1.0 has no manifest)
    code, out, _ = run(capsys, "cite", "--root", project, "--format", "apa", "--version", "0.1.0")
    assert code == 0 and "(2026)." in out and "(Version 0.1.0)" in out
    cff = yaml.safe_load(
        run(capsys, "cite", "--root", project, "--format", "cff", "--version", "0.1.0")[1]
    )
    assert cff["version"] == cff["preferred-citation"]["version"] == "0.1.0"
    code, _, err = run(capsys, "cite", "--root", project, "--version", "3.0.0")
    assert code == 2 and "unknown version 3.0.0" in err
