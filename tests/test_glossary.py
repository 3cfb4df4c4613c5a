"""markdown_citations/glossary.py: the glossary read as the one list of terms, first uses
marked with their short definitions, bad entries refused; the extension called on Markdown
strings, then in builds of the fixture site and of the real site."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT, Site, build, configured, expect_failure, page_context, render_page
from markdown_citations import glossary
from markdown_citations.glossary import GlossaryError, GlossaryExtension, add_ids, mark_terms, parse

GLOSSARY = """---
title: Glossary
---

# Glossary

Plain definitions of words used on this site.

Network
:   The people who matter in a person's life [@hendy2023].
    A second sentence, not shown in the tooltip.

Network meeting
:   The main meeting in Open Dialogue, with the person and their network.

Reflecting conversation (reflecting team)
:   Practitioners talk together about what they heard, where everyone can hear [see @mead2014, p. 3].

Polyphony
:   Many voices sounding together.
"""


def terms() -> list[glossary.Term]:
    found, problems = parse(GLOSSARY)
    assert problems == []
    return found


def test_terms_ids_and_short_definitions_come_from_the_glossary() -> None:
    found = terms()
    assert [(t.headword, t.id, t.line) for t in found] == [
        ("Network", "network", 9), ("Network meeting", "network-meeting", 13),
        ("Reflecting conversation (reflecting team)", "reflecting-conversation-reflecting-team", 16),
        ("Polyphony", "polyphony", 19)]
    assert found[0].short == "The people who matter in a person's life."  # first sentence, citation gone
    assert found[2].short == "Practitioners talk together about what they heard, where everyone can hear."
    assert found[2].forms == ["Reflecting conversation", "reflecting team"]


def test_a_term_with_no_definition_fails_naming_file_and_line() -> None:
    broken = GLOSSARY.replace("Polyphony\n:   Many voices sounding together.\n", "Polyphony\n\nDialogism\n:   \n")
    assert parse(broken)[1] == [
        "docs/glossary.md:19: 'Polyphony' has no definition: on the next line, write ':   ' and a short "
        "definition, one plain sentence",
        "docs/glossary.md:22: 'Dialogism' has an empty definition: write its short definition, one plain "
        "sentence, after ':   '"]


def test_a_term_listed_twice_fails() -> None:
    twice = GLOSSARY + "\nReflecting team\n:   Again.\n"
    assert parse(twice)[1] == ["docs/glossary.md:22: 'Reflecting team' is already a term at line 16: keep one entry"]


def linked(html: str) -> list[str]:
    return re.findall(r'<a href="g/#([^"]+)" class="glossary-term" title="[^"]*">([^<]*)</a>', html)


def test_first_use_only_with_plurals_capitals_and_the_longest_term() -> None:
    html = ("<p>Network meetings bring the network together. Another network meeting; networks; "
            "a Reflecting Team and polyphonies.</p><p>Polyphony again.</p>")
    assert linked(mark_terms(html, terms(), "g/")) == [
        ("network-meeting", "Network meetings"), ("network", "network"),
        ("reflecting-conversation-reflecting-team", "Reflecting Team"), ("polyphony", "polyphonies")]


def test_title_is_the_short_definition_escaped() -> None:
    html = mark_terms("<p>A network.</p>", terms(), "g/")
    assert 'title="The people who matter in a person&#x27;s life."' in html


@pytest.mark.parametrize("html", [
    "<h2 id='x'>Network</h2>",
    "<blockquote><p>the network</p></blockquote>",
    "<p>She said “the network matters” to her.</p>",
    '<p>She said "the network matters" to her.</p>',
    "<p><code>network</code> <pre><code>network</code></pre></p>",
    '<p><a href="x">the network</a></p>',
    '<p><abbr title="Network">NW</abbr> <abbr title="x">network</abbr></p>',
    '<p><span class="citation"><a href="#fn:x" class="footnote-ref">Network, 2020</a></span></p>',
    '<div class="footnote"><ol><li>Network, A. (2020).</li></ol></div>',
    "<p>networking and non-network and networked</p>",
])
def test_never_inside_headings_quotations_code_links_abbreviations_citations_or_other_words(html: str) -> None:
    assert mark_terms(html, terms(), "g/") == html


def test_text_after_a_skipped_element_is_marked() -> None:
    html = "<h2>Network</h2><blockquote><p>network</p></blockquote><p>The <em>network</em> helps.</p>"
    assert linked(mark_terms(html, terms(), "g/")) == [("network", "network")]


def add_glossary(site: Path, text: str = GLOSSARY) -> None:
    (site / "docs" / "glossary.md").write_text(text.replace("[@hendy2023]", "[@mead2014]"), encoding="utf-8")
    page = site / "docs" / "second.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nThe network meets; a network meeting follows.\n",
                    encoding="utf-8")


def test_add_ids_gives_each_headword_its_id() -> None:
    lines = add_ids(GLOSSARY.split("\n"), terms())
    assert "Network { #network }" in lines and "Network meeting { #network-meeting }" in lines
    assert "Plain definitions of words used on this site." in lines  # no definition follows: unchanged


def convert(text: str, glossary_file: Path, page: str | None) -> str:
    """`text` through the glossary extension, as the page `page` of a site (None: no page known)."""
    site = Site(page=page_context(page) if page else None)
    extension = GlossaryExtension(glossary_file=str(glossary_file), site=site)
    return markdown.Markdown(extensions=["attr_list", "def_list", extension]).convert(text)


@pytest.fixture
def glossary_file(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.md"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


def test_the_glossary_page_gets_an_id_for_every_entry(glossary_file: Path) -> None:
    out = convert(GLOSSARY.split("---\n", 2)[2], glossary_file, "glossary.md")
    assert re.findall(r'<dt id="([^"]+)">', out) == [term.id for term in terms()]
    assert 'class="glossary-term"' not in out  # nothing marked on the glossary itself


def test_other_pages_link_first_uses_to_the_glossary(glossary_file: Path) -> None:
    out = convert("# Networks\n\nThe network meets; a network meeting follows. The network again.",
                  glossary_file, "principles/attunement.md")
    assert out == ('<h1>Networks</h1>\n<p>The <a href="../../glossary/#network" class="glossary-term" '
                   'title="The people who matter in a person&#x27;s life.">network</a> meets; a '
                   '<a href="../../glossary/#network-meeting" class="glossary-term" title="The main meeting in '
                   'Open Dialogue, with the person and their network.">network meeting</a> follows. '
                   "The network again.</p>")


def test_terms_inside_raw_html_are_marked_too(glossary_file: Path) -> None:
    """The extension marks terms after raw HTML is put back, so an HTML block counts."""
    out = convert('<div class="note"><p>The network.</p></div>', glossary_file, "second.md")
    assert 'class="glossary-term"' in out


def test_without_a_page_or_a_glossary_nothing_is_marked(glossary_file: Path, tmp_path: Path) -> None:
    text = "The network meets."
    assert convert(text, glossary_file, None) == "<p>The network meets.</p>"
    assert convert(text, tmp_path / "missing.md", "second.md") == "<p>The network meets.</p>"


def test_a_bad_glossary_stops_the_extension_naming_file_and_line(glossary_file: Path) -> None:
    glossary_file.write_text(GLOSSARY.replace("Polyphony\n:   Many voices sounding together.\n", "Polyphony\n"),
                             encoding="utf-8")
    with pytest.raises(GlossaryError, match=rf"glossary entries to fix:\n{re.escape(str(glossary_file))}:19: "
                                            "'Polyphony' has no definition"):
        convert("The network.", glossary_file, "second.md")


def test_the_extension_is_found_by_name(glossary_file: Path) -> None:
    md = markdown.Markdown(extensions=["markdown_citations.glossary"],
                           extension_configs={"markdown_citations.glossary": {"glossary_file": str(glossary_file)}})
    assert md.convert("The network.") == "<p>The network.</p>"  # no page known: nothing marked


def test_through_the_plugin_on_real_pages_ids_on_the_glossary_and_links_elsewhere(fixture_site: Path) -> None:
    add_glossary(fixture_site)
    config, files = configured(fixture_site)
    page = render_page(config, files, "glossary.md")
    assert '<dt id="network-meeting">Network meeting</dt>' in page.content
    assert 'class="glossary-term"' not in page.content
    second = render_page(config, files, "second.md").content
    assert '<p>The <a href="../glossary/#network" class="glossary-term" title="The people' in second


def glossary_links(out: Path) -> list[tuple[Path, str, str]]:
    found = []
    for page in out.rglob("*.html"):
        for href in re.findall(r'<a href="([^"]+)" class="glossary-term"', page.read_text(encoding="utf-8")):
            target, _, anchor = href.partition("#")
            found.append((page, (page.parent / target / "index.html").resolve().as_posix(), anchor))
    return found


def assert_every_link_has_an_entry(out: Path) -> int:
    links = glossary_links(out)
    ids = set(re.findall(r'<dt id="([^"]+)"', (out / "glossary" / "index.html").read_text(encoding="utf-8")))
    for page, target, anchor in links:
        assert target == (out / "glossary" / "index.html").resolve().as_posix(), (page, target)
        assert anchor in ids, f"{page}: a glossary link to #{anchor}, which the glossary lacks"
    return len(links)


def test_built_fixture_links_first_uses_to_entries_that_exist(fixture_site: Path) -> None:
    add_glossary(fixture_site)
    code, log, out = build(fixture_site)
    assert code == 0, log
    second = (out / "second" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'class="glossary-term" title="([^"]*)">([^<]*)<', second) == [
        ("The people who matter in a person&#x27;s life.", "network"),
        ("The main meeting in Open Dialogue, with the person and their network.", "network meeting")]
    assert assert_every_link_has_an_entry(out) == 2
    assert 'class="glossary-term"' not in (out / "glossary" / "index.html").read_text(encoding="utf-8")


def test_glossary_term_without_definition_fails_the_build(fixture_site: Path) -> None:
    add_glossary(fixture_site, GLOSSARY.replace("Polyphony\n:   Many voices sounding together.\n", "Polyphony\n"))
    expect_failure(fixture_site, "docs/glossary.md:19: 'Polyphony' has no definition")


def test_an_explicit_link_to_a_missing_entry_fails_the_strict_build(fixture_site: Path) -> None:
    add_glossary(fixture_site)
    page = fixture_site / "docs" / "second.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [polyphony](glossary.md#polyphony) "
                    "and [dialogism](glossary.md#dialogism).\n", encoding="utf-8")
    code, log, _ = build(fixture_site)
    assert code != 0
    assert "contains a link 'glossary.md#dialogism', but the doc 'glossary.md' does not contain an anchor '#dialogism'" in log
    assert "#polyphony'" not in log


def test_real_site_every_term_link_targets_an_entry(built_site: Path) -> None:
    assert assert_every_link_has_an_entry(built_site) > 50
    glossary = parse((ROOT / "docs" / "glossary.md").read_text(encoding="utf-8"))[0]
    ids = re.findall(r'<dt id="([^"]+)"', (built_site / "glossary" / "index.html").read_text(encoding="utf-8"))
    assert ids == [term.id for term in glossary]


def test_hook_failure_is_a_plugin_error_not_a_traceback(fixture_site: Path) -> None:
    add_glossary(fixture_site, GLOSSARY.replace("Polyphony\n:   Many voices sounding together.\n", "Polyphony\n"))
    with pytest.raises(PluginError, match="glossary entries to fix"):
        configured(fixture_site)


def test_a_term_is_not_marked_on_its_own_page() -> None:
    text = GLOSSARY.replace("Many voices sounding together.\n", "Many voices sounding together.\n    See [Polyphony](ideas/polyphony.md).\n")
    found = parse(text)[0]
    assert found[3].home == "ideas/polyphony.md" and found[0].home == ""
    html = "<p>Polyphony and the network.</p>"
    assert linked(mark_terms(html, found, "g/", page="ideas/polyphony.md")) == [("network", "network")]
    assert len(linked(mark_terms(html, found, "g/", page="other.md"))) == 2
