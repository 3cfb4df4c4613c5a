"""Zensical builds our pages with our Markdown extensions: every citation resolved.

Zensical (Material's successor) runs Python-Markdown extensions but no MkDocs hooks or
plugins, so this is the proof that the per-page citation work lives in the extensions.
It builds docs/ from mkdocs.yml without the theme overrides (their templates use MkDocs'
Jinja objects: dates as date objects and `nav.pages`, which Zensical's templates lack; see
docs/contributing/platform-plan.md) in `.venv-zensical` (`make zensical`; `make test`
makes it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from tools import verify_site

ZENSICAL = ROOT / ".venv-zensical" / "bin" / "zensical"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not ZENSICAL.exists():
        pytest.skip(f"Zensical is not installed in {ZENSICAL.parent.parent.name}: run `make zensical`")
    out = tmp_path_factory.mktemp("zensical") / "site"
    built = ROOT / "site-zensical"  # Zensical writes only inside the project
    config = ROOT / ".zensical-test.yml"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"^  custom_dir: overrides.*\n", "", text, flags=re.MULTILINE)
    config.write_text(text + f"\nsite_dir: {built.name}\n", encoding="utf-8")
    try:
        result = subprocess.run([str(ZENSICAL), "build", "--clean", "-f", str(config)], cwd=ROOT,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        shutil.copytree(built, out)
    finally:
        config.unlink()
        shutil.rmtree(built, ignore_errors=True)
    return out


def _citation_links(page: str) -> int:
    return len(re.findall(r'href="#fn:[^"]+" class="footnote-ref"', page))


def test_every_citation_resolves_in_a_zensical_build(zensical_site: Path) -> None:
    """On every page: no raw citation, every citation links to its entry, and a page that
    cites has its References section listing every work it cites."""
    report = verify_site.Report()
    known = {key.lower() for key in verify_site.bib_keys(ROOT / "references.bib")}
    for path in sorted(zensical_site.rglob("*.html")):
        report.pages += 1
        verify_site.check_page(str(path.relative_to(zensical_site)), path.read_text(encoding="utf-8"), known, report)
    assert report.problems == []
    assert report.raw == 0
    assert report.citing_pages >= 25, report.citing_pages


def test_zensical_pages_cite_as_the_mkdocs_build_does(zensical_site: Path, built_site: Path) -> None:
    """Each page has as many citation links, references and declared-source notes in both
    builds, and glossary links wherever the MkDocs build has them (a few fewer: the text that
    hooks add, such as a principle page's list of vignettes, is not there)."""
    differ = []
    for path in sorted(built_site.rglob("index.html")):
        ours = path.read_text(encoding="utf-8")
        theirs_path = zensical_site / path.relative_to(built_site)
        if not theirs_path.exists():
            differ.append(f"{path.relative_to(built_site)}: missing from the Zensical build")
            continue
        theirs = theirs_path.read_text(encoding="utf-8")
        for what, pattern in (("citation links", r'class="footnote-ref"'), ("references", r'<li id="fn:'),
                              ("source notes", r'class="page-source"'), ("glossary links", r'class="glossary-term"')):
            counts = len(re.findall(pattern, ours)), len(re.findall(pattern, theirs))
            same = counts[0] == counts[1] if what != "glossary links" else 0 < counts[1] <= counts[0] or counts == (0, 0)
            if not same:
                differ.append(f"{path.relative_to(built_site)}: {what} {counts[0]} (MkDocs) vs {counts[1]} (Zensical)")
    assert differ == []


def test_what_a_zensical_build_still_lacks(zensical_site: Path) -> None:
    """The site-wide steps run in the MkDocs plugin only: today the References page has no
    list of every work. When Zensical gains a way to run them, this test says so."""
    page = (zensical_site / "references" / "index.html").read_text(encoding="utf-8")
    assert '<ul class="references-all">' not in page
    assert not (zensical_site / "references.csl.json").exists()
