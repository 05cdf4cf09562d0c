"""Continuous integration: the GitHub workflow, the pre-commit hooks and `make lint`.

The workflow is checked against the GitHub workflow schema vendored in check-jsonschema
(no network), and its shell steps are run here on real folders: the rebuild comparison
fails on a changed or an added file, the validation step turns problems into annotations.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
PRECOMMIT = ROOT / ".pre-commit-config.yaml"
BIN = Path(sys.executable).parent
PYTHONS = ["3.11", "3.12", "3.13"]
PUBLISHED = ("datapackage.json", "data", "schema", "docs")  # what a build writes


def check_workflow_schema(path: Path) -> subprocess.CompletedProcess:
    exe = [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run(exe, capture_output=True, text=True)


def run_step(script: str, cwd: Path) -> subprocess.CompletedProcess:
    """A `run:` script as GitHub runs it with the default shell."""
    exe = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    return subprocess.run(exe, cwd=cwd, capture_output=True, text=True)


def lock_pin(name: str) -> str:
    for line in (ROOT / "requirements-dev.lock").read_text().splitlines():
        if line.startswith(f"{name}=="):
            return line.split("==", 1)[1].strip()
    raise AssertionError(f"{name} is not pinned in requirements-dev.lock")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def step_index(job_steps: list[dict], pattern: str) -> int:
    """Index of the first step whose `run` or `uses` matches the regex."""
    for i, s in enumerate(job_steps):
        if re.search(pattern, s.get("run", "") or s.get("uses", "")):
            return i
    raise AssertionError(f"no step matches {pattern!r}")


def copy_package(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for rel in PUBLISHED:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        elif src.is_file():
            shutil.copy2(src, dest / rel)
    return dest


def change_one_byte(path: Path) -> None:
    """Swap the case of one ASCII letter past the middle: same size, still UTF-8."""
    data = bytearray(path.read_bytes())
    i = next(i for i in range(len(data) // 2, len(data)) if 0x61 <= data[i] <= 0x7A)
    data[i] ^= 0x20
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------- the workflow file


def test_workflow_validates_against_the_github_workflow_schema():
    proc = check_workflow_schema(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "ci.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs_on:", 1))
    proc = check_workflow_schema(broken)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "runs-on" in proc.stdout


def test_workflow_runs_on_push_and_pull_request(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert {"push", "pull_request"} <= set(triggers)


def test_test_job_runs_make_test_like_ci_run_on_every_supported_python(workflow):
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"]["python-version"] == PYTHONS
    setup = job["steps"][step_index(job["steps"], r"^actions/setup-python@")]
    assert setup["with"]["python-version"] == "${{ matrix.python-version }}"
    runs = [s["run"].strip() for s in job["steps"] if "run" in s]
    assert runs == ["make test"]
    ci_run = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "make test" in ci_run
    requires = re.search(
        r'requires-python = ">=(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text()
    ).group(1)
    assert requires == PYTHONS[0]


def test_reproducible_job_rebuilds_compares_validates_and_uploads_in_that_order(workflow):
    job = steps(workflow, "reproducible")
    order = [
        step_index(job, p)
        for p in (
            r"^actions/checkout@",
            r"^actions/setup-python@",
            r"^make data$",
            r"git diff --exit-code",
            r"frictionless validate datapackage\.json",
            r"build-dataset validate",
            r"^actions/upload-artifact@",
        )
    ]
    assert order == sorted(order)
    compare = job[order[3]]["run"]
    for path in PUBLISHED:
        assert path in compare
    upload = job[order[-1]]["with"]["path"].split()
    assert {"datapackage.json", "data/", "schema/", "docs/"} <= set(upload)


def test_actions_are_pinned_to_major_versions(workflow):
    used = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert {u.split("@")[0] for u in used} == {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
    }
    assert all(re.fullmatch(r"actions/[a-z-]+@v\d+", u) for u in used), used


# ---------------------------------------------------------------- its steps, run for real


@pytest.fixture
def committed_repo(tmp_path) -> Path:
    """A git repository whose only commit holds a copy of the published package."""
    repo = copy_package(tmp_path / "repo")
    who = {
        f"GIT_{role}_{key}": value
        for role in ("AUTHOR", "COMMITTER")
        for key, value in (("NAME", "ci"), ("EMAIL", "ci@example.org"))
    }
    commit = ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "package"]
    for args in (["init", "-q"], ["add", "-A"], commit):
        subprocess.run(
            ["git", *args], cwd=repo, env={**os.environ, **who}, check=True, capture_output=True
        )
    return repo


def compare_step(workflow) -> str:
    job = steps(workflow, "reproducible")
    return job[step_index(job, r"git diff --exit-code")]["run"]


def test_compare_step_passes_when_the_rebuilt_bytes_equal_the_committed(workflow, committed_repo):
    proc = run_step(compare_step(workflow), committed_repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_compare_step_fails_when_one_byte_differs(workflow, committed_repo):
    change_one_byte(committed_repo / "data" / "articles.csv")
    proc = run_step(compare_step(workflow), committed_repo)
    assert proc.returncode != 0
    assert "data/articles.csv" in proc.stdout


def test_compare_step_fails_when_the_build_adds_a_file(workflow, committed_repo):
    (committed_repo / "data" / "stray.csv").write_bytes(b"a\r\n1\r\n")
    proc = run_step(compare_step(workflow), committed_repo)
    assert proc.returncode != 0
    assert "data/stray.csv" in proc.stdout


def validate_step(workflow) -> str:
    job = steps(workflow, "reproducible")
    return job[step_index(job, r"build-dataset validate")]["run"]


@pytest.fixture
def package_with_venv(tmp_path) -> Path:
    """A copy of the package beside a `.venv` that is this test run's environment."""
    folder = copy_package(tmp_path / "package")
    (folder / ".venv").symlink_to(BIN.parent, target_is_directory=True)
    return folder


def test_validate_step_annotates_the_damaged_file_and_fails(workflow, package_with_venv):
    change_one_byte(package_with_venv / "data" / "articles.csv")
    proc = run_step(validate_step(workflow), package_with_venv)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "::error file=data/articles.csv::hash: sha256:" in proc.stdout


def test_validate_step_passes_on_an_intact_package(workflow, package_with_venv):
    proc = run_step(validate_step(workflow), package_with_venv)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "::error" not in proc.stdout


# ---------------------------------------------------------------- pre-commit and make lint


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict]:
    config = yaml.safe_load(PRECOMMIT.read_text())
    return {
        h["id"]: {**h, "rev": repo.get("rev")} for repo in config["repos"] for h in repo["hooks"]
    }


def test_precommit_runs_ruff_at_the_locked_version_on_the_linted_folders(hooks):
    for hook_id in ("ruff-check", "ruff-format"):
        hook = hooks[hook_id]
        assert hook["rev"] == "v" + lock_pin("ruff")
        linted = re.compile(hook["files"])
        assert all(linted.search(f"{d}/x.py") for d in ("src", "tests", "bench"))
        assert not linted.search("scripts/x.py")


def test_precommit_checks_the_workflow_with_the_locked_check_jsonschema(hooks):
    assert hooks["check-github-workflows"]["rev"] == lock_pin("check-jsonschema")


def test_precommit_validates_the_package_when_published_files_change(hooks):
    hook = hooks["build-dataset-validate"]
    assert hook["entry"].split() == [".venv/bin/build-dataset", "validate", "."]
    assert hook["pass_filenames"] is False
    touched = re.compile(hook["files"])
    assert all(
        touched.search(f) for f in ("data/articles.csv", "schema/x.json", "datapackage.json")
    )
    assert not touched.search("src/build_dataset/cli.py")


def test_make_test_lints_before_running_the_tests():
    clean = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    exe = ["make", "-n", "test"]  # when run by `make test`, not the outer make's jobserver
    proc = subprocess.run(exe, cwd=ROOT, env=clean, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()

    def first(pattern: str) -> int:
        return next(i for i, line in enumerate(lines) if re.search(pattern, line))

    linted = " ".join(d for d in ("src", "tests", "bench") if (ROOT / d).is_dir())
    check = first(rf"/ruff check {linted}$")
    fmt = first(rf"/ruff format --check {linted}$")
    tests = first(r"-m pytest")
    assert check < tests and fmt < tests
