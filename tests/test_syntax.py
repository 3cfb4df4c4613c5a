"""markdown_citations/syntax.py: the citation scanner that both the build and `make check` use."""

import pytest

from markdown_citations.syntax import CitationSyntaxError, blank_code, code_spans, find_citations


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


def test_two_keys_in_one_part_is_an_error() -> None:
    with pytest.raises(CitationSyntaxError) as error:
        find_citations("[@a @b]")
    assert error.value.line == 1 and "two keys" in error.value.problem


def test_offsets_point_at_the_brackets_in_the_source() -> None:
    text = "Intro `[@x]` then [see @a, p. 3] and [-@b]."
    for block in find_citations(text):
        assert text[block.start:block.end] == block.text


def test_blank_code_keeps_offsets_and_lines_and_hides_only_code() -> None:
    """What replaced masking the other @ signs: code is blanked out, the rest is untouched,
    so every offset and line number still points into the page's own text."""
    text = "x@y.org `[@a]` [@b]\n```\n[@c]\n```\n~~~~\n```\n[@d]\n~~~~\nend [@e]\n"
    blanked = blank_code(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert "x@y.org" in blanked and "[@b]" in blanked and "[@e]" in blanked
    assert "[@a]" not in blanked and "[@c]" not in blanked and "[@d]" not in blanked
    assert [text[start:end] for start, end in code_spans(text)][0] == "`[@a]`"


def test_an_unclosed_fence_runs_to_the_end() -> None:
    assert find_citations("[@a]\n```\n[@b]\n") == find_citations("[@a]\n")
    assert [b.keys for b in find_citations("[@a]\n```\n[@b]\n")] == [["a"]]
