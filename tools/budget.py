"""Performance budget: bytes each page costs a reader, compressed (gzip -6, as nginx sends).

For every page of a built site: its HTML plus the CSS, JavaScript, fonts and images it
loads; the search index and search worker are listed apart (Material's search starts with
the page, so every page load fetches them, not only a search; nginx serves the index with
`expires epoch`, so a browser asks for it again on each page).
Run with `make bench` (after a build) or `python -m tools.budget site`.
Budget: a principle page <= 100 KB compressed, search excluded.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

BUDGET_KB = 100
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')


def compressed(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def page_cost(site: Path, page: Path) -> dict[str, int]:
    """Compressed bytes by kind for one page and the assets it references on this site."""
    html = page.read_text(encoding="utf-8")
    url = "/" + page.relative_to(site).as_posix()
    cost = {"html": compressed(page), "css": 0, "js": 0, "fonts": 0, "images": 0}
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
        cost[kind] += compressed(file)
    return cost


def search_cost(site: Path) -> dict[str, int]:
    index = site / "search" / "search_index.json"
    workers = list((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    return {"search index": compressed(index) if index.is_file() else 0,
            "search worker": sum(compressed(w) for w in workers)}


def report(site: Path) -> tuple[str, bool]:
    lines = [f"{'page':<44} {'html':>6} {'css':>6} {'js':>6} {'fonts':>6} {'images':>7} {'total':>7}  (KB, gzip)"]
    within = True
    for page in sorted(site.rglob("index.html")):
        name = page.parent.relative_to(site).as_posix()
        cost = page_cost(site, page)
        total = sum(cost.values())
        over = name.startswith("principles/") and total > BUDGET_KB * 1024
        within &= not over
        lines.append(f"{name if name != '.' else '(home)':<44} " + " ".join(
            f"{cost[k] / 1024:>{w}.1f}" for k, w in (("html", 6), ("css", 6), ("js", 6), ("fonts", 6), ("images", 7)))
            + f" {total / 1024:>7.1f}" + ("  OVER BUDGET" if over else ""))
    for name, size in search_cost(site).items():
        lines.append(f"{name:<44} {'':>35} {size / 1024:>7.1f}  (with every page load)")
    return "\n".join(lines), within


if __name__ == "__main__":
    text, ok = report(Path(sys.argv[1] if len(sys.argv) > 1 else "site"))
    print(text)
    print(f"budget: principle pages <= {BUDGET_KB} KB compressed, search excluded: {'met' if ok else 'NOT met'}")
    sys.exit(0 if ok else 1)
