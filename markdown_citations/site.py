"""Work on the built pages that needs the whole site: which sections cite which work, the
References page that lists every work with where it is cited, and a check of the HTML for
anything left unresolved. Builder-neutral: a builder's plugin calls these.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from .library import HELP_ANCHOR, Library

ALL_REFERENCES_MARKER = "<!-- references:all -->"
SET_ASIDE = "<!-- references set aside while search reads the page -->"
_HEADING_OR_CITE = re.compile(r'<h(?P<level>[1-6]) id="(?P<id>[^"]+)"[^>]*>(?P<title>.*?)</h(?P=level)>'
                              r'|<a (?:id="[^"]*" )?href="#fn:(?P<key>[^"]+)" class="footnote-ref"')
_REF_ID = re.compile(r'<a id="(fnref\d*:[^"]+)" href="#fn:')
_REFERENCES_LIST = re.compile(r'(<h2 data-search-exclude id="references">.*?</h2>\n)'
                              r'(<div class="footnote">\n<hr />\n<ol>\n.*?</ol>\n</div>)', re.DOTALL)
_CODE = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
# "[@key]", "[-@key]", "[see @a, p. 3; @b]": an "@" at the start of the brackets or after a
# space, ";" or "-" (never after a letter, which keeps e-mail addresses out).
_RAW_CITATION = re.compile(r"\[(?:[^\[\]\n]*?[\s;\-])?@[A-Za-z0-9_][^\[\]\n]*\]")
_RAW_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")
_PLACEHOLDER = re.compile(r"zq(?:cite|refs)\d+zq")
NOT_FOUND = re.compile(r"\((?P<key>[A-Za-z][\w:.\-]*)\?\)")  # what pandoc writes for a key it lacks

# Which page sections cite which key: key -> {(page url, anchor): "Page title › Section"}.
CitedOn = dict[str, dict[tuple[str, str], str]]


def citation_ids(content: str) -> list[str]:
    """The ids the citations give their links (fnref:key, ...), for a builder's anchor check."""
    return _REF_ID.findall(content)


def record_citations(content: str, page_url: str, page_title: str, cited_on: CitedOn) -> None:
    """Add to `cited_on` each work `content` (a page's HTML) cites, and in which section."""
    section = ("", "")
    for match in _HEADING_OR_CITE.finditer(content):
        if match.group("id"):
            title = html.unescape(re.sub(r"<[^>]+>", "", match.group("title"))).replace("¶", "").strip()
            section = (match.group("id"), title) if match.group("level") != "1" else ("", "")
        elif match.group("key"):
            label = page_title if not section[1] else f"{page_title} › {section[1]}"
            cited_on.setdefault(match.group("key"), {})[(page_url, section[0])] = label


def all_references_html(library: Library, cited_on: CitedOn, link: Callable[[str, str], str]) -> str:
    """Every entry in APA order, each with its notes and the sections that cite it
    (`link(url, anchor)` is the link from the References page to a page's section)."""
    items = []
    for key in library.order:
        note = library.record_note(key, f"#{HELP_ANCHOR}")
        note = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', note)
        places = sorted(cited_on.get(key, {}).items(), key=lambda item: item[1])
        if places:
            links = ", ".join(f'<a href="{html.escape(link(url, anchor))}">{html.escape(label)}</a>'
                              for (url, anchor), label in places)
            cited = f'<p class="cited-on">Cited on: {links}</p>'
        else:
            cited = '<p class="cited-on">Not yet cited on this site.</p>'
        items.append(f'<li id="ref-{key}" class="csl-entry"><p>{library.references[key]}{note}</p>{cited}</li>')
    return '<ul class="references-all">\n' + "\n".join(items) + "\n</ul>"


def set_aside(content: str) -> tuple[str, str]:
    """The page without its reference list (a marker in its place), and the list: a search
    index leaves the section out (`data-search-exclude`) but would still parse it."""
    match = _REFERENCES_LIST.search(content)
    if not match:
        return content, ""
    return content[:match.start(2)] + SET_ASIDE + content[match.end(2):], match.group(2)


def put_back(content: str, references: str) -> str:
    return content.replace(SET_ASIDE, references, 1)


def visible_text(page_html: str) -> str:
    """A page's text outside code, scripts and tags, with entities decoded."""
    return html.unescape(_TAG.sub(" ", _CODE.sub(" ", page_html)))


def raw_citations(page_html: str) -> list[str]:
    """Citations and footnote markers left as text in a page, outside code, and placeholders."""
    text = visible_text(page_html)
    return [m.group(0) for pattern in (_RAW_CITATION, _RAW_FOOTNOTE, _PLACEHOLDER) for m in pattern.finditer(text)]


def unresolved(output: str) -> list[str]:
    """Raw citations, pandoc's "(key?)", footnote markers or placeholders left in a page's HTML
    outside code, and citation links whose reference is missing from the page."""
    found = raw_citations(output) + [m.group(0) for m in NOT_FOUND.finditer(visible_text(output))]
    ids = set(re.findall(r'id="(fn:[^"]+)"', output))
    found += [f"#{target}" for target in re.findall(r'href="#(fn:[^"]+)"', output) if target not in ids]
    return found
