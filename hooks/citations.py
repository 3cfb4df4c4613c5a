"""MkDocs hook: exact, linked, fail-closed citations on top of mkdocs-bibtex.

When it runs, and what it does:

* `on_files` (after every `on_config`): reads every page's Markdown once, finds each citation
  outside code (see `citation_syntax`), and stops the build on an unknown key with
  ``docs/page.md:LINE: unknown citation key 'seikula2008' (did you mean 'seikkula2008'?)``.
  Then it formats all the site's citations together (one pandoc run per processor, side by
  side: `bibliography.format_citations`) and pre-fills mkdocs-bibtex's registry with the
  results, so mkdocs-bibtex starts no pandoc process per page. The registry lives as long as
  `references.bib` is unchanged, so `mkdocs serve` rebuilds reuse it.
* `on_config`: adds this module's small Python-Markdown extension (`CitationExtension`) after
  the site's extensions (it reads the footnotes extension's settings).
* `on_page_markdown`, priority 50 (before mkdocs-bibtex): hides every "@" that is not a
  citation (code, e-mail addresses), so mkdocs-bibtex leaves them exactly as written, and
  replaces each citation by a placeholder word (``zqcite7zq``) standing for its formatted
  author-date HTML and the footnote markers mkdocs-bibtex would have written after it.
* `on_page_markdown`, priority -50 (after mkdocs-bibtex): puts the "@" back, and ends the page
  with a "References" heading and one placeholder paragraph (``zqrefs3zq``) for the page's
  works in APA (alphabetical) order, with a note on each incomplete record. Each reference is
  rendered to HTML by Python-Markdown once per build, not once per page (`reference_pieces`).
* Inside Python-Markdown (`CitationExtension`): an inline pattern (priority 176, just ahead of
  the footnote markers' 175) puts each citation's HTML in place of its word, its author-date
  links carrying the ids the footnote markers had (fnref:key, fnref2:key, in Python-Markdown's
  order); a tree processor (priority 17, after the inline patterns, before attr_list and abbr)
  puts the footnotes extension's list (``<div class="footnote">``, ``fn:key`` ids, back-links
  named by its BACKLINK_TITLE) in place of the References paragraph. Python-Markdown thus
  never parses a footnote marker or definition, and the HTML is the same as when it did,
  except that a back-link's name is its `aria-label`, not a `title`: screen readers say
  "Back to where this is cited" instead of the arrow's name, and Material, which mounts a
  tooltip on every element with a title (`content.tooltips`), has 70 fewer to start on the
  glossary (its blocking time as the page opens fell by about a sixth: README, Performance).
* `on_page_content` (priority 0, before hooks/glossary_terms.py at -10 and hooks/coins.py's
  `on_page_context` see the HTML): a placeholder Markdown did not reach (in code, or in raw HTML) becomes what
  mkdocs-bibtex would have written there; tells MkDocs' anchor check about the ids in the
  citations; records which page sections cite which work.
* `on_page_context`, priority 50 (before search indexes the page): fills the site-wide
  list on the page holding ``<!-- references:all -->``, with "Cited on" links.
* `on_page_context`, priorities 10 and -10 (around the search plugin, at 0, and after
  hooks/coins.py, at 40): sets each page's reference list aside while search reads the page
  (the section is `data-search-exclude`: left out of the index, but parsed all the same), then
  puts it back where it was.
"""

from __future__ import annotations

import difflib
import html
import json
import os
import posixpath
import re
import sys
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown as python_markdown
import pypandoc
from markdown.extensions import Extension
from markdown.extensions.footnotes import FN_BACKLINK_TEXT, NBSP_PLACEHOLDER
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

sys.path.insert(0, os.path.dirname(__file__))
import bib_check  # noqa: E402
import bibliography  # noqa: E402
from citation_syntax import CitationBlock, CitationSyntaxError, find_citations, mask_at_signs, unmask_at_signs  # noqa: E402

ALL_REFERENCES_MARKER = "<!-- references:all -->"
HELP_ANCHOR = "help-complete-a-reference"
REFERENCES_HEADING = "References"
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^(?P<key>[^\]]+)\]: (?P<text>.*)$", re.MULTILINE)
_HEADING_OR_CITE = re.compile(r'<h(?P<level>[1-6]) id="(?P<id>[^"]+)"[^>]*>(?P<title>.*?)</h(?P=level)>|<a (?:id="[^"]*" )?href="#fn:(?P<key>[^"]+)" class="footnote-ref"')
# Placeholders: plain lower-case words that no Markdown pattern or abbreviation touches.
CITE_WORD = "zqcite{}zq"  # one citation (its author-date HTML and its footnote markers)
REFERENCES_WORD = "zqrefs{}zq"  # a page's reference list
_CITE_WORD = re.compile(r"zqcite(\d+)zq")
_REFERENCES_WORD = re.compile(r"zqrefs(\d+)zq")
_REF_ID = re.compile(r'<a id="(fnref\d*:[^"]+)" href="#fn:')
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")
_state: dict[str, str | None] = {}  # per build: the page that lists every reference
# Which page sections cite which key: key -> {(page url, anchor): "Page title › Section"}.
_cited_on: dict[str, dict[tuple[str, str], str]] = {}


@dataclass(frozen=True)
class Placed:
    """One citation replaced by its placeholder word: mkdocs-bibtex's author-date HTML and the
    keys it would have written as footnote markers after it."""

    html: str
    keys: tuple[str, ...]

    @property
    def markdown(self) -> str:
        """What mkdocs-bibtex would have written (shown where Markdown does not run: code)."""
        return self.html + " ".join(f"[^{key}]" for key in self.keys)


# Per build: the placeholders' contents (by number), each page's cited keys between the two
# on_page_markdown events, and each reference's HTML, rendered once per key and help link.
_placed: list[Placed] = []
_reference_lists: list[list[tuple[str, list[str]]]] = []
_page_keys: dict[str, list[str]] = {}
_rendered: dict[tuple[str, str], list[str]] = {}
_rendered_html: dict[tuple[str, str], str] = {}  # by key and help link (or HELP_WORD)
HELP_WORD = "zqhelpzq"  # stands for a page's help link while a reference is rendered
_reference_markdown = python_markdown.Markdown()  # renders references (reset before each)


def _registry(config: MkDocsConfig) -> Any:
    registry = config.plugins["bibtex"].registry
    if registry is None or not hasattr(registry, "_inline_cache"):
        raise PluginError("mkdocs-bibtex has no pandoc registry: is its csl_file set by hooks/bib_check.py?")
    return registry


def _shown_path(config: MkDocsConfig, file: File) -> str:
    """The page's file as its author knows it: docs/x.md, or an organisation's local/x.md."""
    base = os.path.dirname(config.config_file_path)
    if file.abs_src_path:
        return os.path.relpath(file.abs_src_path, base).replace(os.sep, "/")
    docs = os.path.relpath(config.docs_dir, base)
    return posixpath.join(docs.replace(os.sep, "/"), file.src_uri)


def check_keys(where: str, markdown: str, known: set[str]) -> tuple[list[CitationBlock], list[str]]:
    """Citation blocks of one page and the problems found, each as 'path:line: message'."""
    try:
        blocks = find_citations(markdown)
    except CitationSyntaxError as error:
        return [], [f"{where}:{error.line}: {error.problem} in '{error.text}'"]
    problems = []
    for block in blocks:
        for key in block.keys:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6) or \
                    [k for k in known if k.lower() == key.lower()]
                hint = f" (did you mean '{close[0]}'?)" if close else " (add it to references.bib or fix the key)"
                problems.append(f"{where}:{block.line}: unknown citation key '{key}'{hint}")
    return blocks, problems


def on_files(files: Files, config: MkDocsConfig) -> Files:
    registry = _registry(config)
    known = set(registry.bib_data.entries.keys())
    blocks: list[str] = []
    problems: list[str] = []
    for file in files.documentation_pages():
        where, text = _shown_path(config, file), file.content_string
        found, trouble = check_keys(where, text, known)
        with_includes = with_snippets(text, config)
        if with_includes != text and not trouble:
            found, trouble = check_keys(f"{where} (with the files it includes)", with_includes, known)
        blocks.extend(block.text for block in found)
        problems.extend(trouble)
    if problems:
        raise PluginError("citations that do not resolve, fix these and build again:\n" + "\n".join(problems))
    prefill(registry, bib_check.bib_path(config), blocks,
            bib_check.cache_dir(config))
    _cited_on.clear()
    _placed.clear()
    _reference_lists.clear()
    _page_keys.clear()
    _rendered.clear()
    _rendered_html.clear()
    _state["references_page"] = next(
        (f.src_uri for f in files.documentation_pages() if ALL_REFERENCES_MARKER in f.content_string), None)
    return files


def prefill(registry: Any, bib_path: str, blocks: list[str], cache_dir: Path | None = None) -> None:
    """Give the registry every block's text and every entry's reference, formatting only what
    neither it nor the on-disk cache already holds (so a rebuild formats nothing new)."""
    cache = _cache_file(registry, bib_path, cache_dir)
    if not getattr(registry, "apa_order", None) and cache and cache.is_file():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        registry._inline_cache.update(stored["inline"])
        registry._reference_cache.update(stored["references"])
        registry.apa_order = stored["order"]
    todo = [block for block in dict.fromkeys(blocks) if block not in registry._inline_cache]
    known = bool(getattr(registry, "apa_order", None))
    if not todo and known:
        return
    formatted = bibliography.format_citations(
        Path(bib_path), registry.csl_file, todo, dict(registry.bib_data.entries), every_work=not known)
    registry._inline_cache.update(formatted.inline)
    registry._reference_cache.update(formatted.references)
    if not known:
        registry.apa_order = formatted.order
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"inline": registry._inline_cache, "references": registry._reference_cache,
                                     "order": registry.apa_order}), encoding="utf-8")


def _cache_file(registry: Any, bib_path: str, cache_dir: Path | None) -> Path | None:
    """Where formatted citations are kept between builds, named by what they depend on:
    the .bib, the CSL style, pandoc's version and this code. POD_CITATION_CACHE=off disables it."""
    return bib_check.cache_file(cache_dir, "citations", [
        Path(bib_path).read_bytes(), Path(registry.csl_file).read_bytes(),
        pypandoc.get_pandoc_version().encode(), Path(bibliography.__file__).read_bytes()])


def with_snippets(markdown: str, config: MkDocsConfig) -> str:
    """`markdown` with the files it includes with pymdownx.snippets (`--8<-- "includes/x.md"`)
    already inserted, by that extension's own code and settings (its auto_append aside), so that
    a citation written in an included file is found and resolved like any other: the extension
    itself inserts them later, inside Python-Markdown, after the citations are placed."""
    if "pymdownx.snippets" not in config.markdown_extensions or "8<" not in markdown:
        return markdown
    settings = {name: value for name, value in config.mdx_configs.get("pymdownx.snippets", {}).items()
                if name != "auto_append"}
    md = python_markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": settings})
    return "\n".join(md.preprocessors["snippet"].run(markdown.split("\n")))


@event_priority(50)
def _hide_non_citations(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    markdown = with_snippets(markdown, config)
    try:
        blocks = find_citations(markdown)
        markdown = mask_at_signs(markdown, blocks)
    except (CitationSyntaxError, ValueError) as error:
        raise PluginError(f"{_shown_path(config, page.file)}: {error}") from None
    if _CITE_WORD.search(markdown) or _REFERENCES_WORD.search(markdown):
        raise PluginError(f"{_shown_path(config, page.file)}: the page contains a word such as 'zqcite1zq' or "
                          "'zqrefs1zq', which the citation hook reserves")
    return place_citations(markdown, blocks, _registry(config), _page_keys.setdefault(page.file.src_uri, []))


def place_citations(markdown: str, blocks: list[CitationBlock], registry: Any, keys: list[str]) -> str:
    """Replace each formatted citation block by a placeholder word (offsets hold: masking keeps
    lengths) and add its keys to `keys` in order of first citation. A block the registry has not
    formatted is left for mkdocs-bibtex, which leaves it raw, so `on_post_page` reports it."""
    for block in reversed(blocks):
        formatted = registry._inline_cache.get(block.text)
        if formatted is None:
            continue
        _placed.append(Placed(formatted, tuple(k for k in block.keys if k in registry._reference_cache)))
        markdown = markdown[:block.start] + CITE_WORD.format(len(_placed) - 1) + markdown[block.end:]
    for block in blocks:
        keys.extend(key for key in block.keys if key not in keys)
    return markdown


@event_priority(-50)
def _references_section(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    markdown = unmask_at_signs(markdown)
    registry = _registry(config)
    cited = _page_keys.pop(page.file.src_uri, [])
    # Definitions mkdocs-bibtex wrote (for blocks it formatted itself) join the list.
    cited += [m.group("key") for m in _FOOTNOTE_DEFINITION.finditer(markdown) if m.group("key") not in cited]
    keys = [key for key in cited if key in registry._reference_cache]
    if not keys:
        return markdown
    markdown = _FOOTNOTE_DEFINITION.sub(lambda m: "" if m.group("key") in keys else m.group(0), markdown)
    order = {key: number for number, key in enumerate(registry.apa_order)}
    help_link = _help_href(page, files)
    _reference_lists.append([(key, reference_pieces(registry, key, help_link))
                             for key in sorted(keys, key=lambda key: order.get(key, len(order)))])
    # Out of the search index (the References page lists every work, searchable): a reader
    # searches for "attunement", not for the journal names repeated on every citing page.
    return (markdown.rstrip() + f"\n\n## {REFERENCES_HEADING} {{ data-search-exclude }}\n\n"
            + REFERENCES_WORD.format(len(_reference_lists) - 1) + "\n")


on_page_markdown = CombinedEvent(_hide_non_citations, _references_section)


def _help_href(page: Page, files: Files) -> str:
    """The link from `page` to the help section of the References page, as MkDocs writes it."""
    target = _state.get("references_page")
    found = files.get_file_from_path(target) if target else None
    if found is None:
        return ""
    return f"{found.url_relative_to(page.file)}#{HELP_ANCHOR}"


def reference_pieces(registry: Any, key: str, help_link: str) -> list[str]:
    """A reference with its note as HTML, split into text (even indexes) and tags or entities
    (odd indexes). Rendered by Python-Markdown once per key in a build (the same reference is
    listed on many pages, with a help link relative to each); the page's own Markdown run then
    applies its abbreviations to the text pieces, as it did when each page rendered its footnotes."""
    cached = _rendered.get((key, help_link))
    if cached is None:
        # Rendered once per key with a stand-in help link, which each page's link then replaces
        # (help links are plain paths, written in HTML as they are; any other is rendered as is).
        plain = bool(help_link) and not any(c in help_link for c in '&<>"\'')
        rendered = _render_reference(registry, key, HELP_WORD if plain else help_link)
        if plain and rendered.count(HELP_WORD) == rendered.count(f'href="{HELP_WORD}"') <= 1:
            rendered = rendered.replace(f'href="{HELP_WORD}"', f'href="{help_link}"')
        elif plain:
            rendered = _render_reference(registry, key, help_link)
        cached = _rendered[(key, help_link)] = _TAG_OR_ENTITY.split(rendered[3:-4])
    return cached


def _render_reference(registry: Any, key: str, help_link: str) -> str:
    """A reference and its note as Python-Markdown renders them (once per key and help link)."""
    found = _rendered_html.get((key, help_link))
    if found is None:
        text = registry._reference_cache[key] + record_note(registry, key, help_link)
        found = _reference_markdown.reset().convert(text)
        if not (found.startswith("<p>") and found.endswith("</p>")) or re.search(r'href="[^"#]*\.md\b', found):
            raise PluginError(f"references.bib: the reference or x-note of '{key}' does not render as one "
                              f"paragraph without links to .md files: {found[:200]}")
        _rendered_html[(key, help_link)] = found
    return found


def record_note(registry: Any, key: str, help_link: str) -> str:
    """A reader-facing note for an incomplete or uncertain record, as Markdown."""
    fields = registry.bib_data.entries[key].fields
    note = " ".join(fields.get("x-note", "").split())
    if fields.get("x-status") == "incomplete":
        helper = f" [How you can help complete it]({help_link})" if help_link else ""
        return f' <span class="ref-note ref-incomplete"><strong>Details incomplete.</strong> {note}{helper}</span>'
    if note:
        return f' <span class="ref-note">{note}</span>'
    return ""


class _PageState:
    """What one page's Markdown run has placed: how often each key was cited (fnref ids)."""

    def __init__(self) -> None:
        self.cited: dict[str, int] = {}


class _CitationPattern(InlineProcessor):
    """A citation's placeholder word -> its author-date HTML, each author-date link carrying
    the id the footnotes extension gave the marker it replaces (fnref:key, fnref2:key, ...).
    Priority 176, just ahead of the footnote markers' 175, so ids are given in the very order
    Python-Markdown gave them to the markers (not always the document's order)."""

    def __init__(self, md: python_markdown.Markdown, state: _PageState, separator: str) -> None:
        super().__init__(_CITE_WORD.pattern, md)
        self.state = state
        self.separator = separator

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # type: ignore[override]
        placed = _placed[int(m.group(1))]
        span = placed.html
        for key in placed.keys:
            count = self.state.cited[key] = self.state.cited.get(key, 0) + 1
            ref = f"fnref{count if count > 1 else ''}{self.separator}{key}"
            anchor = f'<a href="#fn{self.separator}{key}" class="footnote-ref"'
            span = span.replace(anchor, f'<a id="{ref}" href="#fn{self.separator}{key}" class="footnote-ref"', 1)
        pieces = _TAG_OR_ENTITY.split(span)
        return "".join(piece if i % 2 == 0 else self.md.htmlStash.store(piece) for i, piece in enumerate(pieces)), \
            m.start(0), m.end(0)


class _ReferencesList(Treeprocessor):
    """The reference list's placeholder paragraph -> the list the footnotes extension would have
    made: <div class="footnote"><hr><ol><li id="fn:key"><p>reference&#160;back-links</p></li>...
    Priority 17: after the inline patterns (so every citation is counted), before attr_list
    and abbr, which treat the references' text as they treated the footnotes'."""

    def __init__(self, md: python_markdown.Markdown, state: _PageState, separator: str, title: str) -> None:
        super().__init__(md)
        self.state = state
        self.separator = separator
        self.title = title

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for position, child in enumerate(list(parent)):
                match = _REFERENCES_WORD.fullmatch(child.text or "") if child.tag == "p" and not len(child) else None
                if match:
                    parent.remove(child)
                    parent.insert(position, self.footnotes(_reference_lists[int(match.group(1))], child.tail))

    def footnotes(self, references: list[tuple[str, list[str]]], tail: str | None) -> etree.Element:
        div = etree.Element("div", {"class": "footnote"})
        div.tail = tail
        etree.SubElement(div, "hr")
        ol = etree.SubElement(div, "ol")
        for index, (key, pieces) in enumerate(references, start=1):
            item = etree.SubElement(ol, "li", {"id": f"fn{self.separator}{key}"})
            paragraph = etree.SubElement(item, "p")
            paragraph.text = "".join(piece if i % 2 == 0 else self.md.htmlStash.store(piece)
                                     for i, piece in enumerate(pieces)) + NBSP_PLACEHOLDER
            for count in range(1, max(1, self.state.cited.get(key, 0)) + 1):
                backlink = etree.SubElement(paragraph, "a", {
                    "href": f"#fnref{count if count > 1 else ''}{self.separator}{key}",
                    "class": "footnote-backref", "aria-label": self.title.format(index)})
                backlink.text = FN_BACKLINK_TEXT
        return div


class CitationExtension(Extension):
    """Python-Markdown side of the citations: the two placeholders above, on every page.
    Uses the footnotes extension's settings (separator, back-link name) and its postprocessor
    (which writes the back-link text and the non-breaking space)."""

    def extendMarkdown(self, md: python_markdown.Markdown) -> None:
        footnotes = next((ext for ext in md.registeredExtensions if type(ext).__name__ == "FootnoteExtension"), None)
        if footnotes is None:
            raise PluginError("mkdocs.yml: citations need the footnotes Markdown extension (add it under markdown_extensions)")
        if footnotes.getConfig("UNIQUE_IDS") or not footnotes.getConfig("USE_DEFINITION_ORDER"):
            raise PluginError("mkdocs.yml: the citation hook supports the footnotes extension's default "
                              "UNIQUE_IDS (false) and USE_DEFINITION_ORDER (true) only")
        separator = footnotes.get_separator()
        state = _PageState()
        md.inlinePatterns.register(_CitationPattern(md, state, separator), "pod-citation", 176)
        md.treeprocessors.register(_ReferencesList(md, state, separator, footnotes.getConfig("BACKLINK_TITLE")),
                                   "pod-references", 17)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # After the footnotes extension in the list, so its settings are read when a page is rendered.
    config.markdown_extensions.append(CitationExtension())  # type: ignore[arg-type]
    return config


def restore_leftovers(content: str) -> str:
    """Placeholders that Markdown did not process (in code, or in raw HTML where it does not
    run) become what mkdocs-bibtex would have written there: shown as text in code, and left
    raw elsewhere, where `on_post_page` reports the unresolved marker as before."""
    if "zqcite" not in content:
        return content

    def restore(match: re.Match[str], in_code: bool) -> str:
        text = _placed[int(match.group(1))].markdown
        return html.escape(text, quote=False) if in_code else text

    pieces = []
    position = 0
    for code in _CODE.finditer(content):
        pieces.append(_CITE_WORD.sub(lambda m: restore(m, False), content[position:code.start()]))
        pieces.append(_CITE_WORD.sub(lambda m: restore(m, True), code.group(0)))
        position = code.end()
    pieces.append(_CITE_WORD.sub(lambda m: restore(m, False), content[position:]))
    return "".join(pieces)


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if _REFERENCES_WORD.search(content):
        raise PluginError(f"{_shown_path(config, page.file)}: the References list was not placed (its "
                          "placeholder is inside a construct Markdown does not process)")
    content = restore_leftovers(content)
    # The ids sit in raw HTML, which MkDocs does not scan: tell its anchor check they exist,
    # as it knew when they were the footnote markers' ids.
    if page.present_anchor_ids is not None:
        page.present_anchor_ids.update(_REF_ID.findall(content))
    section = ("", "")
    for match in _HEADING_OR_CITE.finditer(content):
        if match.group("id"):
            title = html.unescape(re.sub(r"<[^>]+>", "", match.group("title"))).replace("¶", "").strip()
            section = (match.group("id"), title) if match.group("level") != "1" else ("", "")
        elif match.group("key"):
            label = page.title if not section[1] else f"{page.title} › {section[1]}"
            _cited_on.setdefault(match.group("key"), {})[(page.url, section[0])] = label
    return content


_UNRESOLVED = re.compile(r"\[-?@[\w-]+|\(\w[\w:.-]*\?\)|\[\^[^\]]+\]")
_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)


def unresolved(output: str) -> list[str]:
    """Raw citations, pandoc's "(key?)" or footnote markers left in a page's HTML outside code,
    and citation links whose reference is missing from the page."""
    text = _CODE.sub("", output)
    found = [match.group(0) for match in _UNRESOLVED.finditer(text)]
    ids = set(re.findall(r'id="(fn:[^"]+)"', output))
    found += [f"#{target}" for target in re.findall(r'href="#(fn:[^"]+)"', output) if target not in ids]
    return found


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    problems = unresolved(output)
    if problems:
        raise PluginError(f"{_shown_path(config, page.file)}: the built page still holds unresolved "
                          f"citations {sorted(set(problems))[:5]}; is the bibtex plugin enabled?")
    return output


@event_priority(50)
def _fill_all_references(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    if page.content and ALL_REFERENCES_MARKER in page.content:
        page.content = page.content.replace(ALL_REFERENCES_MARKER, all_references_html(_registry(config), page))
    return context


@event_priority(10)
def _set_references_aside(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    if page.content:
        page.content, _set_aside[page.url] = set_aside(page.content)
    return context


@event_priority(-10)
def _put_references_back(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    if page.content:
        page.content = page.content.replace(SET_ASIDE, _set_aside.pop(page.url, ""), 1)
    return context


on_page_context = CombinedEvent(_fill_all_references, _set_references_aside, _put_references_back)

SET_ASIDE = "<!-- references set aside while search reads the page -->"
_REFERENCES_LIST = re.compile(r'(<h2 data-search-exclude id="references">.*?</h2>\n)(<div class="footnote">\n<hr />\n<ol>\n.*?</ol>\n</div>)',
                              re.DOTALL)
_set_aside: dict[str, str] = {}  # page url -> its reference list, while search indexes the page


def set_aside(content: str) -> tuple[str, str]:
    """The page without its reference list (a marker in its place), and the list. The search
    plugin (priority 0) leaves the section out of its index (`data-search-exclude`) but still
    parses it; set aside after coins.py (40) has marked the references, put back after search."""
    match = _REFERENCES_LIST.search(content)
    if not match:
        return content, ""
    return content[:match.start(2)] + SET_ASIDE + content[match.end(2):], match.group(2)


def _link(url: str, anchor: str, page: Page) -> str:
    relative = get_relative_url(url, page.url)
    if relative.endswith(".."):
        relative += "/"
    return relative + (f"#{anchor}" if anchor else "")


def all_references_html(registry: Any, page: Page) -> str:
    """Every entry in APA order, each with its notes and the sections of the site that cite it."""
    items = []
    for key in registry.apa_order:
        note = record_note(registry, key, f"#{HELP_ANCHOR}")
        note = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', note)
        places = sorted(_cited_on.get(key, {}).items(), key=lambda item: item[1])
        if places:
            links = ", ".join(
                f'<a href="{html.escape(_link(url, anchor, page))}">{html.escape(label)}</a>' for (url, anchor), label in places
            )
            cited = f'<p class="cited-on">Cited on: {links}</p>'
        else:
            cited = '<p class="cited-on">Not yet cited on this site.</p>'
        items.append(f'<li id="ref-{key}" class="csl-entry"><p>{registry._reference_cache[key]}{note}</p>{cited}</li>')
    return '<ul class="references-all">\n' + "\n".join(items) + "\n</ul>"
