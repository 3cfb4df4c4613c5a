"""The Python-Markdown extension that explains every glossary term where a reader first
meets it on a page.

The glossary (docs/glossary.md) is the only list of terms: a definition list, each term on
its own line followed by `:   definition` lines; the first sentence (first line) of a
definition is its short definition. From that one file, and nothing kept by hand:

* on the glossary page (preprocessor, priority 27): each term gets a stable id, its headword
  as a slug (`#network-meeting`), so other pages can link to an entry;
* on every other page (postprocessor, priority 1, after raw HTML is restored): the first use
  of each term becomes a link to its entry, with the short definition as its `title`, except
  on the term's own page (the one its entry points to with "See [...](page.md)"). Material's
  tooltips (`content.tooltips`) show the title on hover and focus and tie it to the link with
  `aria-describedby`; docs/javascripts/tooltips.js closes it on Escape. Plurals and
  capitalised forms match, a longer term wins over a shorter one inside it, and nothing is
  marked inside headings, quotations, code, links, abbreviations or citations.

The page being rendered comes from `context.find_context`; without one (a builder that says
nothing of its pages) terms are left unmarked. `parse` is also what `make check` runs.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from .context import find_context
from .syntax import front_matter_length

GLOSSARY = "glossary.md"
CLASS = "glossary-term"
# Elements whose text is never marked: headings, quotations, code, links, abbreviations,
# definition terms, superscripts, and a few blocks by class (below).
SKIP_TAGS = {"a", "abbr", "blockquote", "q", "code", "pre", "kbd", "samp", "script", "style", "sup", "sub",
             "h1", "h2", "h3", "h4", "h5", "h6", "dt", "summary", "figcaption", "button", "svg", "label"}
# A vignette's content note (hooks/vignettes.py) stays plain text: a safety notice, read first.
SKIP_CLASSES = {"citation", "footnote", "admonition-title", "headerlink", "content-note", CLASS}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)([^>]*?)(/?)>", re.DOTALL)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”|&quot;.*?&quot;')
_CITATION = re.compile(r"\s*\[[^\]]*@[^\]]*\]")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_QUOTES = "\"“”"
_SEE = re.compile(r"\bSee \[[^\]]+\]\(([^)#\s]+\.md)\)")


@dataclass
class Term:
    """One glossary entry: its headword, where it is, its id and its short definition."""

    headword: str
    line: int
    short: str = ""
    forms: list[str] = field(default_factory=list)
    home: str = ""  # the page about this term ("See [Attunement](principles/attunement.md)"), not marked there

    @property
    def id(self) -> str:
        return slugify(self.headword, "-")


def short_definition(line: str) -> str:
    """The first sentence of a definition as plain text: citations, links and markup removed."""
    text = _LINK.sub(r"\1", _CITATION.sub("", line))
    text = re.sub(r"[*_`]", "", text)
    return " ".join(re.sub(r"\s+([.,;:!?])", r"\1", text).split())


def forms(headword: str) -> list[str]:
    """The ways a headword may appear in running text: "Reflecting conversation (reflecting
    team)" gives both names; "Recognition and misrecognition" gives each of the two as well."""
    main = re.sub(r"\s*\([^)]*\)", "", headword).strip()
    found = [main] + [inner.strip() for inner in re.findall(r"\(([^)]*)\)", headword)]
    if " and " in main:
        found += [part.strip() for part in main.split(" and ")]
    return list(dict.fromkeys(form for form in found if form))


def parse(markdown: str, where: str = "docs/glossary.md") -> tuple[list[Term], list[str]]:
    """The glossary's terms, and its problems as 'file:line: what to do'.

    `markdown` is the whole file (front matter included, so that line numbers are right).
    """
    lines = markdown.split("\n")
    body_start = front_matter_length(lines)
    terms: list[Term] = []
    problems: list[str] = []
    started = False
    for index in range(body_start, len(lines)):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if following.startswith(":"):
            started = True
            headword = re.sub(r"\s*\{[^}]*\}\s*$", "", line).strip()
            short = short_definition(following[1:])
            term = Term(headword, index + 1, short, forms(headword))
            terms.append(term)
            for definition in lines[index + 1:]:
                if not definition.startswith((":", " ", "\t")) or not definition.strip():
                    break
                see = _SEE.search(definition)
                term.home = see.group(1) if see else term.home
            if not short:
                problems.append(f"{where}:{index + 2}: '{headword}' has an empty definition: write its short "
                                "definition, one plain sentence, after ':   '")
        elif (started and line.strip() and not line.startswith((" ", "\t", ":", "#", "<", "*[", "{"))
              and not line.rstrip().endswith((".", "!", "?", ":")) and not lines[index - 1].strip()):
            problems.append(f"{where}:{index + 1}: '{line.strip()}' has no definition: on the next line, "
                            "write ':   ' and a short definition, one plain sentence")
    seen: dict[str, Term] = {}
    for term in terms:
        for form in term.forms:
            other = seen.setdefault(form.casefold(), term)
            if other is not term:
                problems.append(f"{where}:{term.line}: '{form}' is already a term at line {other.line}: "
                                "keep one entry")
    return terms, problems


def _pattern(form: str) -> str:
    """A regular expression for `form`, its plural and optional quotation marks around words."""
    words = form.replace("\u2019", "'").split()
    pieces = []
    for number, word in enumerate(words):
        bare = word.strip(_QUOTES)
        text = re.escape(bare)
        if number == len(words) - 1 and bare[-1:].isalpha():
            if bare.endswith("y") and not bare[-2:-1] in "aeiou":
                text = re.escape(bare[:-1]) + "(?:y|ies)"
            elif re.search(r"(s|x|z|ch|sh)$", bare):
                text += "(?:es)?"
            else:
                text += "s?"
        quote = "(?:[\"“”]|&quot;)?"
        pieces.append(f"{quote}{text}{quote}" if bare != word else text)
    return r"\s+".join(pieces)


def matcher(terms: list[Term]) -> re.Pattern[str]:
    """One expression for every form of every term, longest first, as whole words."""
    named = sorted(((form, number) for number, term in enumerate(terms) for form in term.forms),
                   key=lambda item: -len(item[0]))
    alternatives = "|".join(f"(?P<t{number}_{index}>{_pattern(form)})" for index, (form, number) in enumerate(named))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def _term_index(match: re.Match[str]) -> int:
    return int(next(name for name, value in match.groupdict().items() if value is not None)[1:].split("_")[0])


def mark_terms(content: str, terms: list[Term], href: str, expression: re.Pattern[str] | None = None,
               page: str = "") -> str:
    """`content` (a page's HTML) with the first use of each term linked to `href#id`, except
    the terms whose own page `page` is (its path in docs/)."""
    expression = expression or matcher(terms)
    done: set[int] = {number for number, term in enumerate(terms) if page and term.home == page}
    stack: list[tuple[str, bool]] = []  # (tag, skips its text)
    out: list[str] = []
    position = 0
    for token in _TOKEN.finditer(content):
        out.append(_mark_text(content[position:token.start()], terms, href, expression, done, stack))
        out.append(token.group(0))
        position = token.end()
        tag = _TAG.fullmatch(token.group(0))
        if not tag:
            continue
        closing, name, attributes, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3), tag.group(4)
        if closing:
            while stack:
                if stack.pop()[0] == name:
                    break
        elif not self_closing and name not in VOID_TAGS:
            classes = set(" ".join(filter(None, _CLASS.search(attributes).groups())).split()) \
                if _CLASS.search(attributes) else set()
            stack.append((name, name in SKIP_TAGS or bool(classes & SKIP_CLASSES)))
    out.append(_mark_text(content[position:], terms, href, expression, done, stack))
    return "".join(out)


def _mark_text(text: str, terms: list[Term], href: str, expression: re.Pattern[str], done: set[int],
               stack: list[tuple[str, bool]]) -> str:
    if not text.strip() or any(skip for _, skip in stack) or len(done) == len(terms):
        return text
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    pieces, position = [], 0
    for match in expression.finditer(text):
        number = _term_index(match)
        inside_quote = any(start < match.start() and match.end() <= end for start, end in quoted)
        if number in done or inside_quote:
            continue
        done.add(number)
        term = terms[number]
        pieces.append(text[position:match.start()])
        pieces.append(f'<a href="{href}#{term.id}" class="{CLASS}" title="{html.escape(term.short, quote=True)}">'
                      f"{match.group(0)}</a>")
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


class GlossaryError(ValueError):
    """Glossary entries to fix, one 'file:line: what to do' per line."""


@functools.lru_cache(maxsize=4)
def _load(text: str, where: str) -> tuple[list[Term], re.Pattern[str] | None]:
    terms, problems = parse(text, where)
    if problems:
        raise GlossaryError("glossary entries to fix:\n" + "\n".join(problems))
    return terms, matcher(terms) if terms else None


def load(path: str | Path, where: str | None = None) -> tuple[list[Term], re.Pattern[str] | None]:
    """The checked terms of the glossary at `path` and their expression (once per content)."""
    return _load(Path(path).read_text(encoding="utf-8"), where or str(path))


def add_ids(lines: list[str], terms: list[Term]) -> list[str]:
    """The glossary page's lines with `{ #id }` after each headword."""
    by_headword = {term.headword: term for term in terms}
    lines = list(lines)
    for index, line in enumerate(lines[:-1]):
        term = by_headword.get(line.strip())
        if term and lines[index + 1].startswith(":"):
            lines[index] = f"{line.rstrip()} {{ #{term.id} }}"
    return lines


class _Ids(Preprocessor):
    def __init__(self, md: markdown.Markdown, extension: GlossaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        page = find_context(self.md, self.extension.getConfig("site") or None)
        if page is None or page.path != self.extension.getConfig("page"):
            return lines
        return add_ids(lines, self.extension.terms()[0])


class _Terms(Postprocessor):
    def __init__(self, md: markdown.Markdown, extension: GlossaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        page = find_context(self.md, self.extension.getConfig("site") or None)
        if page is None or page.path == self.extension.getConfig("page"):
            return text
        terms, expression = self.extension.terms()
        href = page.link_to(self.extension.getConfig("page"))
        if not terms or not href:
            return text
        return mark_terms(text, terms, href, expression, page.path)


class GlossaryExtension(Extension):
    """Glossary terms linked, with their short definition, at their first use on each page."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "glossary_file": ["docs/glossary.md", "The glossary's Markdown file (relative to the working folder)"],
            "page": [GLOSSARY, "The glossary's path inside the docs folder"],
            "site": ["", "Set by a builder's plugin: the page being rendered"],
        }
        super().__init__(**kwargs)

    def terms(self) -> tuple[list[Term], re.Pattern[str] | None]:
        """The glossary's terms (none while the site has no glossary file)."""
        path = Path(self.getConfig("glossary_file"))
        return load(path) if path.is_file() else ([], None)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_Ids(md, self), "glossary-ids", 27)
        md.postprocessors.register(_Terms(md, self), "glossary-terms", 1)


def makeExtension(**kwargs: Any) -> GlossaryExtension:  # noqa: N802 (Python-Markdown's name)
    return GlossaryExtension(**kwargs)
