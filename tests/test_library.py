"""markdown_citations/library.py: one checked .bib per content, its citations formatted once
(on disk between builds), each reference rendered once, and the key checks with their hints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import markdown
import pytest

from conftest import FIXTURE_BIB
from markdown_citations import bibliography
from markdown_citations.library import Library, check_keys, suggestion

BLOCKS = ["[@seikkula2003principles]", "[-@seikkula2008]", "[@seikkula2008, p. 489]", "[see @mead2014; @mead2017]",
          "[@mead2017]"]


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    """A copy of the fixture site's .bib: a path no earlier test has opened."""
    path = tmp_path / "references.bib"
    shutil.copy(FIXTURE_BIB, path)
    return path


def test_the_same_bytes_are_checked_once_and_shared(bib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[bibliography.Bibliography] = []
    real = bibliography.load
    monkeypatch.setattr(bibliography, "load", lambda *a, **k: loaded.append(real(*a, **k)) or loaded[-1])
    first = Library.open(bib, cache_dir=None)
    assert Library.open(str(bib), cache_dir=None) is first and len(loaded) == 1
    assert first.bib is loaded[0] and first.keys == {"seikkula2008", "mead2017", "mead2014", "seikkula2003principles"}


def test_a_file_that_changed_since_it_was_checked_is_read_again(bib: Path) -> None:
    first = Library.open(bib, cache_dir=None)
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@misc{new2026,\n  author = {New, Author},\n  title = {New},\n  year = {2026},\n}\n",
                   encoding="utf-8")
    second = Library.open(bib, cache_dir=None)
    assert second is not first and "new2026" in second.keys and "new2026" not in first.keys
    assert all(second.bib.entries[key] is not first.bib.entries[key] for key in first.keys)


def test_a_bad_bib_raises_bib_error_naming_file_line_and_key(bib: Path) -> None:
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@misc{Mead2014,\n  author = {Mead, Shery},\n  year = {2014},\n}\n",
                   encoding="utf-8")
    with pytest.raises(bibliography.BibError, match=r"^refs\.bib:32: entry 'Mead2014': duplicate key: 'mead2014' at line 18"):
        Library.open(bib, cache_dir=None, shown="refs.bib")


def test_one_run_formats_every_block_and_a_second_prepare_formats_nothing(bib: Path, runs: list[list[str]]) -> None:
    library = Library.open(bib, cache_dir=None)
    library.prepare(BLOCKS + BLOCKS[:2])
    assert runs == [BLOCKS]  # each block once
    assert library.inline["[@seikkula2008, p. 489]"].count("Seikkula, 2008, p. 489") == 1
    assert library.order == ["mead2014", "mead2017", "seikkula2008", "seikkula2003principles"]
    assert set(library.references) == library.keys  # every work, cited or not
    library.prepare(list(BLOCKS))  # as on a `mkdocs serve` rebuild of unchanged pages
    assert len(runs) == 1
    library.prepare(["[@mead2014, p. 3]", "[@mead2017]"])  # a page's new citation: only it is formatted
    assert runs[1] == ["[@mead2014, p. 3]"] and "Mead, 2014, p. 3" in library.inline["[@mead2014, p. 3]"]


def test_formatted_citations_are_kept_on_disk_between_builds(bib: Path, tmp_path: Path, runs: list[list[str]],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POD_CITATION_CACHE", raising=False)
    cache = tmp_path / "cache"
    first = Library.open(bib, cache_dir=cache)
    first.prepare(BLOCKS)
    [stored] = cache.glob("citations-*.json")
    assert set(json.loads(stored.read_text(encoding="utf-8"))) == {"inline", "references", "order"}
    # The next build: a new library (as in a new process), the same .bib and style.
    again = Library(first.bib_path, first.csl_path, first.bib, cache)
    again.prepare(BLOCKS)
    assert len(runs) == 1 and again.inline == first.inline and again.order == first.order
    # Another .bib is another file: nothing of the old one is reused.
    bib.write_text(bib.read_text(encoding="utf-8").replace("{2008}", "{2009}"), encoding="utf-8")
    changed = Library.open(bib, cache_dir=cache)
    changed.prepare(BLOCKS)
    assert len(runs) == 2 and len(list(cache.glob("citations-*.json"))) == 2
    assert "2009" in changed.inline["[-@seikkula2008]"]


def test_the_cache_can_be_turned_off_or_moved(bib: Path, tmp_path: Path, runs: list[list[str]],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("POD_CITATION_CACHE", "off")
    library = Library.open(bib, cache_dir=cache)
    library.prepare(BLOCKS[:1])
    Library(library.bib_path, library.csl_path, library.bib, cache).prepare(BLOCKS[:1])
    assert len(runs) == 2 and not cache.exists()
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("POD_CITATION_CACHE", str(elsewhere))
    Library(library.bib_path, library.csl_path, library.bib, cache).prepare(BLOCKS[:1])
    Library(library.bib_path, library.csl_path, library.bib, cache).prepare(BLOCKS[:1])
    assert len(runs) == 3 and len(list(elsewhere.glob("citations-*.json"))) == 1 and not cache.exists()


def test_a_reference_is_rendered_once_per_key(bib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = Library.open(bib, cache_dir=None)
    library.prepare(BLOCKS)
    calls: list[str] = []
    real = library._markdown.convert
    monkeypatch.setattr(library._markdown, "convert", lambda text: calls.append(text) or real(text))
    first = library.reference_pieces("mead2017", "references/#help")
    assert library.reference_pieces("mead2017", "references/#help") is first and len(calls) == 1
    assert "".join(first).startswith("Mead, S.") and first[1] == "&amp;" and "<em>" in first[3::2]  # text, tag, text...


def test_a_reference_that_is_not_one_paragraph_without_page_links_is_refused(bib: Path) -> None:
    library = Library.open(bib, cache_dir=None)
    library.prepare(BLOCKS)
    library.references["mead2017"] = "Mead. [A page](other.md)."
    with pytest.raises(bibliography.BibError, match=r"references.bib:10: entry 'mead2017': the reference or its x-note "
                                                    r"does not render as one paragraph without links to .md files"):
        library.reference_pieces("mead2017", "elsewhere/#help")


def test_a_reference_is_rendered_once_for_all_its_help_links(bib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The incomplete record's "How you can help" link differs from page to page; the reference is
    rendered by Python-Markdown once, and each page's pieces are exactly what a render with its
    own link gives (a link that HTML would escape is rendered on its own)."""
    library = Library.open(bib, cache_dir=None)
    library.prepare(BLOCKS)
    renders: list[str] = []
    real = library._markdown.convert
    monkeypatch.setattr(library._markdown, "convert", lambda text: renders.append(text) or real(text))

    def direct(key: str, link: str) -> list[str]:
        from markdown_citations.library import _TAG_OR_ENTITY

        rendered = markdown.Markdown().convert(library.references[key] + library.record_note(key, link))
        return _TAG_OR_ENTITY.split(rendered[3:-4])

    links = ["references/#help-complete-a-reference", "../references/#help-complete-a-reference",
             "../../references/#help-complete-a-reference"]
    for link in links:
        pieces = library.reference_pieces("mead2014", link)
        assert pieces == direct("mead2014", link)
        assert f'href="{link}"' in "".join(pieces)
    assert len(renders) == 1
    odd = "../references/?a=1&b=2#help-complete-a-reference"
    assert library.reference_pieces("mead2014", odd) == direct("mead2014", odd)
    assert len(renders) == 2
    # A complete record has no help link: one render serves every page.
    for link in links:
        assert library.reference_pieces("seikkula2008", link) == direct("seikkula2008", link)
    assert len(renders) == 3


def test_record_notes_say_what_is_incomplete_and_how_to_help(library: Library) -> None:
    assert library.record_note("mead2014", "../references/#help") == (
        ' <span class="ref-note ref-incomplete"><strong>Details incomplete.</strong> Title not yet verified. '
        "[How you can help complete it](../references/#help)</span>")
    assert "How you can help" not in library.record_note("mead2014", "")
    assert library.record_note("seikkula2008", "../references/#help") == ""


def test_check_keys_names_file_line_key_and_suggestion() -> None:
    known = {"seikkula2008", "mead2017", "hendy2023"}
    text = "# Page\n\nAs [@seikula2008] and [see @Mead2017; @hendy2023].\n`[@nothing]`\nAnd [@zzzz].\n"
    blocks, problems = check_keys("docs/page.md", text, known)
    assert [block.text for block in blocks] == ["[@seikula2008]", "[see @Mead2017; @hendy2023]", "[@zzzz]"]
    assert problems == [
        "docs/page.md:3: unknown citation key 'seikula2008' (did you mean 'seikkula2008'?)",
        "docs/page.md:3: unknown citation key 'Mead2017' (did you mean 'mead2017'?)",
        "docs/page.md:5: unknown citation key 'zzzz' (add it to references.bib or fix the key)"]
    assert check_keys("docs/page.md", "\n[see @a; and others]", known) == (
        [], ["docs/page.md:2: a part of this citation has no @key in '[see @a; and others]'"])


def test_the_library_checks_keys_against_its_own_entries(library: Library) -> None:
    assert library.check_keys("docs/x.md", "[@mead2071]")[1] == [
        "docs/x.md:1: unknown citation key 'mead2071' (did you mean 'mead2017'?)"]


def test_suggestion_is_the_closest_key_or_the_same_key_in_other_case() -> None:
    assert suggestion("seikula2008", ["seikkula2008", "mead2017"]) == "seikkula2008"
    assert suggestion("MEAD2017", {"mead2017"}) == "mead2017"
    assert suggestion("zzzz", {"mead2017"}) is None
