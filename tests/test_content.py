"""The principles and their foundations: template, verbatim formulations, citations, table,
glossary, abbreviations and readability."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FORMULATIONS, ROOT
from markdown_citations.syntax import blank_code, find_citations
from tools import readability
from tools.readability import body

DOCS = ROOT / "docs"
TEMPLATE = ["The principle", "In brief", "Where it comes from", "What peer practitioners said", "In practice",
            "Tensions and open questions", "Questions for reflection"]
def section(markdown: str, heading: str) -> str:
    return markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def normalise(text: str) -> str:
    return " ".join(text.replace("“", '"').replace("”", '"').replace("–", "-").split())


@pytest.mark.parametrize("name", FORMULATIONS)
def test_principle_page_template_formulation_and_sources(name: str) -> None:
    markdown = body(DOCS / "principles" / f"{name}.md")
    assert re.findall(r"^## (.+)$", markdown, re.M) == TEMPLATE
    quote = " ".join(line[1:].strip() for line in section(markdown, "The principle").splitlines() if line.startswith(">"))
    assert normalise(FORMULATIONS[name]) in normalise(quote)
    assert "[@hendy2023]" in quote
    works = {key for block in find_citations(markdown) for key in block.keys} - {"hendy2023"}
    assert len(works) >= 3, f"{name} cites only {sorted(works)} besides the article"
    questions = section(markdown, "Questions for reflection")
    assert 3 <= len(re.findall(r"^\d+\. ", questions, re.M)) <= 5


@pytest.mark.parametrize("name", FORMULATIONS)
def test_in_brief_is_plain_english(name: str) -> None:
    brief = section(body(DOCS / "principles" / f"{name}.md"), "In brief")
    text = readability.plain(brief)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    assert 2 <= len(sentences) <= 4
    grade = readability.grade(brief)
    assert grade <= readability.LIMIT == 8, f"In brief for {name} reads at grade {grade}"


@pytest.mark.parametrize("path", readability.PAGES)
def test_home_page_and_principles_overview_are_plain_english(path: str) -> None:
    grade = readability.grade(body(ROOT / path))
    assert grade <= readability.LIMIT, f"{path} reads at Flesch-Kincaid grade {grade:.1f}"


def test_comparison_table_has_eight_cited_rows() -> None:
    markdown = body(DOCS / "foundations" / "commonalities-and-differences.md")
    rows = [line for line in markdown.splitlines() if line.startswith("|")][2:]
    assert len(rows) >= 8
    for row in rows:
        assert find_citations(row), f"uncited row: {row[:60]}"
    assert "not a copy" in markdown.lower()


def test_glossary_has_twenty_terms() -> None:
    markdown = body(DOCS / "glossary.md")
    terms = re.findall(r"^(\S[^\n]*)\n:   ", markdown, re.M)
    assert len(terms) >= 20
    for term in ["Network meeting", "Polyphony", "Heterarchy", "Intervision", "Self-disclosure"]:
        assert any(t.lower().startswith(term.lower()) for t in terms), term


ABBREVIATIONS = dict(re.findall(r"^\*\[([^\]]+)\]: (.+)$", (ROOT / "includes" / "abbreviations.md").read_text(encoding="utf-8"), re.M))
# Capitalised words that are not abbreviations to expand, with the reason.
NOT_ABBREVIATIONS = {
    "A&E": "the name of the service, explained where it appears",
    "NYC": "part of the name Parachute NYC",
    "UK": "a country, plain to every reader",
    "CC": "part of the licence name CC BY 4.0",
    "BY": "part of the licence name CC BY 4.0",
    "II": "a Roman numeral",
    "AA": "a level of the accessibility guidelines (WCAG), named as the guidelines name it",
    "README": "a file's name, as the file is named",
    "UA": "part of the name of the standard PDF/UA",
}


def test_every_abbreviation_used_is_defined() -> None:
    for required in ["OD", "IPS", "POD", "NHS", "NIHR", "ODDESSI"]:
        assert required in ABBREVIATIONS
    for page in DOCS.rglob("*.md"):
        text = blank_code(body(page))
        text = re.sub(r"\[[^\]]*@[^\]]*\]|\([^)]*\)|<[^>]+>|https?://\S+", " ", text)
        for word in set(re.findall(r"\b[A-Z]{2,}\b", text)):
            assert word in ABBREVIATIONS or word in NOT_ABBREVIATIONS, f"{page.relative_to(ROOT)} uses {word}"


def test_nothing_guessed_is_stated() -> None:
    text = " ".join(body(page) for page in DOCS.rglob("*.md"))
    assert "12 key elements" not in text and "twelve key elements" not in text.lower()
    # "Within 24 hours" is verified from the abstract of Seikkula et al. (2006), which the
    # Open Dialogue page links beside it; no other page states it.
    open_dialogue = DOCS / "foundations" / "open-dialogue.md"
    assert "24 hours" not in " ".join(body(page) for page in DOCS.rglob("*.md") if page != open_dialogue)
    assert "https://doi.org/10.1080/10503300500268490" in body(open_dialogue)


def in_short_lines(path: Path) -> list[str]:
    """The "In short" lines, however they are marked up ("In short:", "**In short:**")."""
    return [line.strip() for line in body(path).splitlines() if re.match(r"[*_]*In short\b", line.strip())]


def test_handout_in_short_lines_match_the_principles_overview_word_for_word() -> None:
    overview = in_short_lines(DOCS / "principles" / "index.md")
    handout = in_short_lines(DOCS / "principles" / "handout.md")
    assert len(overview) == 4, overview
    for number, (ours, theirs) in enumerate(zip(handout, overview, strict=True), 1):
        assert ours == theirs, (f"docs/principles/handout.md: 'In short' line {number} differs from "
                                f"docs/principles/index.md; copy it word for word:\n  {theirs}\n  not\n  {ours}")
