"""The same reader journey in Chromium, Firefox and WebKit, on the site served by nginx with
deploy/nginx.conf (its headers and Content-Security-Policy), through tests/browser/engines.py.

In `make test`: one short journey per engine (the home page and a principle page with no
console error and no request to another origin; search from the keyboard, opening a result;
a glossary term's definition and a citation's preview on focus and on hover, closed with
Escape; the colour scheme switched; Tab and Shift+Tab through a page; the menu at 390 px;
the print stylesheet; axe-core on the principle page once it has settled).
In `make a11y` (marker `walk`): axe-core on every page in both colour schemes, at 1280 x 720
and, with the menu open, at 390 x 844, in every engine.
What an engine's driver cannot do is skipped with the engine and the feature named.
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from conftest import site_pages
from engines import RECORD_FOCUS, Chromium, Engine, Firefox, Unsupported, WebKit, pointer_actions
from tools import nginx

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_SCRIPT = Axe().axe_script  # axe-core's own file, from the pinned axe-playwright-python wheel
PRINCIPLE = "principles/attunement/"


# What an engine showed that Chromium did not, not yet explained (a fault of the site, of
# Material or of the engine's driver): each such check is an expected failure naming the
# engine and what it showed, listed in docs/accessibility.md, so nothing passes silently.
# Empty: each one first seen was explained and fixed (the statement's
# section "What Firefox and WebKit showed" says how).
SEEN: dict[tuple[str, str], str] = {}


def expect_seen(request: pytest.FixtureRequest, what: str, engine: Engine) -> None:
    if (what, engine.name) in SEEN:
        request.applymarker(pytest.mark.xfail(reason=SEEN[what, engine.name], strict=False))


@pytest.fixture(scope="module")
def nginx_url(built_site: Path) -> Iterator[str]:
    with nginx.serving(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def others() -> Iterator[dict[str, concurrent.futures.Future[Engine]]]:
    """Firefox and WebKit, each started in a thread of its own when the module begins, so that
    their start overlaps the Chromium tests (now and then a start waits tens of seconds on
    something outside the browser). Closed when the module ends; a failed start fails the
    engine's tests with its own error."""
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        started: dict[str, concurrent.futures.Future[Engine]] = {"firefox": pool.submit(Firefox),
                                                                 "webkit": pool.submit(WebKit)}
        yield started
        for future in started.values():
            if future.exception() is None:
                future.result().close()


@pytest.fixture(scope="module", params=["chromium", "firefox", "webkit"])
def engine(request: pytest.FixtureRequest, browser: Browser,
           others: dict[str, concurrent.futures.Future[Engine]]) -> Iterator[Engine]:
    if request.param != "chromium":
        yield others[request.param].result()
        return
    made = Chromium(browser)
    yield made
    made.close()


def run_axe(engine: Engine, rules: list[str] | None = None) -> list[str]:
    """axe-core's violations on the page as it is now, as 'rule: selector (count)'."""
    if not engine.call("() => typeof axe !== 'undefined'"):  # run inside the driver's script: CSP allows no inline <script>
        engine.call(f"() => {{ {AXE_SCRIPT}\n; window.axe = axe; }}")
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    return engine.call("""async only => (await axe.run(document, {runOnly: only, resultTypes: ['violations']}))
        .violations.map(v => v.id + ': ' + v.nodes[0].target.join(' ') + ' (' + v.nodes.length + ')')""", only)


def outside(engine: Engine, base: str) -> list[str]:
    return [url for url in engine.requests() if not url.startswith((base, "data:", "blob:", "about:"))]


def test_home_and_principle_pages_load_cleanly(engine: Engine, nginx_url: str) -> None:
    for path in ("", PRINCIPLE):
        engine.goto(nginx_url + path)
        assert engine.call("() => document.querySelector('.md-content h1') && document.querySelector('.md-content h1').textContent")
        assert engine.call("() => typeof document$ !== 'undefined'"), \
            f"{engine.name}: Material's script did not start on /{path}"
        assert outside(engine, nginx_url) == [], f"{engine.name}: requests to another origin on /{path}"
    assert engine.console_errors() == [], f"{engine.name}: console errors"


def test_search_from_the_keyboard_opens_a_result(request: pytest.FixtureRequest, engine: Engine, nginx_url: str) -> None:
    expect_seen(request, "search", engine)
    engine.goto(nginx_url)
    engine.press("s")  # Material's shortcut to focus search
    engine.wait_for("() => document.activeElement && document.activeElement.matches('.md-search__input')")
    engine.press("antennae")
    engine.wait_for("() => document.querySelectorAll('.md-search-result__item a').length")
    engine.press("Enter")  # Material opens the first result
    engine.wait_for("() => location.pathname.endsWith('/principles/attunement/')")


@pytest.mark.parametrize(("what", "selector", "expected"), [
    ("glossary term", ".md-content a.glossary-term", None),
    ("citation", ".md-content .citation a.footnote-ref", "Hendy, C., Tew, J., & Carr, S. (2023)"),
])
def test_tooltip_opens_on_focus_and_hover_and_closes_with_escape(request: pytest.FixtureRequest, engine: Engine,
                                                                  nginx_url: str, what: str, selector: str,
                                                                  expected: str | None) -> None:
    expect_seen(request, "tooltip", engine)
    # The pointer away first: the last test may have left it over a link, and Firefox,
    # which restores the scroll position on reload, would open that link's tooltip.
    engine.perform(pointer_actions(1, 1, click=False))
    engine.goto(nginx_url + PRINCIPLE)
    active = "() => { const t = document.querySelector('.md-tooltip2--active'); return t ? t.innerText : ''; }"
    gone = "() => !document.querySelector('.md-tooltip2--active')"
    engine.call("s => document.querySelector(s).focus()", selector)
    text = engine.wait_for(active)
    assert expected is None or expected in text, f"{engine.name}: {what} on focus: {text!r}"
    engine.press("Escape")
    engine.wait_for(gone)
    engine.call("() => document.activeElement.blur()")
    engine.perform(pointer_actions(1, 1, click=False))  # from outside, so the pointer enters the link
    engine.hover(selector)
    engine.wait_for(active)
    engine.press("Escape")
    engine.wait_for(gone)


def test_colour_scheme_switch(engine: Engine, nginx_url: str) -> None:
    engine.goto(nginx_url + PRINCIPLE)
    before = engine.call("() => document.body.getAttribute('data-md-color-scheme')")
    engine.click("form[data-md-component=palette] label:not([hidden])")
    engine.wait_for("s => document.body.getAttribute('data-md-color-scheme') !== s", before)
    background = engine.call("() => getComputedStyle(document.body).backgroundColor")
    engine.click("form[data-md-component=palette] label:not([hidden])")
    engine.wait_for("s => document.body.getAttribute('data-md-color-scheme') === s", before)
    assert background != engine.call("() => getComputedStyle(document.body).backgroundColor"), \
        f"{engine.name}: the colours did not change with the scheme"


def focus_stops(engine: Engine, url: str, key: str, burst: int) -> list[dict]:
    """Every focus stop `key` reaches on the page, pressed in bursts of `burst` keys, until focus
    comes back to the first stop (240 keys at most)."""
    engine.goto(url)
    engine.call(f"() => {{ {RECORD_FOCUS} }}")
    stops: list[dict] = []
    for _ in range(240 // burst):
        engine.press(*[key] * burst)
        stops = engine.call("() => window.__focus")
        ids = [stop["id"] for stop in stops]
        if ids and ids[0] in ids[1:]:
            return stops[:ids.index(ids[0], 1)]
    return stops


@pytest.mark.parametrize("key", ["Tab", "Shift+Tab"])
def test_focus_never_lands_out_of_sight(request: pytest.FixtureRequest, engine: Engine, nginx_url: str, key: str) -> None:
    expect_seen(request, key, engine)
    stops = focus_stops(engine, nginx_url + PRINCIPLE, key, burst=20)
    if len(stops) < 20 or any(stop["fault"] for stop in stops):
        # Confirm what a burst found one key at a time, as a reader presses them: in WebKit on
        # a busy machine, a burst of twenty keys in one action has lost focus after the footer
        # (it went back to the end of the page), which single keys have not.
        stops = focus_stops(engine, nginx_url + PRINCIPLE, key, burst=1)
    assert len(stops) >= 20, f"{engine.name}: {key} found only {len(stops)} stops"
    faults = [f"{stop['fault']}: {stop['what']}" for stop in stops if stop["fault"]]
    assert not faults, f"{engine.name} {key}: " + "\n".join(faults)


def test_menu_opens_and_closes_at_390_pixels(request: pytest.FixtureRequest, engine: Engine, nginx_url: str) -> None:
    engine.viewport(390, 844)
    try:
        engine.goto(nginx_url + PRINCIPLE)
        link_box = "() => { const b = document.querySelector('.md-sidebar--primary .md-nav__link').getBoundingClientRect(); return [b.left, b.width]; }"
        engine.click(".md-header label[for='__drawer']")
        engine.wait_for("() => document.getElementById('__drawer').checked")
        engine.wait_for(f"() => {{ const [left, width] = ({link_box})(); return left >= 0 && width > 0; }}")
        engine.perform(pointer_actions(370, 422, click=True))  # the dimmed page beside the drawer
        engine.wait_for("() => !document.getElementById('__drawer').checked")
        engine.wait_for("() => getComputedStyle(document.querySelector('.md-sidebar--primary')).visibility === 'hidden'")
        # MiniBrowser's window is never narrower than its toolbar (447 px): WebKit is checked at that width.
        wide = engine.call("() => [document.documentElement.scrollWidth, innerWidth]")
        assert wide[0] <= wide[1], f"{engine.name}: the page ({wide[0]} px) scrolls sideways at {wide[1]} px"
    finally:
        engine.viewport(1280, 720)


def test_print_keeps_the_text_and_hides_the_navigation(engine: Engine, nginx_url: str) -> None:
    from pypdf import PdfReader

    engine.goto(nginx_url + PRINCIPLE)
    try:
        pdf = engine.print_pdf()
    except Unsupported as reason:
        pytest.skip(str(reason))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Attunement" in text and "Hendy" in text, f"{engine.name}: the printed page lost its text"
    for navigation in ("Table of contents", "Intentional Peer Support Commonalities"):
        assert navigation not in text, f"{engine.name}: the print shows the navigation ({navigation!r})"


def test_axe_on_a_settled_principle_page(engine: Engine, nginx_url: str) -> None:
    engine.goto(nginx_url + PRINCIPLE)
    assert run_axe(engine) == [], engine.name


# axe-core rules an engine fails that Chromium passes, not yet explained: reported as warnings
# (pytest's summary lists them) and in docs/accessibility.md, not as failures. Empty: Firefox's
# scrollable-region-focusable on code blocks came from Material giving them tabindex=0 only
# where (hover) matches, which headless Firefox did not until engines.py said it has a mouse.
SEEN_IN_WALK: dict[tuple[str, str], str] = {}


@pytest.mark.walk
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_every_page(engine: Engine, nginx_url: str, built_site: Path, scheme: str) -> None:
    """Every page, settled, in one colour scheme (switched with the palette toggle, which
    Material keeps for the next pages): the WCAG 2.2 AA rules at 1280 x 720, and target-size
    again at 390 x 844 with the menu open. Not the 404 page: its links are absolute, to the
    site_url's sub-path, which this nginx does not serve (test_pages.py checks it in Chromium).
    POD_WALK_PAGES (comma-separated, such as "about/,glossary/") walks only those pages."""
    engine.goto(nginx_url)
    if engine.call("() => document.body.getAttribute('data-md-color-scheme')") != {"light": "default", "dark": "slate"}[scheme]:
        engine.click("form[data-md-component=palette] label:not([hidden])")
    paths = os.environ["POD_WALK_PAGES"].split(",") if os.environ.get("POD_WALK_PAGES") else site_pages(built_site)
    found: dict[str, list[str]] = {}
    for path in paths:
        engine.viewport(1280, 720)
        engine.goto(nginx_url + path)
        violations = run_axe(engine)
        engine.viewport(390, 844)
        engine.click(".md-header label[for='__drawer']")
        engine.wait_for("() => document.getElementById('__drawer').checked")
        engine.call("() => new Promise(done => setTimeout(done, 600))")  # the drawer slides in for 0.25 s
        violations += [f"at 390 px, menu open: {v}" for v in run_axe(engine, ["target-size"])]
        if violations:
            found[path or "/"] = violations
    engine.viewport(1280, 720)
    for (name, rule), reason in SEEN_IN_WALK.items():
        seen = [f"{p}: {v}" for p, items in found.items() for v in items if name == engine.name and v.startswith(rule + ":")]
        if seen:
            warnings.warn(f"{reason}: " + "; ".join(seen), stacklevel=1)
            found = {p: left for p, items in found.items() if (left := [v for v in items if not v.startswith(rule + ":")])}
    assert not found, f"{engine.name}, {scheme}:\n" + "\n".join(f"{p}: {v}" for p, items in found.items() for v in items)
