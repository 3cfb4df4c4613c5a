"""Shared fixtures and helpers: the project root on sys.path (for `tools` and `hooks`), builds
of the fixture site and of the real site, the browser, and the checks several test modules
run (reference-manager metadata and COinS, the article's formulations).

Markers: every test under tests/browser/, and any other that uses the `browser` fixture, is
marked `browser`; every test that builds the real site or the book (through the fixtures in
SLOW_FIXTURES, or marked by hand) is `slow`.
Run the quick loop with `pytest -m "not browser and not slow"`.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import html
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, get_files
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.utils.meta import get_data
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from pybtex.database import Entry, Person
from pybtex.richtext import Text

from markdown_citations import bibliography
from markdown_citations.context import PageContext, page_url
from markdown_citations.library import Library

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"
os.environ["NO_MKDOCS_2_WARNING"] = "1"
# Builds in the tests date themselves from the last commit, as `make` builds do (see
# tools/source_date.py), so that two builds of the same files are byte-identical.
sys.path.insert(0, str(ROOT))
from tools.source_date import source_date_epoch  # noqa: E402

os.environ.setdefault("SOURCE_DATE_EPOCH", str(source_date_epoch()))


def mkdocs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the venv's mkdocs (never with -q: it hides warnings from --strict)."""
    exe = Path(sys.executable).with_name("mkdocs")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


# The citation engine's extensions called on Markdown strings, as Python-Markdown's own tests
# call theirs: a Library of the fixture site's .bib, and what a builder's plugin hands over.

FIXTURE_BIB = FIXTURE / "references.bib"


@dataclass
class Site:
    """What a builder's plugin hands the extensions: the prepared library and the page."""

    library: Library | None = None
    page: PageContext | None = None


@pytest.fixture(scope="session")
def library() -> Library:
    """The fixture site's .bib, checked, with nothing cached on disk."""
    return Library.open(FIXTURE_BIB, cache_dir=None)


def page_context(path: str = "second.md", **meta: object) -> PageContext:
    """A page of a site with directory URLs, as the MkDocs plugin describes it."""
    return PageContext(path=path, url=page_url(path), meta=meta, shown=f"docs/{path}", url_of=page_url)

# Fixtures whose users build the real site or the book (see pytest_collection_modifyitems).
SLOW_FIXTURES = {"built_site", "organisation_site", "site_url", "release", "books", "book", "organisation_book",
                 "hookless_site"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "walk: the full cross-engine walk, run by `make a11y` (pytest -m walk)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark browser and slow tests; leave the `walk` tests out unless asked for with -m
    (`make a11y`), reported as deselected."""
    if "walk" not in (config.option.markexpr or ""):
        walk = [item for item in items if item.get_closest_marker("walk")]
        if walk:
            config.hook.pytest_deselected(items=walk)
            items[:] = [item for item in items if not item.get_closest_marker("walk")]
    browser_tests = Path(__file__).resolve().parent / "browser"
    for item in items:
        if browser_tests in Path(item.path).resolve().parents or "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The blocks of every formatting run (each run is one or more pandoc processes)."""
    found: list[list[str]] = []
    real = bibliography.format_citations
    monkeypatch.setattr(bibliography, "format_citations", lambda *a, **k: found.append(list(a[2])) or real(*a, **k))
    return found


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A fresh copy of the fixture site with the project's real hooks beside it (the
    citations plugin and extensions come from the installed package)."""
    site = tmp_path / "site-src"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".cache", "__pycache__"))
    shutil.copytree(ROOT / "hooks", site / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def build(site: Path) -> tuple[int, str, Path]:
    """`mkdocs build --strict` of a fixture site into the folder beside it: exit code, log, output."""
    out = site.parent / "out"
    result = mkdocs("build", "--strict", "--site-dir", str(out), cwd=site)
    return result.returncode, result.stdout + result.stderr, out


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in the file at `path`."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def expect_failure(site: Path, *messages: str) -> str:
    """Build the fixture site; it must fail with each of `messages`, no traceback, and no site."""
    code, log, out = build(site)
    assert code != 0, log
    for message in messages:
        assert message in log, log
    assert "Traceback" not in log
    assert not (out / "index.html").exists(), "a failed build must not leave a site that looks fine"
    return log


def add_hook(site: Path, hook: str) -> None:
    """List one of the project's hooks (copied beside the fixture site) in its mkdocs.yml."""
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [*(config.get("hooks") or []), hook]
    (site / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def configured(site: Path) -> tuple[MkDocsConfig, Files]:
    """A site's MkDocs config after every on_config, and its files after every on_files."""
    config = load_config(str(site / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    return config, files


def render_page(config: MkDocsConfig, files: Files, src: str) -> MkDocsPage:
    """One page of a configured site through the page events MkDocs runs before its template:
    on_page_markdown, render (the Markdown extensions), on_page_content."""
    page = MkDocsPage(None, files.get_file_from_path(src), config)
    page.read_source(config)
    page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
    page.render(config, files)
    page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
    return page


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder `name`, made by `make(folder)` once per test session. Under pytest-xdist
    (`make test` runs the tests in parallel) the workers share one folder: the first makes it
    while the others wait on a lock, so that the real site is built once, not once per worker."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent / name
    shared.mkdir(exist_ok=True)
    with open(shared.with_name(f"{name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / ".done").exists():
            make(shared)
            (shared / ".done").touch()
    return shared


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test session with --strict into a temporary folder."""
    def make(folder: Path) -> None:
        result = mkdocs("build", "--strict", "--site-dir", str(folder / "site"), cwd=ROOT)
        assert result.returncode == 0, result.stderr

    return built_once(tmp_path_factory, "built", make) / "site"


# Browser fixtures: the built site served over HTTP on 127.0.0.1, and Debian's Chromium
# driven by Playwright (which never downloads a browser here). The tests run Chromium's
# headless shell (Debian's chromium-headless-shell): the same Blink engine as the full
# browser, without its browser user interface, and the build Playwright itself runs for
# headless tests. The book is printed by the full browser (tools/pdf.py).

CHROMIUM = "/usr/bin/chromium-headless-shell"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


# `make release`, as a self-hosting organisation or the release workflow runs it, in a copy of
# the project. tests/test_release.py runs it under each of CLOCKS and compares the two; the
# first run is made once per session (the `release` fixture) and tests/test_pdf.py reads its
# book, so that the book is printed once for both.

RELEASE_STAMPS = ["-o", ".venv/.installed", "-o", "node_modules/.installed"]  # use the installed tools
CLOCKS = [  # (fake clock, time zone, umask, citation cache): two machines, years apart
    ("2027-05-06 03:04:05", "Pacific/Kiritimati", "022", "off"),
    ("2031-12-31 23:30:00", "America/Los_Angeles", "077", ""),
]
# Test modules that share a session's expensive fixture run on the same pytest-xdist worker, so
# that no worker waits for another to make it (see pytest_xdist_make_scheduler).
SHARED_WORKER = {"tests/test_release.py": "release", "tests/test_pdf.py": "release"}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """`--dist loadscope` (make test), with the modules of SHARED_WORKER as one scope."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedScopes(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return SHARED_WORKER.get(scope.split("::")[0], scope)

    return SharedScopes(config, log)


def copy_of_the_project(target: Path, epoch: str) -> Path:
    """The working tree's files (tracked and new, not ignored), committed in a new git
    repository at the time `epoch`, with the installed tools linked."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for tool in (".venv", "node_modules"):
        (target / tool).symlink_to((ROOT / tool).resolve(), target_is_directory=True)
    env = {**os.environ, "GIT_AUTHOR_DATE": f"@{epoch} +0000", "GIT_COMMITTER_DATE": f"@{epoch} +0000"}
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "copy"]):
        subprocess.run(["git", *command], cwd=target, env=env, check=True, capture_output=True)
    return target


def make_release(folder: Path, clock: tuple[str, str, str, str], *variables: str) -> Path:
    """`make release` in a copy of the project in `folder`, under the fake clock, time zone,
    umask and citation cache of `clock` (Debian's faketime): the copy, `folder`/copy."""
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.fail("faketime is missing: install Debian's faketime (make test does, via tools/system-packages.sh)")
    time, zone, umask, cache = clock
    # No SOURCE_DATE_EPOCH given: the Makefile takes it from the copy's last commit.
    env = {name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH"}
    env.update(TZ=zone, POD_CITATION_CACHE=cache)
    seen = subprocess.run([faketime, time, sys.executable, "-c", "import datetime; print(datetime.datetime.now())"],
                          env=env, capture_output=True, text=True, check=True).stdout
    assert seen.startswith(time[:10]), f"faketime did not change the clock the build sees: {seen}"
    project = copy_of_the_project(folder / "copy", os.environ["SOURCE_DATE_EPOCH"])
    result = subprocess.run([faketime, time, "sh", "-c", f'umask {umask} && exec make --no-print-directory "$@"',
                             "make", *RELEASE_STAMPS, "release", *variables], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    assert result.returncode == 0, f"make release under {time}:\n{result.stdout[-6000:]}"
    assert result.stdout.count("verify-site: ") == 2 and "verify-site: FAILED" not in result.stdout
    return project


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding `copy/`, a copy of the project after `make release` under the first of
    CLOCKS, and `book.html`, the book's combined HTML (BOOK_HTML); made once per session."""
    return built_once(tmp_path_factory, "release",
                      lambda folder: make_release(folder, CLOCKS[0], f"BOOK_HTML={folder / 'book.html'}"))


@pytest.fixture(scope="session")
def organisation_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as an organisation builds it from examples/organisation.yml (copied beside
    mkdocs.yml, as the README says), with its own name, contacts and pages; built once."""
    text = (ROOT / "examples" / "organisation.yml").read_text(encoding="utf-8")
    folder = built_once(tmp_path_factory, "organisation",
                        lambda folder: build_beside("organisation-test-build.yml", text, folder / "site"))
    return folder / "site"


def build_beside(name: str, config_text: str, out: Path) -> Path:
    """Build the real site strictly into `out` with a config file written beside mkdocs.yml
    (so that `INHERIT: mkdocs.yml` and relative paths hold), removed afterwards."""
    config = ROOT / name
    config.write_text(config_text, encoding="utf-8")
    try:
        result = mkdocs("build", "--strict", "-f", config.name, "--site-dir", str(out), cwd=ROOT)
    finally:
        config.unlink()
    assert result.returncode == 0, result.stderr
    return out


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site served at the sub-path of its site_url, as it is deployed (the 404
    page's links are absolute, so it only works there)."""
    from urllib.parse import urlparse

    sub_path = urlparse(_default_site_url()).path.strip("/")
    root = tmp_path_factory.mktemp("served")
    (root / sub_path).parent.mkdir(parents=True, exist_ok=True)
    (root / sub_path).symlink_to(built_site, target_is_directory=True)
    server, url = serve(root)
    yield f"{url}{sub_path}/"
    server.shutdown()


def _default_site_url() -> str:
    """The default of `site_url: !ENV [POD_SITE_URL, "..."]` in mkdocs.yml."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.search(r'^site_url: !ENV \[POD_SITE_URL, "([^"]+)"\]', text, re.M).group(1)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make engines` (tools/system-packages.sh installs "
                    "Debian's chromium-headless-shell)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as a path relative to its root ("" for the home page)."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        relative = html.parent.relative_to(site).as_posix()
        pages.append("" if relative == "." else relative + "/")
    return pages


def digests(folder: Path, pattern: str = "*") -> dict[str, str]:
    """The SHA-256 of each file under `folder` matching `pattern`, by its path relative to it."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob(pattern)) if p.is_file()}


def page_file(site: Path, path: str) -> Path:
    """The file of a page that site_pages or walked_pages names ("" and "about/" are folders
    with an index.html; "404.html" is the file itself)."""
    return site / path / "index.html" if path.endswith("/") or not path else site / path


class _Kinds(HTMLParser):
    """The kinds of element in a page: each tag, tag.class, and tag[role|type|tabindex=value]."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        self.found.add(tag)
        self.found.update(f"{tag}.{name}" for name in (given.get("class") or "").split())
        self.found.update(f"{tag}[{key}={given[key]}]" for key in ("role", "type", "tabindex") if key in given)


def walked_pages(site: Path) -> list[str]:
    """The pages the browser walks of `make test` visit: with POD_EVERY_PAGE set (`make a11y`),
    every page and the 404 page; otherwise the home page, the 404 page, a principle page and
    as few others as hold, between them, every kind of element found on any page (a tag, a
    tag with a class, a role, a type or a tabindex), chosen greedily, so that a fault that
    comes with a kind of element, or with a template, is still met."""
    pages = site_pages(site) + ["404.html"]
    if os.environ.get("POD_EVERY_PAGE"):
        return pages
    kinds = {}
    for path in pages:
        parser = _Kinds()
        parser.feed(page_file(site, path).read_text(encoding="utf-8"))
        kinds[path] = parser.found
    chosen = ["", "404.html", "principles/attunement/"]
    missing = set().union(*kinds.values()) - set().union(*(kinds[path] for path in chosen))
    while missing:
        best = max(pages, key=lambda path: (len(kinds[path] & missing), -len(kinds[path])))
        chosen.append(best)
        missing -= kinds[best]
    return chosen


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def open_page(browser: Browser, url: str, scheme: str = "light", width: int = 1280,
              wait_until: str = "load") -> tuple[Page, list[str], list[str]]:
    """A new page at `url` in its own context: the page, and the lists its console errors and
    its requests to other origins are gathered into."""
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: None if request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else outside.append(request.url))
    page.goto(url, wait_until=wait_until)
    return page, errors, outside


# The article's text, which several modules check pages and the book against.

# The authors' formulations, verbatim from Hendy, Tew and Carr (2023).
FORMULATIONS = {
    "attunement": "Through their personal lived experience, peer practitioners can bring a particular attunement to the emotions of others in the room, as well as a developed sense of awareness of, and sensitivity to, the implicit and explicit language that they may be using.",
    "validation": "By explicitly and implicitly using their lived experience, peer practitioners can validate and provide recognition for the current experience of people who may be facing misrecognition by others, or coming to doubt the validity of their thoughts and feelings. In turn this can offer empowerment and engender hope by enabling people to reclaim their sense of self-worth and self-belief.",
    "connection-and-mutuality": "Drawing upon their personal experience, peer practitioners can connect with a person and members of their network by being open to a more mutual relationship in which they can share how they themselves are moved by the emotions and experiences that are expressed. In doing so, they can show how there is no need to be afraid of intense emotions, and thereby keep the focus on connecting and being with people in their experience, rather than reaching for solutions. This may help to build a supportive “between” space in which people can find their own ways of moving forward.",
    "self-disclosure": "The title of peer practitioner already constitutes a level of self-disclosure, indicating that a person has their own experience of mental health difficulties alongside wider life experience. In network meetings, peer practitioners should use their discernment and intuition to assess whether self-disclosure would or would not be helpful in supporting or bringing out other voices in the room – and should only do this when they feel it is safe and helpful in doing so.",
}


# What reference managers read: page metadata and COinS, against references.bib.

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


# --- COinS -----------------------------------------------------------------------------------

REFERENCES_COINS = re.compile(r'<li id="ref-(?P<key>[^"]+)"[^>]*>(?:<span class="Z3988" title="(?P<title>[^"]*)" data-preview></span>)?')

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
                                "add its words to UNVERIFIED in tests/conftest.py")
    carried = coins_keys(pairs) & marked
    assert not carried, f"{key}: COinS carries {sorted(carried)}, which its x-note says is not yet verified"
