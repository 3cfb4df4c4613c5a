"""What reference managers read, checked against references.bib and each page's front matter.

* Every page's Highwire (`citation_*`) and Dublin Core tags say what its "Cite this page"
  block and its front matter say.
* Every COinS on every page round-trips through urllib.parse and describes its work exactly
  as references.bib does: each field it carries is in the .bib with the same value, each field
  of the .bib that COinS can carry is there, and none that a record's x-note calls unverified.
* The CSL-JSON and RIS downloads, read back with parsers other than their writers
  (citeproc-py for CSL-JSON, pandoc's RIS reader for RIS), give every work's title, year and
  DOI as the .bib does.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pypandoc
import pytest
from pybtex.database import Entry

from conftest import REFERENCES_COINS, ROOT, bib, check_coins, check_page_metadata, head, plain, site_pages, unverified

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


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


def test_the_references_page_carries_exact_coins_and_no_other_page_any(built_site: Path) -> None:
    entries = bib().entries
    works: set[str] = set()
    for site_path in site_pages(built_site):
        text = (built_site / site_path / "index.html").read_text(encoding="utf-8")
        if site_path != "references/":
            assert 'class="Z3988"' not in text, f"{site_path}: a COinS outside the References page"
            continue
        found = [m for m in REFERENCES_COINS.finditer(text) if m.group("key") in entries]
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
