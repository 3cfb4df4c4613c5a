"""The real site: strict build, every citation resolved and rendered, references as specified."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)


def first_surname(reference_html: str) -> str:
    """The sort name of a reference: its first author's surname, particles included (APA lists "von Peter" under V)."""
    text = re.sub(r"<[^>]+>", "", reference_html).strip().lower()
    return re.split(r"[,.(]", text, maxsplit=1)[0].strip()


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.find('<article class="md-content__inner')
    return text[start: text.find("</article>", start)] if start >= 0 else ""


def test_no_raw_or_unresolved_citation_survives(built_site: Path) -> None:
    for page in pages(built_site):
        body = CODE.sub("", page.read_text(encoding="utf-8"))
        assert "[@" not in body and "[-@" not in body, page
        assert not re.search(r"\(\w[\w:.-]*\?\)", body), page  # pandoc's "(key?)"
        assert not re.search(r"\[\^[^\]]+\]", body), page  # an unresolved footnote marker
        assert "<sup id=\"fnref" not in body, page  # no separate footnote numbers


def test_every_citation_link_has_its_reference_on_the_page(built_site: Path) -> None:
    checked = 0
    for page in pages(built_site):
        text = page.read_text(encoding="utf-8")
        targets = set(re.findall(r'href="#(fn:[^"]+)" class="footnote-ref"', text))
        assert targets <= set(re.findall(r'<li id="(fn:[^"]+)"', text)), page
        checked += len(targets)
    assert checked > 100


def test_every_citing_page_ends_with_a_references_section(built_site: Path) -> None:
    citing = 0
    for page in pages(built_site):
        body = article(page)
        if 'class="citation"' not in body:
            continue
        citing += 1
        # Kept out of the search index (data-search-exclude): the References page is searchable.
        assert '<h2 data-search-exclude id="references">References' in body, page
        tail = body[body.index('<h2 data-search-exclude id="references">'):]
        keys = re.findall(r'<li id="fn:([^"]+)"', tail)
        assert keys, page
        surnames = [first_surname(item) for item in re.findall(r'<li id="fn:[^"]+">(.*?)</li>', tail, re.DOTALL)]
        assert surnames == sorted(surnames), f"{page}: references not in alphabetical order"
    assert citing >= 10


def test_dois_are_links(built_site: Path) -> None:
    page = (built_site / "references" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://doi.org/10.3389/fpsyg.2023.1176839">https://doi.org/10.3389/fpsyg.2023.1176839</a>' in page
    assert "doi.org/https" not in page


def test_site_wide_references_page(built_site: Path) -> None:
    page = (built_site / "references" / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<li id="ref-([^"]+)" class="csl-entry">(.*?)</li>', page, re.DOTALL)
    assert len(entries) == 48
    surnames = [first_surname(body) for _, body in entries]
    assert surnames == sorted(surnames)
    for key, body in entries:
        assert "Cited on: <a href=" in body, f"{key} is listed as cited nowhere"
    hendy = dict(entries)["hendy2023"]
    assert hendy.count("<a href=") > 10 and "#" in hendy  # pages and sections
    assert page.count("Details incomplete.") >= 20
    assert 'href="../references.bib"' in page and (built_site / "references.bib").is_file()
    assert (built_site / "references.bib").read_bytes() == (ROOT / "references.bib").read_bytes()


def test_apa_forms_render_as_specified(built_site: Path) -> None:
    text = " ".join(re.sub(r"<[^>]+>", "", article(p)) for p in pages(built_site))
    assert "(Seikkula et al., 2003" in text
    assert "Seikkula, 2008, p. 489" in text
    assert "Mead &amp; Filson, 2017" in text
    assert "Mead, 2010a" in text or "Mead, 2010b" in text
