"""The book edition (`make pdf`, tools/pdf.py): one accessible PDF of the whole site, with
working citations, checked in the printed file itself: its structure, outline and links with
pypdf, its text layer with pdftotext (as copy and search in many readers read it).

The real site's book is the one `make release` makes (the session's `release` fixture, which
tests/test_release.py shares); the organisation example's book is printed here, as a draft
(one print). The hook that links the book from the site is tested on the small fixture site,
with a tiny stand-in PDF."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
import yaml
from pypdf import PdfReader, PdfWriter

from conftest import FORMULATIONS, ROOT, mkdocs
from tools.offline_zip import version

# The date each book carries: SOURCE_DATE_EPOCH, the last commit's time (tests/conftest.py),
# never the clock of the machine (the site's book is printed under a fake clock, in 2027).
BUILT = datetime.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), datetime.timezone.utc)
VERSION = version()


@dataclass
class Book:
    pdf: Path
    reader: PdfReader
    html: lxml.html.HtmlElement
    pages: list[str]  # the text layer of each page, without its running footer

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def text_layer(pdf: Path) -> list[str]:
    """Each page's text as pdftotext reads it (as copy and search in many readers do), without
    the running footer ("..., version 1.2.3" and "Page 4 of 95", on lines of their own)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils (make test does, via tools/system-packages.sh)")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"^(.*, version \S+|Page \d+ of \d+)\s*$", "", page, flags=re.M) for page in text.split("\f")[:-1]]


def start_book(config: Path, out: Path, *options: str) -> subprocess.Popen[str]:
    """`python -m tools.pdf` started on `config`, writing into `out`."""
    return subprocess.Popen([sys.executable, "-m", "tools.pdf", "--config", str(config), "--out", str(out),
                             "--keep-html", str(out / "book.html"), *options],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def read_book(pdf: Path, html: Path) -> Book:
    return Book(pdf, PdfReader(pdf), lxml.html.parse(str(html)).getroot(), text_layer(pdf))


@pytest.fixture(scope="module")
def books(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Book]]:
    """The site's book, as `make release` makes it (the session's `release` fixture), and an
    organisation's (from examples/organisation.yml, copied beside mkdocs.yml, as the README
    says), a draft, printed meanwhile."""
    config = ROOT / "organisation-pdf-test.yml"
    shutil.copy(ROOT / "examples" / "organisation.yml", config)
    out = tmp_path_factory.mktemp("organisation-book")
    process = start_book(config, out, "--draft")  # one print is enough there
    try:
        release: Path = request.getfixturevalue("release")
        site = read_book(release / "copy" / "dist" / f"pod-practice-principles-{VERSION}.pdf", release / "book.html")
        _, errors = process.communicate(timeout=600)
        assert process.returncode == 0, errors[-3000:]
    finally:
        if process.poll() is None:  # the release failed: stop the print too
            process.kill()
            process.wait()
        config.unlink(missing_ok=True)
    yield {"site": site, "organisation": read_book(out / f"pod-practice-principles-{VERSION}.pdf", out / "book.html")}


@pytest.fixture(scope="module")
def book(books: dict[str, Book]) -> Book:
    return books["site"]


def squeeze(text: str) -> str:
    """Text compared regardless of line breaks, hyphenation at line ends, ligatures and quote style."""
    text = unicodedata.normalize("NFKC", text).replace("“", '"').replace("”", '"').replace("’", "'")
    return re.sub(r"[\s\-–\u00ad]", "", text)


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, " ".join(item.title.split()), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def contents(book: Book) -> list[tuple[str, str, int]]:
    """(anchor, title, page) of every entry in the book's table of contents."""
    entries = []
    for link in book.html.xpath("//nav[@class='book-contents']//a"):
        title = link.xpath("string(.//span[@class='toc-title'])").strip()
        page = link.xpath("string(.//span[@class='toc-page'])").replace("page", "").strip()
        entries.append((link.get("href")[1:], title, int(page)))
    return entries


def destinations(reader: PdfReader) -> dict[str, int]:
    return {name.lstrip("/"): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


def test_tagged_with_language_title_and_metadata(book: Book) -> None:
    root = book.reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert "/StructTreeRoot" in root and root["/StructTreeRoot"].get_object().get("/K")
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    meta = book.reader.metadata
    assert meta.title == "Peer-supported Open Dialogue practice principles"
    assert meta["/CreationDate"].startswith(f"D:{BUILT:%Y%m%d}")
    assert book.pdf.name == f"pod-practice-principles-{VERSION}.pdf"
    first = book.reader.pages[0].mediabox
    assert abs(float(first.width) - 595.3) < 1.5 and abs(float(first.height) - 841.9) < 1.5  # A4, in points


def test_cover_and_what_is_left_out(book: Book) -> None:
    assert len(book.pages) == len(book.reader.pages)
    cover = squeeze(book.pages[0])
    for expected in (f"Version{VERSION}", f"{BUILT.day}{BUILT:%B%Y}", "CCBY4.0", "Howtocitethisedition",
                     f"(Version{VERSION})[PDF]"):
        assert squeeze(expected) in cover, expected
    back = squeeze(book.pages[1])
    for expected in ("howtocontribute", "hostyourowncopy", "search", "Editthispage", "pagenotfound",
                     "Ifyouneedsupportnow", "Samaritans"):
        assert squeeze(expected) in back, expected


def test_contents_page_numbers_match_where_chapters_start(book: Book) -> None:
    entries = contents(book)
    starts = destinations(book.reader)
    assert len(entries) >= 30
    for anchor, title, page in entries:
        assert starts[anchor] == page, f"contents say '{title}' is on page {page}; it starts on {starts[anchor]}"


def test_book_holds_the_pages_in_navigation_order_and_leaves_out_the_rest(book: Book) -> None:
    titles = [title for _, title, _ in contents(book)]
    order = ["Introduction", "The principles", "Attunement", "Self-disclosure", "Foundations", "Open Dialogue",
             "Vignettes", "All the voices", "Training and supervision", "Glossary", "References"]
    assert [t for t in titles if t in order] == order
    for left_out in ("How to contribute", "Citations and references", "Hosting your own copy"):
        assert left_out not in titles
    vignettes = sorted(p.stem for p in (ROOT / "docs" / "vignettes").glob("*.md") if p.stem != "index")
    anchors = [anchor for anchor, _, _ in contents(book)]
    assert [a for a in anchors if a.startswith("vignettes-") and a != "vignettes"] == [f"vignettes-{v}" for v in vignettes]


def test_an_outline_entry_for_every_page_and_section(book: Book) -> None:
    bookmarks = outline(book.reader)
    depths = {link.get("href")[1:]: int(link.getparent().get("class").rsplit("-", 1)[1])
              for link in book.html.xpath("//nav[@class='book-contents']//a")}
    for anchor, title, page in contents(book):
        assert (depths[anchor], title, page) in bookmarks, f"no bookmark '{title}' on page {page} at depth {depths[anchor]}"
    headings = book.html.xpath("//h1|//h2|//h3|//h4|//h5|//h6|//*[@role='heading']")
    assert [title for _, title, _ in bookmarks] == [" ".join(h.text_content().split()) for h in headings]


def test_every_internal_link_resolves(book: Book) -> None:
    names = set(destinations(book.reader))
    internal = 0
    for number, page in enumerate(book.reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            target = annotation.get("/Dest", action.get("/D") if action and action.get("/S") == "/GoTo" else None)
            if target is None:
                assert action["/S"] == "/URI", (number, action)
                assert not str(action["/URI"]).startswith("file:"), (number, action["/URI"])
                continue
            internal += 1
            assert str(target).lstrip("/") in names, f"page {number}: link to missing destination {target}"
    assert internal > 500


def test_each_citation_links_to_its_own_chapters_reference_list(book: Book) -> None:
    ids = book.html.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids repeat across the book"
    citations = 0
    for chapter in book.html.xpath("//section[contains(@class, 'book-chapter')]"):
        own = set(chapter.xpath(".//@id"))
        for link in chapter.xpath(".//span[@class='citation']//a"):
            citations += 1
            href = link.get("href")
            assert href.startswith(f"#{chapter.get('id')}--fn:") and href[1:] in own, href
    assert citations > 300


def test_no_unresolved_citations_in_the_text(book: Book) -> None:
    assert "[@" not in book.text
    assert not re.search(r"\(\w[\w:.-]*\?\)", book.text)


@pytest.mark.parametrize("name", FORMULATIONS)
def test_formulations_verbatim_in_the_text_layer(book: Book, name: str) -> None:
    assert squeeze(FORMULATIONS[name]) in squeeze(book.text)


def test_every_vignette_keeps_its_label_content_note_and_contacts(book: Book) -> None:
    starts = destinations(book.reader)
    ends = sorted(set(starts.values()) | {len(book.reader.pages) + 1})
    for path in sorted((ROOT / "docs" / "vignettes").glob("*.md")):
        if path.stem == "index":
            continue
        first = starts[f"vignettes-{path.stem}"]
        last = min(e for e in ends if e > first)  # the next chapter's first page
        text = squeeze("\n".join(book.pages[first - 1:last]))
        assert squeeze("A composite, fictional illustration") in text, path.name
        assert "Samaritans" in text, path.name
        if "content_note:" in path.read_text(encoding="utf-8"):
            assert "Contentnote" in text, path.name


def test_links_to_pages_left_out_go_to_the_website_and_show_their_address(book: Book) -> None:
    text = squeeze(book.text)
    shown = 0
    for link in book.html.xpath("//a[starts-with(@href, 'http')]"):
        assert "book.invalid" not in link.get("href")
        if "book-url" not in (link.get("class") or ""):
            assert squeeze(link.get("href")) in text, f"address of {link.get('href')} is not printed"
            shown += 1
    assert shown > 0
    assert not book.html.xpath("//a[contains(@href, 'contributing') and not(starts-with(@href, 'http'))]")


@pytest.fixture(scope="module")
def organisation_book(books: dict[str, Book]) -> Book:
    return books["organisation"]


def test_organisation_book_carries_its_name_and_contacts(organisation_book: Book) -> None:
    assert "Example NHS Foundation Trust" in organisation_book.reader.metadata.title
    start = squeeze("\n".join(organisation_book.pages[:3]))
    assert squeeze("Example crisis line") in start and squeeze("0800 000 0000") in start
    assert "Samaritans" not in organisation_book.text and "116 123" not in organisation_book.text
    assert "intranet.example.nhs.uk/pod/" in organisation_book.text


# The link from the site to the book (hooks/book_pdf.py), on the small fixture site.

def fixture_with_placeholder(site: Path) -> None:
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"].append("hooks/book_pdf.py")
    config.setdefault("extra", {})["version"] = "9.9.9"
    (site / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    with (site / "docs" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n<!-- book-pdf -->\n")


def test_without_a_book_the_site_builds_strictly_with_no_link(fixture_site: Path, tmp_path: Path) -> None:
    fixture_with_placeholder(fixture_site)
    result = mkdocs("build", "--strict", "--site-dir", str(tmp_path / "out"), cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "book-pdf" not in page and "Download the whole site" not in page


def test_with_a_book_the_site_links_and_publishes_it(fixture_site: Path, tmp_path: Path) -> None:
    fixture_with_placeholder(fixture_site)
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    (fixture_site / "dist").mkdir()
    with (fixture_site / "dist" / "pod-practice-principles-9.9.9.pdf").open("wb") as out:
        writer.write(out)
    result = mkdocs("build", "--strict", "--site-dir", str(tmp_path / "out"), cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="book-pdf-link" href="pod-practice-principles-9\.9\.9\.pdf">'
                     r"Download the whole site as a PDF \(3 pages, 0\.0 MB\)</a>", page)
    assert (tmp_path / "out" / "pod-practice-principles-9.9.9.pdf").is_file()


def test_nothing_is_wider_than_the_printed_page(built_site: Path, browser, tmp_path: Path) -> None:
    """At the width of A4 less its margins (174 mm, 658 CSS pixels), laid out for print, no
    element of the book reaches past the right margin (tables, code, long addresses)."""
    from mkdocs.config import load_config

    from tools import pdf

    for name in ("assets", "stylesheets"):  # the book's stylesheets, without writing into the shared build
        (tmp_path / name).symlink_to(built_site / name)
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(built_site))
    html = pdf.combine(config, built_site, pdf.book_chapters(config), None, pdf.source_date())
    (tmp_path / "book.html").write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 658, "height": 900})
    try:
        page.goto((tmp_path / "book.html").as_uri())
        page.emulate_media(media="print")
        # The site's one (pruned) stylesheet, as the home page links it, and the book's own.
        assert page.evaluate("document.styleSheets.length") == 2
        assert re.search(r"/assets/stylesheets/site\.[0-9a-f]{8}\.min\.css$", page.evaluate("document.styleSheets[0].href"))
        too_wide = page.evaluate("""() => {
            const right = document.querySelector('main').getBoundingClientRect().right;
            return [...document.querySelectorAll('main *')]
                .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > right + 1; })
                .map(e => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 60)}`);
        }""")
    finally:
        page.close()
    assert too_wide == []


# PDF/UA-1 (tools/pdf_ua.py): checked with the independent checker pdfua, and with our own checks.

def test_pdfua_checker_finds_nothing(book: Book) -> None:
    """pdfua 0.1.3 decides 16 of PDF/UA-1's machine-checkable rules; any finding, even a warning
    (a link without a description), fails, in the checker's words with its rule and page."""
    from pdfua import validate

    report = validate(str(book.pdf))
    found = [f"{f.rule_id} ({f.severity.name.lower()}), {f.location.describe()}: {f.message}" for f in report.findings]
    assert not found, "the PDF/UA checker pdfua finds:\n" + "\n".join(found[:20])
    # pdfua 0.1.3 stops on headings whose content is an array of marked-content ids (UA-14-001,
    # empty headings); our own checks (tools/pdf_ua.py, check_structure) look for empty headings instead.
    skipped = {outcome.rule_id: outcome.skipped_reason for outcome in report.outcomes if outcome.skipped_reason}
    assert set(skipped) <= {"UA-14-001"}, skipped


def test_our_pdf_ua_checks_find_nothing(book: Book) -> None:
    """Each Matterhorn checkpoint checked by machine in tools/pdf_ua.py (README, "Accessible PDF")."""
    from tools import pdf_ua

    problems = pdf_ua.check(book.pdf)
    assert not problems, "PDF/UA-1 problems in the book:\n" + "\n".join(problems[:20])


def test_declares_pdf_ua_1_with_title_language_and_the_build_date(book: Book) -> None:
    import pikepdf

    assert book.pdf.read_bytes().startswith(b"%PDF-1.7"), "not a PDF 1.7 file (PDF/UA-1 is built on ISO 32000-1)"
    with pikepdf.open(book.pdf) as pdf:
        meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == "Peer-supported Open Dialogue practice principles"
        assert meta["dc:language"] == {"en-GB"}
        for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
            assert meta[key] == BUILT.isoformat(), key


def test_every_link_says_where_it_goes(book: Book) -> None:
    import pikepdf

    from tools import pdf_ua

    with pikepdf.open(book.pdf) as pdf:
        described = {}
        for element, annotations in pdf_ua.link_elements(pdf):
            for annotation in annotations:
                target = pdf_ua.annotation_target(annotation)
                assert element.S == "/Link", f"the link to {target} is tagged {element.S}, not /Link"
                described.setdefault(target, (str(annotation.get("/Contents", "")), str(element.get("/Alt", ""))))
    where, alt = described["#principles-attunement--fn:hendy2023"]
    assert where == "Reference: Hendy, C., Tew, J., & Carr, S. (2023), in the references of Attunement"
    assert where in alt  # and the link's own words, unless they are in it already ("2023")
    assert described["#principles-attunement"][0] == "Chapter: Attunement"
    assert described["#glossary--attunement"][0] == "Glossary: Attunement"
    assert described["tel:116123"][0] == "Phone: 116123"
    doi = "https://doi.org/10.3389/fpsyg.2023.1176839"
    assert described[doi][0] == f"Web address: {doi}" and doi in described[doi][1]


def test_the_text_layer_reads_the_real_words(book: Book) -> None:
    """pdftotext, like copy and paste in many readers, takes a hyphen at the end of a line for
    a hyphenation and drops it: no hyphenated word of the book may end a line at its hyphen.
    And no ligature ("ﬁ" as one character) stands for its letters."""
    text = book.text
    html_text = book.html.find(".//main").text_content()
    words = set(re.findall(r"\w+", html_text))
    lost = sorted({word for word in re.findall(r"\w+(?:-\w+)+", html_text)
                   if word.replace("-", "") not in words and re.search(rf"\b{word.replace('-', '')}\b", text)})
    assert not lost, f"the text layer reads these words without their hyphens: {', '.join(lost)}"
    assert "\u00ad" not in text
    ligatures = sorted(set(re.findall("[\ufb00-\ufb06]", book.text)))
    assert not ligatures, f"the text layer has ligature characters {ligatures}, not their letters"
