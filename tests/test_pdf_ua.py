"""The book's PDF/UA-1 finishing and checks (tools/pdf_ua.py), and the HTML made ready for print
(tools/pdf.py, print_ready), on small documents made here: no browser, no site build.
The real book is checked in tests/test_pdf.py."""

from __future__ import annotations

import datetime
import io

import lxml.html
import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from tools import pdf_ua
from tools.pdf import print_ready, printed_links

BUILT = datetime.datetime(2026, 11, 18, 8, 26, 40, tzinfo=datetime.timezone.utc)


def tagged_pdf(content: bytes, link: str | None = None) -> bytes:
    """A one-page tagged PDF as Chromium prints one: a paragraph (MCID 0), then `content`."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"/P <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (Text) Tj ET EMC\n" + content)
    paragraph = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, Pg=page.obj, K=0))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array([paragraph])))
    paragraph.P = document
    parents = [0, Array([paragraph])]
    if link:
        annotation = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=[72, 690, 120, 712], StructParent=1,
            A=Dictionary(S=Name.URI, URI=String(link))))
        page.obj.Annots = Array([annotation])
        page.obj.Tabs = Name.S
        element = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.NonStruct, P=document,
                                               K=Array([Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page.obj)])))
        document.K.append(element)
        parents += [1, element]
    pdf.Root.StructTreeRoot = Dictionary(Type=Name.StructTreeRoot, K=document, ParentTree=Dictionary(Nums=Array(parents)))
    document.P = pdf.Root.StructTreeRoot
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def book(links: list[tuple[str, str, str]] | None = None) -> pdf_ua.Book:
    return pdf_ua.Book(title="A book", author="Us", description="What it is", keywords="version 1",
                       language="en-GB", built=BUILT, creator="tests", bookmarks=[], links=links or [])


FOOTER = b"q BT /F1 8 Tf 72 30 Td (A book, version 1) Tj ET Q\n"


def test_a_bare_tagged_pdf_fails_with_each_checkpoint_in_plain_words(tmp_path) -> None:
    path = tmp_path / "bare.pdf"
    path.write_bytes(tagged_pdf(FOOTER, link="https://example.org/"))
    problems = "\n".join(pdf_ua.check(path))
    for expected in ("01-005: page 1: 1 drawing operations", "18-001/18-002: page 1: 0 running footers",
                     "06-001: the PDF has no XMP metadata", "28-012: page 1: 1 links do not say where they go",
                     "28-011: page 1: 1 links are not inside a /Link structure element",
                     "31-009: the font /Helvetica is not embedded", "31-027: the font /Helvetica does not map"):
        assert expected in problems


def test_finishing_marks_the_footer_describes_links_and_declares_pdf_ua(tmp_path) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(pdf_ua.finish(tagged_pdf(FOOTER, link="https://example.org/"),
                                   book([("https://example.org/", "Our partner", "Web address: https://example.org/")])))
    assert [p for p in pdf_ua.check(path) if not p.startswith("31-")] == []  # fonts: Helvetica here is not embedded
    with pikepdf.open(path) as pdf:
        operators = [str(i.operator) for i in pikepdf.parse_content_stream(pdf.pages[0])]
        assert operators[-9:] == ["BDC", "q", "BT", "Tf", "Td", "Tj", "ET", "Q", "EMC"]
        (element, (annotation,)), = pdf_ua.link_elements(pdf)
        assert (element.S, str(element.Alt), str(annotation.Contents)) == (
            "/Link", "Our partner (Web address: https://example.org/)", "Web address: https://example.org/")
        meta = pdf.open_metadata()
        assert (meta["pdfuaid:part"], meta["dc:title"], meta["xmp:CreateDate"]) == ("1", "A book", BUILT.isoformat())
    again = pdf_ua.finish(tagged_pdf(FOOTER, link="https://example.org/"),
                          book([("https://example.org/", "Our partner", "Web address: https://example.org/")]))
    assert again == path.read_bytes(), "the same input gave another file: the book would not be reproducible"


def test_text_drawn_outside_the_structure_before_the_footer_stops_the_book() -> None:
    """CSS-generated text (content: in ::after) is printed untagged: never hidden as an artifact."""
    printed = tagged_pdf(b"BT /F1 12 Tf 72 600 Td ( \\(https://example.org/\\)) Tj ET\n/P <</MCID 1>> BDC EMC\n" + FOOTER)
    with pytest.raises(pdf_ua.PdfUaError, match=r"page 1: 1 pieces of text are drawn outside the structure tree"):
        pdf_ua.finish(printed, book())


def test_links_in_the_html_and_the_pdf_must_match() -> None:
    with pytest.raises(pdf_ua.PdfUaError, match="1 tagged links for 0 printed links"):
        pdf_ua.finish(tagged_pdf(FOOTER, link="https://example.org/"), book([]))


PAGE = """<!doctype html><html><head><style>a-b{}</style></head><body><main class="book">
<p>Peer-supported practice, see <a href="https://example.org/long-name">the site</a> now.</p>
<p>A very-long-compound-word-that-would-not-fit-on-one-line-if-kept-whole.</p>
<figure><figcaption><p>What the table shows.</p></figcaption><table><tr><td>x</td></tr></table></figure>
<section class="book-chapter" id="ch"><h2 id="ch--title">Chapter one</h2>
<p><a href="#ch--fn:smith2020">Smith, 2020</a> <a href="#ch">back</a> <a href="tel:116123">116 123</a></p>
<ol><li id="ch--fn:smith2020"><p>Smith, J. (2020). A title.</p></li></ol></section>
</main></body></html>"""


def test_print_ready_makes_addresses_hyphens_and_table_captions_print_as_they_read() -> None:
    html = print_ready(PAGE)
    root = lxml.html.document_fromstring(html)
    assert '<p><span class="book-nobreak">Peer-supported</span> practice' in html
    assert root.xpath("string(//span[@class='book-address'])") == " (https://example.org/long-name)"
    assert root.xpath("//table/caption/text()") == ["What the table shows."] and not root.xpath("//figure")
    assert "a-b{}" in html  # the stylesheet is not touched
    assert '(https://example.org/<span class="book-nobreak">long-name</span>)' in html  # not the href
    assert "<p>A very<span class=\"book-nobreak\">-l</span>ong<span class=\"book-nobreak\">-c</span>ompound" in html
    text = " ".join(root.find(".//main").text_content().split())
    assert text.startswith("Peer-supported practice, see the site (https://example.org/long-name) now.")


def test_printed_links_say_where_each_link_goes() -> None:
    assert printed_links(print_ready(PAGE)) == [
        ("https://example.org/long-name", "the site", "Web address: https://example.org/long-name"),
        ("#ch--fn:smith2020", "Smith, 2020", "Reference: Smith, J. (2020), in the references of Chapter one"),
        ("#ch", "back", "Chapter: Chapter one"),
        ("tel:116123", "116 123", "Phone: 116123"),
    ]
