"""The MkDocs (and ProperDocs) layer: what needs the whole site, over the extensions.

Registered as the plugin `citations`, and as `bibtex` so that a site written for the archived
mkdocs-bibtex builds unchanged (its `bib_file`, `csl_file` and other settings are accepted).
Its per-build state is one `Build`, made at `on_config`. Events, in the order they run:

| Event | Priority | What, and why then |
|---|---|---|
| `on_config` | 100 | after `hooks/local_pages.py` (110) may have pointed `bib_file` at a joined .bib: checks the .bib, starts its CSL-JSON conversion in a thread, hands the `Build` to the citations and glossary extensions (adding the citations extension after `footnotes` when mkdocs.yml does not list it). |
| `on_files` | 0 | after local pages are added (90): checks every page's citation keys, declared source and the glossary, naming file and line; formats all the site's citations at once; publishes `references.bib`, `.csl.json` and `.ris`. |
| `on_page_markdown` | -100 | last, just before rendering: tells the extensions which page they render. |
| `on_page_content` | 0 | records which sections cite which work, and tells MkDocs' anchor check about the citation ids. |
| `on_page_context` | 50 | fills the site-wide list on the page holding `<!-- references:all -->`. |
| `on_page_context` | 40 | COinS on the References page: the page itself, then every work Zotero can use (`coins.py`). |
| `on_page_context` | 10 and -10 | around the search plugin (0): a page's reference list is set aside while search reads the page, then put back. |
| `on_post_page` | 0 | stops on anything left unresolved in the page's HTML. |
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown as markdown_lib
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from . import bibliography, coins, formats, glossary, site
from .context import PageContext
from .extension import CitationsExtension, source_problems
from .library import HELP_ANCHOR, Library

CSL_JSON_NAME = "references.csl.json"
RIS_NAME = "references.ris"
EXTENSION_NAMES = ("markdown_citations", "markdown_citations.extension")
GLOSSARY_NAMES = ("markdown_citations.glossary",)


class CitationsConfig(base.Config):
    bib_file = c.Optional(c.Type(str))  # default: the citations extension's bib_file, else references.bib
    csl_file = c.Optional(c.Type(str))  # default: APA 7th edition
    cache_dir = c.Type(str, default=".cache/citations")
    key_convention = c.Type(bool, default=False)  # keys as this project writes them: surname, year, letter
    # Settings of mkdocs-bibtex, accepted so that its sites build unchanged.
    bib_by_default = c.Type(bool, default=True)  # a citing page always ends with its References
    bib_command = c.Type(str, default="\\bibliography")  # removed: the References end the page
    full_bib_command = c.Type(str, default="\\full_bibliography")  # the site-wide list goes there
    enable_inline_citations = c.Type(bool, default=False)
    footnote_format = c.Type(str, default="{key}")
    csl_file_encoding = c.Optional(c.Type(str))
    bib_dir = c.Optional(c.Type(str))


@dataclass
class Build:
    """Everything one build shares between events and with the extensions."""

    config: MkDocsConfig
    library: Library
    csl_json: Future[list[dict[str, Any]]]
    page: PageContext | None = None
    files: Files | None = None
    references_page: str | None = None  # the page holding the site-wide list
    cited_on: site.CitedOn = field(default_factory=dict)
    aside: dict[str, str] = field(default_factory=dict)  # page url -> its reference list, while search reads
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # CSL-JSON by key, for COinS
    made: dict[str, str] = field(default_factory=dict)  # each work's COinS
    error: type[Exception] = PluginError  # what the extensions raise, so MkDocs shows no traceback

    def shown(self, file: File) -> str:
        return shown_path(self.config, file)

    def url_of(self, path: str) -> str | None:
        found = self.files.get_file_from_path(path) if self.files is not None else None
        return found.url if found is not None else None

    def help_link(self, page: PageContext) -> str:
        return page.link_to(self.references_page, HELP_ANCHOR) if self.references_page else ""


def shown_path(config: MkDocsConfig, file: File | str) -> str:
    """A page's file as its author knows it, for messages: docs/x.md, or an organisation's
    local/x.md (`file` may also be a path inside the docs folder)."""
    base_dir = os.path.dirname(config.config_file_path)
    if isinstance(file, File) and file.abs_src_path:
        return os.path.relpath(file.abs_src_path, base_dir).replace(os.sep, "/")
    docs = os.path.relpath(config.docs_dir, base_dir).replace(os.sep, "/")
    return posixpath.join(docs, file.src_uri if isinstance(file, File) else file)


def extension_settings(config: MkDocsConfig) -> tuple[str | None, dict[str, Any]]:
    """The name under which mkdocs.yml lists the citations extension (or None), and its settings."""
    listed = next((name for name in EXTENSION_NAMES if name in config.markdown_extensions), None)
    return listed, dict(config.mdx_configs.get(listed, {})) if listed else {}


def bib_path(config: MkDocsConfig) -> str:
    """The absolute path of the .bib a site's config names: the plugin's `bib_file`, else the
    citations extension's, else references.bib beside the config file."""
    plugin = config.plugins.get("citations") or config.plugins.get("bibtex")
    settings = extension_settings(config)[1]
    bib = (plugin.config.bib_file if plugin is not None else None) or settings.get("bib_file") or "references.bib"
    return os.path.normpath(os.path.join(os.path.dirname(config.config_file_path), bib))


def snippet_reader(config: MkDocsConfig) -> Callable[[str], str]:
    """A function giving a page's Markdown with the files it includes with pymdownx.snippets
    (`--8<-- "includes/x.md"`) inserted by that extension's own code and settings (its
    auto_append aside), so that the citations of an included file are checked and formatted
    with the site's. Made once per build; the identity where the site has no snippets."""
    if "pymdownx.snippets" not in config.markdown_extensions:
        return lambda markdown: markdown
    settings = {name: value for name, value in config.mdx_configs.get("pymdownx.snippets", {}).items()
                if name != "auto_append"}
    snippets = markdown_lib.Markdown(extensions=["pymdownx.snippets"],
                                     extension_configs={"pymdownx.snippets": settings}).preprocessors["snippet"]

    def read(markdown: str) -> str:
        return "\n".join(snippets.run(markdown.split("\n"))) if "8<" in markdown else markdown

    return read


class CitationsPlugin(BasePlugin[CitationsConfig]):
    """Site-wide citation work around the `markdown_citations` Markdown extensions."""

    build: Build | None = None

    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.config.enable_inline_citations:
            raise PluginError("mkdocs.yml: set 'enable_inline_citations: false' (a bare @word is never a "
                              "citation here; write [@key])")
        if self.config.bib_dir:
            raise PluginError("mkdocs.yml: 'bib_dir' is not supported: name one file with 'bib_file'")
        base_dir = os.path.dirname(config.config_file_path)
        listed, settings = extension_settings(config)
        path = bib_path(config)
        shown = os.path.relpath(path, base_dir).replace(os.sep, "/")
        csl = self.config.csl_file or settings.get("csl_file") or None
        cache = Path(base_dir).resolve() / self.config.cache_dir
        try:
            library = Library.open(path, os.path.join(base_dir, csl) if csl else None, cache, shown=shown,
                                   key_convention=self.config.key_convention)
        except FileNotFoundError:
            raise PluginError(f"{shown}: file not found (mkdocs.yml names it as bib_file)") from None
        except bibliography.BibError as error:
            raise PluginError(f"references are not valid, fix these and build again:\n{error}") from None
        pool = ThreadPoolExecutor(max_workers=1)
        converted = pool.submit(formats.csl_items, path, cache)
        pool.shutdown(wait=False)  # on_files waits for it: it overlaps the citations' pandoc run
        build = self.build = Build(config, library, converted)
        self._wire_extensions(config, listed, settings, build)
        return config

    def _wire_extensions(self, config: MkDocsConfig, listed: str | None, settings: dict[str, Any],
                         build: Build) -> None:
        """Hand the build to the extensions: replace their names in the list by instances."""
        names = config.markdown_extensions
        if "footnotes" not in names:
            raise PluginError("mkdocs.yml: citations need the footnotes Markdown extension "
                              "(add 'footnotes' under markdown_extensions)")
        extension = CitationsExtension(**{**settings, "site": build})
        if listed:
            names[names.index(listed)] = extension  # type: ignore[call-overload]
            config.mdx_configs.pop(listed, None)
        else:
            names.insert(names.index("footnotes") + 1, extension)  # type: ignore[arg-type]
        for name in GLOSSARY_NAMES:
            if name in names:
                options = dict(config.mdx_configs.pop(name, {}))
                page = options.get("page", glossary.GLOSSARY)
                options.update(site=build, glossary_file=os.path.join(config.docs_dir, page))
                names[names.index(name)] = glossary.GlossaryExtension(**options)  # type: ignore[call-overload]

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        build = self._build()
        build.files = files
        library = build.library
        self._check_glossary(config, files)
        blocks: list[str] = []
        problems: list[str] = []
        with_snippets = snippet_reader(config)
        for file in files.documentation_pages():
            text = file.content_string
            found, trouble = library.check_keys(build.shown(file), text)
            included = with_snippets(text)
            if included != text and not trouble:
                found, trouble = library.check_keys(f"{build.shown(file)} (with the files it includes)", included)
            blocks.extend(block.text for block in found)
            problems.extend(trouble)
            meta = get_data(text)[1]
            trouble = source_problems(build.shown(file), meta, text, library.keys)
            problems.extend(trouble)
            if meta.get("source") and not trouble:
                blocks.append(f"[-@{meta['source']}]")
            if site.ALL_REFERENCES_MARKER in text or self._full_command(text):
                build.references_page = file.src_uri
        if problems:
            raise PluginError("citations that do not resolve, fix these and build again:\n" + "\n".join(problems))
        library.prepare(blocks)
        try:
            items = build.csl_json.result()
        except (RuntimeError, OSError, ValueError) as error:
            raise PluginError(f"{library.bib.path.name}: pandoc could not convert it to CSL-JSON: {error}") from None
        build.items = {item["id"]: item for item in items}
        for name, content in ((CSL_JSON_NAME, formats.csl_json_text(items)), (RIS_NAME, formats.ris_text(items))):
            if files.get_file_from_path(name) is None:
                files.append(File.generated(config, name, content=content))
        name = library.bib_path.name
        if files.get_file_from_path(name) is None:
            files.append(File.generated(config, name, abs_src_path=str(library.bib_path)))
        return files

    def _check_glossary(self, config: MkDocsConfig, files: Files) -> None:
        wired = [ext for ext in config.markdown_extensions if isinstance(ext, glossary.GlossaryExtension)]
        for extension in wired:
            page = extension.getConfig("page")
            file = files.get_file_from_path(page)
            if file is None:
                continue
            missing = [name for name in ("def_list", "attr_list") if name not in config.markdown_extensions]
            if missing:
                raise PluginError(f"mkdocs.yml: the glossary needs the Markdown extensions {', '.join(missing)}")
            _, problems = glossary.parse(file.content_string, shown_path(config, file))
            if problems:
                raise PluginError("glossary entries to fix:\n" + "\n".join(problems))

    def _full_command(self, text: str) -> bool:
        return any(line.strip() == self.config.full_bib_command for line in text.splitlines())

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        build = self._build()
        build.page = PageContext(path=page.file.src_uri, url=page.url, meta=page.meta,
                                 shown=build.shown(page.file), url_of=build.url_of)
        lines = [site.ALL_REFERENCES_MARKER if line.strip() == self.config.full_bib_command else line
                 for line in markdown.split("\n") if line.strip() != self.config.bib_command]
        return "\n".join(lines)

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        build = self._build()
        build.page = None
        # The ids sit in raw HTML, which MkDocs does not scan: tell its anchor check they exist.
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.update(site.citation_ids(html))
        site.record_citations(html, page.url, page.title or "", build.cited_on)
        return html

    @event_priority(50)
    def _fill_all_references(self, context: dict[str, Any], page: Page, config: MkDocsConfig,
                             nav: Any) -> dict[str, Any]:
        if page.content and site.ALL_REFERENCES_MARKER in page.content:
            build = self._build()

            def link(url: str, anchor: str) -> str:
                relative = get_relative_url(url, page.url)
                return (relative + "/" if relative.endswith("..") else relative) + (f"#{anchor}" if anchor else "")

            page.content = page.content.replace(
                site.ALL_REFERENCES_MARKER, site.all_references_html(build.library, build.cited_on, link))
        return context

    @event_priority(40)
    def _add_coins(self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        if page.content and coins.pages_with_coins(page.content):
            build = self._build()
            language = (config.extra or {}).get("content_language") or "en-GB"
            itself = coins.page_context_object(page.title or "", page.meta, config.site_author or "",
                                               config.site_name, page.canonical_url or "", language)
            page.content = coins.span(itself) + coins.add_coins(page.content, build.items, build.made)
        return context

    @event_priority(10)
    def _set_references_aside(self, context: dict[str, Any], page: Page, config: MkDocsConfig,
                              nav: Any) -> dict[str, Any]:
        if page.content:
            page.content, self._build().aside[page.url] = site.set_aside(page.content)
        return context

    @event_priority(-10)
    def _put_references_back(self, context: dict[str, Any], page: Page, config: MkDocsConfig,
                             nav: Any) -> dict[str, Any]:
        if page.content:
            page.content = site.put_back(page.content, self._build().aside.pop(page.url, ""))
        return context

    on_page_context = CombinedEvent(_fill_all_references, _add_coins, _set_references_aside, _put_references_back)

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        problems = site.unresolved(output)
        if problems:
            raise PluginError(f"{self._build().shown(page.file)}: the built page still holds unresolved "
                              f"citations {sorted(set(problems))[:5]}")
        return output

    def _build(self) -> Build:
        if self.build is None:
            raise PluginError("the citations plugin has not been configured (on_config did not run)")
        return self.build

