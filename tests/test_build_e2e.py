"""End to end: the small fixture site (tests/fixtures/site: the plugin `citations` and the
citations and glossary extensions) built with `mkdocs build --strict`, good and bad inputs.
A bad input stops the build with file, line and key, no traceback, and no site written."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import build, edit, expect_failure


def declare(site: Path, key: str, page: str = "second.md") -> None:
    path = site / "docs" / page
    path.write_text(f"---\ntitle: Second page\nsource: {key}\n---\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def test_good_site_builds_with_linked_citations_and_sorted_references(fixture_site: Path) -> None:
    code, log, out = build(fixture_site)
    assert code == 0, log
    page = (out / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    for shown in ("(Seikkula et al., 2003)", "Seikkula (2008)", "(Seikkula, 2008, p. 489)",
                  "(see Mead, 2014; Mead &amp; Filson, 2017)"):
        assert shown in text
    # The author-date text is itself the link; no separate footnote number follows it.
    assert '<a id="fnref:mead2017" href="#fn:mead2017" class="footnote-ref" role="doc-biblioref">Mead &amp; Filson, 2017</a>' in page
    assert "<sup id=\"fnref" not in page
    references = page[page.index('id="references"'):]
    order = re.findall(r'<li id="fn:([^"]+)"', references)
    assert order == ["mead2014", "mead2017", "seikkula2008", "seikkula2003principles"]
    assert '<a href="https://doi.org/10.1108/MHSI-03-2017-0011">' in references
    assert 'href="#fnref2:seikkula2008"' in references  # a way back to each place it is cited
    assert "Details incomplete." in references
    # The page's references stay out of the search index; its prose and the site-wide list do not.
    index = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    home = [doc for doc in index if doc["location"].split("#")[0] == ""]
    assert home and not [doc for doc in home if doc["location"] == "#references" or "MHSI-03-2017" in doc["text"]]
    assert any("Mead &amp; Filson, 2017" in doc["text"] for doc in home)
    assert any("MHSI-03-2017" in doc["text"] for doc in index if doc["location"].startswith("references/"))


def test_code_blocks_and_inline_code_survive_byte_for_byte(fixture_site: Path) -> None:
    code, log, out = build(fixture_site)
    assert code == 0, log
    page = (out / "index.html").read_text(encoding="utf-8")
    block = re.search(r"<pre>.*?<code>(.*?)</code></pre>", page, re.DOTALL).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", block)) == (
        "Cite like this: [@seikkula2008], [see @a; @b] or Seikkula [-@seikkula2008].\n"
        "Write to someone@example.org.\n")
    assert "<code>[@seikkula2008]</code> and <code>@mead2014</code>" in page


def test_site_wide_list_links_each_work_to_the_sections_citing_it(fixture_site: Path) -> None:
    code, log, out = build(fixture_site)
    assert code == 0, log
    page = (out / "references" / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<li id="ref-([^"]+)" class="csl-entry">(.*?)</li>', page, re.DOTALL)
    assert [key for key, _ in entries] == ["mead2014", "mead2017", "seikkula2008", "seikkula2003principles"]
    cited = dict(entries)["mead2017"]
    assert '<a href="../">Home › Writing citations</a>' not in cited
    assert '<a href="../">Home</a>' in cited
    assert '<a href="../second/#a-later-section">Second page › A later section</a>' in cited
    assert (out / "references.bib").is_file()


def test_unknown_key_fails_with_file_line_and_suggestion(fixture_site: Path) -> None:
    edit(fixture_site / "docs" / "second.md", "[@seikkula2008, p. 489]", "[@seikula2008, p. 489]")
    expect_failure(fixture_site, "docs/second.md:3: unknown citation key 'seikula2008' (did you mean 'seikkula2008'?)")


def test_duplicate_key_fails_naming_both_lines(fixture_site: Path) -> None:
    bib = fixture_site / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@misc{Mead2014,\n  author = {Mead, Shery},\n  year = {2014},\n}\n",
                   encoding="utf-8")
    expect_failure(fixture_site, "references.bib:32: entry 'Mead2014': duplicate key: 'mead2014' at line 18")


def test_malformed_entry_fails_naming_key_and_line(fixture_site: Path) -> None:
    edit(fixture_site / "references.bib", "  year    = {2008},\n  volume", "  year    = {2008}\n  volume")
    expect_failure(fixture_site, "references.bib:6: entry 'seikkula2008': malformed entry (it starts at line 1)")


def test_citation_with_a_part_missing_its_key_fails(fixture_site: Path) -> None:
    edit(fixture_site / "docs" / "second.md", "[@mead2017]", "[@mead2017; and others]")
    expect_failure(fixture_site, "docs/second.md:7: a part of this citation has no @key in '[@mead2017; and others]'")


def test_broken_link_fails_the_strict_build(fixture_site: Path) -> None:
    edit(fixture_site / "docs" / "second.md", "# Second page", "# Second page\n\nSee [the missing page](missing.md).")
    code, log, _ = build(fixture_site)
    assert code != 0
    assert "Doc file 'second.md' contains a link 'missing.md', but the target is not found" in log


def test_inline_references_must_stay_off(fixture_site: Path) -> None:
    edit(fixture_site / "mkdocs.yml", "  - citations\n", "  - citations:\n      enable_inline_citations: true\n")
    expect_failure(fixture_site, "set 'enable_inline_citations: false'")


def test_without_the_plugin_the_strict_build_still_refuses(fixture_site: Path) -> None:
    """The extensions alone resolve each page's citations, but MkDocs cannot see the ids
    they give the citation links (the plugin tells its anchor check): a strict build fails.
    MkDocs has written the pages by then; `make build` builds aside and keeps only a success."""
    edit(fixture_site / "mkdocs.yml", "  - citations\n", "")
    code, log, out = build(fixture_site)
    assert code != 0
    assert "Doc file 'second.md' contains a link '#fnref:mead2017', but there is no such anchor on this page" in log
    assert 'id="fn:mead2017"' in (out / "second" / "index.html").read_text(encoding="utf-8")


def test_the_declared_source_is_noted_linked_and_listed_on_both_reference_lists(fixture_site: Path) -> None:
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


def test_an_unknown_declared_source_fails_naming_file_line_and_key(fixture_site: Path) -> None:
    declare(fixture_site, "seikula2008")
    expect_failure(fixture_site, "docs/second.md:3: front matter 'source: seikula2008' is not a key in "
                                 "references.bib (did you mean 'seikkula2008'?)")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("And again [@mead2017].", "<div>\nAnd again [@mead2017].\n</div>",
     "docs/second.md: [@mead2017] (line 8 of the page's Markdown) sits inside raw HTML"),
    ("Once more", "Once zqcite7zq more", "docs/second.md: the page contains a word such as 'zqcite1zq'"),
], ids=["citation-in-raw-html", "reserved-word"])
def test_what_only_the_extension_sees_fails_naming_the_page_without_a_traceback(
        fixture_site: Path, old: str, new: str, message: str) -> None:
    edit(fixture_site / "docs" / "second.md", old, new)
    expect_failure(fixture_site, message)
