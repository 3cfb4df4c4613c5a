"""What axe-core cannot see, in Chromium, on the pages that hold every kind of element of the
site (conftest.walked_pages; `make a11y` walks every page):

* the pointer: every DOI link can be clicked at its very end, and every back-link of a
  reference list has a box of its own that a click reaches (`elementFromPoint`);
* the keyboard: walking each page with Tab and with Shift+Tab, at 1280 x 900 and at
  412 x 900 (navigation drawer closed), no focused element is zero-sized, off-screen or
  under the sticky header (WCAG 2.2: 2.4.3, 2.4.7, 2.4.11);
* colours in states axe never opens: the search box's placeholder, "Type to start
  searching" and the term and citation tooltips meet 4.5:1 in both palettes.

The walks press keys through the Chrome DevTools Protocol in bursts, a few milliseconds a
key instead of tens for an awaited `keyboard.press`, so they use Playwright's async API in
a thread of their own (a walk of every page takes a few minutes; set POD_WALK_PAGES to a
comma-separated list such as "about/,glossary/" to walk only those). A `keydown` listener records the element that has focus when the
next key arrives: by then the browser has scrolled it into view, as a reader would see it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import time
from pathlib import Path

import pytest
from playwright.async_api import async_playwright
from playwright.sync_api import Browser

from conftest import ARGS, CHROMIUM, page_file, site_pages, walked_pages
from engines import RECORD_FOCUS

WIDTHS = (1280, 412)
KEYS = {"Tab": 0, "Shift+Tab": 8}  # CDP modifier bit 8 is Shift

BURST = 40  # keys pressed between two looks at the record
MAX_STOPS = 2000
TWO_FRAMES = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

# Every DOI link clickable at its end; every back-link with a box that a click reaches.
POINTER = """() => {
  const faults = [];
  const reaches = (el, x, y) => { const hit = document.elementFromPoint(x, y); return hit && (hit === el || el.contains(hit)); };
  const name = el => el.outerHTML.slice(0, 90);
  for (const a of document.querySelectorAll('.md-content a[href^="https://doi.org/"]')) {
    a.scrollIntoView({block: 'center'});
    const boxes = [...a.getClientRects()].filter(box => box.width > 0);
    if (!boxes.length) { faults.push('DOI link with no box: ' + a.href); continue; }
    const end = boxes[boxes.length - 1];
    // 2 px in from the end: the last pixel column is sub-pixel and hit-tests as the parent.
    const x = end.right - 2, y = (end.top + end.bottom) / 2;
    if (!reaches(a, x, y)) faults.push('end of ' + a.href + ' is covered by ' + name(document.elementFromPoint(x, y) || document.body));
  }
  for (const a of document.querySelectorAll('.md-content a.footnote-backref')) {
    a.scrollIntoView({block: 'center'});
    const box = a.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) { faults.push('back-link ' + a.getAttribute('href') + ' has a zero-sized box'); continue; }
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    if (!reaches(a, x, y)) faults.push('back-link ' + a.getAttribute('href') + ' is covered by ' + name(document.elementFromPoint(x, y) || document.body));
  }
  return faults;
}"""

# The contrast of an element's text over the backgrounds it sits on (alpha composited).
CONTRAST = """([el, pseudo]) => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) throw new Error('colour ' + c);
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const layers = [];
  for (let node = el; node; node = node.parentElement) {
    const bg = parse(getComputedStyle(node).backgroundColor);
    if (bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
  }
  let bg = [255, 255, 255, 1];
  for (const layer of layers.reverse()) bg = over(layer, bg);
  const fg = over(parse(getComputedStyle(el, pseudo).color), bg);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const [light, dark] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return Math.round((light + 0.05) / (dark + 0.05) * 100) / 100;
}"""


async def _walk(page, cdp, modifiers: int, slow: bool = False) -> list[dict]:
    """Press one key until focus comes back to the first stop of the page's first walk (a
    stop met twice on the way, such as a link in a tooltip, counts twice). In a burst the
    browser may not have drawn a frame between two keys; `slow` waits for two frames after
    each key, to confirm what a burst found."""
    await page.evaluate("""() => { if (window.__focusStart) window.__focusStart.focus(); window.__focus = []; }""")

    def press(kind: str):
        return cdp.send("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab",
                                                   "windowsVirtualKeyCode": 9, "modifiers": modifiers})

    for _ in range(MAX_STOPS // BURST):
        if slow:
            for _ in range(BURST):
                await press("rawKeyDown")
                await press("keyUp")
                await page.evaluate(TWO_FRAMES)
        else:
            await asyncio.gather(*(press(kind) for _ in range(BURST) for kind in ("rawKeyDown", "keyUp")))
        stops = await page.evaluate("window.__focus")
        ids = [stop["id"] for stop in stops]
        if ids and ids[0] in ids[1:]:
            return stops[:ids.index(ids[0], 1)]
    raise AssertionError(f"{page.url}: focus never came back to where it started")


async def _visit_every_page(site_url: str, paths: list[str]) -> dict:
    found: dict = {"pointer": {}, "focus": {}, "stops": {}, "seconds": 0.0}
    started = time.monotonic()

    async def at_width(browser, width: int) -> None:
        context = await browser.new_context(viewport={"width": width, "height": 900})
        await context.add_init_script(RECORD_FOCUS)
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        for path in paths:
            await page.goto(site_url + path, wait_until="load")
            if width == WIDTHS[0]:
                found["pointer"][path] = await page.evaluate(POINTER)
                await page.evaluate("window.scrollTo(0, 0)")
            for key, modifiers in KEYS.items():
                stops = await _walk(page, cdp, modifiers)
                if any(stop["fault"] for stop in stops):  # confirm, a frame after each key
                    await page.goto(site_url + path, wait_until="load")
                    stops = await _walk(page, cdp, modifiers, slow=True)
                found["stops"][(width, key, path)] = len(stops)
                found["focus"][(width, key, path)] = [f"{stop['fault']}: {stop['what']}" for stop in stops if stop["fault"]]
        await context.close()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        await asyncio.gather(*(at_width(browser, width) for width in WIDTHS))
        await browser.close()
    found["seconds"] = time.monotonic() - started
    return found


@pytest.fixture(scope="module")
def visited(site_url: str, built_site: Path) -> dict:
    """Each walked page once per width: the pointer checks, then a Tab walk and a Shift+Tab walk."""
    paths = walked_pages(built_site)
    if os.environ.get("POD_WALK_PAGES"):  # for a quick look while working: "about/,glossary/"
        paths = os.environ["POD_WALK_PAGES"].split(",")
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        found = thread.submit(asyncio.run, _visit_every_page(site_url, paths)).result()
    print(f"\nkeyboard and pointer walk: {len(paths)} pages, {sum(found['stops'].values())} focus stops, "
          f"{found['seconds']:.0f} s")
    return found


def test_every_doi_is_clickable_to_its_end_and_every_back_link_has_a_box(visited: dict) -> None:
    faults = {path: items for path, items in visited["pointer"].items() if items}
    assert not faults, "\n".join(f"{path}: {item}" for path, items in faults.items() for item in items[:5])
    assert "about/" not in visited["pointer"] or visited["pointer"]["about/"] == []


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_focus_stop_is_visible_and_clear_of_the_header(visited: dict, width: int, key: str) -> None:
    walked = {path: n for (w, k, path), n in visited["stops"].items() if (w, k) == (width, key)}
    assert min(walked.values()) >= 3, f"a walk found almost nothing to focus: {walked}"  # 404 at 412 px: 4
    faults = {path: items for (w, k, path), items in visited["focus"].items() if (w, k) == (width, key) and items}
    total = sum(len(items) for items in faults.values())
    assert not faults, f"{total} focus stops on {len(faults)} pages at {width} px with {key}:\n" + "\n".join(
        f"{path}: {item}" for path, items in faults.items() for item in items[:4])


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_search_and_tooltip_text_meet_4_5_to_1(browser: Browser, site_url: str, scheme: str, width: int) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site_url + "about/", wait_until="load")
    ratios = {"search placeholder": page.evaluate(CONTRAST, [page.locator(".md-search__input").element_handle(), "::placeholder"])}
    page.keyboard.press("s")  # opens search: "Type to start searching"
    meta = page.locator(".md-search-result__meta")
    meta.wait_for(state="visible", timeout=10000)
    ratios["search panel: " + meta.inner_text()] = page.evaluate(CONTRAST, [meta.element_handle(), None])
    page.keyboard.press("Escape")
    for what, target in (("term tooltip", ".md-content abbr"), ("citation tooltip", ".md-content .citation a.footnote-ref")):
        page.locator(target).first.hover()
        tip = page.locator(".md-tooltip2--active .md-tooltip2__inner")
        tip.first.wait_for(state="visible", timeout=10000)
        ratios[what] = page.evaluate(CONTRAST, [tip.first.element_handle(), None])
        page.mouse.move(0, 0)
        page.keyboard.press("Escape")
        page.locator(".md-tooltip2--active").first.wait_for(state="detached", timeout=10000)
    context.close()
    low = {what: ratio for what, ratio in ratios.items() if ratio < 4.5}
    assert not low, f"{scheme} palette at {width} px, contrast below 4.5:1: {low} (all: {ratios})"


def test_no_label_points_at_nothing(built_site: Path) -> None:
    """A <label for> needs its control (Nu checker; HTML_CodeSniffer H44): Material's
    "__toc" title on pages outside the navigation, such as the vignettes, had none."""
    orphans = {}
    for path in site_pages(built_site) + ["404.html"]:
        html = page_file(built_site, path).read_text(encoding="utf-8")
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        missing = sorted(set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html)) - ids)
        if missing:
            orphans[path or "/"] = missing
    assert not orphans, orphans


def test_a_vignette_has_its_contents_on_a_phone(browser: Browser, site_url: str) -> None:
    """Vignettes are outside the navigation, so Material's menu has no table of contents for
    them on small screens: the page carries its own, and its links jump to each section."""
    page = browser.new_page(viewport={"width": 412, "height": 900})
    page.goto(site_url + "vignettes/all-the-voices/", wait_until="load")
    contents = page.locator("nav.page-toc")
    contents.locator("summary").click()
    links = contents.locator("a")
    headings = page.locator(".md-content__inner > h2[id]")
    assert links.count() == headings.count() >= 4
    links.nth(2).click()
    page.wait_for_timeout(300)
    target = headings.nth(2)
    top = target.evaluate("el => el.getBoundingClientRect().top")
    header = page.locator(".md-header").evaluate("el => el.getBoundingClientRect().bottom")
    assert header <= top < 900, (header, top)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not contents.is_visible()  # on a wide screen the side table of contents does this
    page.close()


def test_no_text_smaller_than_12_pixels_on_a_phone(browser: Browser, site_url: str) -> None:
    """Lighthouse's "legible font sizes": "Cite this page" set its code at 10.9 px on a phone,
    41% of the text of the short self-hosting page (text in closed details counts too)."""
    page = browser.new_page(viewport={"width": 412, "height": 900})
    small = {}
    for path in ("self-hosting/", "contributing/style-guide/"):
        page.goto(site_url + path, wait_until="load")
        small[path] = page.evaluate("""() => {
          const found = {}; const walker = document.createTreeWalker(document.querySelector('.md-content'), NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
            if (node.textContent.trim() && size < 12) found[node.parentElement.tagName + ' ' + size + 'px'] = node.textContent.trim().slice(0, 30);
          }
          return found; }""")
    page.close()
    assert not any(small.values()), small
