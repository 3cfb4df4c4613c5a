"""COinS: each cited work as an OpenURL ContextObject that reference managers can save.

Each reference list item (`<li id="fn:KEY">` in a page's References, `<li id="ref-KEY">` on
the References page) gets an empty `<span class="Z3988" title="ctx_ver=Z39.88-2004&..."
data-preview>`, which Zotero, Mendeley and others read. `data-preview` keeps Material's
`content.tooltips` feature from mounting a tooltip on a span that can never show one.

Each COinS describes the work from the same CSL-JSON that `formats.py` publishes (pandoc's
reading of `references.bib`), field for field and nothing more: an incomplete record holds
only the fields that were verified, so its COinS carries only those.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

from .formats import name_text, year

_REFERENCE = re.compile(r'<li id="(?:fn:|ref-)(?P<key>[^"]+)"[^>]*>')
JOURNAL = "info:ofi/fmt:kev:mtx:journal"
BOOK = "info:ofi/fmt:kev:mtx:book"
DC = "info:ofi/fmt:kev:mtx:dc"


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
