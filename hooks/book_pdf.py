"""MkDocs hook: link and publish the book edition (the whole site as one PDF) when it has been built.

`make pdf` (tools/pdf.py) writes dist/pod-practice-principles-VERSION.pdf, VERSION being
`extra.version`. When that file exists:

* `on_files`: adds it to the site, at its file name, so the site and the offline zip carry it;
* `on_page_markdown`: replaces the placeholder ``<!-- book-pdf -->`` on a page with
  "Download the whole site as a PDF (N pages, N MB)", the count and size read from the PDF.

When it does not exist (a plain `make build`), the placeholder is simply removed, so the site
still builds strictly and shows no link to a missing file. The book's own site build sets
POD_BOOK_BUILD=1: the book never links to (or carries) an earlier copy of itself.
"""

from __future__ import annotations

import os
import posixpath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

NAME = "pod-practice-principles"
PLACEHOLDER = "<!-- book-pdf -->"
LINK = "[Download the whole site as a PDF ({pages} pages, {size} MB)]({href}){{ .book-pdf-link }}"

_book: dict[str, object] = {}


def book_file_name(version: str) -> str:
    """The book's file name for a version of the site: the one place it is made."""
    return f"{NAME}-{version}.pdf"


def pdf_name(config: MkDocsConfig) -> str:
    version = config.extra.get("version")
    if not version:
        raise PluginError(f"{config.config_file_path}: extra.version is missing: the book's file name needs it")
    return book_file_name(str(version))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _book.clear()
    if os.environ.get("POD_BOOK_BUILD"):
        return files
    name = pdf_name(config)
    path = os.path.join(os.path.dirname(config.config_file_path), "dist", name)
    if not os.path.isfile(path):
        return files
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pages = len(PdfReader(path).pages)
    except (PdfReadError, OSError) as error:
        raise PluginError(f"{path}: cannot read the book PDF ({error}): run `make pdf` again") from error
    _book.update(name=name, pages=pages, size=f"{os.path.getsize(path) / 1e6:.1f}")
    files.append(File.generated(config, name, abs_src_path=path))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if PLACEHOLDER not in markdown:
        return markdown
    if not _book:
        return markdown.replace(PLACEHOLDER, "")
    href = posixpath.relpath(str(_book["name"]), posixpath.dirname(page.file.src_uri) or ".")
    return markdown.replace(PLACEHOLDER, LINK.format(pages=_book["pages"], size=_book["size"], href=href))
