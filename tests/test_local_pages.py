"""An organisation's own pages (extra.local_pages, hooks/local_pages.py), kept apart from ours.

The example override file (examples/organisation.yml, with the two pages in examples/local/)
is built strictly; its pages must be in the navigation, the search index and the sitemap,
and every shared page must be byte-identical to the default build once these, and only
these, are normalised (see `normalise`):

1. the organisation's site_url and site_name are replaced by ours (and its site_url's path,
   where a link starts with it, as on the 404 page);
2. the crisis-support block (`<aside class="crisis-support">...</aside>`) and the logo
   inside each `md-logo` link are replaced by a fixed placeholder, in both builds;
3. what the organisation's section adds is removed: its `<li>` in the navigation, and the
   "next page" links (`<link rel="next">` and the footer's) that lead into it, and the
   References page's "Cited on" links to their pages;
4. lines holding only spaces (left by the theme's templates) are dropped, in both builds.

Fixture builds show that a local page with a broken link or an unknown citation key stops
the build with the same message as one of ours, naming the organisation's file and line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote_plus, urlparse

import pytest

from conftest import ROOT, check_page_metadata, mkdocs, site_pages

ORG_URL = "https://intranet.example.nhs.uk/pod/"
ORG_NAME = "Peer-supported Open Dialogue practice principles (Example NHS Foundation Trust)"
OUR_URL = "https://pod-principles.github.io/pod-practice-principles/"
OUR_NAME = "Peer-supported Open Dialogue practice principles"
SECTION = "Our service"
LOCAL_PAGES = ["local/our-team/", "local/training-dates/"]


def _element_end(text: str, start: int, tag: str) -> int:
    """The index just after the element of `tag` that opens at `start` (nesting counted)."""
    depth = 0
    for match in re.compile(rf"<(/?){tag}\b[^>]*>").finditer(text, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    raise AssertionError(f"unclosed <{tag}> at {start}")


def _remove_nav_section(text: str, section: str) -> str:
    """Remove each navigation <li> whose own label is `section`, with what it holds."""
    while True:
        label = re.search(rf'<span class="md-ellipsis">\s*{re.escape(section)}\s*</span>', text)
        if not label:
            return text
        start = text.rfind('<li class="md-nav__item md-nav__item--section', 0, label.start())
        assert start >= 0, "the organisation's section is not a navigation section"
        end = _element_end(text, start, "li")
        text = text[:start].rstrip() + "\n" + text[end:].lstrip("\n")


def normalise(text: str, *, organisation: bool) -> str:
    if organisation:
        text = text.replace(ORG_URL, OUR_URL).replace(ORG_NAME, OUR_NAME)
        # the same in the References page's COinS for the page itself (URL-encoded)
        text = text.replace(quote_plus(ORG_URL), quote_plus(OUR_URL)).replace(quote_plus(ORG_NAME), quote_plus(OUR_NAME))
        text = text.replace(f'"{urlparse(ORG_URL).path}', f'"{urlparse(OUR_URL).path}')  # the 404 page's links
        text = _remove_nav_section(text, SECTION)
        text = re.sub(r'\s*<link rel="next" href="[^"]*local/[^"]*">', "", text)
        # "Cited on" links on the References page to their pages that cite our works
        text = re.sub(r'(, )?<a href="\.\./local/[^"]*">[^<]*</a>(, )?',
                      lambda m: ", " if m.group(1) and m.group(2) else "", text)
        text = re.sub(r'\s*<a href="[^"]*local/[^"]*" class="md-footer__link md-footer__link--next".*?</a>', "",
                      text, flags=re.DOTALL)
    text = re.sub(r'<aside class="crisis-support".*?</aside>', "<!-- crisis support -->", text, flags=re.DOTALL)
    text = re.sub(r"\n[ \t]*(?=\n)", "", text)  # lines of template whitespace only
    return re.sub(r'(<a [^>]*class="[^"]*md-logo[^"]*"[^>]*>).*?(</a>)', r"\1LOGO\2", text, flags=re.DOTALL)


def test_local_pages_are_in_nav_search_and_sitemap(organisation_site: Path) -> None:
    for page in LOCAL_PAGES:
        assert (organisation_site / page / "index.html").is_file(), page
    home = (organisation_site / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<span class="md-ellipsis">\s*{SECTION}\s*</span>', home)
    for page in LOCAL_PAGES:
        assert f'href="{page}"' in home, f"{page} is not in the navigation"
    index = json.loads((organisation_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert set(LOCAL_PAGES) <= locations
    team = next(doc for doc in index["docs"] if doc["location"] == "local/our-team/")
    assert "alongside practitioners from professional backgrounds" in team["text"]
    sitemap = (organisation_site / "sitemap.xml").read_text(encoding="utf-8")
    for page in LOCAL_PAGES:
        assert f"<loc>{ORG_URL}{page}</loc>" in sitemap, page


def test_shared_pages_are_unchanged_apart_from_name_contacts_and_urls(organisation_site: Path,
                                                                      built_site: Path) -> None:
    shared = site_pages(built_site)
    assert set(site_pages(organisation_site)) == set(shared) | set(LOCAL_PAGES)
    compared = 0
    for page in shared + ["404.html"]:
        name = page if page.endswith(".html") else page + "index.html"
        ours = normalise((built_site / name).read_text(encoding="utf-8"), organisation=False)
        theirs = normalise((organisation_site / name).read_text(encoding="utf-8"), organisation=True)
        if ours != theirs:
            diff = next(i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b) if len(ours) and len(theirs) else 0
            raise AssertionError(f"{name} differs at {diff}:\nours:   {ours[diff - 80: diff + 120]!r}\n"
                                 f"theirs: {theirs[diff - 80: diff + 120]!r}")
        compared += 1
    print(f"{compared} shared pages byte-identical after normalisation")


def test_normalise_keeps_a_real_difference(organisation_site: Path, built_site: Path) -> None:
    """The comparison above can fail: a changed sentence in a shared page survives normalising."""
    ours = normalise((built_site / "about/index.html").read_text(encoding="utf-8"), organisation=False)
    theirs = (organisation_site / "about/index.html").read_text(encoding="utf-8").replace("</h1>", "!</h1>", 1)
    assert normalise(theirs, organisation=True) != ours


def test_local_pages_pass_the_same_page_checks(organisation_site: Path) -> None:
    checked = check_page_metadata(organisation_site, ROOT / "docs", ORG_NAME, "POD practice principles contributors",
                                  sources={"local": ROOT / "examples" / "local"})
    assert checked == len(site_pages(organisation_site))  # every page (404.html is not one of them)
    for page in LOCAL_PAGES:
        text = (organisation_site / page / "index.html").read_text(encoding="utf-8")
        assert 'class="md-content__button' not in text, f"{page}: an edit link into our repository"
        assert "DC.rights" not in text and 'rel="license"' not in text, f"{page}: our licence on their page"
    team = (organisation_site / "local/our-team/index.html").read_text(encoding="utf-8")
    # No COinS on a page that cites (markdown_citations/coins.py): Zotero saves the page itself.
    assert 'id="fn:hendy2023"' in team and 'class="Z3988"' not in team
    assert 'href="../../principles/self-disclosure/"' in team


# --- failures, on the small fixture site ------------------------------------------------------

LOCAL_PAGE = """# Our team

We use the principles [@seikkula2008].
See [the second page](../second.md).
"""


def org_build(site: Path, page: str = LOCAL_PAGE, bib: str | None = None,
              folder: str = "local") -> tuple[int, str, Path]:
    (site / folder).mkdir(parents=True, exist_ok=True)
    (site / folder / "team.md").write_text(page, encoding="utf-8")
    settings = f"  local_pages:\n    dir: {folder}\n    section: Our service\n"
    if bib is not None:
        (site / "local.bib").write_text(bib, encoding="utf-8")
        settings += "    bib: local.bib\n"
    (site / "org.yml").write_text(
        "INHERIT: mkdocs.yml\n"
        "nav:\n  - Home: index.md\n  - Second: second.md\n  - References: references.md\n"
        "hooks:\n  - hooks/local_pages.py\n"
        f"extra:\n{settings}", encoding="utf-8")
    out = site / "out"
    result = mkdocs("build", "--strict", "-f", "org.yml", "--site-dir", str(out), cwd=site)
    return result.returncode, result.stdout + result.stderr, out


def test_fixture_local_page_builds_and_cites_our_references(fixture_site: Path) -> None:
    code, log, out = org_build(fixture_site)
    assert code == 0, log
    text = (out / "local/team/index.html").read_text(encoding="utf-8")
    assert 'href="#fn:seikkula2008"' in text and 'href="../../second/"' in text


def test_unknown_key_in_a_local_page_fails_with_the_usual_message(fixture_site: Path) -> None:
    code, log, _ = org_build(fixture_site, LOCAL_PAGE.replace("seikkula2008", "seikula2008"))
    assert code != 0
    assert "local/team.md:3: unknown citation key 'seikula2008' (did you mean 'seikkula2008'?)" in log, log


def test_broken_link_in_a_local_page_fails_the_strict_build(fixture_site: Path) -> None:
    code, log, _ = org_build(fixture_site, LOCAL_PAGE.replace("second.md", "secnd.md"))
    assert code != 0
    assert "local/team.md" in log and "secnd.md" in log, log


def test_their_own_bib_is_cited_beside_ours(fixture_site: Path) -> None:
    bib = "@misc{example2026,\n  author = {Example, Author},\n  title = {Our local guide},\n  year = {2026},\n}\n"
    code, log, out = org_build(fixture_site, LOCAL_PAGE + "\nOur guide says so [@example2026].\n", bib)
    assert code == 0, log
    text = (out / "local/team/index.html").read_text(encoding="utf-8")
    assert "Our local guide" in text and 'href="#fn:example2026"' in text
    for download in ("references.bib", "references.csl.json", "references.ris"):
        assert "example2026" in (out / download).read_text(encoding="utf-8"), download


def test_their_bib_may_not_reuse_our_keys(fixture_site: Path) -> None:
    bib = "@misc{seikkula2008,\n  author = {Example, Author},\n  title = {Clash},\n  year = {2026},\n}\n"
    code, log, _ = org_build(fixture_site, bib=bib)
    assert code != 0
    assert "local.bib:1: entry 'seikkula2008': references.bib already has 'seikkula2008'" in log, log


def test_their_folder_may_not_be_inside_docs(fixture_site: Path) -> None:
    code, log, _ = org_build(fixture_site, folder="docs/local")
    assert code != 0 and "must be outside docs/" in log, log


def test_make_check_checks_their_pages_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """tools/check.py --config: their pages' links, citation keys and metadata, with file and line."""
    from tools import check

    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "team.md").write_text(
        "---\ntitle: Our team\nlast_reviewed: 2026-11-27\nnext_review: 2027-11-27\n---\n\n# Our team\n\n"
        "We use the principles [@hendy2032].\nSee [attunement](../principles/attunment.md).\n", encoding="utf-8")
    config = tmp_path / "organisation.yml"
    config.write_text(f"INHERIT: mkdocs.yml\nextra:\n  local_pages:\n    dir: {folder}\n    section: Ours\n",
                      encoding="utf-8")
    assert check.main(ROOT, config) == 1
    out = capsys.readouterr().out
    page = (folder / "team.md").as_posix()
    assert f"{page}:9: unknown citation key 'hendy2032' (did you mean 'hendy2023'?)" in out, out
    assert (f"{page}:10: the link to '../principles/attunment.md' goes nowhere: there is no "
            "docs/principles/attunment.md (did you mean '../principles/attunement.md'?)") in out, out
    assert f"{page}: front matter needs 'description'" in out, out
    assert f"check: {len(list((ROOT / 'docs').rglob('*.md'))) + 1} pages" in out  # ours and theirs
