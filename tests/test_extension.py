"""markdown_citations/extension.py: the citations extension, called on Markdown strings as
Python-Markdown's own tests call its extensions, with a small stand-in for what a builder's
plugin hands over (`Site`: the library and the page) or with nothing at all."""

from __future__ import annotations

import re

import markdown
import pytest

from conftest import FIXTURE_BIB, Site, page_context
from markdown_citations import CitationError, CitationsExtension
from markdown_citations.extension import source_note, source_problems
from markdown_citations.library import Library

BACKLINK = "Back to where this is cited"


def convert(text: str, site: Site | None = None, extensions: tuple[str, ...] = ("attr_list",), **options: object) -> str:
    """`text` through footnotes (the site's back-link title), `extensions` and citations."""
    citations = CitationsExtension(site=site, **options) if site else CitationsExtension(
        **{"bib_file": str(FIXTURE_BIB), "cache_dir": "", **options})
    md = markdown.Markdown(extensions=["footnotes", *extensions, citations],
                           extension_configs={"footnotes": {"BACKLINK_TITLE": BACKLINK}})
    return md.convert(text)


def link(key: str, label: str, ref: str = "fnref") -> str:
    return f'<a id="{ref}:{key}" href="#fn:{key}" class="footnote-ref" role="doc-biblioref">{label}</a>'


def backlink(ref: str) -> str:
    return f'<a aria-label="{BACKLINK}" class="footnote-backref" href="#{ref}">&#8617;</a>'


def test_the_four_pandoc_forms_become_linked_author_date_text(library: Library) -> None:
    out = convert("A [@mead2017]. B [@seikkula2008, p. 489]. C [see @mead2014; @mead2017]. Seikkula [-@seikkula2008].",
                  Site(library))
    assert out.startswith(
        f'<p>A <span class="citation" data-cites="mead2017">({link("mead2017", "Mead &amp; Filson, 2017")})</span>. '
        f'B <span class="citation" data-cites="seikkula2008">({link("seikkula2008", "Seikkula, 2008, p. 489")})</span>. '
        f'C <span class="citation" data-cites="mead2014 mead2017">(see {link("mead2014", "Mead, 2014")}; '
        f'{link("mead2017", "Mead &amp; Filson, 2017", "fnref2")})</span>. '
        f'Seikkula <span class="citation" data-cites="seikkula2008">({link("seikkula2008", "2008", "fnref2")})</span>.</p>\n')


def test_the_references_end_the_page_sorted_with_a_back_link_to_each_citation(library: Library) -> None:
    out = convert("# Title\n\nA [@seikkula2008] and [@mead2017].\n\nAgain [@seikkula2008, p. 3].\n\n## Later\n\nText.",
                  Site(library))
    tail = out[out.index("<h2 data-search-exclude>References</h2>"):]
    assert out.index("<h2>Later</h2>") < out.index("References")  # after the page's own text
    assert tail == (
        '<h2 data-search-exclude>References</h2>\n<div class="footnote">\n<hr />\n<ol>\n'
        '<li id="fn:mead2017">\n<p>Mead, S., &amp; Filson, B. (2017). Mutuality and shared power as an alternative '
        'to coercion and force. <em>Mental Health and Social Inclusion</em>. '
        '<a href="https://doi.org/10.1108/MHSI-03-2017-0011">https://doi.org/10.1108/MHSI-03-2017-0011</a>&#160;'
        f'{backlink("fnref:mead2017")}</p>\n</li>\n'
        '<li id="fn:seikkula2008">\n<p>Seikkula, J. (2008). Inner and outer voices in the present moment of family '
        'and network therapy. <em>Journal of Family Therapy</em>, <em>30</em>, 478–491.&#160;'
        f'{backlink("fnref:seikkula2008")}{backlink("fnref2:seikkula2008")}</p>\n</li>\n'
        '</ol>\n</div>')


def test_citation_ids_follow_python_markdowns_order_and_abbreviations_reach_the_references(library: Library) -> None:
    """Python-Markdown reaches a list's text after the paragraph that follows it, as it did
    for footnote markers: the list's citation is the second one by id."""
    out = convert("First [@mead2017].\n\n- In a list [@mead2017].\n\nAfter the list [@seikkula2008], JFT.\n\n"
                  "*[JFT]: Journal of Family Therapy\n*[Inclusion]: Social inclusion",
                  Site(library), ("abbr", "attr_list"))
    assert f'<p>First <span class="citation" data-cites="mead2017">({link("mead2017", "Mead &amp; Filson, 2017")})' in out
    assert f'<li>In a list <span class="citation" data-cites="mead2017">({link("mead2017", "Mead &amp; Filson, 2017", "fnref2")})' in out
    assert f'({link("seikkula2008", "Seikkula, 2008")})</span>, <abbr title="Journal of Family Therapy">JFT</abbr>.' in out
    assert "zq" not in out and "<sup" not in out
    assert 'Mental Health and Social <abbr title="Social inclusion">Inclusion</abbr></em>' in out
    assert f'{backlink("fnref:mead2017")}{backlink("fnref2:mead2017")}</p>' in out


def test_the_html_is_what_the_footnotes_extension_made(library: Library) -> None:
    """The same page through the footnotes extension (the author-date text followed by a
    footnote marker, the references as footnote definitions, the marker then folded into
    the author-date link) and through the citations extension: the same HTML."""
    body = "> Quoted {0}.\n\n| Table | Cell {1} |\n|---|---|\n| x | {2} |\n\n*Emphasis {3}*"
    cited = ["[@mead2017]", "[@seikkula2008, p. 489]", "[@mead2017]", "[@mead2017]"]
    heading = "## References { data-search-exclude }\n\n"
    extensions = ["abbr", "tables", "attr_list", "footnotes"]
    new = markdown.Markdown(extensions=[*extensions, CitationsExtension(site=Site(library))]).convert(body.format(*cited))
    library.prepare(cited)
    keys = [re.search(r"@(\w+)", text).group(1) for text in cited]
    old_text = (body.format(*(f"{library.inline[text]}[^{key}]" for text, key in zip(cited, keys)))
                + f"\n\n{heading}///Footnotes Go Here///\n\n"
                + "\n".join(f"[^{key}]: {library.references[key]}{library.record_note(key, '')}"
                            for key in library.order if key in keys))
    old = markdown.Markdown(extensions=extensions).convert(old_text)
    old = re.sub(r'(<a )(href="#fn:(\w+)" class="footnote-ref" role)(.*?</span>)<sup id="(fnref\d*:\w+)">'
                 r'<a class="footnote-ref" href="#fn:\w+">\d+</a></sup>', r'\1id="\5" \2\4', old)
    # The one intended difference: a back-link is named by aria-label, not titled (no tooltip).
    old = re.sub(r'<a class="footnote-backref" href="([^"]+)" title="([^"]+)">',
                 r'<a aria-label="\2" class="footnote-backref" href="\1">', old)
    assert new == old and "aria-label" in new and 'id="fnref3:mead2017"' in new


def test_an_unknown_key_names_the_page_line_and_suggestion(library: Library) -> None:
    with pytest.raises(CitationError) as error:
        convert("# Page\n\nAs [@mead2071] says.", Site(library, page_context("second.md")))
    assert str(error.value) == ("docs/second.md: line 3 of the page's Markdown: unknown citation key 'mead2071' "
                                "(did you mean 'mead2017'?)")
    with pytest.raises(CitationError, match="this page: line 1 of the page's Markdown: unknown citation key 'zzz'$"):
        convert("[@zzz]", Site(library))


def test_a_part_without_a_key_is_an_error(library: Library) -> None:
    with pytest.raises(CitationError, match=r"this page: line 2: a part of this citation has no @key in "
                                            r"'\[@mead2017; and others\]'"):
        convert("Text\n[@mead2017; and others]", Site(library))


@pytest.mark.parametrize("html", ['<div>\n[@mead2017]\n</div>', '<p class="x">As [@mead2017] says.</p>'])
def test_a_citation_inside_raw_html_is_an_error_naming_it_and_its_line(library: Library, html: str) -> None:
    with pytest.raises(CitationError) as error:
        convert("Text.\n\n" + html, Site(library, page_context("second.md")))
    line = 3 + html.count("\n", 0, html.index("[@"))
    assert str(error.value).startswith(f"docs/second.md: [@mead2017] (line {line} of the page's Markdown) sits "
                                       "inside raw HTML, where Markdown does not run")


def test_raw_html_marked_as_markdown_is_cited(library: Library) -> None:
    out = convert('<div markdown="1">\nAs [@mead2017] says.\n</div>', Site(library), ("md_in_html", "attr_list"))
    assert link("mead2017", "Mead &amp; Filson, 2017") in out and 'id="fn:mead2017"' in out


def test_code_spans_fenced_code_and_email_addresses_are_left_as_written(library: Library) -> None:
    text = ("Write to someone@example.org: `[@mead2017]` and ``[-@seikkula2008]``, x@y.org [@mead2014].\n\n"
            "```markdown\nCite [@seikkula2008] or [see @a; @b].\n```\n")
    out = convert(text, Site(library), ("fenced_code", "attr_list"))
    assert ("<p>Write to someone@example.org: <code>[@mead2017]</code> and <code>[-@seikkula2008]</code>, "
            'x@y.org <span class="citation"') in out
    assert '<pre><code class="language-markdown">Cite [@seikkula2008] or [see @a; @b].\n</code></pre>' in out
    assert re.findall(r'<li id="fn:([^"]+)"', out) == ["mead2014"]  # the one citation outside code


def test_an_indented_code_block_is_left_as_written(library: Library) -> None:
    out = convert("Text.\n\n    [@mead2017] indented\n", Site(library))
    assert "<pre><code>[@mead2017] indented\n</code></pre>" in out
    assert 'id="fn:mead2017"' not in out  # a work cited only in code is not listed


def test_a_page_without_citations_is_left_alone(library: Library) -> None:
    text = "# Page\n\nNo citations, a footnote[^1] and @mead2017 bare.\n\n[^1]: A note."
    plain = markdown.Markdown(extensions=["footnotes", "attr_list"],
                              extension_configs={"footnotes": {"BACKLINK_TITLE": BACKLINK}}).convert(text)
    assert convert(text, Site(library)) == plain


def test_a_word_the_extension_reserves_is_an_error(library: Library) -> None:
    for word in ("zqcite1zq", "zqrefs0zq"):
        with pytest.raises(CitationError, match="docs/second.md: the page contains a word such as 'zqcite1zq'"):
            convert(f"A {word} here.", Site(library, page_context()))


def test_each_page_starts_afresh(library: Library) -> None:
    md = markdown.Markdown(extensions=["footnotes", CitationsExtension(site=Site(library))])
    first = md.convert("A [@mead2017] and [@mead2017] and [@seikkula2008].")
    second = md.reset().convert("B [@mead2017].")
    assert 'id="fnref2:mead2017"' in first and 'id="fn:seikkula2008"' in first
    assert 'id="fnref2:mead2017"' not in second and 'id="fn:seikkula2008"' not in second
    assert re.findall(r'<li id="fn:([^"]+)"', second) == ["mead2017"]
    assert md.convert("C [@mead2014].").count('<li id="fn:') == 1  # without reset() too


def test_the_help_link_of_an_incomplete_record_is_relative_to_the_page(library: Library) -> None:
    site = Site(library, page_context("principles/attunement.md"))
    out = convert("As [@mead2014] says.", site)
    assert ('<strong>Details incomplete.</strong> Title not yet verified. '
            '<a href="../../references/#help-complete-a-reference">How you can help complete it</a>') in out
    out = convert("As [@mead2014] says.", site, references_page="help.md")
    assert '<a href="../../help/#help-complete-a-reference">' in out
    assert "How you can help" not in convert("As [@mead2014] says.", Site(library))  # no page, no link


def test_without_a_site_the_extension_reads_its_own_bib() -> None:
    out = convert("As [@mead2017] says.")
    assert link("mead2017", "Mead &amp; Filson, 2017") in out and 'id="fn:mead2017"' in out


def test_without_a_site_a_bad_bib_is_a_citation_error(tmp_path) -> None:  # noqa: ANN001
    bib = tmp_path / "references.bib"
    bib.write_text(FIXTURE_BIB.read_text(encoding="utf-8").replace("year    = {2008},\n  volume", "year    = {2008}\n  volume"),
                   encoding="utf-8")
    with pytest.raises(CitationError, match=r"references are not valid, fix these and build again:\n.*references.bib:6: "
                                            r"entry 'seikkula2008': malformed entry"):
        convert("[@mead2017]", bib_file=str(bib), cache_dir="")


def test_footnotes_must_come_first_with_their_default_ids(library: Library) -> None:
    with pytest.raises(CitationError, match="citations need the footnotes Markdown extension"):
        markdown.Markdown(extensions=[CitationsExtension(site=Site(library)), "footnotes"])
    with pytest.raises(CitationError, match="UNIQUE_IDS"):
        markdown.Markdown(extensions=["footnotes", CitationsExtension(site=Site(library))],
                          extension_configs={"footnotes": {"UNIQUE_IDS": True}})


def test_the_extension_is_found_by_name() -> None:
    md = markdown.Markdown(extensions=["footnotes", "markdown_citations"],
                           extension_configs={"markdown_citations": {"bib_file": str(FIXTURE_BIB), "cache_dir": ""}})
    assert 'id="fn:mead2017"' in md.convert("[@mead2017]")


# The declared source: `source: key` in a page's front matter.

def test_the_declared_source_is_noted_under_the_title_and_listed(library: Library) -> None:
    out = convert("# Second page\n\nOnce more [@seikkula2008, p. 489].", Site(library, page_context(source="mead2017")))
    assert out.startswith(
        '<h1>Second page</h1>\n<p class="page-source">This page summarises Mead and Filson '
        f'<span class="citation" data-cites="mead2017">({link("mead2017", "2017")})</span> '
        "unless another source is named.</p>\n<p>Once more")
    assert re.findall(r'<li id="fn:([^"]+)"', out) == ["mead2017", "seikkula2008"]


def test_source_note_goes_under_the_first_title_or_at_the_top(library: Library) -> None:
    note = "This page summarises Seikkula [-@seikkula2008] unless another source is named.\n{: .page-source }\n"
    assert source_note("Intro\n# Title\nText", "seikkula2008", library) == f"Intro\n# Title\n\n{note}\nText"
    assert source_note("No title.", "seikkula2008", library) == f"\n{note}\nNo title."


def test_an_unknown_declared_source_is_an_error_naming_the_page(library: Library) -> None:
    with pytest.raises(CitationError) as error:
        convert("# Second page\n", Site(library, page_context(source="mead2071")))
    assert str(error.value) == ("docs/second.md:1: front matter 'source: mead2071' is not a key in references.bib "
                                "(did you mean 'mead2017'?)")


def test_make_check_reports_an_unknown_source_with_its_line() -> None:
    text = "---\ntitle: Page\nsource: hendy2032\n---\n\n# Page\n"
    assert source_problems("docs/page.md", {"title": "Page", "source": "hendy2032"}, text, {"hendy2023", "mead2017"}) == [
        "docs/page.md:3: front matter 'source: hendy2032' is not a key in references.bib (did you mean 'hendy2023'?)"]
    assert source_problems("docs/page.md", {"source": "hendy2023"}, text, {"hendy2023"}) == []
    assert source_problems("docs/page.md", {"title": "Page"}, text, set()) == []
    assert source_problems("docs/page.md", {"source": ["a", "b"]}, text, {"a"})[0].startswith(
        "docs/page.md:3: front matter 'source: ['a', 'b']' is not a key")
    assert source_problems("docs/page.md", {"source": "qqqqqq"}, text, {"hendy2023"}) == [
        "docs/page.md:3: front matter 'source: qqqqqq' is not a key in references.bib "
        "(add the work to references.bib or fix the key)"]
