"""Citation clutter: the rules that keep "(Hendy et al., 2023)" from closing every sentence.

A plain library, shared by `tools/check.py` (`make check`) and the tests; it reads citations
with the build's own parser (markdown_citations/syntax.py). The rules, on one page's Markdown:

1. No block (a paragraph, a list item, a table row, a definition) cites the same work twice
   with the same locator. Different locators in one block are fine.
2. A page that declares `source: KEY` in its front matter (see markdown_citations/extension.py) cites
   that work in at most half of its blocks: the note at the top of the page already names it.
3. Each principle page cites the source article at most 12 times.

The rules count the article only where it is cited for itself: the article in the same
brackets as another work, as in `[@seikkula2008, p. 489; @hendy2023]`, names the route by which
that work's words reached the site (the style guide asks for it). That citation is judged by
the other work in it: rule 1 still fails when that work and locator come twice in one block.

A block is a run of non-blank lines; front matter, headings, code, HTML comments and lines
of HTML only are not blocks, and every list item and table row is a block of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.utils.meta import get_data

ROOT = Path(__file__).resolve().parent.parent

from markdown_citations.syntax import CitationItem, blank_code, blank_front_matter, find_citations

PRINCIPLE_PAGES = tuple(f"docs/principles/{name}.md" for name in
                        ("attunement", "validation", "connection-and-mutuality", "self-disclosure"))
ARTICLE = "hendy2023"
PRINCIPLE_LIMIT = 12
WHAT_TO_CITE = ("cite it where the wording matters: quotations, page locators, claims a reader may want "
                "to check, and the first claim of each section")

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LIST_ITEM = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:[-*+]|\d+[.)])[ \t]+")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}")
_HTML_ONLY = re.compile(r"^[ \t]*(?:</?[A-Za-z][^>]*>[ \t]*)+$")
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$")


@dataclass
class Block:
    """Lines `first`..`last` (1-based) of one paragraph, list item, table row or definition."""

    first: int
    last: int
    kind: str = "paragraph"
    cited: list[tuple[int, CitationItem]] = field(default_factory=list)  # (line, item)
    routes: list[tuple[int, CitationItem]] = field(default_factory=list)  # the article beside another work

    def own(self, key: str) -> list[int]:
        """Lines where this block cites `key` for itself, not as the route to another work."""
        return [line for line, item in self.cited
                if item.key == key and not any(r is item for _, r in self.routes)]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def prose_only(markdown: str) -> str:
    """`markdown` with front matter, code and HTML comments blanked, line numbers kept."""
    text = blank_code(markdown)
    text = _COMMENT.sub(lambda match: _blank(match.group(0)), text)
    return "\n".join(blank_front_matter(text.split("\n")))


def blocks(markdown: str) -> list[Block]:
    """The page's blocks, each with the citations it holds."""
    found: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(prose_only(markdown).split("\n"), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _HTML_ONLY.match(line) or _RULE.match(line):
            current = None
            continue
        if stripped.startswith("|"):
            current = None
            if not _TABLE_RULE.match(line):
                found.append(Block(number, number, "table row"))
            elif found and found[-1].kind == "table row" and found[-1].first == number - 1:
                found.pop()  # the header row, above the rule, holds no claim
            continue
        if current is None or _LIST_ITEM.match(line):
            current = Block(number, number, "list item" if _LIST_ITEM.match(line) else "paragraph")
            found.append(current)
        current.last = number
    lines_of = {}
    for block in found:
        for number in range(block.first, block.last + 1):
            lines_of[number] = block
    for citation in find_citations(markdown):
        block = lines_of.get(citation.line)
        if block is not None:
            block.cited.extend((citation.line, item) for item in citation.items)
            if len({item.key for item in citation.items}) > 1:
                block.routes.extend((citation.line, item) for item in citation.items if item.key == ARTICLE)
    return found


def declared_source(markdown: str) -> tuple[str, int] | None:
    """The key in `source:` of the front matter and its line, or None."""
    meta = get_data(markdown)[1]
    key = meta.get("source")
    if not key:
        return None
    line = next((number for number, text in enumerate(markdown.splitlines(), 1)
                 if re.match(r"source\s*:", text)), 1)
    return str(key), line


def _locator(item: CitationItem) -> str:
    return " ".join(item.locator.replace("pp.", "p.").split())


def check_page(where: str, markdown: str) -> list[Problem]:
    """Every clutter problem on one page, as 'file:line: what and what to do'."""
    problems = []
    page_blocks = blocks(markdown)
    for block in page_blocks:
        seen: dict[tuple[str, str], int] = {}
        for line, item in block.cited:
            if any(route is item for _, route in block.routes):
                continue
            twice = (item.key, _locator(item))
            if twice in seen:
                at = f", {item.locator}" if item.locator else ""
                problems.append(Problem(where, line, (
                    f"this {block.kind} cites {item.key}{at} twice (also on line {seen[twice]}): "
                    "cite it once, after the last claim it supports")))
            else:
                seen[twice] = line
    source = declared_source(markdown)
    if source:
        key, line = source
        citing = sum(1 for block in page_blocks if block.own(key))
        allowed = len(page_blocks) // 2
        if 2 * citing > len(page_blocks):
            problems.append(Problem(where, line, (
                f"the page declares 'source: {key}' but still cites it in {citing} of its {len(page_blocks)} "
                f"paragraphs, list items and table rows (at most {allowed}): the note at the top already names "
                f"the source, so {WHAT_TO_CITE}")))
    if where in PRINCIPLE_PAGES:
        cited = [line for block in page_blocks for line in block.own(ARTICLE)]
        if len(cited) > PRINCIPLE_LIMIT:
            problems.append(Problem(where, cited[PRINCIPLE_LIMIT], (
                f"this principle page cites {ARTICLE} {len(cited)} times; at most {PRINCIPLE_LIMIT}: "
                f"declare 'source: {ARTICLE}' in the front matter and {WHAT_TO_CITE}")))
    return problems
