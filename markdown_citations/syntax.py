"""Find Pandoc-style citations in Markdown source, skipping code and e-mail addresses.

The Markdown extension and the stand-alone checker (`python -m tools.check`) both call it,
so a build and a check read citations the same way.

Syntax, as in Pandoc: ``[@key]``, ``[@key, p. 489]``, ``[see @a; @b]`` and ``[-@key]``.
A bare ``@word`` is not a citation. Citations inside inline code, fenced code blocks and
link texts (``[@x](url)``) are not citations, and neither is the ``@`` of an e-mail address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
# The "@" of a citation follows the start of an item, a space or "-" (year only), never a
# word character: that keeps e-mail addresses out.
_CITE_AT = re.compile(r"(?:(?<=^)|(?<=[\s\-]))@(?P<key>[A-Za-z0-9_][\w:.\-]*[A-Za-z0-9_]|[A-Za-z0-9_])")


@dataclass(frozen=True)
class CitationItem:
    """One cited work inside a citation block."""

    key: str
    prefix: str = ""
    locator: str = ""
    year_only: bool = False


@dataclass
class CitationBlock:
    """A bracketed citation such as ``[see @a, p. 3; @b]`` found at `line` (1-based)."""

    raw: str  # text between the brackets, exactly as written
    line: int
    start: int  # offset of "[" in the source
    end: int  # offset after "]"
    items: list[CitationItem] = field(default_factory=list)

    @property
    def text(self) -> str:
        return f"[{self.raw}]"

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items]


class CitationSyntaxError(ValueError):
    """A bracket that looks like a citation but is not one Pandoc would accept."""

    def __init__(self, line: int, text: str, problem: str) -> None:
        super().__init__(f"line {line}: {problem} in {text!r}")
        self.line = line
        self.text = text
        self.problem = problem


def code_spans(markdown: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of fenced code blocks and inline code spans."""
    spans: list[tuple[int, int]] = []
    offset = 0
    fence: str | None = None
    fence_start = 0
    prose_start = 0
    for line in markdown.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            spans.extend(_inline_code(markdown, prose_start, offset))
            fence, fence_start = match.group(1), offset
        elif fence is not None and match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            spans.append((fence_start, offset + len(line)))
            fence = None
            prose_start = offset + len(line)
        offset += len(line)
    if fence is not None:  # an unclosed fence runs to the end, as in Markdown
        spans.append((fence_start, len(markdown)))
    else:
        spans.extend(_inline_code(markdown, prose_start, len(markdown)))
    return spans


def front_matter_length(lines: list[str]) -> int:
    """How many of `lines` are YAML front matter: a first line `---` to a closing `---` or
    `...` (as MkDocs reads it), or 0 when there is none or it is never closed."""
    if not lines or lines[0].strip() != "---":
        return 0
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    return 0 if closing is None else closing + 1


def blank_front_matter(lines: list[str]) -> list[str]:
    """`lines` with the front matter's lines emptied, so line numbers still match."""
    length = front_matter_length(lines)
    return [""] * length + lines[length:]


def blank_code(markdown: str) -> str:
    """The text with every code span and fenced block replaced by spaces, line breaks kept,
    so that offsets and line numbers still match the original."""
    for start, end in reversed(code_spans(markdown)):
        markdown = markdown[:start] + re.sub(r"[^\n]", " ", markdown[start:end]) + markdown[end:]
    return markdown


def _inline_code(markdown: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    position = start
    ticks = re.compile(r"`+")
    while True:
        opening = ticks.search(markdown, position, end)
        if not opening:
            return spans
        closing = re.compile(rf"(?<!`){opening.group(0)}(?!`)").search(markdown, opening.end(), end)
        if not closing:
            position = opening.end()
            continue
        spans.append((opening.start(), closing.end()))
        position = closing.end()


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _parse_item(part: str, line: int, text: str) -> CitationItem:
    matches = list(_CITE_AT.finditer(part))
    if len(matches) != 1:
        problem = "a part of this citation has no @key" if not matches else "one part of this citation names two keys (separate them with ';')"
        raise CitationSyntaxError(line, text, problem)
    match = matches[0]
    before = part[: match.start()]
    year_only = before.endswith("-")
    prefix = (before[:-1] if year_only else before).strip()
    locator = part[match.end():].strip().lstrip(",").strip()
    return CitationItem(key=match.group("key"), prefix=prefix, locator=locator, year_only=year_only)


def find_citations(markdown: str) -> list[CitationBlock]:
    """Every citation block outside code, in order, with its line number.

    Raises CitationSyntaxError for a bracket that holds a citation ``@key`` but cannot
    be read as a citation (for example a part with no key), rather than guessing.
    """
    skip = code_spans(markdown)
    blocks = []
    for match in _BRACKETS.finditer(markdown):
        if _inside(match.start(), skip):
            continue
        raw = match.group(1)
        if not _CITE_AT.search(raw):
            continue
        following = markdown[match.end(): match.end() + 1]
        line_start = markdown.rfind("\n", 0, match.start()) + 1
        definition = following == ":" and not markdown[line_start: match.start()].strip()
        if following in ("(", "[") or definition or markdown[match.start() - 1: match.start()] == "!":
            continue  # a link, a reference-style link, a link definition or an image
        line = markdown.count("\n", 0, match.start()) + 1
        items = [_parse_item(part, line, match.group(0)) for part in raw.split(";")]
        blocks.append(CitationBlock(raw=raw, line=line, start=match.start(), end=match.end(), items=items))
    return blocks
