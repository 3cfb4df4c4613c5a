"""The site served by Debian's nginx with deploy/nginx.conf itself: headers, compression,
caching, the 404 page, and zero Content-Security-Policy violations in a real browser."""

from __future__ import annotations

import gzip
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from conftest import ROOT, site_pages
from tools import csp

NGINX = "/usr/sbin/nginx"
RECORD_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def nginx_url(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not shutil.which(NGINX):
        pytest.fail(f"{NGINX} is missing: install Debian's nginx (make test does)")
    folder = tmp_path_factory.mktemp("nginx")
    # nginx's workers run as an unprivileged user: give them a world-readable copy of the site.
    public = Path(tempfile.mkdtemp(prefix="pod-site-"))
    public.chmod(0o755)
    shutil.copytree(built_site, public / "site")
    port = free_port()
    server = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    # Only the two lines marked "local" change: the address and the folder.
    server, listens = re.subn(r"listen [^;]+;(\s+# local)", rf"listen 127.0.0.1:{port};\1", server)
    server, roots = re.subn(r"root [^;]+;(\s+# local)", rf"root {public / 'site'};\1", server)
    assert listens == roots == 1
    (folder / "site.conf").write_text(server, encoding="utf-8")
    (folder / "nginx.conf").write_text(
        f"daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n types {{ application/x-bibtex bib; }}\n"
        f" access_log off;\n client_body_temp_path {folder};\n proxy_temp_path {folder};\n"
        f" fastcgi_temp_path {folder};\n uwsgi_temp_path {folder};\n scgi_temp_path {folder};\n"
        f" include {folder}/site.conf;\n}}\n", encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")])
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(public)


def fetch(url: str, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
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
