"""The citation-clutter rules of `make check` (tools/citation_density.py), on small pages:
each rule fails on cluttered Markdown, passes on the same text cited sparingly, and says
where and what to do."""

from __future__ import annotations

from tools import citation_density
from tools.citation_density import blocks, check_page

FRONT = "---\ntitle: Page\n---\n\n# Page\n\n"  # the body starts on line 7


def messages(markdown: str, where: str = "docs/page.md") -> list[str]:
    return [str(problem) for problem in check_page(where, markdown)]


def test_blocks_are_paragraphs_list_items_table_rows_and_definitions() -> None:
    markdown = FRONT + (
        "One paragraph\non two lines.\n\n"
        "- a list item\n  continued\n- another item\n\n"
        "| Head | Head |\n|---|---|\n| a | b |\n| c | d |\n\n"
        "Term\n:   Its definition.\n\n"
        "## A heading [@mead2014]\n\n"
        "<!-- a comment\nover lines -->\n\n"
        "```\ncode [@mead2014] [@mead2014]\n```\n\n"
        "<div markdown>\n\nInside.\n\n</div>\n")
    found = [(block.first, block.last, block.kind) for block in blocks(markdown)]
    assert found == [(7, 8, "paragraph"), (10, 11, "list item"), (12, 12, "list item"),
                     (16, 16, "table row"), (17, 17, "table row"), (19, 20, "paragraph"), (33, 33, "paragraph")]


def test_same_work_and_locator_twice_in_a_paragraph_fails() -> None:
    cluttered = FRONT + "Peers can tune in [@hendy2023].\nThey notice language [@hendy2023].\n"
    assert messages(cluttered) == [
        "docs/page.md:8: this paragraph cites hendy2023 twice (also on line 7): "
        "cite it once, after the last claim it supports"]
    assert messages(FRONT + "Peers can tune in.\nThey notice language [@hendy2023].\n") == []


def test_year_only_and_prefixed_citations_count_as_the_same_citation() -> None:
    markdown = FRONT + "Hendy, Tew and Carr [-@hendy2023] propose four principles [see @hendy2023].\n"
    assert len(messages(markdown)) == 1


def test_same_locator_twice_in_a_table_row_fails_and_different_locators_pass() -> None:
    table = "| Idea | Source |\n|---|---|\n| {} | {} |\n"
    same = FRONT + table.format("Present [@hendy2023, p. 5]", "Also [@hendy2023, p. 5]")
    assert messages(same) == [
        "docs/page.md:9: this table row cites hendy2023, p. 5 twice (also on line 9): "
        "cite it once, after the last claim it supports"]
    different = FRONT + table.format("Present [@hendy2023, p. 5]", "Also [@hendy2023, p. 7]")
    assert messages(different) == []


def test_each_list_item_is_its_own_block() -> None:
    assert messages(FRONT + "- one [@mead2014]\n- two [@mead2014]\n") == []
    assert len(messages(FRONT + "- one [@mead2014]\n  and more [@mead2014]\n")) == 1


def test_declared_source_cited_in_more_than_half_the_blocks_fails() -> None:
    front = "---\ntitle: Page\nsource: hendy2023\n---\n\n# Page\n\n"
    three_of_four = front + "A [@hendy2023].\n\nB [@hendy2023].\n\nC [@hendy2023].\n\nD [@mead2014].\n"
    found = messages(three_of_four)
    assert len(found) == 1
    assert found[0].startswith("docs/page.md:3: the page declares 'source: hendy2023' but still cites it in 3 of its 4 ")
    assert "(at most 2)" in found[0] and "quotations, page locators" in found[0]
    two_of_four = front + "A [@hendy2023].\n\nB [@hendy2023].\n\nC.\n\nD [@mead2014].\n"
    assert messages(two_of_four) == []
    # without a declared source, the half rule does not apply
    assert messages(three_of_four.replace("source: hendy2023\n", "")) == []


def test_principle_pages_cite_the_article_at_most_twelve_times() -> None:
    where = "docs/principles/attunement.md"
    twelve = FRONT + "\n\n".join(f"Claim {n} [@hendy2023]." for n in range(12)) + "\n"
    assert messages(twelve, where) == []
    thirteen = twelve + "\nClaim 13 [@hendy2023, p. 3].\n"
    assert messages(thirteen, where) == [
        f"{where}:31: this principle page cites hendy2023 13 times; at most 12: declare 'source: hendy2023' in the "
        f"front matter and {citation_density.WHAT_TO_CITE}"]
    assert messages(thirteen, "docs/about.md") == []  # the limit is for principle pages only


def test_the_article_beside_another_work_is_a_route_not_counted_by_the_rules() -> None:
    where = "docs/principles/attunement.md"
    front = "---\ntitle: Page\nsource: hendy2023\n---\n\n# Page\n\n"
    routes = "\n\n".join(f"Quote {n} [@mead2014, p. {n}; @hendy2023]." for n in range(14))
    assert messages(front + routes + "\n\nA claim [@hendy2023].\n", where) == []
    # cited for itself, the same article still counts towards both rules
    alone = "\n\n".join(f"Claim {n} [@hendy2023]." for n in range(14))
    assert len(messages(front + alone + "\n", where)) == 2
    # in one paragraph, routes to different places pass; the same place twice fails on that work
    block = FRONT + "One [@mead2014, p. 1; @hendy2023].\nTwo [@mead2014, p. 2; @hendy2023] [@hendy2023].\n"
    assert messages(block) == []
    assert messages(block.replace("p. 2", "p. 1")) == [
        "docs/page.md:8: this paragraph cites mead2014, p. 1 twice (also on line 7): "
        "cite it once, after the last claim it supports"]
