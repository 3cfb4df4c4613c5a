"""Reading grades: how plain the pages that matter most read (`make check` prints them).

A plain library, shared by `tools/check.py` and the tests. Measured with textstat's
Flesch-Kincaid grade on the page's prose only: front matter, headings, quotations (they
stay verbatim, so cannot be made plainer), code, HTML, citations and link targets are
removed, and each line counts as a sentence (the site writes one sentence per line, so a
list item or a line ending in ":" is not run into the next). Measured: the home page, the
principles overview and every "In brief" section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


import textstat
from mkdocs.utils.meta import get_data

ROOT = Path(__file__).resolve().parent.parent

from markdown_citations.syntax import blank_code

LIMIT = 8.0
PAGES = ("docs/index.md", "docs/principles/index.md")
IN_BRIEF = "In brief"

_CITATION = re.compile(r"\[[^\]]*@[^\]]*\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_ATTRS = re.compile(r"\{[:.#][^}]*\}")


def plain(markdown: str) -> str:
    """Text as a reader hears it: citations, link targets and Markdown markup removed."""
    text = _CITATION.sub("", markdown)
    text = _LINK.sub(r"\1", text)
    return re.sub(r"[*_`>#]", "", text)


def prose(markdown: str) -> str:
    """The prose of a page body or section, one sentence per line, ready to measure."""
    text = _COMMENT.sub("", blank_code(markdown))
    sentences = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ">", "|", "!!!", "???", "*[")) or re.fullmatch(r"[-_*=]{3,}", stripped):
            continue
        words = plain(_ATTRS.sub("", _TAG.sub("", stripped))).strip()
        words = " ".join(re.sub(r"^(?:[-+]|\d+\.)\s+", "", words).split())
        if not words:
            continue
        sentences.append(words if words[-1] in ".!?" else words.rstrip(":;,") + ".")
    return "\n".join(sentences)


def grade(markdown: str) -> float:
    """Flesch-Kincaid grade of `markdown` (a page body or a section of one)."""
    return float(textstat.flesch_kincaid_grade(prose(markdown)))


def body(path: Path) -> str:
    return get_data(path.read_text(encoding="utf-8"))[0]


def section(markdown: str, heading: str) -> str | None:
    """The text under `## heading`, up to the next heading of level 2, or None."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Grade:
    where: str  # "docs/index.md" or "docs/principles/attunement.md § In brief"
    path: str
    line: int
    grade: float

    @property
    def too_hard(self) -> bool:
        return self.grade > LIMIT

    def __str__(self) -> str:
        if not self.too_hard:
            return f"  {self.grade:4.1f}  {self.where}"
        return (f"{self.path}:{self.line}: reads at Flesch-Kincaid grade {self.grade:.1f}, above {LIMIT:.0f}: "
                "use shorter sentences and everyday words, and explain terms (keep the nuance and the hedges)")


def grades(root: Path) -> list[Grade]:
    """The grade of the home page, the principles overview and every "In brief" section."""
    found = []
    for shown in PAGES:
        path = root / shown
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            start = text.count("\n", 0, text.find(body(path))) + 1 if body(path) else 1
            found.append(Grade(shown, shown, start, round(grade(body(path)), 1)))
    for path in sorted((root / "docs").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        brief = section(body(path), IN_BRIEF)
        if brief is None:
            continue
        shown = path.relative_to(root).as_posix()
        line = next(i for i, content in enumerate(text.splitlines(), 1) if content.strip() == f"## {IN_BRIEF}")
        found.append(Grade(f"{shown} § {IN_BRIEF}", shown, line, round(grade(brief), 1)))
    return found
