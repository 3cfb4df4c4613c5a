"""What readers meet, in a real browser: accessibility (axe-core), targets big enough to tap,
privacy, small screens, keyboard use and search. The walk visits the pages that hold every
kind of element of the site (conftest.walked_pages); `make a11y` walks every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from conftest import AXE_TAGS, open_page, walked_pages

# What the dark palette changes is colour: after every rule in the light palette, the page is
# switched to the dark one (as a reader does, with the palette toggle) and the rules about
# colour run again. `make a11y` runs every rule on pages loaded in each palette
# (tests/browser/test_engines.py).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def visits(browser: Browser, site_url: str, built_site: Path) -> dict[str, dict[str, dict]]:
    """Each walked page visited once, settled (network idle: Material mounts its tooltips after
    load): axe-core's results in each palette, console errors and requests that leave
    127.0.0.1, axe's `target-size` on a phone with the navigation drawer open (WCAG 2.2,
    2.5.8), and the page width at 320 CSS pixels."""
    axe = Axe()
    report: dict[str, dict[str, dict]] = {"light": {}, "dark": {}}
    for path in walked_pages(built_site):
        page, errors, outside = open_page(browser, site_url + path, "light", wait_until="networkidle")
        light = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}).response["violations"]
        page.click("form[data-md-component=palette] label:not([hidden])")
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        page.wait_for_timeout(300)  # Material's colour transitions take 0.25 s
        dark = axe.run(page, options={"runOnly": {"type": "rule", "values": COLOUR_RULES}}).response["violations"]
        page.set_viewport_size(PHONE)
        page.locator(".md-header label[for='__drawer']").click()
        page.wait_for_timeout(300)  # the drawer slides in for 0.25 s
        small = faults_of(axe.run(page, options={"runOnly": {"type": "rule", "values": ["target-size"]}}).response)
        page.set_viewport_size({"width": 320, "height": 800})
        page.wait_for_timeout(100)
        width = page.evaluate("document.documentElement.scrollWidth")
        for scheme, violations in (("light", light), ("dark", dark)):
            report[scheme][path or "/"] = {
                "axe": [(v["id"], len(v["nodes"]), v["nodes"][0]["target"]) for v in violations],
                "errors": list(errors), "outside": list(outside), "width": width, "small": small,
            }
        page.context.close()
    return report


def faults_of(result: dict) -> list[str]:
    """axe's violations, as 'selector (axe's message)'."""
    return [f"{node['target'][0]} ({node['any'][0]['message'] if node['any'] else node['failureSummary']})"
            for violation in result["violations"] for node in violation["nodes"]]


def test_every_page_was_visited(visits: dict[str, dict[str, dict]], built_site: Path) -> None:
    """Every walked page; in `make test` fewer than half the site's pages, in `make a11y` all."""
    walked = walked_pages(built_site)
    assert len(visits["light"]) == len(visits["dark"]) == len(walked) >= 6
    assert {"/", "404.html", "principles/attunement/", "references/"} <= set(visits["light"])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page(visits: dict[str, dict[str, dict]], scheme: str) -> None:
    found = {path: seen["axe"] for path, seen in visits[scheme].items() if seen["axe"]}
    assert not found, "\n".join(f"{path}: {items}" for path, items in found.items())


def test_every_target_is_big_enough_on_every_page(visits: dict[str, dict[str, dict]]) -> None:
    """On a desktop the light pass's axe run includes `target-size` (tag wcag22aa); on a phone
    it runs again with the menu open, so that the drawer's links are checked too."""
    assert "wcag22aa" in AXE_TAGS
    faults = {path: seen["small"] for path, seen in visits["light"].items() if seen["small"]}
    assert not faults, f"targets too small at 390 px with the menu open on {len(faults)} pages:\n" + "\n".join(
        f"{path}: {item}" for path, items in faults.items() for item in items[:3])


def test_no_console_errors_and_no_request_leaves_the_machine(visits: dict[str, dict[str, dict]]) -> None:
    found = [f"{scheme} {path}: errors {seen['errors']}, outside requests {seen['outside']}"
             for scheme in visits for path, seen in visits[scheme].items() if seen["errors"] or seen["outside"]]
    assert not found, "\n".join(found)


def test_nothing_scrolls_sideways_at_320_pixels(visits: dict[str, dict[str, dict]]) -> None:
    wide = {path: seen["width"] for path, seen in visits["light"].items() if seen["width"] > 320}
    assert not wide, wide


# A phrase peers used finds the principle page; a glossary term finds its definition first.
@pytest.mark.parametrize(("word", "expected"), [("antennae", "principles/attunement/"),
                                                 ("discernment", "glossary/")])
def test_search_lists_the_right_page_first(browser: Browser, site_url: str, word: str, expected: str) -> None:
    page, _, _ = open_page(browser, site_url)
    page.keyboard.press("s")  # Material's shortcut to focus search
    page.keyboard.type(word)
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=10000)
    assert first.get_attribute("href").split("#")[0].split("?")[0].endswith(expected)
    page.context.close()


def test_keyboard_skip_link_focus_and_citation_preview(browser: Browser, site_url: str) -> None:
    page, _, _ = open_page(browser, site_url + "principles/attunement/")
    page.keyboard.press("Tab")
    skip = page.locator(".md-skip")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    citation = page.locator(".citation a.footnote-ref").first
    citation.focus()
    outline = citation.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert not outline.startswith("none"), outline
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(timeout=5000)
    assert "Hendy, C., Tew, J., & Carr, S. (2023)" in tooltip.inner_text()
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    assert page.locator(".md-tooltip2--active").count() == 0
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_citation_preview_has_no_axe_violations(browser: Browser, site_url: str, scheme: str) -> None:
    page, _, _ = open_page(browser, site_url + "principles/attunement/", scheme)
    page.locator(".citation a.footnote-ref").first.focus()
    page.locator(".md-tooltip2--active").wait_for(timeout=5000)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.response["violations"] == [], [v["id"] for v in results.response["violations"]]
    assert page.locator(".md-tooltip2--active").get_attribute("aria-label") == "Reference"
    page.context.close()
