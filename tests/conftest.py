"""Shared fixtures: the repository, and one fresh build of it in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_dataset.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def rebuilt(tmp_path_factory) -> Path:
    """The repository's package rebuilt from its committed inputs into a temporary folder."""
    out = tmp_path_factory.mktemp("rebuilt")
    build(ROOT / "sources", out, ROOT / "annotations")
    return out


@pytest.fixture
def sources_copy(tmp_path) -> Path:
    """A writable copy of sources/ and annotations/ in a temporary project folder."""
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    shutil.copytree(ROOT / "annotations", tmp_path / "annotations")
    return tmp_path
