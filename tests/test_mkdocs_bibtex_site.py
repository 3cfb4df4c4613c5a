"""A site written for mkdocs-bibtex builds unchanged with our engine (plugin name `bibtex`,
`bib_file`, `\\bibliography`, `\\full_bibliography`, the footnotes extension), strictly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import mkdocs
from tools import verify_site

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mkdocs-bibtex-site"


@pytest.fixture(scope="module")
def bibtex_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("bibtex") / "src"
    shutil.copytree(FIXTURE, source)
    result = mkdocs("build", "--strict", "--site-dir", "out", cwd=source)
    assert result.returncode == 0, result.stderr
    return source / "out"


def test_citations_resolve_with_references(bibtex_site: Path) -> None:
    page = (bibtex_site / "index.html").read_text(encoding="utf-8")
    link = 'href="#fn:test" class="footnote-ref" role="doc-biblioref">Author &amp; Author, 2019</a>'
    assert f'(<a id="fnref:test" {link})' in page
    assert f'(<a id="fnref2:test" {link}, see pp.\u00a0100)' in page
    assert 'id="fn:test"' in page and 'id="fn:other"' in page
    assert "\\bibliography" not in page
    report = verify_site.verify(bibtex_site, FIXTURE / "refs.bib")
    assert report.problems == [], report.problems
    assert report.references_listed == 2


def test_full_bibliography_lists_every_work(bibtex_site: Path) -> None:
    page = (bibtex_site / "all" / "index.html").read_text(encoding="utf-8")
    assert '<li id="ref-test"' in page and '<li id="ref-other"' in page
    assert "\\full_bibliography" not in page
