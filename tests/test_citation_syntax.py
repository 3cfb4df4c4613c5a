"""Unit tests of the citation scanner that both the build and `make check` use."""

import pytest

from citation_syntax import CitationSyntaxError, find_citations, mask_at_signs, unmask_at_signs


def keys(markdown: str) -> list[list[str]]:
    return [block.keys for block in find_citations(markdown)]


def test_the_four_pandoc_forms() -> None:
    blocks = find_citations("A [@a]. B [@b, p. 489]. C [see @c; @d]. Seikkula [-@e].")
    assert [b.text for b in blocks] == ["[@a]", "[@b, p. 489]", "[see @c; @d]", "[-@e]"]
    assert blocks[1].items[0].locator == "p. 489"
    assert blocks[2].items[0].prefix == "see"
    assert blocks[3].items[0].year_only


def test_line_numbers_count_from_one() -> None:
    assert [b.line for b in find_citations("one\n\ntwo [@a]\nthree [@b]")] == [3, 4]


def test_code_email_links_and_bare_at_are_not_citations() -> None:
    markdown = (
        "Inline `[@a]` and ``[@b]`` code.\n"
        "```markdown\n[@c] and [see @d]\n```\n"
        "~~~\n[@e]\n~~~\n"
        "Mail me@example.org or [me@example.org](mailto:me@example.org).\n"
        "A link [@f](https://example.org), an image ![@g](x.png), a bare @h.\n"
        "[@i]: https://example.org\n"
    )
    assert keys(markdown) == []


def test_citation_followed_by_colon_mid_line_is_a_citation() -> None:
    assert keys("The record of the article [@a]:") == [["a"]]


def test_part_without_a_key_is_an_error_not_a_guess() -> None:
    with pytest.raises(CitationSyntaxError) as error:
        find_citations("\n[see @a; and others]")
    assert error.value.line == 2
    assert "no @key" in error.value.problem


def test_masking_hides_every_other_at_and_round_trips() -> None:
    markdown = "x@y.org `[@a]` [@b]\n```\n[@c]\n```\n"
    masked = mask_at_signs(markdown, find_citations(markdown))
    assert masked.count("@") == 1 and "[@b]" in masked
    assert unmask_at_signs(masked) == markdown
