"""Shared test helpers: the project root, the hooks on sys.path, and fixture-site builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"
sys.path.insert(0, str(ROOT / "hooks"))
os.environ["NO_MKDOCS_2_WARNING"] = "1"


def mkdocs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the venv's mkdocs (never with -q: it hides warnings from --strict)."""
    exe = Path(sys.executable).with_name("mkdocs")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A fresh copy of the fixture site with the project's real hooks beside it."""
    site = tmp_path / "site-src"
    shutil.copytree(FIXTURE, site)
    shutil.copytree(ROOT / "hooks", site / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    # mkdocs-bibtex keeps its plugin object across configs in one process and reuses its
    # registry while the .bib is older than its last load: a fresh mtime makes it reload.
    (site / "references.bib").touch()
    return site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test session with --strict into a temporary folder."""
    out = tmp_path_factory.mktemp("built") / "site"
    result = mkdocs("build", "--strict", "--site-dir", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out
