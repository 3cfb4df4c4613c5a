"""COinS on the References page, so reference managers can save the cited works.

Which pages carry COinS, and what each span holds, follows what Zotero does with them
(its translators, github.com/zotero/translators: `COinS.js`, `Embedded Metadata.js`):

* Zotero runs the COinS translator (priority 310) before Embedded Metadata (320), which reads
  each page's `citation_*` and Dublin Core tags (`overrides/partials/reference-meta.html`).
  One span on a page, and the plain "Save to Zotero" saves that cited work as if it were the
  page; two or more, and it offers a list of works. So only a page whose purpose is the list
  of works carries COinS (`pages_with_coins`): the References page, whose site-wide list has
  `<li id="ref-KEY">` items. Every other page carries none and saves as itself, a web page.
* The References page's list starts with a span for the page itself (`page_context_object`),
  so the page is the first choice in that list.
* A span is made only where Zotero can use it without a look-up (`coins_usable`): COinS.js
  sends a span without a title to a search translator, and none accepts ours, so it vanishes.
  A work whose title is not verified has no span; the downloads carry every work.
* Each span's type is one Zotero reads back as the same kind (`context_object`): a journal
  article, book, chapter or report as such; a manuscript or a document as Dublin Core with
  `rft.type` naming the Zotero type (`Zotero.Utilities.parseContextObject`, openurl.js in
  zotero/utilities). A chapter's DOI also comes as its `https://doi.org/` address
  (`formats.doi_url`), since Zotero has no DOI field for a book section.

Each span is an empty `<span class="Z3988" title="ctx_ver=Z39.88-2004&..." data-preview>`;
`data-preview` keeps Material's `content.tooltips` from mounting a tooltip on a span that can
never show one. Each describes the work from the same CSL-JSON that `formats.py` publishes,
field for field and nothing more: an incomplete record carries only its verified fields.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

from .formats import name_text, year

_WORK = re.compile(r'<li id="ref-(?P<key>[^"]+)"[^>]*>')
JOURNAL = "info:ofi/fmt:kev:mtx:journal"
BOOK = "info:ofi/fmt:kev:mtx:book"
DC = "info:ofi/fmt:kev:mtx:dc"
# CSL types Zotero has its own item type for, named by `rft.type` in a Dublin Core span.
DC_TYPES = {"manuscript": "manuscript", "document": "document", "thesis": "thesis"}


def one_name(name: str) -> str:
    """An organisation's name as Zotero stores it whole, as one single-field creator.

    Zotero reads a name with a comma as "Family, Given" (`cleanAuthor(name, type, true)` in
    zotero/utilities, utilities.js); it strips a trailing comma and, finding no given name,
    keeps the whole name as the family name, which it saves as a single field. Without the
    comma it splits the name at its last space into a given and a family name."""
    return f"{name},"


def pages_with_coins(content: str) -> bool:
    """Whether a page carries COinS: only a page whose purpose is the list of works (the
    References page's `<li id="ref-KEY">` list); any span elsewhere would make Zotero save a
    cited work, or offer a list of them, instead of the page."""
    return '<li id="ref-' in content


def coins_usable(item: dict[str, Any]) -> bool:
    """Whether Zotero can make an item from the work's COinS without a look-up: COinS.js
    keeps a span only when `parseContextObject` gives it a type and a title (a span without
    one goes to a search translator, and is dropped when none accepts it)."""
    return bool(item.get("title")) and bool(item.get("type"))


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
    else:  # Dublin Core, with the Zotero type named where Zotero has one (else a web page)
        pairs = [("rft_val_fmt", DC), ("rft.type", DC_TYPES.get(kind, "")), ("rft.title", title)]
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


def span(pairs: list[tuple[str, str]]) -> str:
    query = urlencode(pairs)
    return f'<span class="Z3988" title="{html.escape(query, quote=True)}" data-preview></span>'


def coins(item: dict[str, Any]) -> str:
    """The work's COinS, or "" when Zotero could not use it (`coins_usable`)."""
    return span(context_object(item)) if coins_usable(item) else ""


def page_context_object(title: str, meta: dict[str, Any], site_author: str, site_name: str, url: str,
                        language: str) -> list[tuple[str, str]]:
    """The page itself as a web page (Dublin Core, `rft.type=webpage`), saying what its
    `citation_*` tags say: title, the site's author as one name, the site, the date last
    reviewed, the address, the description and the language."""
    reviewed = meta.get("last_reviewed")
    pairs = [
        ("rft_val_fmt", DC), ("rft.type", "webpage"),
        ("rft.title", html.unescape(re.sub(r"<[^>]+>", "", str(meta.get("title") or title or "")))),
        ("rft.creator", one_name(site_author) if site_author else ""),
        ("rft.source", site_name),
        ("rft.date", reviewed.isoformat() if hasattr(reviewed, "isoformat") else str(reviewed or "")),
        ("rft.identifier", url),
        ("rft.description", str(meta.get("description") or "")),
        ("rft.language", language),
    ]
    return [("ctx_ver", "Z39.88-2004")] + [(key, value) for key, value in pairs if value]


def add_coins(content: str, items: dict[str, dict[str, Any]], made: dict[str, str] | None = None) -> str:
    """Put a COinS just inside each item of the site-wide list whose key is a known work with a
    usable record (each work's COinS made once and kept in `made`, when given, for the next page)."""
    made = {} if made is None else made

    def add(match: re.Match[str]) -> str:
        key = html.unescape(match.group("key"))
        if key not in made:
            item = items.get(key)
            made[key] = coins(item) if item else ""
        return match.group(0) + made[key]

    return _WORK.sub(add, content)

