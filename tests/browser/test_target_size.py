"""Targets big enough to tap (WCAG 2.2, 2.5.8 Target Size (Minimum)) on every page, in Chromium.

axe-core's `target-size` rule, alone, once each page has settled (network idle: Material
mounts its tooltips and the table of contents follows the page after load), on a desktop
(1280 x 720) and a phone (390 x 844, with the navigation drawer open, so its links are
checked too; each page is loaded once and narrowed). The same rule runs in Firefox and WebKit in `make a11y`
(tests/browser/test_engines.py).
"""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from conftest import site_pages

SIZES = {"desktop": (1280, 720), "phone": (390, 844)}
RULE = {"runOnly": {"type": "rule", "values": ["target-size"]}}


def faults_of(result: dict) -> list[str]:
    """axe's `target-size` violations, as 'selector (axe's message)'."""
    return [f"{node['target'][0]} ({node['any'][0]['message'] if node['any'] else node['failureSummary']})"
            for violation in result["violations"] for node in violation["nodes"]]


def test_every_target_is_big_enough_on_every_page(browser: Browser, site_url: str, built_site: Path) -> None:
    """Each page is loaded once at desktop size and checked, then narrowed to a phone's width,
    its menu opened, and checked again."""
    axe = Axe()
    page = browser.new_page(viewport=dict(zip(("width", "height"), SIZES["desktop"])))
    faults: dict[str, list[str]] = {}
    for path in site_pages(built_site) + ["404.html"]:
        page.goto(site_url + path, wait_until="networkidle")
        for name, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            if name == "phone":
                page.locator(".md-header label[for='__drawer']").click()
                page.wait_for_timeout(300)  # the drawer slides in for 0.25 s
            found = faults_of(axe.run(page, options=RULE).response)
            if found:
                faults[f"{name} {width}x{height} {path or '/'}"] = found
    page.close()
    total = sum(len(items) for items in faults.values())
    assert not faults, f"{total} targets too small on {len(faults)} page views:\n" + "\n".join(
        f"{where}: {item}" for where, items in faults.items() for item in items[:3])
