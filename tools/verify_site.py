"""Check a built site folder for citations that did not resolve: `make verify-site DIR=path`.

A guard that lives outside the build. The citations plugin stops a normal build on the same
problems, but a builder that skips plugins (Zensical reads mkdocs.yml and silently ignores
`plugins:` and `hooks:`) would publish the site without its site-wide References list. The
tests, CI and `make release` run this on what they built. It reads only the HTML, so it
checks the output of any builder. For every page (code blocks and inline code left out):

* no raw citation: `[@key]`, `[-@key]` or a footnote marker `[^key]` left as text;
* no `(key?)`: what pandoc writes for a key it cannot find;
* every citation (`<span class="citation">`) links to its reference, and every citation link
  (`href="#fn:key"`) lands on an anchor on the same page;
* every page that cites has a "References" section listing the works it cites;
* the References page (the one with the site-wide list) lists every entry of references.bib.

Exit status 0 and one summary line when all is well; otherwise 1, with one line per problem
naming the page and what is wrong, and a last line on the likely cause.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from markdown_citations import bibliography
from markdown_citations.site import NOT_FOUND, raw_citations, visible_text

_CODE_BLOCKS = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_KEY_LIKE = re.compile(r"^[A-Za-z]+[0-9]{4}[A-Za-z]*$")
_CITATION_SPAN = re.compile(r'<span class="citation" data-cites="(?P<keys>[^"]*)">(?P<body>.*?)</span>', re.DOTALL)
_FN_LINK = re.compile(r'href="#(?P<target>fn:[^"]+)"')
_ID = re.compile(r'\bid="(?P<id>[^"]+)"')
_REFERENCES_HEADING = re.compile(r"<h2\b[^>]*>\s*References\b", re.IGNORECASE)
_ALL_REFERENCES = re.compile(r'<ul class="references-all">')
_MAX_PER_PAGE = 5


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    pages: int = 0
    citing_pages: int = 0
    citation_links: int = 0
    raw: int = 0
    references_listed: int = 0

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def bib_keys(bib: Path) -> list[str]:
    """Every entry key in a .bib file, in file order (the same reading as the build's check)."""
    return [m.group("key") for m in bibliography.HEADER.finditer(bib.read_text(encoding="utf-8"))
            if m.group("type").lower() not in bibliography.IGNORED_TYPES]


def check_page(shown: str, page_html: str, known: set[str], report: Report) -> None:
    text = visible_text(page_html)
    raw = raw_citations(page_html)
    if raw:
        report.raw += len(raw)
        distinct = list(dict.fromkeys(raw))
        more = f" and {len(distinct) - _MAX_PER_PAGE} more" if len(distinct) > _MAX_PER_PAGE else ""
        no_references = "" if _REFERENCES_HEADING.search(_CODE_BLOCKS.sub(" ", page_html)) else "; no References section"
        report.add(shown, f"{len(raw)} raw citation(s) left as text: "
                          + ", ".join(repr(r) for r in distinct[:_MAX_PER_PAGE]) + more + no_references)
    missing = sorted({m.group("key") for m in NOT_FOUND.finditer(text)
                      if m.group("key").lower() in known or _KEY_LIKE.match(m.group("key"))})
    if missing:
        report.add(shown, "pandoc could not find these keys (it wrote '(key?)'): " + ", ".join(missing))

    without_code = _CODE_BLOCKS.sub(" ", page_html)
    ids = {m.group("id") for m in _ID.finditer(page_html)}
    links = [m.group("target") for m in _FN_LINK.finditer(without_code)]
    report.citation_links += len(links)
    dangling = sorted({target for target in links if target not in ids})
    if dangling:
        report.add(shown, "citation links to anchors that are not on the page: "
                          + ", ".join(f"#{target}" for target in dangling[:_MAX_PER_PAGE]))
    spans = list(_CITATION_SPAN.finditer(without_code))
    unlinked = [m.group("keys") for m in spans if 'href="#fn:' not in m.group("body")]
    if unlinked:
        report.add(shown, "citations that do not link to their reference: " + ", ".join(sorted(set(unlinked))[:_MAX_PER_PAGE]))
    if spans or links:
        report.citing_pages += 1
        if not _REFERENCES_HEADING.search(without_code) or '<div class="footnote">' not in without_code:
            report.add(shown, "the page cites works but has no 'References' section")
        else:
            cited = {key.lstrip("@") for m in spans for key in m.group("keys").split()}
            unlisted = sorted(key for key in cited if f"fn:{key}" not in ids)
            if unlisted:
                report.add(shown, "References section does not list: " + ", ".join(unlisted))


def check_references_page(site: Path, pages: dict[Path, str], keys: list[str], report: Report) -> None:
    holders = [path for path, text in pages.items() if _ALL_REFERENCES.search(text)]
    if not holders:
        expected = next((str(p.relative_to(site)) for p in (site / "references" / "index.html", site / "references.html")
                         if p in pages), "references/index.html")
        report.add(expected, "no site-wide list of references (<ul class=\"references-all\">): "
                             f"the {len(keys)} entries of references.bib are not listed")
        return
    page_html = pages[holders[0]]
    listed = set(re.findall(r'<li id="ref-([^"]+)"', page_html))
    report.references_listed = len(listed & set(keys))
    absent = [key for key in keys if key not in listed]
    if absent:
        more = f" and {len(absent) - 10} more" if len(absent) > 10 else ""
        report.add(str(holders[0].relative_to(site)), f"References page does not list {len(absent)} "
                   f"entr{'y' if len(absent) == 1 else 'ies'} of references.bib: " + ", ".join(absent[:10]) + more)


def verify(site: Path, bib: Path) -> Report:
    report = Report()
    if not site.is_dir():
        report.add(str(site), "no such folder: build the site first (make build writes site/)")
        return report
    pages = {path: path.read_text(encoding="utf-8", errors="replace") for path in sorted(site.rglob("*.html"))}
    if not pages:
        report.add(str(site), "no HTML pages: is this a built site folder?")
        return report
    keys = bib_keys(bib)
    known = {key.lower() for key in keys}
    for path, page_html in pages.items():
        report.pages += 1
        check_page(str(path.relative_to(site)), page_html, known, report)
    check_references_page(site, pages, keys, report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path, help="a built site folder, for example site/")
    parser.add_argument("--bib", type=Path, default=ROOT / "references.bib", help="the bibliography the site cites")
    args = parser.parse_args(argv)
    report = verify(args.site, args.bib)
    if report.problems:
        for problem in report.problems:
            print(f"{args.site}/{problem}" if not problem.startswith(str(args.site)) else problem)
        cause = (" Raw citations mean the citation plugin and hooks did not run: build with"
                 " `make build` (MkDocs) or `make build-properdocs`, never a builder that ignores"
                 " `hooks:` and `plugins:` in mkdocs.yml (such as Zensical today).") if report.raw else ""
        print(f"verify-site: FAILED: {len(report.problems)} problem(s) in {args.site} "
              f"({report.pages} pages checked).{cause}")
        return 1
    print(f"verify-site: {args.site} OK: {report.pages} pages, {report.citing_pages} that cite, "
          f"{report.citation_links} citation links resolved, {report.references_listed} of "
          f"{len(bib_keys(args.bib))} references.bib entries listed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
