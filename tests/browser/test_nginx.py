"""The site served by Debian's nginx with deploy/nginx.conf itself: headers, compression
(the build's Brotli files, gzip for the rest), caching, the 404 page, and zero
Content-Security-Policy violations in a real browser."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from playwright.sync_api import Browser

from conftest import site_pages
from tools import csp, nginx

RECORD_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


@pytest.fixture(scope="module")
def nginx_url(built_site: Path) -> Iterator[str]:
    with nginx.serving(built_site) as url:
        yield url


def fetch(url: str, gzip_ok: bool = False, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body as sent (not decompressed); `accept` is the Accept-Encoding."""
    accept = accept if accept is not None else ("gzip" if gzip_ok else None)
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_security_headers(nginx_url: str) -> None:
    _, headers, _ = fetch(nginx_url + "principles/attunement/")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]


def test_csp_hashes_are_in_step_with_the_build(built_site: Path) -> None:
    assert csp.configured_hashes() == csp.inline_script_hashes(built_site), "run `make csp`"


def test_gzip_caching_and_404(nginx_url: str, built_site: Path) -> None:
    status, headers, body = fetch(nginx_url, gzip_ok=True)
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert b"<title>" in gzip.decompress(body)
    assert "no-cache" in headers.get("Cache-Control", "")
    bundle = next((built_site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    _, headers, _ = fetch(f"{nginx_url}assets/javascripts/{bundle}")
    assert headers["Cache-Control"] == "max-age=31536000"
    assert "Content-Security-Policy" in headers  # security headers on cached assets too
    status, headers, body = fetch(nginx_url + "no-such-page/")
    assert status == 404 and b"404" in body and "Content-Security-Policy" in headers


def test_brotli_for_browsers_that_accept_it_and_gzip_for_the_others(nginx_url: str, built_site: Path) -> None:
    """A principle page, the stylesheet and the scripts it loads: the build's .br file, as it
    is, to a browser that accepts Brotli; gzip to one that accepts only gzip."""
    css = next((built_site / "assets" / "stylesheets").glob("site.*.min.css"))
    bundle = next((built_site / "assets" / "javascripts").glob("bundle.*.min.js"))
    files = {"principles/attunement/": built_site / "principles" / "attunement" / "index.html",
             css.relative_to(built_site).as_posix(): css, bundle.relative_to(built_site).as_posix(): bundle,
             "javascripts/tooltips.js": built_site / "javascripts" / "tooltips.js",
             "search/search_index.json": built_site / "search" / "search_index.json"}
    for path, file in files.items():
        original = file.read_bytes()
        for accept in ("br", "gzip, deflate, br, zstd"):  # Brotli alone, and as browsers ask
            status, headers, body = fetch(nginx_url + path, accept=accept)
            assert status == 200 and headers.get("Content-Encoding") == "br", (path, accept, headers)
            assert body == file.with_name(file.name + ".br").read_bytes(), path  # the build's file, as it is
            assert brotli.decompress(body) == original, path
            assert "Accept-Encoding" in headers.get("Vary", ""), (path, headers)  # caches keep them apart
            assert "Content-Security-Policy" in headers, path
        status, headers, body = fetch(nginx_url + path, accept="gzip")
        assert status == 200 and headers.get("Content-Encoding") == "gzip", (path, headers)
        assert gzip.decompress(body) == original, path
        status, headers, body = fetch(nginx_url + path)
        assert status == 200 and "Content-Encoding" not in headers and body == original, path
    assert fetch(nginx_url + "principles/attunement/", accept="br")[1]["Content-Type"].startswith("text/html")


def test_no_csp_violation_on_any_page(browser: Browser, nginx_url: str, built_site: Path) -> None:
    context = browser.new_context()
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    violations = {}
    for path in site_pages(built_site):
        page.goto(nginx_url + path, wait_until="load")
        if path == "principles/attunement/":  # open a citation preview and search too
            page.locator(".citation a.footnote-ref").first.focus()
            page.locator(".md-tooltip2--active").wait_for(timeout=5000)
            page.keyboard.press("Escape")
            page.keyboard.press("s")
            page.keyboard.type("antennae")
            page.locator(".md-search-result__item").first.wait_for(timeout=10000)
        found = page.evaluate("window.__csp")
        if found:
            violations[path] = found
    assert not violations, violations
    assert not console, console
    # The recorder itself works: an inline script the policy does not list is reported.
    page.evaluate("document.head.appendChild(Object.assign(document.createElement('script'), {textContent: 'window.x = 1'}))")
    page.wait_for_timeout(200)
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
    context.close()
