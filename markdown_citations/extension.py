"""The Python-Markdown extension that turns Pandoc-style citations into linked author-date
text and ends the page with its References, inside one Markdown run.

Built like Python-Markdown's own `footnotes` extension, whose HTML it writes (its `fn:KEY`
and `fnref:KEY` ids, back-links and settings), so that Material shows each reference on
hover and on focus. Its state is one `PageCitations`, reset for every page. In order:

| Step | Kind | Priority | Why there |
|---|---|---|---|
| `CitationPreprocessor` | preprocessor | 28 | after `pymdownx.snippets` (32), so included text is cited too; before fenced code (25) and raw HTML (20) are stashed. Adds the declared-source note, checks every key, replaces each citation by a placeholder word and appends the References heading and its placeholder. |
| `CitationPattern` | inline pattern | 176 | just ahead of footnote markers (175): author-date links get their `fnref` ids in the order Python-Markdown would have given the markers. |
| `ReferencesList` | tree processor | 17 | after the inline patterns (every citation counted), before `attr_list` and `abbr`, which treat the references as they treat footnotes. |
| `LeftoverCheck` | postprocessor | 1 | last: a placeholder in code (an indented code block) becomes the citation's text again; one anywhere else sat in raw HTML, where Markdown does not run, and the page stops with the citation and its line. |

Configuration: `bib_file` and `csl_file` (as mkdocs-bibtex named them; the style defaults to
APA 7th edition), `cache_dir`, `references_page` (where readers learn how to complete a
record) and `site` (what a builder's plugin hands over: the library it prepared and the
page being rendered; see `context.py`).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FN_BACKLINK_TEXT, NBSP_PLACEHOLDER, FootnoteExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from . import bibliography
from .context import PageContext, find_context
from .library import HELP_ANCHOR, Library, suggestion
from .syntax import CitationBlock, CitationSyntaxError, find_citations

REFERENCES_HEADING = "References"
SOURCE_FIELD = "source"
SOURCE_NOTE = "This page summarises {names} [-@{key}] unless another source is named.\n{{: .page-source }}\n"
CITE_WORD = "zqcite{}zq"  # one citation; a plain word no Markdown pattern or abbreviation touches
REFERENCES_WORD = "zqrefs{}zq"  # the page's reference list
_CITE_WORD = re.compile(r"zqcite(\d+)zq")
_REFERENCES_WORD = re.compile(r"zqrefs(\d+)zq")
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")
_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)


class CitationError(ValueError):
    """A citation that cannot be resolved, with where it is and what to do."""


class Site(Protocol):
    """What a builder's plugin hands the extension."""

    library: Library
    page: PageContext | None


@dataclass(frozen=True)
class Placed:
    """One citation replaced by its placeholder word: its author-date HTML and the keys it cites."""

    html: str
    keys: tuple[str, ...]
    text: str
    line: int


@dataclass
class PageCitations:
    """What one page's Markdown run has found and placed (reset for every page)."""

    placed: list[Placed] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # in order of first citation
    cited: dict[str, int] = field(default_factory=dict)  # how often each key was linked (fnref ids)
    help_link: str = ""

    def reset(self) -> None:
        self.placed.clear()
        self.keys.clear()
        self.cited.clear()
        self.help_link = ""


def source_note(markdown_text: str, key: str, library: Library) -> str:
    """The page's Markdown with the declared-source note under its title."""
    lines = markdown_text.split("\n")
    names = bibliography.author_names(library.bib.entries[key])
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "\n".join(lines[:at] + ["", SOURCE_NOTE.format(names=names, key=key)] + lines[at:])


def source_problems(where: str, meta: Mapping[str, Any], text: str, known: set[str]) -> list[str]:
    """A declared `source:` that the .bib lacks, as 'path:line: what to do'."""
    key = meta.get(SOURCE_FIELD)
    if key is None:
        return []
    if isinstance(key, str) and key in known:
        return []
    line = next((n for n, row in enumerate(text.splitlines(), 1) if re.match(rf"{SOURCE_FIELD}\s*:", row)), 1)
    close = suggestion(str(key), known)
    hint = f"did you mean '{close}'?" if close else "add the work to references.bib or fix the key"
    return [f"{where}:{line}: front matter '{SOURCE_FIELD}: {key}' is not a key in references.bib ({hint})"]


class CitationPreprocessor(Preprocessor):
    """Citations -> placeholder words; the References heading and placeholder at the end."""

    def __init__(self, md: markdown.Markdown, extension: CitationsExtension, state: PageCitations) -> None:
        super().__init__(md)
        self.extension = extension
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        self.state.reset()
        library = self.extension.library(self.md)
        page = find_context(self.md, self.extension.getConfig("site") or None)
        where = page.shown if page and page.shown else "this page"
        text = "\n".join(lines)
        if _CITE_WORD.search(text) or _REFERENCES_WORD.search(text):
            raise self.extension.error(f"{where}: the page contains a word such as 'zqcite1zq' or 'zqrefs1zq', "
                                       "which the citations extension reserves")
        source = page.meta.get(SOURCE_FIELD) if page else None
        if source:
            problems = source_problems(where, page.meta, text, library.keys)  # type: ignore[union-attr]
            if problems:
                raise self.extension.error("\n".join(problems))
            text = source_note(text, str(source), library)
        try:
            blocks = find_citations(text)
        except CitationSyntaxError as error:
            raise self.extension.error(f"{where}: {error}") from None
        unknown = [f"{where}: line {block.line} of the page's Markdown: unknown citation key '{key}'"
                   + (f" (did you mean '{close}'?)" if (close := suggestion(key, library.keys)) else "")
                   for block in blocks for key in block.keys if key not in library.keys]
        if unknown:
            raise self.extension.error("\n".join(unknown))
        library.prepare([block.text for block in blocks])
        text = self.place(text, blocks, library)
        if not self.state.keys:
            return text.split("\n")
        if page is not None:
            self.state.help_link = self.extension.help_link(page)
        # Out of the search index (the References page lists every work, searchable).
        text = (text.rstrip() + f"\n\n## {REFERENCES_HEADING} {{ data-search-exclude }}\n\n"
                + REFERENCES_WORD.format(0) + "\n")
        return text.split("\n")

    def place(self, text: str, blocks: list[CitationBlock], library: Library) -> str:
        """Each citation -> a placeholder word; the page's keys in order of first citation."""
        placed: list[tuple[int, Placed]] = []
        for block in reversed(blocks):
            item = Placed(library.inline[block.text], tuple(k for k in block.keys if k in library.references),
                          block.text, block.line)
            placed.append((block.start, item))
            self.state.placed.append(item)
            text = text[:block.start] + CITE_WORD.format(len(self.state.placed) - 1) + text[block.end:]
        for block in blocks:
            self.state.keys.extend(key for key in block.keys if key not in self.state.keys)
        return text


class CitationPattern(InlineProcessor):
    """A placeholder word -> the citation's author-date HTML, each link carrying the id the
    footnotes extension would have given the marker (fnref:key, fnref2:key, ...)."""

    def __init__(self, md: markdown.Markdown, state: PageCitations, footnotes: FootnoteExtension) -> None:
        super().__init__(_CITE_WORD.pattern, md)
        self.state = state
        self.footnotes = footnotes

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # type: ignore[override]
        placed = self.state.placed[int(m.group(1))]
        separator = self.footnotes.get_separator()
        span = placed.html
        for key in placed.keys:
            count = self.state.cited[key] = self.state.cited.get(key, 0) + 1
            ref = f"fnref{count if count > 1 else ''}{separator}{key}"
            anchor = f'<a href="#fn{separator}{key}" class="footnote-ref"'
            span = span.replace(anchor, f'<a id="{ref}" href="#fn{separator}{key}" class="footnote-ref"', 1)
        pieces = _TAG_OR_ENTITY.split(span)
        return "".join(piece if i % 2 == 0 else self.md.htmlStash.store(piece) for i, piece in enumerate(pieces)), \
            m.start(0), m.end(0)


class ReferencesList(Treeprocessor):
    """The References placeholder paragraph -> the list the footnotes extension would have made:
    <div class="footnote"><hr><ol><li id="fn:key"><p>reference&#160;back-links</p></li>..."""

    def __init__(self, md: markdown.Markdown, extension: CitationsExtension, state: PageCitations,
                 footnotes: FootnoteExtension) -> None:
        super().__init__(md)
        self.extension = extension
        self.state = state
        self.footnotes = footnotes

    def run(self, root: etree.Element) -> None:
        if not self.state.keys:
            return
        for parent in list(root.iter()):
            for position, child in enumerate(list(parent)):
                if child.tag == "p" and not len(child) and _REFERENCES_WORD.fullmatch((child.text or "").strip()):
                    parent.remove(child)
                    parent.insert(position, self.footnote_list(child.tail))

    def footnote_list(self, tail: str | None) -> etree.Element:
        library = self.extension.library(self.md)
        separator = self.footnotes.get_separator()
        title = self.footnotes.getConfig("BACKLINK_TITLE")
        order = {key: number for number, key in enumerate(library.order)}
        # A work cited only in code (left as written there) is not listed.
        keys = sorted((k for k in self.state.keys if k in library.references and self.state.cited.get(k)),
                      key=lambda k: order.get(k, len(order)))
        div = etree.Element("div", {"class": "footnote"})
        div.tail = tail
        etree.SubElement(div, "hr")
        ol = etree.SubElement(div, "ol")
        for index, key in enumerate(keys, start=1):
            pieces = library.reference_pieces(key, self.state.help_link)
            item = etree.SubElement(ol, "li", {"id": f"fn{separator}{key}"})
            paragraph = etree.SubElement(item, "p")
            paragraph.text = "".join(piece if i % 2 == 0 else self.md.htmlStash.store(piece)
                                     for i, piece in enumerate(pieces)) + NBSP_PLACEHOLDER
            for count in range(1, max(1, self.state.cited.get(key, 0)) + 1):
                backlink = etree.SubElement(paragraph, "a", {
                    "href": f"#fnref{count if count > 1 else ''}{separator}{key}",
                    "class": "footnote-backref", "aria-label": title.format(index)})
                backlink.text = FN_BACKLINK_TEXT
        return div


class LeftoverCheck(Postprocessor):
    """A placeholder left in code (an indented code block, which Markdown keeps as written)
    becomes the citation's own text again; one left anywhere else sat in raw HTML, where
    Markdown does not run, and stops the page with the citation and its line."""

    def __init__(self, md: markdown.Markdown, extension: CitationsExtension, state: PageCitations) -> None:
        super().__init__(md)
        self.extension = extension
        self.state = state

    def run(self, text: str) -> str:
        text = _CODE.sub(lambda code: _CITE_WORD.sub(
            lambda m: html.escape(self.state.placed[int(m.group(1))].text, quote=False), code.group(0)), text)
        left = [self.state.placed[int(n)] for n in _CITE_WORD.findall(text)]
        if left or _REFERENCES_WORD.search(text):
            page = find_context(self.md, self.extension.getConfig("site") or None)
            where = page.shown if page and page.shown else "this page"
            what = ", ".join(f"{item.text} (line {item.line} of the page's Markdown)" for item in left) or "References"
            raise self.extension.error(f"{where}: {what} sits inside raw HTML, where Markdown does not run: "
                                       "move it out of the HTML block, or add markdown=\"1\" to the block")
        return text


class CitationsExtension(Extension):
    """Pandoc-style citations -> APA author-date links and a References list, per page."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "bib_file": ["references.bib", "The .bib file (relative paths from the working folder)"],
            "csl_file": ["", "A CSL style file; empty for APA 7th edition"],
            "cache_dir": [".cache/citations", "Where formatted citations are kept between builds; empty for none"],
            "references_page": ["references.md", "The page that says how to help complete a record"],
            "site": ["", "Set by a builder's plugin: the prepared library and the page being rendered"],
        }
        super().__init__(**kwargs)
        self.state = PageCitations()

    @property
    def error(self) -> type[Exception]:
        """What a problem is raised as: the builder's own error where its plugin says (so that
        MkDocs names the page without a traceback), else CitationError."""
        return getattr(self.getConfig("site") or None, "error", None) or CitationError

    def library(self, md: markdown.Markdown | None = None) -> Library:
        site = self.getConfig("site") or None
        if site is not None:
            return site.library
        try:
            return Library.open(self.getConfig("bib_file"), self.getConfig("csl_file") or None,
                                self.getConfig("cache_dir") or None)
        except bibliography.BibError as error:
            raise CitationError(f"references are not valid, fix these and build again:\n{error}") from None

    def help_link(self, page: PageContext) -> str:
        """The link from `page` to where readers learn how to help complete a record."""
        site = self.getConfig("site") or None
        own = getattr(site, "help_link", None)
        if own is not None:
            return own(page)
        return page.link_to(self.getConfig("references_page"), HELP_ANCHOR)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        footnotes = next((ext for ext in md.registeredExtensions if isinstance(ext, FootnoteExtension)), None)
        if footnotes is None:
            raise CitationError("citations need the footnotes Markdown extension, listed before them "
                                "(add 'footnotes' under markdown_extensions)")
        if footnotes.getConfig("UNIQUE_IDS") or not footnotes.getConfig("USE_DEFINITION_ORDER"):
            raise CitationError("citations support the footnotes extension's default UNIQUE_IDS (false) "
                                "and USE_DEFINITION_ORDER (true) only")
        md.registerExtension(self)
        state = self.state = PageCitations()
        md.preprocessors.register(CitationPreprocessor(md, self, state), "citations", 28)
        md.inlinePatterns.register(CitationPattern(md, state, footnotes), "citation", 176)
        md.treeprocessors.register(ReferencesList(md, self, state, footnotes), "citation-references", 17)
        md.postprocessors.register(LeftoverCheck(md, self, state), "citation-leftovers", 1)

    def reset(self) -> None:
        self.state.reset()


def makeExtension(**kwargs: Any) -> CitationsExtension:  # noqa: N802 (Python-Markdown's name)
    return CitationsExtension(**kwargs)
