"""markdown_citations/site.py: the site-wide work on built pages' HTML (which sections cite
which work, the References page's list, the reference list set aside while search reads the
page, and the check for anything left unresolved). The built real site is tests/test_site.py."""

from __future__ import annotations

import markdown

from conftest import Site
from markdown_citations import CitationsExtension, site
from markdown_citations.library import Library


def page_html(text: str, library: Library) -> str:
    """A page's content as MkDocs renders it: headings with ids, citations and their references."""
    md = markdown.Markdown(extensions=["attr_list", "toc", "footnotes", CitationsExtension(site=Site(library))])
    return md.convert(text)


PAGE = "# Home\n\nIntro [@mead2017].\n\n## Writing *citations*\n\nMore [@mead2017] and [see @mead2014; @seikkula2008].\n"


def test_citation_ids_are_the_ids_of_the_citation_links(library: Library) -> None:
    assert site.citation_ids(page_html(PAGE, library)) == [
        "fnref:mead2017", "fnref2:mead2017", "fnref:mead2014", "fnref:seikkula2008"]


def test_record_citations_notes_each_section_that_cites_a_work(library: Library) -> None:
    cited_on: site.CitedOn = {}
    site.record_citations(page_html(PAGE, library), "", "Home", cited_on)
    site.record_citations(page_html("# Second\n\nOnce [@mead2017].", library), "second/", "Second", cited_on)
    assert cited_on == {
        "mead2017": {("", ""): "Home", ("", "writing-citations"): "Home › Writing citations", ("second/", ""): "Second"},
        "mead2014": {("", "writing-citations"): "Home › Writing citations"},
        "seikkula2008": {("", "writing-citations"): "Home › Writing citations"},
    }


def test_all_references_lists_every_work_in_order_with_where_it_is_cited(library: Library) -> None:
    library.prepare(["[@mead2017]"])
    cited_on: site.CitedOn = {"mead2017": {("second/", "a-later-section"): "Second › A later section", ("", ""): "Home"}}
    out = site.all_references_html(library, cited_on, lambda url, anchor: f"../{url}" + (f"#{anchor}" if anchor else ""))
    items = out.split("\n")[1:-1]
    assert out.startswith('<ul class="references-all">\n') and out.endswith("\n</ul>")
    assert [item.split('"')[1] for item in items] == [f"ref-{key}" for key in library.order]
    mead2017 = items[library.order.index("mead2017")]
    assert mead2017.endswith('<p class="cited-on">Cited on: <a href="../">Home</a>, '
                             '<a href="../second/#a-later-section">Second › A later section</a></p></li>')
    mead2014 = items[library.order.index("mead2014")]
    assert ('<strong>Details incomplete.</strong> Title not yet verified. '
            '<a href="#help-complete-a-reference">How you can help complete it</a></span></p>') in mead2014
    assert mead2014.endswith('<p class="cited-on">Not yet cited on this site.</p></li>')


def test_the_reference_list_is_set_aside_while_search_reads_the_page_and_put_back() -> None:
    page = ('<h2 id="claim">Claim</h2>\n<p>Text.</p>\n'
            '<h2 data-search-exclude id="references">References<a class="headerlink" href="#references">&para;</a></h2>\n'
            '<div class="footnote">\n<hr />\n<ol>\n<li id="fn:a">\n<p>A.</p>\n</li>\n</ol>\n</div>')
    without, aside = site.set_aside(page)
    assert aside.startswith('<div class="footnote">') and aside.endswith("</ol>\n</div>")
    assert "fn:a" not in without and without.endswith("</h2>\n" + site.SET_ASIDE)
    assert site.put_back(without, aside) == page
    assert site.set_aside(page.replace(" data-search-exclude", "")) == (page.replace(" data-search-exclude", ""), "")


def test_unresolved_finds_what_a_build_left_outside_code() -> None:
    assert site.unresolved("<p>Text [@key] and (seikkula2008?)</p>") == ["[@key]", "(seikkula2008?)"]
    assert site.unresolved("<p>[-@key] a note[^1] zqcite3zq zqrefs0zq</p>") == ["[-@key]", "[^1]", "zqcite3zq", "zqrefs0zq"]
    assert site.unresolved("<pre><code>[@key] [^1]</code></pre><p>fine <code>zqcite1zq</code></p>") == []
    assert site.unresolved('<a href="#fn:x">x</a>') == ["#fn:x"]
    assert site.unresolved('<a href="#fn:x">x</a><li id="fn:x">X.</li>') == []


def test_a_built_page_of_citations_has_nothing_unresolved(library: Library) -> None:
    assert site.unresolved(page_html(PAGE, library)) == []
