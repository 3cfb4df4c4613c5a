"""The statement of what kind of evidence the principles are: written once, in
includes/evidence.md, and shown on every page that presents the principles."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import ROOT

STATEMENT = ROOT / "includes" / "evidence.md"
INCLUDE = '--8<-- "includes/evidence.md"'
TITLE = "What kind of evidence this is"
# Every page that shows the principles, and the handout, where the statement is the footer.
PAGES = ["index.md", "principles/index.md", "principles/attunement.md", "principles/validation.md",
         "principles/connection-and-mutuality.md", "principles/self-disclosure.md", "about.md",
         "principles/handout.md"]


def sentences() -> list[str]:
    """The statement's sentences as a reader sees them (citations left out)."""
    body = [line.strip() for line in STATEMENT.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    return [re.sub(r"\s*\[@[^\]]*\]", "", line) for line in body]


def included(markdown: str) -> bool:
    """Whether a page includes the statement on a line of its own, outside code."""
    outside_code = re.sub(r"^(```|~~~).*?^\1", "", markdown, flags=re.M | re.S)
    return any(line.strip() == INCLUDE for line in outside_code.splitlines())


@pytest.mark.parametrize("page", PAGES)
def test_page_includes_the_statement(page: str) -> None:
    markdown = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert included(markdown), f"docs/{page}: add the line {INCLUDE} (the statement of what kind of evidence this is)"


def test_handout_ends_with_the_statement() -> None:
    lines = [line for line in (ROOT / "docs/principles/handout.md").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    assert lines[-1].strip() == INCLUDE, "docs/principles/handout.md: the statement is the handout's footer (last line)"


def test_statement_is_cited_and_written_in_one_file_only() -> None:
    text = STATEMENT.read_text(encoding="utf-8")
    assert text.startswith(f'!!! info "{TITLE}"') and "[@hendy2023" in text
    found = sentences()
    assert len(found) >= 5
    for sentence in found:
        holders = [path.relative_to(ROOT).as_posix() for path in [*(ROOT / "docs").rglob("*.md"),
                                                                  *(ROOT / "includes").glob("*.md")]
                   if sentence in " ".join(re.sub(r"\s*\[@[^\]]*\]", "", path.read_text(encoding="utf-8")).split())]
        assert holders == ["includes/evidence.md"], f"'{sentence}' is written in {holders}: keep it in the include only"


@pytest.mark.parametrize("page", PAGES)
def test_built_page_shows_the_statement_with_its_citation(built_site: Path, page: str) -> None:
    folder = page.removesuffix(".md").removesuffix("index").rstrip("/")
    built = built_site / folder / "index.html"
    content = built.read_text(encoding="utf-8")
    box = content[content.index(f'<p class="admonition-title">{TITLE}</p>'):]
    box = box[:box.index("</div>")]
    uncited = re.sub(r'\s*<span class="citation".*?</span>', "", box, flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", uncited)).split())
    for sentence in sentences():
        assert sentence in text, f"{built}: the statement lacks '{sentence}'"
    assert 'class="footnote-ref"' in box and "[@" not in box, f"{built}: the statement's citation did not resolve"
