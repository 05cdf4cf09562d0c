"""The README recipe "Validate this dataset in your CI", run exactly as written.

The validation block of the README section is run in a temporary folder that holds a copy
of the published package where the recipe expects it, beside the release manifest the
recipe's install block downloads, once intact (it passes) and once with one byte of
data/articles.csv changed (it fails and names that file). The copyable workflow snippet
must be a valid GitHub workflow running those same commands, and `build-dataset validate
--format json` must give a stable machine-readable report.

The manifest is the repository's releases/<version>.json when the committed files are
that release; before the first release, or while main has unreleased changes, it is a
manifest of the committed files in the same format (a warning says so).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

from build_dataset import __version__
from tests.test_ci import BIN, ROOT, change_one_byte, check_workflow_schema, copy_package

SECTION = "## Validate this dataset in your CI"
MARKER = "<!-- recipe:"
COPY = "vendor/acftu-discourse"  # where the recipe expects the user's copy
MANIFEST = f"acftu-discourse-{__version__}.json"  # where the install block downloads it
DAMAGED = "data/articles.csv"


def readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in text, f"README has no section {SECTION!r}"
    body = text.split(SECTION, 1)[1]
    return re.split(r"^## ", body, maxsplit=1, flags=re.M)[0]


def fenced_blocks(text: str) -> list[tuple[str, str, str]]:
    """(info string, the line before the fence, body) of every ``` block."""
    pattern = re.compile(r"^([^\n]*)\n```([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)
    return [(m.group(2).strip(), m.group(1), m.group(3)) for m in pattern.finditer(text)]


def recipe_block() -> str:
    blocks = fenced_blocks(readme_section())
    marked = [body for info, before, body in blocks if before.startswith(MARKER)]
    assert len(marked) == 1, f"expected one block marked {MARKER!r} in the section"
    return marked[0]


def install_block() -> str:
    blocks = fenced_blocks(readme_section())
    found = [body for info, _, body in blocks if info == "sh" and "pip install" in body]
    assert len(found) == 1
    return found[0]


def workflow_snippet() -> tuple[dict, str]:
    blocks = [body for info, _, body in fenced_blocks(readme_section()) if info == "yaml"]
    assert len(blocks) == 1
    return yaml.safe_load(blocks[0]), blocks[0]


def has_command(name: str) -> bool:
    proc = subprocess.run([str(BIN / "build-dataset"), name, "--help"], capture_output=True)
    return proc.returncode == 0


def env() -> dict[str, str]:
    """The environment of a CI job that has installed the package: its tools on PATH."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def run_recipe(cwd: Path) -> subprocess.CompletedProcess:
    script = recipe_block()
    if not has_command("verify"):
        warnings.warn(
            "`build-dataset verify` does not exist: the recipe runs without its verify line",
            stacklevel=2,
        )
        script = "\n".join(
            line for line in script.splitlines() if not line.startswith("build-dataset verify")
        )
    exe = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    return subprocess.run(exe, cwd=cwd, env=env(), capture_output=True, text=True)


def provide_manifest(copy: Path, dest: Path) -> None:
    """The manifest of release __version__ at `dest`, as the install block fetches it."""
    if not has_command("verify"):
        return
    from build_dataset.release import file_record, verify

    released = ROOT / "releases" / f"{__version__}.json"
    if released.is_file():
        manifest = json.loads(released.read_text(encoding="utf-8"))
        if not verify(copy, manifest):
            shutil.copy2(released, dest)
            return
        why = f"the committed files differ from release {__version__} (unreleased changes)"
    else:
        why = f"release {__version__} has no manifest in releases/ yet"
    warnings.warn(
        f"{why}: the recipe verifies against a manifest of the committed files", stacklevel=2
    )
    files = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    manifest = {"version": __version__, "files": {f: file_record(copy / f) for f in files}}
    dest.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    """A user's project folder: a copy of the package where the recipe expects it, and the
    release manifest where the install block puts it."""
    copy = copy_package(tmp_path / COPY)
    provide_manifest(copy, tmp_path / MANIFEST)
    return tmp_path


# ---------------------------------------------------------------- the recipe, run as written


def test_recipe_names_the_copy_validates_it_and_verifies_the_release():
    lines = recipe_block().splitlines()
    assert lines[0] == f"build-dataset validate {COPY}"
    assert f"frictionless validate {COPY}/datapackage.json" in lines
    assert f"build-dataset verify {COPY} --release {__version__} --manifest {MANIFEST}" in lines


def test_install_block_installs_and_fetches_the_manifest_of_the_current_version():
    install = install_block()
    assert f'@v{__version__}"' in install, (
        f"the recipe installs {install!r}; the package is {__version__}: update the recipe"
    )
    assert f"-o {MANIFEST}" in install
    assert f"/v{__version__}/releases/{__version__}.json" in install
    _, text = workflow_snippet()
    assert set(re.findall(r"\d+\.\d+\.\d+", text)) == {__version__}


def test_recipe_passes_on_an_intact_copy(project):
    proc = run_recipe(project)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_recipe_fails_on_a_copy_with_one_byte_changed_and_names_the_file(project):
    change_one_byte(project / COPY / DAMAGED)
    proc = run_recipe(project)
    assert proc.returncode != 0
    assert DAMAGED in proc.stdout + proc.stderr


@pytest.mark.parametrize("index", [0, 1, 2], ids=["validate", "frictionless", "verify"])
def test_each_command_alone_fails_on_the_damaged_copy(project, index):
    command = recipe_block().splitlines()[index]
    if command.startswith("build-dataset verify") and not has_command("verify"):
        pytest.skip("`build-dataset verify` does not exist yet")
    change_one_byte(project / COPY / DAMAGED)
    proc = subprocess.run(
        ["bash", "-c", command], cwd=project, env=env(), capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert DAMAGED in proc.stdout + proc.stderr


def test_workflow_snippet_is_a_valid_workflow_running_the_recipe(tmp_path):
    snippet, text = workflow_snippet()
    path = tmp_path / "acftu-discourse.yml"
    path.write_text(text)
    proc = check_workflow_schema(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = [
        s["run"].strip() for job in snippet["jobs"].values() for s in job["steps"] if "run" in s
    ]
    assert runs == [install_block().strip(), recipe_block().strip()]


# ---------------------------------------------------------------- exit codes and JSON


def validate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = [str(BIN / "build-dataset"), "validate", *args]
    return subprocess.run(exe, cwd=cwd, capture_output=True, text=True)


def test_json_report_of_an_intact_copy(project):
    proc = validate("--format", "json", COPY, cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == {"valid": True, "problems": []}


def test_json_report_of_a_damaged_copy_names_file_line_field_message(project):
    change_one_byte(project / COPY / DAMAGED)
    proc = validate("--format", "json", COPY, cwd=project)
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["valid"] is False and report["problems"]
    for p in report["problems"]:
        assert set(p) == {"file", "line", "field", "message"}
        assert isinstance(p["file"], str) and isinstance(p["field"], str)
        assert isinstance(p["message"], str) and p["message"]
        assert p["line"] is None or (isinstance(p["line"], int) and p["line"] >= 1)
    hashes = [p for p in report["problems"] if p["file"] == DAMAGED and p["field"] == "hash"]
    assert len(hashes) == 1 and hashes[0]["line"] is None


def test_text_report_prints_file_field_message_and_exits_1(project):
    change_one_byte(project / COPY / DAMAGED)
    proc = validate(COPY, cwd=project)
    assert proc.returncode == 1
    assert f"{DAMAGED}: hash: sha256:" in proc.stdout


def test_a_folder_without_a_package_is_invalid_not_a_crash(tmp_path):
    proc = validate("--format", "json", "missing", cwd=tmp_path)
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["valid"] is False
    assert report["problems"][0]["file"] == "datapackage.json"


@pytest.mark.parametrize(
    "args", [["--format", "xml", "."], [".", "extra"]], ids=["unknown-format", "two-folders"]
)
def test_usage_errors_exit_2(tmp_path, args):
    proc = validate(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert "usage:" in proc.stderr


def test_python_module_entry_point_behaves_the_same(project):
    change_one_byte(project / COPY / DAMAGED)
    exe = [sys.executable, "-m", "build_dataset", "validate", "--format", "json", COPY]
    proc = subprocess.run(exe, cwd=project, capture_output=True, text=True)
    assert proc.returncode == 1
    assert any(p["file"] == DAMAGED for p in json.loads(proc.stdout)["problems"])
