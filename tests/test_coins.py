"""markdown_citations/coins.py: each reference as a COinS (an OpenURL ContextObject in an
empty span) that reference managers read, made from the CSL-JSON the site publishes. Every
COinS of the real site is checked against references.bib in tests/test_reference_managers.py."""

from __future__ import annotations

import html
from urllib.parse import parse_qsl

from conftest import FIXTURE_BIB, check_coins
from markdown_citations import bibliography, coins, formats


def items() -> dict[str, dict]:
    return {item["id"]: item for item in formats.csl_items(FIXTURE_BIB, None)}


def test_a_journal_article_is_a_journal_context_object() -> None:
    assert coins.context_object(items()["mead2017"]) == [
        ("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"), ("rft.genre", "article"),
        ("rft.atitle", "Mutuality and shared power as an alternative to coercion and force"),
        ("rft.jtitle", "Mental Health and Social Inclusion"), ("rft.aulast", "Mead"), ("rft.aufirst", "Shery"),
        ("rft.au", "Filson, Beth"), ("rft.date", "2017"), ("rft_id", "info:doi/10.1108/MHSI-03-2017-0011")]


def test_an_incomplete_record_carries_only_what_is_verified() -> None:
    assert coins.context_object(items()["mead2014"]) == [
        ("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"), ("rft.type", "document"),
        ("rft.creator", "Mead, Shery"), ("rft.date", "2014")]
    assert coins.coins(items()["mead2014"]) == ""  # no verified title: Zotero could not use it


def test_other_kinds_and_a_surname_alone() -> None:
    chapter = {"id": "c", "type": "chapter", "title": "A chapter", "container-title": "A book",
               "author": [{"literal": "von Peter"}], "page": "1-9", "publisher": "Press", "ISBN": "978-0"}
    assert coins.context_object(chapter) == [
        ("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", "bookitem"),
        ("rft.atitle", "A chapter"), ("rft.btitle", "A book"), ("rft.aulast", "von Peter"), ("rft.pages", "1-9"),
        ("rft.pub", "Press"), ("rft.isbn", "978-0")]
    report = {"id": "r", "type": "report", "title": "A report", "URL": "https://example.org/r"}
    assert coins.context_object(report)[1:4] == [
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", "report"), ("rft.btitle", "A report")]
    assert coins.context_object(report)[-1] == ("rft_id", "https://example.org/r")


def test_the_span_is_empty_escaped_and_skipped_by_tooltips() -> None:
    span = coins.coins(items()["mead2017"])
    assert span.startswith('<span class="Z3988" title="ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt')
    assert span.endswith('" data-preview></span>')
    title = html.unescape(span.split('title="')[1].split('"')[0])
    assert parse_qsl(title)[4] == ("rft.jtitle", "Mental Health and Social Inclusion")


def test_every_complete_record_passes_the_check_the_real_site_passes() -> None:
    entries = bibliography.load(FIXTURE_BIB).entries
    for key, item in items().items():
        if entries[key].fields.get("x-status") != "incomplete":
            check_coins(key, html.unescape(coins.coins(item).split('title="')[1].split('"')[0]), entries[key])


def test_add_coins_puts_one_inside_each_work_of_the_site_wide_list() -> None:
    page = ('<ol>\n<li id="fn:mead2017">\n<p>Mead.</p></li></ol>'
            '<ul><li id="ref-mead2017" class="csl-entry"><p>Mead.</p></li><li id="ref-unknown"><p>?</p></li></ul>'
            '<li id="other">x</li>')
    made: dict[str, str] = {}
    out = coins.add_coins(page, items(), made)
    span = coins.coins(items()["mead2017"])
    assert out == page.replace('<li id="ref-mead2017" class="csl-entry">', f'<li id="ref-mead2017" class="csl-entry">{span}')
    assert made == {"mead2017": span, "unknown": ""}
    made["mead2017"] = "<!-- kept -->"  # made once, then reused on the next page
    assert coins.add_coins('<li id="ref-mead2017">', items(), made) == '<li id="ref-mead2017"><!-- kept -->'
    assert not coins.pages_with_coins(page.split("<ul>")[0]) and coins.pages_with_coins(page)
