"""Nothing lost by pruning the CSS (hooks/prune_css.py): the real site built with the hook
and without it, looked at in Chromium side by side, must give the same styles and pixels.

Compared: on every page at phone width, that no rule pruning took away matches an element;
the pixels of the five page types at desktop width in light and dark, and as
printed; and the pixels of what scripts add as a reader uses the page: search results, a
citation preview, a glossary tooltip, the open navigation drawer on a phone, the back-to-top
button, and the highlight left by following a search result. The pixels of every page at
phone width are compared by `make a11y` (pytest -m walk).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from conftest import ROOT, build_beside, serve, site_pages

TYPES = ["", "principles/attunement/", "vignettes/the-unspoken-fear/", "references/", "glossary/"]
# The page types' pixels are compared in a window this tall (a few screens: the rule check
# covers the rest of every page); the walk of every page in `make a11y` compares whole pages.
TOP = 4000


@pytest.fixture(scope="module")
def unpruned_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built with every hook but prune_css.py (three stylesheets, unpruned), and
    without precompress.py, whose Brotli files the test server does not send (a faster build)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    hooks = re.search(r"^hooks:\n((?:  - .*\n)+)", text, re.M)
    assert hooks and "hooks/prune_css.py" in hooks.group(1)
    kept = [line for line in hooks.group(1).splitlines() if "prune_css" not in line and "precompress" not in line]
    return build_beside("unpruned-test-build.yml", "INHERIT: mkdocs.yml\nhooks:\n" + "\n".join(kept) + "\n",
                        tmp_path_factory.mktemp("unpruned") / "site")


@pytest.fixture(scope="module")
def both(built_site: Path, unpruned_site: Path) -> Iterator[dict[str, str]]:
    servers = {name: serve(folder) for name, folder in (("pruned", built_site), ("unpruned", unpruned_site))}
    yield {name: url for name, (_, url) in servers.items()}
    for server, _ in servers.values():
        server.shutdown()


def test_the_two_builds_differ_only_in_their_stylesheets(built_site: Path, unpruned_site: Path) -> None:
    pruned = re.findall(r'<link rel="stylesheet" href="([^"]+)">', (built_site / "index.html").read_text("utf-8"))
    full = re.findall(r'<link rel="stylesheet" href="([^"]+)">', (unpruned_site / "index.html").read_text("utf-8"))
    assert len(pruned) == 1 and len(full) == 3, (pruned, full)
    assert (built_site / pruned[0]).stat().st_size < sum((unpruned_site / href).stat().st_size for href in full) * 0.8


def shot(browser: Browser, url: str, *, width: int = 390, scheme: str = "light", media: str = "screen",
         act: Callable[[Page], None] | None = None, height: int | None = None) -> bytes:
    """A screenshot of the page at `url`: after `act`, the window (800 pixels tall); without,
    a window `height` pixels tall, or without a height the whole page (down to 16,000 pixels)."""
    context = browser.new_context(viewport={"width": width, "height": height or 800}, color_scheme=scheme,
                                  reduced_motion="reduce")
    page = context.new_page()
    page.emulate_media(media=media)
    page.goto(url, wait_until="load")
    settle(page)
    if act:
        act(page)
        page.wait_for_timeout(400)
        settle(page)
    elif height is None:  # the whole page: the window made as tall as the page, then let settle
        whole = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": width, "height": min(whole, 16000)})
        page.wait_for_timeout(300)  # Material's colour transitions take 0.25 s
        settle(page)
    image = page.screenshot(animations="disabled", caret="hide")
    context.close()
    return image


def settle(page: Page) -> None:
    """Let Material's scripts finish what they do after load (table wrappers, the table of
    contents following the scroll position): fonts ready, then two animation frames."""
    page.evaluate("() => document.fonts.ready.then(() => new Promise((done) => "
                  "requestAnimationFrame(() => requestAnimationFrame(done))))")
    page.wait_for_timeout(100)


# Two images compared pixel by pixel in the browser: how many pixels differ, and by how much
# at most in any colour channel (0 to 255).
_DIFFERENCE = """async ([a, b]) => {
  const load = (src) => new Promise((done) => { const image = new Image(); image.onload = () => done(image); image.src = src; });
  const pixels = (image) => { const canvas = document.createElement("canvas");
    canvas.width = image.width; canvas.height = image.height;
    const context = canvas.getContext("2d"); context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data; };
  const [x, y] = await Promise.all([load(a), load(b)]);
  if (x.width !== y.width || x.height !== y.height) return [x.width * x.height, 255];
  const p = pixels(x), q = pixels(y); let count = 0, most = 0;
  for (let i = 0; i < p.length; i += 4) {
    const d = Math.max(Math.abs(p[i] - q[i]), Math.abs(p[i + 1] - q[i + 1]), Math.abs(p[i + 2] - q[i + 2]), Math.abs(p[i + 3] - q[i + 3]));
    if (d) { count++; most = Math.max(most, d); } }
  return [count, most];
}"""
# Drawn from two stylesheets, the same page may round a few anti-aliased edge pixels apart
# (9 pixels of a vignette's note box, up to 10 levels, with every computed style of every
# element identical); a lost rule changes colours, sizes or places of far more than that:
# the lost focus colour of a citation changed 248 pixels by up to 124 levels, a lost
# placeholder colour 300 pixels by up to 53.
MOST_PIXELS, MOST_LEVELS = 50, 40


def difference(browser: Browser, a: bytes, b: bytes) -> tuple[int, int]:
    """(pixels that differ, largest difference in a channel) between two PNG screenshots."""
    if a == b:
        return 0, 0
    page = browser.new_page()
    url = lambda image: "data:image/png;base64," + base64.b64encode(image).decode("ascii")  # noqa: E731
    count, most = page.evaluate(_DIFFERENCE, [url(a), url(b)])
    page.close()
    return count, most


def compare(browser: Browser, both: dict[str, str], cases: list[tuple[str, str, dict]], tmp_path: Path) -> None:
    """Each case looked at in both builds. They differ if more than MOST_PIXELS pixels, or any
    pixel by more than MOST_LEVELS, differ in three tries (a page caught mid-script on a busy
    machine differs once, a lost rule every time)."""
    differ = []
    for name, path, options in cases:
        for _ in range(3):
            images = {build: shot(browser, url + path, **options) for build, url in both.items()}
            count, most = difference(browser, images["pruned"], images["unpruned"])
            if count <= MOST_PIXELS and most <= MOST_LEVELS:
                break
        else:
            for build, image in images.items():
                (tmp_path / f"{name}-{build}.png").write_bytes(image)
            differ.append(f"{name} ({count} pixels, up to {most} levels apart)")
    assert not differ, f"pruned CSS renders differently in {differ}; screenshots in {tmp_path}"


# Every style rule of the page's stylesheets, as "media and support conditions | one selector"
# (a selector list split at its top-level commas).
_RULES = """() => {
  const split = (text) => { const out = []; let depth = 0, start = 0;
    for (let i = 0; i < text.length; i++) { const c = text[i];
      if (c === "(" || c === "[") depth++; else if (c === ")" || c === "]") depth--;
      else if (c === "," && depth === 0) { out.push(text.slice(start, i).trim()); start = i + 1; } }
    out.push(text.slice(start).trim()); return out; };
  const found = new Set();
  const walk = (rules, within) => { for (const rule of rules) {
    if (rule.selectorText !== undefined) split(rule.selectorText).forEach((s) => found.add(within + " | " + s));
    else if (rule.cssRules) walk(rule.cssRules, within + (rule.conditionText ? " @" + rule.conditionText : "")); } };
  for (const sheet of document.styleSheets) walk(sheet.cssRules, "");
  return [...found];
}"""
# Which of `selectors` match an element of the page, with the states a reader brings about
# (hover, focus, checked boxes, the target of a link) and pseudo-elements taken away, so that
# a rule for a state or for ::before is tested against the element it styles.
_MATCHED = """(selectors) => selectors.filter((selector) => {
  const base = selector.replace(/::?(hover|focus-visible|focus-within|focus|active|visited|target|checked|before|after|placeholder|marker|selection|-webkit-[\\w-]+|-moz-[\\w-]+)(?![\\w-])/g, "");
  for (const candidate of [base, selector]) {
    try { return document.querySelector(candidate || "*") !== null; } catch (error) { /* not valid here */ }
  }
  return false;
})"""


def rules(browser: Browser, url: str) -> set[str]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url, wait_until="load")
    found = set(page.evaluate(_RULES))
    context.close()
    return found


def used(browser: Browser, url: str, paths: list[str], selectors: list[str]) -> dict[str, list[str]]:
    """For each page (`url` + path), once its scripts have run, the selectors of `selectors`
    that match something on it, at phone width, in the light palette or the dark one."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    found = {}
    for path in paths:
        page.goto(url + path, wait_until="load")
        settle(page)
        found[path] = page.evaluate(_MATCHED, selectors)
        # The dark palette's rules match once the page is in it (Material sets the attribute).
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        found[path] += [s for s in page.evaluate(_MATCHED, selectors) if s not in found[path]]
    context.close()
    return found


@pytest.fixture(scope="module")
def dropped(browser: Browser, both: dict[str, str]) -> dict[str, str]:
    """The rules pruning took away, each selector with the conditions it sat in (every page
    links the same stylesheets, so the home page's are every page's)."""
    gone = rules(browser, both["unpruned"]) - rules(browser, both["pruned"])
    assert len(gone) > 100, "the unpruned build should have far more rules than the pruned one"
    return {item.split(" | ", 1)[1]: item for item in sorted(gone)}


def test_every_page_keeps_every_rule_it_uses(browser: Browser, both: dict[str, str], built_site: Path,
                                             dropped: dict[str, str]) -> None:
    """No rule pruning took away matches an element of any page of the site, at phone width
    (the menu's elements are there too, closed): a rule a page uses was kept."""
    pages = site_pages(built_site)
    assert len(pages) >= 30
    lost = {path or "/": [dropped[s] for s in found] for path, found in used(browser, both["pruned"], pages, list(dropped)).items()
            if found}
    assert not lost, "pruning took away rules these pages use:\n" + "\n".join(
        f"{path}: {items[:5]}" for path, items in lost.items())


def test_the_rule_check_can_fail(browser: Browser, both: dict[str, str], dropped: dict[str, str]) -> None:
    """Control: rules the glossary page uses, had they been taken away, are found; rules for a
    state (hover) or a pseudo-element are tested against their element."""
    assert used(browser, both["pruned"], ["glossary/"], [
        ".md-typeset dt", ".md-typeset a:hover", ".md-typeset dt::before", ".no-such-class",
        '[data-md-color-scheme="slate"] .md-typeset dt']) == {
        "glossary/": [".md-typeset dt", ".md-typeset a:hover", ".md-typeset dt::before",
                      '[data-md-color-scheme="slate"] .md-typeset dt']}
    assert ".md-annotation" in " ".join(dropped)  # unused components' rules go (hooks/prune_css.py)


@pytest.mark.walk
def test_every_page_looks_the_same_on_a_phone(browser: Browser, both: dict[str, str], built_site: Path,
                                               tmp_path: Path) -> None:
    pages = site_pages(built_site)
    assert len(pages) >= 30
    compare(browser, both, [(path.strip("/").replace("/", "_") or "home", path, {}) for path in pages], tmp_path)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_types_look_the_same_on_a_desktop(browser: Browser, both: dict[str, str], scheme: str,
                                               tmp_path: Path) -> None:
    compare(browser, both, [(f"{scheme}-{path.strip('/').replace('/', '_') or 'home'}", path,
                             {"width": 1280, "scheme": scheme, "height": TOP}) for path in TYPES], tmp_path)


def test_page_types_print_the_same(browser: Browser, both: dict[str, str], tmp_path: Path) -> None:
    compare(browser, both, [(f"print-{path.strip('/').replace('/', '_') or 'home'}", path,
                             {"width": 800, "media": "print", "height": TOP}) for path in TYPES + ["principles/handout/"]],
            tmp_path)


def _search(page: Page) -> None:
    page.keyboard.press("/")
    page.keyboard.type("attunement")
    page.wait_for_selector(".md-search-result__item")


def _focus_as_by_keyboard(page: Page, selector: str) -> None:
    """Focus the first element `selector` matches after a key press. Material's focus-visible
    script draws the keyboard's focus ring only while the last input came from the keyboard,
    and a mouse move the browser makes up after the page scrolls turns that off at random."""
    page.keyboard.press("Shift")
    page.locator(selector).first.focus()


def _citation_preview(page: Page) -> None:
    _focus_as_by_keyboard(page, "article a.footnote-ref")
    page.wait_for_selector(".md-tooltip2--active")


def _glossary_tooltip(page: Page) -> None:
    _focus_as_by_keyboard(page, "article a.glossary-term")
    page.wait_for_selector(".md-tooltip2--active, .md-tooltip--active")


def _drawer(page: Page) -> None:
    page.locator("label.md-header__button[for='__drawer']").click()


def _back_to_top(page: Page) -> None:
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(300)
    page.mouse.wheel(0, -200)
    page.wait_for_selector(".md-top:not([hidden])")


STATES = {
    "search-results": ("", _search, 1280),
    "search-results-phone": ("", _search, 390),
    "citation-preview": ("principles/attunement/", _citation_preview, 1280),
    "glossary-tooltip": ("principles/attunement/", _glossary_tooltip, 1280),
    "drawer-open": ("principles/attunement/", _drawer, 390),
    "back-to-top": ("principles/attunement/", _back_to_top, 1280),
    "search-highlight": ("principles/attunement/?h=attunement", None, 1280),
}


@pytest.mark.parametrize("state", sorted(STATES))
def test_what_scripts_add_looks_the_same(browser: Browser, both: dict[str, str], state: str, tmp_path: Path) -> None:
    path, act, width = STATES[state]
    compare(browser, both, [(state, path, {"width": width, "act": act})], tmp_path)


def test_the_comparison_can_fail(browser: Browser, both: dict[str, str]) -> None:
    """Controls: a page's two palettes differ far beyond the tolerance; the same page twice
    does not differ at all."""
    light = shot(browser, both["pruned"] + "principles/attunement/", width=1280, height=TOP)
    dark = shot(browser, both["pruned"] + "principles/attunement/", width=1280, scheme="dark", height=TOP)
    assert difference(browser, light, dark)[1] > 100
    again = shot(browser, both["pruned"] + "principles/attunement/", width=1280, height=TOP)
    assert difference(browser, light, again) == (0, 0)
