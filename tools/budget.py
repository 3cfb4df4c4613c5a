"""Performance budget: the bytes each page costs a reader, as deploy/nginx.conf sends them.

For every page of a built site: its HTML plus the CSS, JavaScript, fonts and images it
loads; the search index and search worker are listed apart (Material's search starts with
the page, so every page load fetches them, not only a search; nginx serves the index with
`expires epoch`, so a browser asks for it again on each page).
Two figures per file:
  Brotli  what nginx sends a browser that accepts Brotli: the `.br` file beside it
          (hooks/precompress.py writes them, `brotli_static on;` sends them); a file
          without one is counted at its gzip size, which is what nginx sends then;
  gzip    what nginx sends a browser that accepts only gzip, or any browser when nginx lacks
          the Brotli module: gzip at level 6 (deploy/nginx.conf's gzip_comp_level).
Run with `make bench` (after a build) or `python -m tools.budget site`.
Budget: each of the four principle pages (extra.principles in mkdocs.yml) at most
BUDGET_KB, Brotli as served, search excluded. Exits 1 when a page is over it.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlparse

from tools.offline_zip import ROOT, read_config

BUDGET_KB = 60
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')
KINDS = ("html", "css", "js", "fonts", "images")


def compressed(path: Path) -> int:
    """Bytes of `path` compressed as nginx's gzip filter sends it (level 6)."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def served(path: Path) -> int:
    """Bytes nginx sends a browser that accepts Brotli: the `.br` beside `path` if there is one
    (brotli_static), otherwise the gzip size."""
    brotli = path.with_name(path.name + ".br")
    return brotli.stat().st_size if brotli.is_file() else compressed(path)


def page_cost(site: Path, page: Path, encoding: str = "br") -> dict[str, int]:
    """Transferred bytes by kind for one page and the assets it references on this site;
    `encoding` "br" (Brotli where a .br exists, as served) or "gzip" (gzip only)."""
    size = served if encoding == "br" else compressed
    html = page.read_text(encoding="utf-8")
    url = "/" + page.relative_to(site).as_posix()
    cost = dict.fromkeys(KINDS, 0)
    cost["html"] = size(page)
    for reference in sorted(set(ASSET.findall(html))):
        target = urlparse(urljoin(url, reference))
        if target.scheme or target.netloc:
            continue
        file = site / target.path.lstrip("/")
        if file.is_dir():
            continue
        if not file.is_file() or file.suffix in {".xml", ".gz"}:
            continue
        kind = {".css": "css", ".js": "js", ".woff": "fonts", ".woff2": "fonts"}.get(file.suffix, "images")
        cost[kind] += size(file)
    return cost


def search_cost(site: Path, encoding: str = "br") -> dict[str, int]:
    size = served if encoding == "br" else compressed
    index = site / "search" / "search_index.json"
    workers = list((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    return {"search index": size(index) if index.is_file() else 0,
            "search worker": sum(size(w) for w in workers)}


def principle_pages(config_file: Path = ROOT / "mkdocs.yml") -> list[str]:
    """The built pages of the principles (extra.principles), such as principles/attunement/index.html."""
    pages = read_config(config_file)["extra"]["principles"].values()
    return [(PurePosixPath(page).with_suffix("") / "index.html").as_posix() for page in pages]


def report(site: Path, budgeted: list[str] | None = None) -> tuple[str, bool]:
    """Every page's cost, and whether each page of `budgeted` (site-relative paths; default the
    principle pages) is within BUDGET_KB, Brotli as served. A budgeted page that is missing fails."""
    budgeted = principle_pages() if budgeted is None else budgeted
    lines = [f"{'page':<44} {'html':>6} {'css':>6} {'js':>6} {'fonts':>6} {'images':>7} {'total':>7} {'gzip':>7}",
             "(KB transferred: each column Brotli, as served by deploy/nginx.conf; gzip: the total when "
             "only gzip is sent)"]
    within = True
    for missing in sorted(set(budgeted) - {p.relative_to(site).as_posix() for p in site.rglob("index.html")}):
        lines.append(f"{missing:<44} MISSING: a budgeted page is not in {site}")
        within = False
    for page in sorted(site.rglob("index.html")):
        relative = page.relative_to(site).as_posix()
        name = page.parent.relative_to(site).as_posix()
        cost, gzipped = page_cost(site, page), page_cost(site, page, "gzip")
        total = sum(cost.values())
        over = relative in budgeted and total > BUDGET_KB * 1024
        within &= not over
        mark = "  OVER BUDGET" if over else ("  (budgeted)" if relative in budgeted else "")
        lines.append(f"{name if name != '.' else '(home)':<44} "
                     + " ".join(f"{cost[k] / 1024:>{7 if k == 'images' else 6}.1f}" for k in KINDS)
                     + f" {total / 1024:>7.1f} {sum(gzipped.values()) / 1024:>7.1f}{mark}")
    gzipped_search = search_cost(site, "gzip")
    for name, size in search_cost(site).items():
        lines.append(f"{name:<44} {'':>35} {size / 1024:>7.1f} {gzipped_search[name] / 1024:>7.1f}"
                     "  (with every page load)")
    return "\n".join(lines), within


def main(argv: list[str]) -> int:
    text, ok = report(Path(argv[0] if argv else "site"))
    print(text)
    print(f"budget: each principle page <= {BUDGET_KB} KB transferred, Brotli as served by deploy/nginx.conf, "
          f"search excluded: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
