"""MkDocs hook: exact, linked, fail-closed citations on top of mkdocs-bibtex.

When it runs, and what it does:

* `on_files` (after every `on_config`): reads every page's Markdown once, finds each citation
  outside code (see `citation_syntax`), and stops the build on an unknown key with
  ``docs/page.md:LINE: unknown citation key 'seikula2008' (did you mean 'seikkula2008'?)``.
  Then it formats all the site's citations in ONE pandoc run and pre-fills mkdocs-bibtex's
  registry with the results, so mkdocs-bibtex starts no pandoc process per page. The
  registry lives as long as `references.bib` is unchanged, so `mkdocs serve` rebuilds reuse it.
* `on_page_markdown`, priority 50 (before mkdocs-bibtex): hides every "@" that is not a
  citation (code, e-mail addresses), so mkdocs-bibtex leaves them exactly as written.
* `on_page_markdown`, priority -50 (after mkdocs-bibtex): puts the "@" back, and gathers the
  footnotes mkdocs-bibtex wrote into a "References" section in APA (alphabetical) order,
  with a note on each incomplete record.
* `on_page_content`: makes each author-date citation the link to its reference (Material
  shows the reference on hover and on keyboard focus) in place of a separate footnote
  number, and records which page sections cite which work.
* `on_page_context`, priority 50 (before search indexes the page): fills the site-wide
  list on the page holding ``<!-- references:all -->``, with "Cited on" links.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import os
import posixpath
import re
import sys
from pathlib import Path
from typing import Any

import pypandoc

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
_CITATION = re.compile(
    r'(?P<span><span class="citation" data-cites="[^"]*">.*?</span>)'
    r'(?P<markers>(?:\s*<sup id="fnref\d*:[^"]+"><a class="footnote-ref" href="#fn:[^"]+">\d+</a></sup>)+)',
    re.DOTALL,
)
_MARKER = re.compile(r'<sup id="(?P<id>fnref\d*:(?P<key>[^"]+))"><a class="footnote-ref" href="#fn:[^"]+">\d+</a></sup>')
_HEADING_OR_CITE = re.compile(r'<h(?P<level>[1-6]) id="(?P<id>[^"]+)"[^>]*>(?P<title>.*?)</h(?P=level)>|<a (?:id="[^"]*" )?href="#fn:(?P<key>[^"]+)" class="footnote-ref"')

_state: dict[str, str | None] = {}  # per build: the page that lists every reference
# Which page sections cite which key: key -> {(page url, anchor): "Page title › Section"}.
_cited_on: dict[str, dict[tuple[str, str], str]] = {}


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
        found, trouble = check_keys(_shown_path(config, file), file.content_string, known)
        blocks.extend(block.text for block in found)
        problems.extend(trouble)
    if problems:
        raise PluginError("citations that do not resolve, fix these and build again:\n" + "\n".join(problems))
    prefill(registry, bib_check.bib_path(config), blocks,
            Path(os.path.dirname(config.config_file_path)) / ".cache" / "citations")
    _cited_on.clear()
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
    setting = os.environ.get("POD_CITATION_CACHE", "")
    if setting == "off" or cache_dir is None:
        return None
    digest = hashlib.sha256()
    for part in (Path(bib_path).read_bytes(), Path(registry.csl_file).read_bytes(),
                 pypandoc.get_pandoc_version().encode(), Path(bibliography.__file__).read_bytes()):
        digest.update(hashlib.sha256(part).digest())
    return Path(setting or cache_dir) / f"citations-{digest.hexdigest()[:20]}.json"


@event_priority(50)
def _hide_non_citations(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    try:
        return mask_at_signs(markdown, find_citations(markdown))
    except (CitationSyntaxError, ValueError) as error:
        raise PluginError(f"{_shown_path(config, page.file)}: {error}") from None


@event_priority(-50)
def _references_section(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    markdown = unmask_at_signs(markdown)
    registry = _registry(config)
    definitions = {m.group("key"): m.group("text") for m in _FOOTNOTE_DEFINITION.finditer(markdown)
                   if m.group("key") in registry._reference_cache}
    if not definitions:
        return markdown
    markdown = _FOOTNOTE_DEFINITION.sub(lambda m: "" if m.group("key") in definitions else m.group(0), markdown)
    order = {key: number for number, key in enumerate(registry.apa_order)}
    help_link = _help_link(page)
    lines = [f"[^{key}]: {text}{record_note(registry, key, help_link)}"
             for key, text in sorted(definitions.items(), key=lambda item: order.get(item[0], len(order)))]
    # Out of the search index (the References page lists every work, searchable): a reader
    # searches for "attunement", not for the journal names repeated on every citing page.
    return (markdown.rstrip() + f"\n\n## {REFERENCES_HEADING} {{ data-search-exclude }}\n\n///Footnotes Go Here///\n\n"
            + "\n".join(lines) + "\n")


on_page_markdown = CombinedEvent(_hide_non_citations, _references_section)


def _help_link(page: Page) -> str:
    target = _state.get("references_page")
    if target is None:
        return ""
    path = posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")
    return f"{path}#{HELP_ANCHOR}"


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


def merge_markers(content: str) -> str:
    """Replace "(Author, 2008)<sup>1</sup>" by one link per author-date piece, ids included."""

    def merge(match: re.Match[str]) -> str:
        span = match.group("span")
        for marker in _MARKER.finditer(match.group("markers")):
            anchor = f'<a href="#fn:{marker.group("key")}" class="footnote-ref"'
            span = span.replace(anchor, f'<a id="{marker.group("id")}" href="#fn:{marker.group("key")}" class="footnote-ref"', 1)
        return span

    return _CITATION.sub(merge, content)


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    content = merge_markers(content)
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
def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    if page.content and ALL_REFERENCES_MARKER in page.content:
        page.content = page.content.replace(ALL_REFERENCES_MARKER, all_references_html(_registry(config), page))
    return context


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
