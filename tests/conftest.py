"""Shared test helpers: the project root, the hooks on sys.path, and fixture-site builds."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"
sys.path.insert(0, str(ROOT / "hooks"))
os.environ["NO_MKDOCS_2_WARNING"] = "1"
# Builds in the tests date themselves from the last commit, as `make` builds do (see
# tools/source_date.py), so that two builds of the same files are byte-identical.
sys.path.insert(0, str(ROOT))
from tools.source_date import source_date_epoch  # noqa: E402

os.environ.setdefault("SOURCE_DATE_EPOCH", str(source_date_epoch()))


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


# Browser fixtures: the built site served over HTTP on 127.0.0.1, and Debian's Chromium
# driven by Playwright (which never downloads a browser here).

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def organisation_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as an organisation builds it from examples/organisation.yml (copied beside
    mkdocs.yml, as the README says), with its own name, contacts and pages; built once."""
    text = (ROOT / "examples" / "organisation.yml").read_text(encoding="utf-8")
    return build_beside("organisation-test-build.yml", text, tmp_path_factory.mktemp("organisation") / "site")


def build_beside(name: str, config_text: str, out: Path) -> Path:
    """Build the real site strictly into `out` with a config file written beside mkdocs.yml
    (so that `INHERIT: mkdocs.yml` and relative paths hold), removed afterwards."""
    config = ROOT / name
    config.write_text(config_text, encoding="utf-8")
    try:
        result = mkdocs("build", "--strict", "-f", config.name, "--site-dir", str(out), cwd=ROOT)
    finally:
        config.unlink()
    assert result.returncode == 0, result.stderr
    return out


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site served at the sub-path of its site_url, as it is deployed (the 404
    page's links are absolute, so it only works there)."""
    from urllib.parse import urlparse

    sub_path = urlparse(_default_site_url()).path.strip("/")
    root = tmp_path_factory.mktemp("served")
    (root / sub_path).parent.mkdir(parents=True, exist_ok=True)
    (root / sub_path).symlink_to(built_site, target_is_directory=True)
    server, url = serve(root)
    yield f"{url}{sub_path}/"
    server.shutdown()


def _default_site_url() -> str:
    """The default of `site_url: !ENV [POD_SITE_URL, "..."]` in mkdocs.yml."""
    import re

    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.search(r'^site_url: !ENV \[POD_SITE_URL, "([^"]+)"\]', text, re.M).group(1)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does: apt-get install chromium)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as a path relative to its root ("" for the home page)."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        relative = html.parent.relative_to(site).as_posix()
        pages.append("" if relative == "." else relative + "/")
    return pages


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "walk: the full cross-engine walk, run by `make a11y` (pytest -m walk)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the `walk` tests out unless asked for with -m (`make a11y`); pytest reports them
    as deselected."""
    if "walk" in (config.option.markexpr or ""):
        return
    walk = [item for item in items if item.get_closest_marker("walk")]
    if walk:
        config.hook.pytest_deselected(items=walk)
        items[:] = [item for item in items if not item.get_closest_marker("walk")]
