"""The page a Markdown run is converting, as the extensions need it: its path, address and
front matter, and the address of any other page.

MkDocs does not tell Python-Markdown which page it renders, so the MkDocs plugin
(`mkdocs_plugin.py`) sets a `PageContext` on the `Site` it hands to the extensions. Zensical
registers a preprocessor named ``rendering_context`` whose ``page`` has the same facts; the
extensions read that when no site was handed to them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import markdown


@dataclass
class PageContext:
    """One page: its source path in the docs folder, its URL, its front matter."""

    path: str  # "principles/attunement.md"
    url: str  # "principles/attunement/" (or ".html" without directory URLs)
    meta: Mapping[str, Any] = field(default_factory=dict)
    shown: str = ""  # the file as its author knows it, for messages: "docs/principles/attunement.md"
    url_of: Callable[[str], str | None] = lambda path: None  # another page's URL, by source path

    def link_to(self, path: str, anchor: str = "") -> str:
        """A link from this page to the page at source `path`, or "" when there is none."""
        target = self.url_of(path)
        if target is None:
            return ""
        return relative_url(target, self.url) + (f"#{anchor}" if anchor else "")


def relative_url(url: str, other: str) -> str:
    """`url` relative to the page at `other`, as MkDocs writes links (mkdocs.utils.get_relative_url)."""
    if other != ".":
        if other.endswith("/"):
            other += "."
        other = posixpath.dirname(other)
        if other == "/":
            other = ""
    relurl = posixpath.relpath("/" + url, "/" + other)
    if url.endswith("/") and relurl != ".":
        relurl += "/"
    return relurl


def page_url(path: str, use_directory_urls: bool = True) -> str:
    """The URL MkDocs gives a page at source `path` ("a/b.md" -> "a/b/" or "a/b.html")."""
    stem, _ = posixpath.splitext(path)
    if not use_directory_urls:
        return stem + ".html"
    if posixpath.basename(stem) in ("index", "README"):
        parent = posixpath.dirname(stem)
        return parent + "/" if parent else ""
    return stem + "/"


class HasContext:
    """What an extension is handed by a builder's plugin: the page being rendered."""

    page: PageContext | None


def find_context(md: markdown.Markdown, site: HasContext | None) -> PageContext | None:
    """The page being converted: from the site a plugin handed over, else from Zensical."""
    if site is not None and site.page is not None:
        return site.page
    if "rendering_context" not in md.preprocessors:
        return None
    processor = md.preprocessors["rendering_context"]
    page = getattr(processor, "page", None)
    if page is None:
        return None
    settings = getattr(processor, "config", {}) or {}
    directory_urls = bool(settings.get("use_directory_urls", True))
    docs = str(settings.get("docs_dir", "docs")).rstrip("/")
    path = str(page.path).replace("\\", "/")
    return PageContext(path=path, url=str(page.url), meta=dict(page.meta or {}),
                       shown=posixpath.join(posixpath.basename(docs) or "docs", path),
                       url_of=lambda other: page_url(other, directory_urls))
