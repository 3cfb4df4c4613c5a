"""A page's declared source (hooks/page_source.py): the note at the top, its reference, and
a clear failure on a key that references.bib lacks, in the build and in `make check`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

import bibliography
import page_source
from conftest import ROOT
from test_build_e2e import build, edit, expect_failure
from test_hooks_unit import configured


def declare(site: Path, key: str, page: str = "second.md") -> None:
    path = site / "docs" / page
    path.write_text(f"---\ntitle: Second page\nsource: {key}\n---\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def test_author_names_read_as_running_text() -> None:
    bib = bibliography.load(ROOT / "references.bib")
    assert bibliography.author_names(bib.entries["hendy2023"]) == "Hendy, Tew and Carr"
    assert bibliography.author_names(bib.entries["mead2017"]) == "Mead and Filson"
    assert bibliography.author_names(bib.entries["seikkula2008"]) == "Seikkula"


def test_hook_puts_the_note_under_the_title_of_a_real_page(fixture_site: Path) -> None:
    declare(fixture_site, "mead2017")
    config, files = configured(fixture_site)
    page = Page(None, files.get_file_from_path("second.md"), config)
    page.read_source(config)
    markdown = page_source.on_page_markdown(page.markdown, page=page, config=config, files=files)
    assert markdown.startswith("# Second page\n\nThis page summarises Mead and Filson [-@mead2017] "
                               "unless another source is named.\n{: .page-source }\n")
    assert "[-@mead2017]" in config.plugins["bibtex"].registry._inline_cache  # formatted with the others
    other = Page(None, files.get_file_from_path("index.md"), config)
    other.read_source(config)
    assert page_source.on_page_markdown(other.markdown, page=other, config=config, files=files) == other.markdown


def test_built_note_links_to_the_reference_listed_on_the_page_and_site_wide(fixture_site: Path) -> None:
    declare(fixture_site, "seikkula2003principles")
    code, log, out = build(fixture_site)
    assert code == 0, log
    page = (out / "second" / "index.html").read_text(encoding="utf-8")
    note = re.search(r'<p class="page-source">(.*?)</p>', page, re.DOTALL).group(1)
    assert re.sub(r"<[^>]+>", "", note) == ("This page summarises Seikkula, Alakare and Aaltonen (2003) "
                                            "unless another source is named.")
    assert 'href="#fn:seikkula2003principles" class="footnote-ref"' in note
    assert page.index('class="page-source"') < page.index("Once more")  # at the top
    assert 'id="fn:seikkula2003principles"' in page[page.index('id="references"'):]
    listing = (out / "references" / "index.html").read_text(encoding="utf-8")
    cited = dict(re.findall(r'<li id="ref-([^"]+)" class="csl-entry">(.*?)</li>', listing, re.DOTALL))
    assert '<a href="../second/">Second page</a>' in cited["seikkula2003principles"]


def test_unknown_source_fails_the_build_naming_file_line_and_key(fixture_site: Path) -> None:
    declare(fixture_site, "seikula2008")
    expect_failure(fixture_site, "docs/second.md:3: front matter 'source: seikula2008' is not a key in "
                                 "references.bib (did you mean 'seikkula2008'?)")


def test_make_check_reports_an_unknown_source_too() -> None:
    markdown = "---\ntitle: Page\nsource: hendy2032\n---\n\n# Page\n"
    assert page_source.source_problems("docs/page.md", markdown, {"hendy2023", "mead2017"}) == [
        "docs/page.md:3: front matter 'source: hendy2032' is not a key in references.bib (did you mean 'hendy2023'?)"]
    assert page_source.source_problems("docs/page.md", markdown.replace("2032", "2023"), {"hendy2023"}) == []
