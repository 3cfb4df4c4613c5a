"""The references as CSL-JSON and RIS, made from the .bib at every build.

Pandoc (from the pinned pypandoc-binary, the same reader that formats the citations)
converts the .bib to CSL-JSON; rispy (pinned) writes RIS from that CSL-JSON, so the three
downloads cannot disagree:

* `references.csl.json`: CSL-JSON, for Zotero, Mendeley, citation.js and any CSL processor;
* `references.ris`: RIS, for EndNote, Mendeley, Zotero and most other reference managers.

Two things pandoc writes are corrected: BibTeX's "and others" (which means "et al.") is left
out of name lists instead of becoming a person called "others", and an entry of no CSL type
(pandoc gives @misc none) is typed "document". One thing is added: a chapter with a DOI and
no URL gets the DOI's address as its URL (`doi_url`), which Zotero keeps.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import pypandoc
import rispy

from .cache import cache_file, write

CSL_JSON_NAME = "references.csl.json"
RIS_NAME = "references.ris"

# CSL type -> RIS type, each one that Zotero's RIS import (RIS.js in zotero/translators, its
# exportTypeMap and importTypeMap) reads back as the same kind, and that EndNote names so:
# an unpublished work is MANSCPT (Zotero "manuscript"; UNPB is not in Zotero's map and becomes
# a journal article). A work of no known kind stays GEN, RIS's generic type, which EndNote
# and Mendeley read as generic; Zotero's RIS import alone makes it a journal article, and
# its BibTeX and CSL-JSON imports make it a document.
RIS_TYPES = {
    "article-journal": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "manuscript": "MANSCPT",
    "thesis": "THES",
    "webpage": "ELEC",
    "document": "GEN",
}


def ris_type(item: dict[str, Any]) -> str:
    """The RIS type for a CSL item (GEN, generic, for a type not listed)."""
    return RIS_TYPES.get(item["type"], "GEN")


# CSL variable -> rispy key, for the plain text fields.
RIS_FIELDS = {
    "title": "title",                      # TI
    "container-title": "secondary_title",  # T2: journal or book title
    "collection-title": "tertiary_title",  # T3: series
    "volume": "volume",                    # VL
    "issue": "number",                     # IS
    "publisher": "publisher",              # PB
    "publisher-place": "place_published",  # CY
    "DOI": "doi",                          # DO
    "ISBN": "issn",                        # SN (ISBN or ISSN)
}
# CSL name variable -> rispy key.
RIS_NAMES = {"author": "authors", "editor": "editors", "translator": "subsidiary_authors"}
RIS_MAPPING = {**rispy.TAG_KEY_MAPPING, "ED": "editors"}
RIS_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "ED"]


@functools.lru_cache(maxsize=4)
def _convert(digest: str, bib_path: str, cache_dir: str | None) -> str:
    """Pandoc's CSL-JSON for the .bib: once per .bib content in a process (`mkdocs serve`), and
    kept on disk between builds, named by the .bib, pandoc's version and this code."""
    cache = cache_file(Path(cache_dir) if cache_dir is not None else None, "csl", [
        digest.encode(), pypandoc.get_pandoc_version().encode(), Path(__file__).read_bytes()])
    if cache and cache.is_file():
        return cache.read_text(encoding="utf-8")
    text = pypandoc.convert_file(bib_path, "csljson", format="biblatex")
    if cache:
        write(cache, text)
    return text


def csl_items(bib_path: str | Path, cache_dir: str | Path | None) -> list[dict[str, Any]]:
    """The .bib as CSL-JSON items (pandoc's conversion, converted once per .bib content)."""
    path = str(bib_path)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    items = json.loads(_convert(digest, path, str(cache_dir) if cache_dir is not None else None))
    for item in items:
        for role in ("author", "editor", "translator"):
            if role in item:
                item[role] = [name for name in item[role] if name != {"literal": "others"}]
                if not item[role]:
                    del item[role]
        if not item.get("type"):
            item["type"] = "document"
        if doi_url(item):
            item["URL"] = doi_url(item)
    return items


def doi_url(item: dict[str, Any]) -> str:
    """A chapter's DOI as its address, where it has no other: Zotero has no DOI field for a
    book section, so its CSL-JSON import and its COinS reader drop the DOI and keep the URL."""
    if item.get("type") == "chapter" and item.get("DOI") and not item.get("URL"):
        return f"https://doi.org/{item['DOI']}"
    return ""


def name_text(name: dict[str, str]) -> str:
    """A CSL name as "Family, Given" (or the literal name)."""
    if "literal" in name:
        return name["literal"]
    particles = (name.get("dropping-particle"), name.get("non-dropping-particle"), name.get("family"))
    family = " ".join(part for part in particles if part)
    return f"{family}, {name['given']}" if name.get("given") else family


def year(item: dict[str, Any]) -> str:
    parts = item.get("issued", {}).get("date-parts") or [[]]
    return str(parts[0][0]) if parts[0] else ""


def ris_entry(item: dict[str, Any]) -> dict[str, Any]:
    """One CSL item as a rispy record."""
    entry: dict[str, Any] = {"type_of_reference": ris_type(item), "id": item["id"]}
    for role, key in RIS_NAMES.items():
        if item.get(role):
            entry[key] = [name_text(name) for name in item[role]]
    for variable, key in RIS_FIELDS.items():
        if item.get(variable):
            entry[key] = str(item[variable])
    if year(item):
        entry["year"] = year(item)
    if item.get("page"):
        start, _, end = str(item["page"]).partition("-")
        entry["start_page"] = start
        if end:
            entry["end_page"] = end
    if item.get("URL"):
        entry["urls"] = [item["URL"]]
    if item.get("note"):
        entry["notes"] = [item["note"]]
    return entry


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1.", "2." counter lines, which are not RIS."""

    def set_header(self, count: int) -> str:
        return ""


def ris_text(items: list[dict[str, Any]]) -> str:
    return rispy.dumps([ris_entry(item) for item in items], implementation=_RisWriter,
                       mapping=RIS_MAPPING, list_tags=RIS_LIST_TAGS)


def csl_json_text(items: list[dict[str, Any]]) -> str:
    """The CSL-JSON download."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
