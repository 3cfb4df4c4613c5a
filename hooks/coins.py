"""MkDocs hook: COinS on every reference, so reference managers can save the cited works.

Runs at `on_files`, priority -10 (reads the works once per build from `references.csl.json`,
which `hooks/reference_formats.py` has just added to the site's files) and at
`on_page_context`, priority 40: after `hooks/citations.py` (priority 50) has filled
the site-wide list, and before the page is written. Each reference in a page's References
section (`<li id="fn:KEY">`) and on the References page (`<li id="ref-KEY">`) gets an empty
`<span class="Z3988" title="ctx_ver=Z39.88-2004&..." data-preview>`, the ContextObject
(OpenURL 1.0, KEV) that Zotero, Mendeley and others read to offer each work for saving.

`data-preview` keeps Material's `content.tooltips` feature off the span: Material mounts a
tooltip on every `[title]:not([data-preview])` in the content at page load, and an empty
span can never show one. On a link the attribute asks for an instant preview; on a span it
does nothing else. Measured with Chromium's `Performance.getMetrics` on the References page
with its 48 COinS repeated ten times (480): 366 ms of script at load without the attribute,
123 ms with it, about 0.5 ms of script for each span on this machine, 2 ms under Lighthouse's
fourfold CPU slowdown. tests/browser/test_glossary_tooltips.py checks that hovering a span
opens no tooltip, where the same page served without the attribute opens Material's.

Each COinS describes the work from the same CSL-JSON that `hooks/reference_formats.py`
publishes (pandoc's reading of `references.bib`), field for field and nothing more. An
incomplete record holds only the fields that were verified, so its COinS carries only those.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from typing import Any
from urllib.parse import urlencode

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

sys.path.insert(0, os.path.dirname(__file__))
from reference_formats import CSL_JSON_NAME, name_text, year  # noqa: E402

_REFERENCE = re.compile(r'<li id="(?:fn:|ref-)(?P<key>[^"]+)"[^>]*>')
JOURNAL = "info:ofi/fmt:kev:mtx:journal"
BOOK = "info:ofi/fmt:kev:mtx:book"
DC = "info:ofi/fmt:kev:mtx:dc"
# This build's works by key, read once at on_files (this module is loaded afresh for each build).
_items: dict[str, dict[str, Any]] = {}
_made: dict[str, str] = {}  # each work's COinS, made once per build


def context_object(item: dict[str, Any]) -> list[tuple[str, str]]:
    """One CSL item as the key-value pairs of an OpenURL 1.0 ContextObject."""
    kind = item["type"]
    title = item.get("title", "")
    if kind == "article-journal":
        pairs = [("rft_val_fmt", JOURNAL), ("rft.genre", "article"), ("rft.atitle", title),
                 ("rft.jtitle", item.get("container-title", ""))]
    elif kind == "chapter":
        pairs = [("rft_val_fmt", BOOK), ("rft.genre", "bookitem"), ("rft.atitle", title),
                 ("rft.btitle", item.get("container-title", ""))]
    elif kind in ("book", "report"):
        pairs = [("rft_val_fmt", BOOK), ("rft.genre", kind), ("rft.btitle", title)]
    else:  # manuscript, document: Dublin Core
        pairs = [("rft_val_fmt", DC), ("rft.title", title)]
    names = item.get("author", [])
    if pairs[0][1] == DC:
        pairs += [("rft.creator", name_text(name)) for name in names]
    elif names:
        first = names[0]
        if "literal" in first:  # a surname alone, such as "von Peter"
            pairs.append(("rft.aulast", first["literal"]))
        else:
            pairs.append(("rft.aulast", name_text({**first, "given": ""})))
            pairs.append(("rft.aufirst", first.get("given", "")))
        pairs += [("rft.au", name_text(name)) for name in names[1:]]
    pairs += [
        ("rft.date", year(item)),
        ("rft.volume", str(item.get("volume", ""))),
        ("rft.issue", str(item.get("issue", ""))),
        ("rft.pages", str(item.get("page", ""))),
        ("rft.series", item.get("collection-title", "")),
        ("rft.pub", item.get("publisher", "")),
        ("rft.place", item.get("publisher-place", "")),
        ("rft.isbn", item.get("ISBN", "")),
    ]
    if item.get("DOI"):
        pairs.append(("rft_id", f"info:doi/{item['DOI']}"))
    if item.get("URL"):
        pairs.append(("rft_id", item["URL"]))
    return [("ctx_ver", "Z39.88-2004")] + [(key, value) for key, value in pairs if value]


def coins(item: dict[str, Any]) -> str:
    query = urlencode(context_object(item))
    return f'<span class="Z3988" title="{html.escape(query, quote=True)}" data-preview></span>'


def add_coins(content: str, items: dict[str, dict[str, Any]], made: dict[str, str] | None = None) -> str:
    """Put a COinS just inside each reference list item whose key is a known work
    (each work's COinS made once and kept in `made`, when given, for the next page)."""
    made = {} if made is None else made

    def add(match: re.Match[str]) -> str:
        key = html.unescape(match.group("key"))
        if key not in made:
            item = items.get(key)
            made[key] = coins(item) if item else ""
        return match.group(0) + made[key]

    return _REFERENCE.sub(add, content)


@event_priority(-10)  # after hooks/reference_formats.py (0) has added references.csl.json
def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _items
    published = files.get_file_from_path(CSL_JSON_NAME)
    if published is None:
        raise PluginError(f"hooks/coins.py needs hooks/reference_formats.py listed before it (no {CSL_JSON_NAME})")
    _items = {item["id"]: item for item in json.loads(published.content_string)}
    _made.clear()
    return files


@event_priority(40)
def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    if page.content and ('<li id="fn:' in page.content or '<li id="ref-' in page.content):
        page.content = add_coins(page.content, _items, _made)
    return context
