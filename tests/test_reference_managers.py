"""What reference managers read, checked against references.bib and each page's front matter.

* Every page's Highwire (`citation_*`) and Dublin Core tags say what its "Cite this page"
  block and its front matter say.
* Every COinS (only the References page has them, one per work with a verified title)
  round-trips through urllib.parse and describes its work exactly as references.bib does:
  each field it carries is in the .bib with the same value, each field of the .bib that COinS
  can carry is there, and none that a record's x-note calls unverified.
* The CSL-JSON and RIS downloads, read back with parsers other than their writers
  (citeproc-py for CSL-JSON, pandoc's RIS reader for RIS), give every work's title, year and
  DOI as the .bib does.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pypandoc
import pytest
from mkdocs.utils.meta import get_data
from pybtex.database import Entry, Person
from pybtex.richtext import Text

import bibliography
from conftest import ROOT, site_pages

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def bib() -> bibliography.Bibliography:
    return bibliography.load(ROOT / "references.bib")


def plain(latex: str) -> str:
    """A .bib field as text: LaTeX decoded, braces gone, case and quote style ignored."""
    text = Text.from_latex(latex).render_as("text")
    return " ".join(text.replace("’", "'").replace("‘", "'").split()).casefold()


def person(name: Person) -> tuple[str, str]:
    given = plain(" ".join(name.first_names + name.middle_names))
    return plain(" ".join(name.prelast_names + name.last_names)), given


def authors(entry: Entry) -> list[tuple[str, str]]:
    """The entry's authors as (family, given), without BibTeX's "others" (et al.)."""
    return [person(name) for name in entry.persons.get("author", []) if str(name) != "others"]


# --- page metadata -------------------------------------------------------------------------

class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and (found.get("name") or found.get("property")):
            self.meta.setdefault(found.get("name") or found["property"], []).append(found.get("content") or "")
        elif tag == "link" and found.get("rel"):
            self.links.setdefault(found["rel"], []).append(found.get("href") or "")


def head(text: str) -> _Head:
    parser = _Head()
    parser.feed(text[: text.index("</head>")])
    return parser


def source_of(site_path: str, docs: Path, sources: dict[str, Path] | None = None) -> Path:
    """The Markdown file a built page comes from ("principles/attunement/" -> its .md);
    `sources` maps the first part of an address to another folder (an organisation's pages)."""
    stem = site_path.rstrip("/")
    first, _, rest = stem.partition("/")
    if sources and first in sources:
        docs, stem = sources[first], rest
    for candidate in (docs / f"{stem}.md", docs / stem / "index.md", docs / "index.md"):
        if candidate.is_file() and (stem or candidate == docs / "index.md"):
            return candidate
    raise AssertionError(f"no Markdown source for {site_path!r}")


_CITE_BIBTEX = re.compile(r"^\s*(?P<field>\w+)\s*=\s*\{+(?P<value>.*?)\}+,?$", re.MULTILINE)


def check_page_metadata(site: Path, docs: Path, site_name: str, author: str,
                        sources: dict[str, Path] | None = None) -> int:
    """Check every page's tags against its "Cite this page" block and its front matter."""
    checked = 0
    for site_path in site_pages(site):
        text = (site / site_path / "index.html").read_text(encoding="utf-8")
        if '<aside class="page-meta"' not in text:
            continue  # the 404 page: no front matter, nothing to cite
        meta, links = head(text).meta, head(text).links
        source = source_of(site_path, docs, sources)
        front = get_data(source.read_text(encoding="utf-8"))[1]
        cite = html.unescape(text[text.index('<details class="cite-this-page">'):])
        cited = {m.group("field"): m.group("value") for m in _CITE_BIBTEX.finditer(cite[: cite.index("</code>")])}
        canonical = links["canonical"][0]
        where = f"{site_path or 'home page'} ({source})"
        title = front["title"]  # the page's own title, as its <title> and <h1> give it
        expected = {
            "citation_title": [title],
            "DC.title": [title],
            "citation_author": [author + ","],  # one name: tests/test_zotero_rules.py says why
            "DC.creator": [author],
            "citation_date": [front["last_reviewed"].strftime("%Y/%m/%d")],
            "DC.date": [front["last_reviewed"].isoformat()],
            "citation_public_url": [canonical],
            "DC.identifier": [canonical],
            "citation_language": ["en-GB"],
            "DC.language": ["en-GB"],
            "DC.relation.ispartof": [site_name],
            "og:site_name": [site_name],  # Zotero's "Website Title"
            "og:type": ["website"],  # what makes Zotero save a web page, not a journal article
        }
        for name, value in expected.items():
            assert meta.get(name) == value, f"{where}: <meta name={name!r}> is {meta.get(name)}, expected {value}"
        # The same as "Cite this page" says.
        assert cited["title"] == title and cited["author"] == author, where
        assert cited["howpublished"] == site_name and cited["url"] == canonical, where
        assert cited["note"] == f"Last reviewed {front['last_reviewed'].isoformat()}", where
        checked += 1
    return checked


def test_every_page_has_reference_manager_metadata(built_site: Path) -> None:
    checked = check_page_metadata(built_site, ROOT / "docs", "Peer-supported Open Dialogue practice principles",
                                  "POD practice principles contributors")
    pages = [p for p in site_pages(built_site) if (built_site / p / "index.html").read_text(encoding="utf-8").count("page-meta")]
    assert checked == len(pages) >= 30
    print(f"page metadata checked on {checked} pages")
    text = (built_site / "principles/attunement/index.html").read_text(encoding="utf-8")
    tags = head(text)
    assert tags.meta["DC.rights"] == ["Creative Commons Attribution 4.0 International (CC BY 4.0)"]
    assert tags.links["license"] == [LICENCE_URL]


def test_metadata_check_fails_on_a_wrong_date(built_site: Path, tmp_path: Path) -> None:
    """The check above can fail: a page whose citation_date disagrees with its front matter."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(built_site / "about", copy / "about")
    page = copy / "about" / "index.html"
    page.write_text(re.sub(r'(name="citation_date" content=")[^"]+', r"\g<1>1999/01/01",
                           page.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(AssertionError, match="citation_date"):
        check_page_metadata(copy, ROOT / "docs", "Peer-supported Open Dialogue practice principles",
                            "POD practice principles contributors")


# --- COinS -----------------------------------------------------------------------------------

_REFERENCES_COINS = re.compile(r'<li id="ref-(?P<key>[^"]+)"[^>]*>(?:<span class="Z3988" title="(?P<title>[^"]*)" data-preview></span>)?')

# Phrases of an incomplete record's x-note (in a sentence saying "not yet") -> the COinS
# keys that would carry what it names. A COinS must carry none of them.
UNVERIFIED = {
    r"\bDOI\b": {"rft_id:doi"},
    r"\bissue\b": {"rft.issue"},
    r"\bvolume\b": {"rft.volume"},
    r"\bpage range\b": {"rft.pages"},
    r"\barticle number\b": {"rft.pages"},
    r"\bjournal's name\b": {"rft.jtitle"},
    r"\bthe book\b(?!'s)": {"rft.btitle"},
    r"\bpublisher\b": {"rft.pub"},
    r"\bedition\b": {"rft.edition"},
    r"\beditors?\b": set(),  # COinS carries no editors
    r"\btranslation\b": set(),  # nor translators
    r"\bgiven name\b": {"rft.aufirst"},
    r"\bco-authors\b": {"rft.au"},
    r"\bwhere and when\b": {"rft.jtitle", "rft.pub", "rft.place"},
    r"\btitle and details\b|^not yet (?:found|verified)": {
        "rft.title", "rft.atitle", "rft.btitle", "rft.jtitle", "rft.volume", "rft.issue", "rft.pages",
        "rft.pub", "rft.place", "rft.isbn", "rft.series", "rft_id:doi", "rft_id:url"},
}


def unverified(entry: Entry) -> set[str] | None:
    """The COinS keys an incomplete record's x-note calls unverified (None: no phrase known)."""
    if entry.fields.get("x-status") != "incomplete":
        return set()
    keys: set[str] | None = None
    for sentence in re.split(r"(?<=[.:;])\s+", " ".join(entry.fields["x-note"].split())):
        if "not yet" not in sentence.lower():
            continue
        for phrase, names in UNVERIFIED.items():
            if re.search(phrase, sentence, re.IGNORECASE):
                keys = (keys or set()) | names
    return keys


def coins_keys(pairs: list[tuple[str, str]]) -> set[str]:
    found = set()
    for key, value in pairs:
        if key == "rft_id":
            found.add("rft_id:doi" if value.startswith("info:doi/") else "rft_id:url")
        else:
            found.add(key)
    return found


def check_coins(key: str, query: str, entry: Entry) -> None:
    """One COinS against its .bib entry; AssertionError naming the key and field otherwise."""
    pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    assert urlencode(pairs) == query, f"{key}: COinS does not round-trip: {query}"
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    fields, kind = entry.fields, entry.type.lower()
    assert values.pop("ctx_ver") == ["Z39.88-2004"], key
    title_key = {"article": "rft.atitle", "incollection": "rft.atitle", "book": "rft.btitle",
                 "techreport": "rft.btitle"}.get(kind, "rft.title")
    expected: dict[str, list[str]] = {}
    if fields.get("title"):
        expected[title_key] = [plain(fields["title"])]
    container = {"article": ("rft.jtitle", "journal"), "incollection": ("rft.btitle", "booktitle")}.get(kind)
    if container and fields.get(container[1]):
        expected[container[0]] = [plain(fields[container[1]])]
    simple = {"rft.date": "year", "rft.volume": "volume", "rft.issue": "number", "rft.series": "series",
              "rft.place": "address", "rft.isbn": "isbn"}
    for name, field in simple.items():
        if fields.get(field):
            expected[name] = [plain(fields[field])]
    publisher = fields.get("publisher") or fields.get("institution")
    if publisher:
        expected["rft.pub"] = [plain(publisher)]
    if fields.get("pages"):
        expected["rft.pages"] = [plain(fields["pages"].replace("--", "-"))]
    ids = [f"info:doi/{fields['doi']}".casefold()] if fields.get("doi") else []
    ids += [fields["url"].casefold()] if fields.get("url") else []
    if kind == "incollection" and fields.get("doi") and not fields.get("url"):
        ids.append(f"https://doi.org/{fields['doi']}".casefold())  # a book section keeps its DOI as its URL
    if ids:
        expected["rft_id"] = ids
    people = authors(entry)
    if kind in ("misc", "unpublished"):
        if people:
            expected["rft.creator"] = [", ".join(p for p in person_ if p) for person_ in people]
    elif people:
        expected["rft.aulast"] = [people[0][0]]
        if people[0][1]:
            expected["rft.aufirst"] = [people[0][1]]
        if people[1:]:
            expected["rft.au"] = [", ".join(p for p in person_ if p) for person_ in people[1:]]
    format_key = values.pop("rft_val_fmt", None)
    genre = values.pop("rft.genre", None)
    zotero_type = values.pop("rft.type", None)
    assert zotero_type == {"misc": ["document"], "unpublished": ["manuscript"]}.get(kind), f"{key}: rft.type {zotero_type}"
    assert format_key and format_key[0].startswith("info:ofi/fmt:kev:mtx:"), key
    assert genre is None or genre[0] in {"article", "bookitem", "book", "report"}, key
    got = {name: [v.casefold().replace("’", "'") for v in found] for name, found in values.items()}
    for name in sorted(set(got) | set(expected)):
        assert got.get(name) == expected.get(name), (
            f"{key}: COinS field {name} is {got.get(name)}, references.bib gives {expected.get(name)}")
    marked = unverified(entry)
    assert marked is not None, (f"{key}: its x-note names nothing this test recognises as unverified: "
                                "add its words to UNVERIFIED in tests/test_reference_managers.py")
    carried = coins_keys(pairs) & marked
    assert not carried, f"{key}: COinS carries {sorted(carried)}, which its x-note says is not yet verified"


def test_the_references_page_carries_exact_coins_and_no_other_page_any(built_site: Path) -> None:
    entries = bib().entries
    works: set[str] = set()
    for site_path in site_pages(built_site):
        text = (built_site / site_path / "index.html").read_text(encoding="utf-8")
        if site_path != "references/":
            assert 'class="Z3988"' not in text, f"{site_path}: a COinS outside the References page"
            continue
        found = [m for m in _REFERENCES_COINS.finditer(text) if m.group("key") in entries]
        assert len(found) == len(entries)
        for match in found:
            key = match.group("key")
            if not entries[key].fields.get("title"):
                assert match.group("title") is None, f"{key}: a COinS without a title, which Zotero drops"
                continue
            assert match.group("title") is not None, f"references/: reference {key} has no COinS"
            check_coins(key, html.unescape(match.group("title")), entries[key])
            works.add(key)
        assert text.count('class="Z3988"') == len(works) + 1  # and the page itself
    assert works == {key for key, entry in entries.items() if entry.fields.get("title")}
    print(f"COinS checked: {len(works)} works on the References page")


def test_coins_check_fails_on_an_unverified_field() -> None:
    """seikkula2008's x-note says its DOI is not yet verified: a COinS carrying one fails."""
    entry = bib().entries["seikkula2008"]
    good = ("ctx_ver=Z39.88-2004&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.genre=article"
            "&rft.atitle=Inner+and+outer+voices+in+the+present+moment+of+family+and+network+therapy"
            "&rft.jtitle=Journal+of+Family+Therapy&rft.aulast=Seikkula&rft.aufirst=Jaakko&rft.date=2008"
            "&rft.volume=30&rft.pages=478-491")
    check_coins("seikkula2008", good, entry)
    entry_with_doi = Entry(entry.type, fields={**entry.fields, "doi": "10.1111/j.1467-6427.2008.00439.x"},
                           persons=entry.persons)
    with pytest.raises(AssertionError, match="not yet verified"):
        check_coins("seikkula2008", good + "&rft_id=info%3Adoi%2F10.1111%2Fj.1467-6427.2008.00439.x", entry_with_doi)
    with pytest.raises(AssertionError, match="rft.issue"):  # a field the .bib does not have
        check_coins("seikkula2008", good + "&rft.issue=4", entry)


def test_every_incomplete_record_says_what_is_unverified() -> None:
    for key, entry in bib().entries.items():
        assert unverified(entry) is not None, f"{key}: x-note names nothing recognised as unverified"


# --- downloads ---------------------------------------------------------------------------------

def expected_facts() -> dict[str, tuple[str, str, str]]:
    """key -> (title, year, DOI) as references.bib gives them ('' where it gives none)."""
    return {key: (plain(entry.fields.get("title", "")), entry.fields.get("year", ""),
                  entry.fields.get("doi", "").casefold())
            for key, entry in bib().entries.items()}


def compare(source: str, got: dict[str, tuple[str, str, str]]) -> int:
    expected = expected_facts()
    assert sorted(got) == sorted(expected), f"{source}: works differ from references.bib"
    for key, facts in expected.items():
        assert got[key] == facts, f"{source}: {key} has (title, year, DOI) {got[key]}, references.bib gives {facts}"
    return len(got)


def test_csl_json_download_agrees_with_the_bib(built_site: Path) -> None:
    from citeproc.source.json import CiteProcJSON

    items = json.loads((built_site / "references.csl.json").read_text(encoding="utf-8"))
    source = CiteProcJSON(items)
    got = {}
    for key in source:
        reference = source[key]
        issued = reference.get("issued")
        got[key] = (plain(str(reference.get("title") or "")), str(issued["year"]) if issued else "",
                    str(reference.get("DOI") or "").casefold())
    print(f"CSL-JSON: {compare('references.csl.json', got)} references compared")


def test_ris_download_agrees_with_the_bib(built_site: Path) -> None:
    """Read back with pandoc's RIS reader (the file is written by rispy)."""
    text = (built_site / "references.ris").read_text(encoding="utf-8")
    assert text.startswith("TY  - ") and text.count("\nER  - ") + text.startswith("ER  - ") == len(expected_facts())
    items = json.loads(pypandoc.convert_text(text, "csljson", format="ris"))
    got = {item["id"]: (plain(item.get("title", "")), str(item.get("issued", {}).get("date-parts", [[""]])[0][0]),
                        item.get("DOI", "").casefold()) for item in items}
    print(f"RIS: {compare('references.ris', got)} references compared")


def test_downloads_are_linked_beside_the_bib(built_site: Path) -> None:
    text = (built_site / "references/index.html").read_text(encoding="utf-8")
    for name in ("references.bib", "references.csl.json", "references.ris"):
        assert f'href="../{name}"' in text, name
        assert (built_site / name).is_file(), name
    assert (built_site / "references.bib").read_bytes() == (ROOT / "references.bib").read_bytes()


def test_download_check_fails_on_a_wrong_year() -> None:
    got = {key: facts for key, facts in expected_facts().items()}
    got["hendy2023"] = (got["hendy2023"][0], "2022", got["hendy2023"][2])
    with pytest.raises(AssertionError, match="hendy2023"):
        compare("test", got)


def test_a_cold_build_converts_the_bib_once_and_coins_reads_the_published_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the cache, pandoc converts the .bib to CSL-JSON once per build, started at
    on_config (so it runs beside the citations' own pandoc run), and hooks/coins.py describes
    the works from the very references.csl.json the site publishes."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    conversions: list[str] = []
    real = pypandoc.convert_file
    monkeypatch.setattr(pypandoc, "convert_file", lambda *a, **k: conversions.append(a[1]) or real(*a, **k))
    monkeypatch.setenv("POD_CITATION_CACHE", "off")
    config = load_config(str(ROOT / "mkdocs.yml"))
    config.plugins["bibtex"].last_configured = None  # a plugin kept from an earlier test's config reloads
    config = config.plugins.on_config(config)
    hooks = {Path(name).name: plugin for name, plugin in config.plugins.items()}
    hooks["reference_formats.py"]._pending.result()  # started by on_config, before any file is read
    assert conversions == ["csljson"]
    files = config.plugins.on_files(get_files(config), config=config)
    assert conversions == ["csljson"]
    published = json.loads(files.get_file_from_path("references.csl.json").content_string)
    assert hooks["coins.py"]._items == {item["id"]: item for item in published} and len(published) == 48


def test_coins_says_what_it_needs_without_the_csl_json(fixture_site: Path) -> None:
    import coins
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import Files

    with pytest.raises(PluginError, match="reference_formats.py listed before it"):
        coins.on_files(Files([]), load_config(str(fixture_site / "mkdocs.yml")))
