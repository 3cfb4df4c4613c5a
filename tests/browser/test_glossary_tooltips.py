"""Glossary terms in a real browser: the short definition shows on keyboard focus and on
hover, Escape hides it, screen readers get it, axe-core finds nothing, and it fits at 320 px."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from conftest import AXE_TAGS, ROOT, open_page
from markdown_citations import glossary

PAGE = "principles/attunement/"
SHORT = {term.id: term.short for term in
         glossary.parse((ROOT / "docs" / "glossary.md").read_text(encoding="utf-8"))[0]}
ACTIVE = ".md-tooltip2--active"


def expected(link) -> str:  # noqa: ANN001
    return SHORT[link.get_attribute("href").split("#")[1]]


def focus_by_keyboard(page: Page, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('glossary-term')"):
            return
    pytest.fail(f"no glossary term reached in {limit} presses of Tab")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_term_tooltip_has_no_axe_violations_and_is_announced(browser: Browser, site_url: str, scheme: str) -> None:
    page, errors, _ = open_page(browser, site_url + PAGE, scheme)
    link = page.locator("a.glossary-term").first
    link.focus()
    tooltip = page.locator(ACTIVE)
    tooltip.wait_for(timeout=5000)
    assert tooltip.get_attribute("role") == "tooltip"
    assert link.get_attribute("aria-describedby") == tooltip.get_attribute("id")  # read out with the link
    assert tooltip.inner_text().strip() == expected(link)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.response["violations"] == [], [(v["id"], v["nodes"][0]["target"]) for v in results.response["violations"]]
    assert errors == []
    page.context.close()


def test_term_tooltip_with_the_keyboard_alone(browser: Browser, site_url: str) -> None:
    page, _, _ = open_page(browser, site_url + PAGE)
    focus_by_keyboard(page)
    focused = page.locator("a.glossary-term:focus")
    # The term's own tooltip: the one of the control before it may still be closing.
    tooltip = page.locator(ACTIVE, has_text=expected(focused))
    tooltip.wait_for(timeout=5000)
    assert tooltip.is_visible() and tooltip.inner_text().strip() == expected(focused)
    outline = focused.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    assert page.locator(ACTIVE).count() == 0 or not page.locator(ACTIVE).is_visible()
    assert page.evaluate("document.activeElement.classList.contains('glossary-term')")  # focus stays put
    # Moving on and back shows it again. Wait for each move to land before the next, so a
    # slow machine cannot merge the two focus changes into one.
    term = page.evaluate_handle("document.activeElement")
    page.keyboard.press("Tab")
    page.wait_for_function("t => document.activeElement !== t", arg=term, timeout=10000)
    page.wait_for_timeout(300)
    page.keyboard.press("Shift+Tab")
    page.wait_for_function("t => document.activeElement === t", arg=term, timeout=10000)
    page.locator(ACTIVE, has_text=expected(focused)).wait_for(timeout=10000)
    page.context.close()


def test_term_tooltip_on_hover(browser: Browser, site_url: str) -> None:
    page, _, _ = open_page(browser, site_url + PAGE)
    link = page.locator("a.glossary-term").first
    link.hover()
    page.locator(ACTIVE).wait_for(timeout=5000)
    assert page.locator(ACTIVE).inner_text().strip() == expected(link)
    page.context.close()


@pytest.mark.parametrize("path", ["", PAGE, "foundations/open-dialogue/"])
def test_term_tooltips_fit_a_320_pixel_screen(browser: Browser, site_url: str, path: str) -> None:
    page, _, _ = open_page(browser, site_url + path, width=320)
    links = page.locator("a.glossary-term")
    assert links.count() >= 3
    for number in range(min(links.count(), 6)):
        link = links.nth(number)
        link.scroll_into_view_if_needed()
        link.focus()
        tooltip = page.locator(ACTIVE)
        tooltip.wait_for(timeout=5000)
        tooltip.evaluate("t => Promise.all(t.getAnimations().map(a => a.finished))")  # moved into place
        box = page.locator(f"{ACTIVE} .md-tooltip2__inner").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (link.inner_text(), box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.keyboard.press("Escape")
        link.blur()
        tooltip.wait_for(state="detached", timeout=5000)
    page.context.close()


def hover_first_coins(page: Page) -> str:
    """Give the first COinS span a size (it is empty), hover it and return what any open
    tooltip says ('' when none opens)."""
    page.locator(".Z3988").first.evaluate("el => el.setAttribute('style', 'display:inline-block;width:24px;height:24px')")
    page.locator(".Z3988").first.hover()
    page.wait_for_timeout(1000)
    tips = page.locator(".md-tooltip2--active, .md-tooltip--active")
    return " ".join(tips.all_inner_texts())


def test_material_mounts_no_tooltip_on_a_coins_span(browser: Browser, site_url: str) -> None:
    """markdown_citations/coins.py marks each COinS span data-preview, which Material's content.tooltips
    skips: no tooltip is mounted at load (each costs script time) and none can open. The
    control (the same page served without the attribute) shows the check can tell."""
    page, errors, _ = open_page(browser, site_url + "references/")
    assert page.locator(".Z3988").count() > 0 and page.locator(".Z3988:not([data-preview])").count() == 0
    assert hover_first_coins(page) == ""
    assert errors == []
    page.context.close()

    control, _, _ = open_page(browser, "about:blank")

    def without_attribute(route) -> None:  # noqa: ANN001
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(" data-preview>", ">"))

    control.route(site_url + "references/", without_attribute)
    control.goto(site_url + "references/", wait_until="load")
    assert "ctx_ver=Z39.88-2004" in hover_first_coins(control)  # Material's tooltip, had it been mounted
    control.context.close()
