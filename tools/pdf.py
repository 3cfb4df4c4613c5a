"""The book edition: the whole site as one accessible PDF (`make pdf`).

    python -m tools.pdf [--config mkdocs.yml] [--out dist/]

writes dist/pod-practice-principles-VERSION.pdf (VERSION is `extra.version` of the config).
How, in four steps, with nothing here that the site build does not also do:

1. Build the site with `mkdocs build --strict` (a warning fails the book as it fails the
   site), from the same Markdown, hooks and theme, into a temporary folder. POD_BOOK_BUILD=1
   tells hooks/book_pdf.py not to link or publish an earlier PDF inside the book itself, and
   hooks/precompress.py not to write Brotli files that no one would read.
2. Combine the built pages, in navigation order, into one HTML document (`combine`): a cover,
   what this edition leaves out, a table of contents, then each page's article. Every id is
   prefixed with its page's key ("principles-attunement--fn:hendy2023"), so the per-page
   "#fn:key" citation anchors stay unique and each citation links to the reference list of
   its own chapter; links between pages become links inside the document; links to pages
   left out go to the website. Headings shift one level inside a part, so the outline nests.
3. Print it twice with Debian's Chromium through Playwright, as a tagged PDF with an outline
   (`page.pdf(tagged=True, outline=True)`). Chromium cannot fill `target-counter()`, so the
   first print is only read (pypdf) for the page on which each chapter's named destination
   lies; those numbers go into the table of contents and the second print is the book. The
   numbers are checked again in the result.
4. With pikepdf (tools/pdf_ua.py), made to meet PDF/UA-1 and checked: page furniture marked
   as artifacts, every link described, document language (/Lang en-GB), title and dates in
   the metadata and XMP (from SOURCE_DATE_EPOCH when set, for a reproducible file), "show the
   title, not the file name", and each bookmark titled with its heading's text (Chromium
   drops the space at a line wrap). The combined HTML is made ready for that first
   (`print_ready`): what Chromium would print outside the structure tree is real text.

Why Chromium rather than WeasyPrint or mkdocs-print-site-plugin: see README.md, "The book (PDF)".
"""

from __future__ import annotations

import argparse
import datetime
import html as htmllib
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from mkdocs.config import load_config
from mkdocs.structure.files import File

from hooks.book_pdf import pdf_name  # the one place the book's file name is made
from hooks.prune_css import stylesheets as linked_stylesheets
from tools import pdf_ua
from tools.source_date import source_date_epoch

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LANG = "en-GB"
BASE = "https://book.invalid/"  # stands in for the site root while links are resolved
CSS = Path(__file__).with_name("book.css")
PLACEHOLDER = "000"  # the width a page number takes in the first print

# What makes no sense on paper, with what the cover's back says about it. Keys are Markdown
# paths (a folder ends in "/"); only pages in the navigation are listed here.
LEFT_OUT = {
    "contributing/": "how to contribute (writing, citing and style guides for contributors)",
    "self-hosting.md": "how to host your own copy of the site",
}
ALSO_LEFT_OUT = [
    "the site's search, its 'Edit this page' and 'View source' links, and the 'Cite this page' boxes "
    "(this edition has its own citation, on the cover)",
    "the 'page not found' page",
]


class BookError(Exception):
    """A problem that stops the book, said in one line with what to do."""


@dataclass
class Chapter:
    """One page of the site in the book, or (src is None) a part heading such as "Foundations"."""

    title: str
    depth: int
    src: str | None = None
    url: str = ""
    key: str = ""
    children: list[Chapter] = field(default_factory=list)


def page_key(src: str) -> str:
    """'principles/attunement.md' -> 'principles-attunement'; 'index.md' -> 'home'."""
    stem = src[:-3] if src.endswith(".md") else src
    if stem == "index":
        return "home"
    if stem.endswith("/index"):
        stem = stem[: -len("/index")]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem)


def left_out(src: str) -> bool:
    return any(src == path or (path.endswith("/") and src.startswith(path)) for path in LEFT_OUT)


def book_chapters(config) -> list[Chapter]:
    """The pages of the book in navigation order, with the parts they sit in.

    A page that is not in the navigation but lives in the folder of a section index page
    (the vignettes) follows that index page, one level deeper, in title order.
    """
    docs = Path(config.docs_dir)
    in_nav: set[str] = set()

    def walk(items, depth: int) -> list[Chapter]:
        chapters = []
        for item in items:
            if isinstance(item, str):
                item = {None: item}
            for title, value in item.items():
                if isinstance(value, list):
                    children = walk(value, depth + 1)
                    if children:
                        chapters.append(Chapter(title=title, depth=depth, children=children))
                elif isinstance(value, str) and not urlsplit(value).scheme:
                    in_nav.add(value)
                    if not left_out(value):
                        title = "Introduction" if value == "index.md" else title  # not "Home" in a book
                        chapters.append(Chapter(title=title or "", depth=depth, src=value))
        return chapters

    chapters = walk(config.nav or [], 0)
    for chapter in flatten(chapters):
        if chapter.src and chapter.src.endswith("/index.md"):
            folder = chapter.src[: -len("index.md")]
            extra = sorted(p.relative_to(docs).as_posix() for p in (docs / folder).glob("*.md"))
            chapter.children = [Chapter(title="", depth=chapter.depth + 1, src=src)
                                for src in extra if src not in in_nav]
    for chapter in flatten(chapters):
        if chapter.src:
            file = File(chapter.src, config.docs_dir, config.site_dir, config.use_directory_urls)
            chapter.url = "" if file.url == "./" else file.url  # MkDocs writes the home page's URL as "./"
            chapter.key = page_key(chapter.src)
        else:
            chapter.key = "part-" + re.sub(r"[^a-z0-9]+", "-", chapter.title.lower()).strip("-")
    return chapters


def flatten(chapters: list[Chapter]) -> list[Chapter]:
    out = []
    for chapter in chapters:
        out.append(chapter)
        out.extend(flatten(chapter.children))
    return out


def built_file(site: Path, url: str) -> Path:
    path = site / url
    return path / "index.html" if url == "" or url.endswith("/") else path


# Elements of the site's pages that have no place on paper.
DROP = [
    ("*", "md-content__button"),     # Edit this page, View source
    ("a", "headerlink"),             # the pilcrow after each heading
    ("a", "footnote-backref"),       # "back to where this is cited": many arrows on paper
    ("details", "cite-this-page"),   # the book has its own citation, on the cover
    ("nav", "page-toc"),             # "On this page": hidden in print; the outline does its work
]


def with_class(element: etree._Element, tag: str, name: str) -> list[etree._Element]:
    """Descendants `tag` (or "*") whose class list holds `name`."""
    return element.xpath(f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def article(site: Path, chapter: Chapter, targets: dict[str, str], site_url: str) -> tuple[str, etree._Element]:
    """The chapter's title and its article, with ids, links and headings made fit for the book."""
    path = built_file(site, chapter.url)
    if not path.is_file():
        raise BookError(f"{chapter.src}: the site build wrote no {path.relative_to(site)}")
    tree = lxml.html.parse(str(path))
    found = with_class(tree.getroot(), "article", "md-content__inner")
    if not found:
        raise BookError(f"{path}: no <article class=\"md-content__inner\">: has the theme changed?")
    body = found[0]
    for tag, name in DROP:
        for element in with_class(body, tag, name):
            element.drop_tree()
    h1 = body.find(".//h1")
    if h1 is None:
        raise BookError(f"{chapter.src}: the page has no level-one heading")
    title = h1.text_content().strip()
    if chapter.src == "index.md":  # the home page's heading is the book's title, already on the cover
        for child in list(h1):
            h1.remove(child)
        h1.text = chapter.title
    prefix = chapter.key + "--"
    page_abs = urljoin(BASE, chapter.url)
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("id"):
            element.set("id", prefix + element.get("id"))
        if element.tag == "label" and element.get("for"):
            element.set("for", prefix + element.get("for"))
        for attribute in ("aria-labelledby", "aria-describedby", "aria-controls"):
            if element.get(attribute):
                element.set(attribute, " ".join(prefix + i for i in element.get(attribute).split()))
        if element.tag in ("img", "source") and element.get("src"):
            src = urljoin(page_abs, element.get("src"))
            if src.startswith(BASE):
                element.set("src", src[len(BASE):])
        if element.tag == "details":
            element.set("open", "")
        if element.tag == "a" and element.get("href") is not None:
            href = element.get("href")
            if href.rstrip("/") == element.text_content().strip().rstrip("/"):
                element.set("class", (element.get("class", "") + " book-url").strip())  # address shown once
            element.set("href", book_href(href, page_abs, prefix, targets, site_url))
        match = re.fullmatch(r"h([1-6])", element.tag)
        if match and chapter.depth:
            element.tag = f"h{min(6, int(match.group(1)) + chapter.depth)}"
    body.set("id", chapter.key)  # the chapter's own anchor, for the contents and cross-links
    return title, body


def book_href(href: str, page_abs: str, prefix: str, targets: dict[str, str], site_url: str) -> str:
    if href.startswith("#"):
        return "#" + prefix + href[1:] if len(href) > 1 else "#" + prefix.rstrip("-")
    absolute = urljoin(page_abs, href)
    if not absolute.startswith(BASE):
        return href  # another site, tel:, mailto:
    parts = urlsplit(absolute)
    path = parts.path[len(urlsplit(BASE).path):]
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    key = targets.get(path)
    if key is None:  # a page left out of the book, or a file such as references.bib
        return urljoin(site_url, path) + (f"#{parts.fragment}" if parts.fragment else "")
    return f"#{key}--{parts.fragment}" if parts.fragment else f"#{key}"


def source_date() -> datetime.datetime:
    """The date the book carries: SOURCE_DATE_EPOCH, else the last commit's (tools/source_date.py)."""
    return datetime.datetime.fromtimestamp(source_date_epoch(), tz=datetime.timezone.utc)


def esc(text: object) -> str:
    return htmllib.escape(str(text))


def crisis_support(config) -> str:
    """The crisis-support contacts, from `extra.crisis_support`, as the site shows them."""
    support = config.extra.get("crisis_support") or {}
    if not support.get("contacts"):
        raise BookError(f"{config.config_file_path}: extra.crisis_support needs contacts: the book shows them near the start")
    items = []
    for contact in support["contacts"]:
        name = f"<strong>{esc(contact['name'])}</strong>"
        if contact.get("href"):
            name = f'<a href="{esc(contact["href"])}">{name}</a>'
        items.append(f"<li>{name}: {esc(contact.get('text', ''))}</li>")
    intro = f"<p>{esc(support['intro'])}</p>" if support.get("intro") else ""
    return (f'<aside class="crisis-support" aria-labelledby="book-support-heading">'
            f'<h2 id="book-support-heading">{esc(support.get("heading") or "If you need support now")}</h2>'
            f"{intro}<ul>{''.join(items)}</ul></aside>")


def front_matter(config, built: datetime.datetime) -> str:
    version = config.extra.get("version")
    name, author, url = config.site_name, config.site_author or "", config.site_url or ""
    day = f"{built.day} {built:%B %Y}"
    cite = (f"{esc(author)}. ({built.year}). <em>{esc(name)}</em> (Version {esc(version)}) [PDF]. "
            f"{esc(url)}")
    left = [f"<li>{esc(what)}</li>" for what in LEFT_OUT.values()] + [f"<li>{esc(w)}</li>" for w in ALSO_LEFT_OUT]
    return f"""
<section class="book-cover" aria-label="Cover">
  <p class="book-cover__kind">The book edition</p>
  <h1 class="book-cover__title" id="book-title">{esc(name)}</h1>
  <p class="book-cover__description">{esc(config.site_description or "")}</p>
  <dl class="book-cover__facts">
    <dt>Version</dt><dd>{esc(version)}</dd>
    <dt>Built</dt><dd><time datetime="{built:%Y-%m-%d}">{day}</time></dd>
    <dt>Website</dt><dd><a class="book-url" href="{esc(url)}">{esc(url)}</a></dd>
    <dt>Licence</dt><dd>{esc(config.copyright or "")}</dd>
  </dl>
  <p class="book-cover__cite"><strong>How to cite this edition:</strong> {cite}</p>
</section>
<section class="book-about" aria-label="About this edition">
  <h2 class="book-about__title" id="about-this-edition">About this edition</h2>
  <p>This is the whole website on paper, from the same pages and the same references, as it stood on {day}.
  The website may have changed since: its address is on the cover.
  Each chapter ends with the references it cites; the full list of references is at the end.
  Scenes in the vignettes are composite, fictional illustrations.</p>
  <p>Left out, because they make no sense on paper:</p>
  <ul>{''.join(left)}</ul>
  {crisis_support(config)}
</section>
"""


def contents(chapters: list[Chapter], pages: dict[str, int] | None) -> str:
    def items(chapters: list[Chapter]) -> str:
        out = []
        for chapter in chapters:
            number = str(pages[chapter.key]) if pages else PLACEHOLDER
            out.append(f'<li class="toc-depth-{chapter.depth}"><a href="#{chapter.key}">'
                       f'<span class="toc-title">{esc(chapter.title)}</span>'
                       f'<span class="toc-leader" aria-hidden="true"></span>'
                       f'<span class="toc-page"><span class="visually-hidden">page </span>{number}</span></a>')
            if chapter.children:
                out.append(f"<ol>{items(chapter.children)}</ol>")
            out.append("</li>")
        return "".join(out)

    return (f'<nav class="book-contents" aria-labelledby="contents"><h1 id="contents">Contents</h1>'
            f"<ol>{items(chapters)}</ol></nav>")


def combine(config, site: Path, chapters: list[Chapter], pages: dict[str, int] | None, built: datetime.datetime) -> str:
    """The whole book as one HTML document, to be saved in the root of the built site."""
    targets = {}
    for chapter in flatten(chapters):
        if chapter.src:
            targets[chapter.url] = chapter.key
            if chapter.url == "" or chapter.url.endswith("/"):
                targets[chapter.url + "index.html"] = chapter.key
    site_url = config.site_url or ""
    bodies = []

    def render(chapters: list[Chapter]) -> None:
        for chapter in chapters:
            if chapter.src is None:
                level = min(6, chapter.depth + 1)
                bodies.append(f'<section class="book-part"><h{level} id="{chapter.key}" class="book-part__title">'
                              f"{esc(chapter.title)}</h{level}></section>")
            else:
                title, body = article(site, chapter, targets, site_url)
                if chapter.src != "index.md":
                    chapter.title = title  # the page's own heading, as in the outline
                body.tag = "section"
                body.set("class", "book-chapter md-typeset")
                body.set("aria-labelledby", chapter.key)
                bodies.append(lxml.html.tostring(body, encoding="unicode"))
            render(chapter.children)

    render(chapters)
    # The stylesheets the home page links (Material's and extra_css, or the one pruned file
    # hooks/prune_css.py makes of them), so the book is styled exactly as the site.
    stylesheets = linked_stylesheets(site, "index.html")
    links = "".join(f'<link rel="stylesheet" href="{esc(href)}">' for href in stylesheets)
    title = f"{config.site_name} (version {config.extra.get('version')})"
    return print_ready(f"""<!doctype html>
<html lang="{LANG}"><head><meta charset="utf-8"><title>{esc(title)}</title>
{links}<style>{CSS.read_text(encoding="utf-8")}</style></head>
<body dir="ltr" data-md-color-scheme="default"><main class="md-typeset book">
{front_matter(config, built)}
{contents(chapters, pages)}
{''.join(bodies)}
</main></body></html>
""")


def print_ready(html: str) -> str:
    """The combined document with what Chromium would print untagged or misread made real:

    * the address after each link to another site (the site's print stylesheet writes it with
      CSS `content:`, which Chromium prints outside the structure tree) becomes text in a span;
    * a line never ends at the hyphen of a hyphenated word (`keep_hyphens`), because text
      extraction such as pdftotext takes a hyphen at the end of a line for a hyphenation and
      drops it ("Peer-supported" read as "Peersupported");
    * a table in a <figure> with a <figcaption> becomes a table with a <caption>: Chromium tags
      a <figure> as /Figure, which PDF/UA reads as one image (to be replaced by its alternative
      text), and a table's caption as the table's /Caption.
    """
    root = lxml.html.document_fromstring(html)
    main = root.find(".//main")
    for link in main.iter("a"):
        href = link.get("href") or ""
        if href.startswith("http") and "book-url" not in (link.get("class") or "").split():
            address = etree.Element("span", {"class": "book-address"})
            address.text = f" ({href})"
            address.tail, link.tail = link.tail, None
            link.addnext(address)
    for figure in list(main.iter("figure")):
        children = [child for child in figure if isinstance(child.tag, str)]
        if [child.tag for child in children] == ["figcaption", "table"]:
            caption, table = children
            caption.tag = "caption"
            for paragraph in caption.findall("p"):  # a <p> would be tagged /P, which a /Table may not hold
                paragraph.drop_tag()
            table.insert(0, caption)
            table.tail = figure.tail
            figure.getparent().replace(figure, table)
    for element in list(main.iter()):
        if isinstance(element.tag, str) and element.tag not in ("style", "script"):
            keep_hyphens(element)
    return lxml.html.tostring(root, doctype="<!doctype html>", encoding="unicode")


COMPOUND = re.compile(r"\w+(?:-\w+)+")
LONGEST_UNBROKEN = 30  # characters: a longer compound (a web address's path) may break, but not at a hyphen


def unbroken(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, keep on one line): each hyphenated word whole, or in a longer one
    each hyphen with the character after it, so that no line ends at the hyphen of a word."""
    pieces: list[tuple[str, bool]] = []
    done = 0
    for match in COMPOUND.finditer(text):
        pieces.append((text[done:match.start()], False))
        word = match.group()
        if len(word) <= LONGEST_UNBROKEN:
            pieces.append((word, True))
        else:
            parts = word.split("-")
            pieces.append((parts[0], False))
            for part in parts[1:]:
                pieces += [("-" + part[:1], True), (part[1:], False)]
        done = match.end()
    pieces.append((text[done:], False))
    return pieces


def keep_hyphens(element: etree._Element) -> None:
    """Put the pieces of the element's text and tail that must stay on one line in spans that do not break.
    (Whole words where possible: a screen reader then meets a word as one piece of tagged text.)"""
    def spans(text: str) -> tuple[str, list[etree._Element]]:
        lead, made = "", []
        for piece, keep in unbroken(text):
            if keep:
                made.append(etree.Element("span", {"class": "book-nobreak"}))
                made[-1].text = piece
            elif made:
                made[-1].tail = (made[-1].tail or "") + piece
            else:
                lead += piece
        return lead, made

    if element.text and COMPOUND.search(element.text):
        element.text, made = spans(element.text)
        for position, span in enumerate(made):
            element.insert(position, span)
    if element.tail and COMPOUND.search(element.tail):
        element.tail, made = spans(element.tail)
        for span in reversed(made):
            element.addnext(span)


def printed_links(html: str) -> list[tuple[str, str, str]]:
    """(href, the link's words, where it goes) for every link of the combined document, in order."""
    root = lxml.html.document_fromstring(html)
    ids = {element.get("id"): element for element in root.iter() if isinstance(element.tag, str) and element.get("id")}

    def heading(element: etree._Element) -> str:
        found = element.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6")
        return " ".join(found[0].text_content().split()) if found else ""

    def where(href: str, text: str) -> str:
        if not href.startswith("#"):
            scheme = urlsplit(href).scheme
            if scheme == "mailto":
                return f"Email: {href[len('mailto:'):]}"
            if scheme == "tel":
                return f"Phone: {href[len('tel:'):]}"
            return f"Web address: {href}"
        target = ids.get(href[1:])
        if target is None:
            raise BookError(f"a link in the book goes to {href}, which the book does not have")
        if "book-chapter" in (target.get("class") or ""):
            return f"Chapter: {heading(target)}"
        if "book-part__title" in (target.get("class") or ""):
            return f"Part: {' '.join(target.text_content().split())}"
        chapters = target.xpath("ancestor::section[contains(@class, 'book-chapter')]")
        chapter = heading(chapters[0]) if chapters else "the start of the book"
        words = " ".join(target.text_content().split())
        if "--fn:" in href:
            short = re.match(r"(.*?\(\d{4}[a-z]?\))", words)
            return f"Reference: {short.group(1) if short else words[:80]}, in the references of {chapter}"
        if target.tag == "dt" and chapters and chapters[0].get("id") == "glossary":
            return f"Glossary: {words}"
        if re.fullmatch(r"h[1-6]", target.tag):
            return f"Section: {words}, in {chapter}" if words != chapter else f"Chapter: {chapter}"
        return f"In {chapter}: {words[:80]}"

    def words(link: etree._Element) -> str:
        title, page = link.find("span[@class='toc-title']"), link.find("span[@class='toc-page']")
        if title is not None and page is not None:  # an entry of the contents: its parts are laid out apart
            return f"{' '.join(title.text_content().split())}, {' '.join(page.text_content().split())}"
        return " ".join(link.text_content().split())

    return [(link.get("href"), words(link), where(link.get("href"), words(link)))
            for link in root.xpath("//main//a[@href]")]


def footer(config) -> str:
    return ('<div style="font: 8pt system-ui, sans-serif; color: #555; width: 100%; margin: 0 15mm; '
            'display: flex; justify-content: space-between">'
            f'<span>{esc(config.site_name)}, version {esc(config.extra.get("version"))}</span>'
            '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


def print_pdf(browser, html_file: Path, config) -> bytes:
    page = browser.new_page()
    try:
        page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())  # nothing leaves this machine
        page.goto(html_file.as_uri(), wait_until="load")
        page.emulate_media(media="print")
        return page.pdf(format="A4", print_background=True, tagged=True, outline=True,
                        display_header_footer=True, header_template="<span></span>", footer_template=footer(config),
                        margin={"top": "18mm", "bottom": "20mm", "left": "18mm", "right": "18mm"})
    finally:
        page.close()


def destination_pages(pdf: bytes, keys: list[str]) -> dict[str, int]:
    """1-based page of each chapter's named destination."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    dests = {name.lstrip("/"): dest for name, dest in reader.named_destinations.items()}
    pages = {}
    for key in keys:
        if key not in dests:
            raise BookError(f"the printed book has no destination for chapter '{key}': nothing links to it?")
        pages[key] = reader.get_destination_page_number(dests[key]) + 1
    return pages


def headings(html: str) -> list[str]:
    """The text of every heading of the combined document, in order, as the outline lists them."""
    root = lxml.html.fromstring(html)
    return [" ".join(h.text_content().split()) for h in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6|//*[@role='heading']")]


def build_site(config_file: Path, site: Path) -> None:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    env = dict(os.environ, POD_BOOK_BUILD="1", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([str(mkdocs), "build", "--strict", "-f", str(config_file), "--site-dir", str(site)],
                            capture_output=True, text=True, env=env, cwd=config_file.parent)
    if result.returncode != 0:
        raise BookError(f"the site build for the book failed (mkdocs build --strict -f {config_file.name}):\n"
                        + result.stderr[-4000:])


def make_book(config_file: Path, out_dir: Path, keep_html: Path | None = None, draft: bool = False) -> Path:
    """Build the book; a draft is printed once, its contents without page numbers."""
    from playwright.sync_api import sync_playwright

    built = source_date()
    with tempfile.TemporaryDirectory(prefix="pod-book-") as tmp:
        site = Path(tmp) / "site"
        build_site(config_file, site)
        config = load_config(str(config_file), site_dir=str(site))
        chapters = book_chapters(config)
        keys = [c.key for c in flatten(chapters)]
        html_file = site / "book.html"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                html_file.write_text(combine(config, site, chapters, None, built), encoding="utf-8")
                pdf = print_pdf(browser, html_file, config)
                pages = destination_pages(pdf, keys)
                if not draft:
                    for _ in range(3):  # numbers stay put unless the contents reflow; check and repeat
                        html_file.write_text(combine(config, site, chapters, pages, built), encoding="utf-8")
                        pdf = print_pdf(browser, html_file, config)
                        again = destination_pages(pdf, keys)
                        if again == pages:
                            break
                        pages = again
                    else:
                        raise BookError("the table of contents' page numbers do not settle after three prints")
            finally:
                browser.close()
        if keep_html:
            keep_html.write_text(html_file.read_text(encoding="utf-8"), encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / pdf_name(config)
        html = html_file.read_text(encoding="utf-8")
        book = pdf_ua.Book(
            title=config.site_name, author=config.site_author or "",
            description=(config.site_description or "").strip(), keywords=f"version {config.extra.get('version')}",
            language=LANG, built=built, creator="make pdf (MkDocs, Chromium)",
            bookmarks=headings(html), links=printed_links(html))
        try:
            target.write_bytes(pdf_ua.finish(pdf, book))
        except pdf_ua.PdfUaError as error:
            raise BookError(str(error)) from error
        problems = pdf_ua.check(target)
        if problems:
            raise BookError(f"{target.name} does not meet PDF/UA-1:\n  " + "\n  ".join(problems))
        return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="mkdocs.yml", help="mkdocs.yml or an organisation's override file")
    parser.add_argument("--out", default=str(ROOT / "dist"), help="folder for the PDF")
    parser.add_argument("--keep-html", help="also save the combined HTML here (to inspect it)")
    parser.add_argument("--draft", action="store_true", help="print once, with no page numbers in the contents (faster)")
    args = parser.parse_args()
    start = time.perf_counter()
    try:
        target = make_book(Path(args.config).resolve(), Path(args.out), Path(args.keep_html) if args.keep_html else None,
                            args.draft)
    except BookError as error:
        print(f"make pdf: {error}", file=sys.stderr)
        return 1
    from pypdf import PdfReader

    pages = len(PdfReader(target).pages)
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    print(f"wrote {shown}: {pages} pages, {target.stat().st_size / 1e6:.1f} MB, "
          f"in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
