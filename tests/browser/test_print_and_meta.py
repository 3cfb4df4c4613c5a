"""Print and metadata: the handout prints on at most two A4 pages; every page has a meta
description, a canonical URL, Open Graph title and description; a sitemap lists them."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser

from conftest import site_pages


def test_handout_prints_on_at_most_two_a4_pages(browser: Browser, site_url: str, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(site_url + "principles/handout/", wait_until="load")
    pdf = page.pdf(format="A4", print_background=False, path=str(tmp_path / "handout.pdf"))
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"the handout prints on {pages} pages"
    page.emulate_media(media="print")
    assert page.locator(".md-sidebar--primary").is_hidden()
    assert page.locator(".md-header").is_hidden()
    page.close()


def test_print_shows_link_addresses(browser: Browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(site_url + "about/", wait_until="load")
    page.emulate_media(media="print")
    link = page.locator('.md-content a[href^="https://doi.org"]').first
    after = link.evaluate("el => getComputedStyle(el, '::after').content")
    assert "https://doi.org/" in after
    page.close()


def test_every_page_has_description_canonical_and_open_graph(built_site: Path) -> None:
    for path in site_pages(built_site):
        html = (built_site / path / "index.html").read_text(encoding="utf-8")
        description = re.search(r'<meta name="description" content="([^"]+)"', html)
        assert description and len(description.group(1)) > 30, path
        assert re.search(r'<link rel="canonical" href="https://[^"]+/' + re.escape(path) + '"', html), path
        assert '<meta property="og:title"' in html and '<meta property="og:description"' in html, path
        og = re.search(r'<meta property="og:description" content="([^"]+)"', html).group(1)
        assert og == description.group(1), path
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert len(re.findall(r"<loc>", sitemap)) == len(site_pages(built_site))
