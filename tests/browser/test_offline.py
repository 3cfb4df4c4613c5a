"""The offline zip works opened from disk (file://), search included."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from conftest import ROOT, mkdocs
from tools import offline_zip, search_eval


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("offline")
    result = mkdocs("build", "--strict", "-f", "offline.yml", "--site-dir", str(work / "site"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    archive = offline_zip.make_zip(work / "site", work / "dist")
    assert archive.name == f"pod-practice-principles-{offline_zip.version()}-offline.zip"
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(work / "unzipped")
    yield work / "unzipped" / f"pod-practice-principles-{offline_zip.version()}"


def test_the_offline_build_has_no_brotli_files(unzipped: Path) -> None:
    """hooks/precompress.py is not in offline.yml: from disk, .br files would be dead weight."""
    assert (unzipped / "index.html").is_file()
    assert not list(unzipped.rglob("*.br"))


def test_pages_links_and_search_work_from_disk(browser: Browser, unzipped: Path) -> None:
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(("file://", "data:", "blob:"))
            else outside.append(request.url))
    page.goto((unzipped / "index.html").as_uri())
    page.get_by_role("link", name="Attunement").first.click()
    page.wait_for_url("**/principles/attunement.html")
    page.wait_for_load_state("load")
    page.get_by_text("Your antennae are more sensitive").first.wait_for(timeout=10000)
    page.keyboard.press("s")
    page.keyboard.type("antennae")
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=10000)
    assert "attunement.html" in first.get_attribute("href")
    # The offline build searches with the same settings and keywords (mkdocs.yml's search).
    question = search_eval.Question("when should I share my lived experience", "peer practitioner",
                                    "principles/self-disclosure/")
    asked = search_eval.ask(page, unzipped.as_uri() + "/", question)
    assert asked.rank and asked.rank <= 3, asked.titles
    assert not outside, outside
    page.close()
