"""tools/budget.py: the bytes a page costs a reader, as deploy/nginx.conf sends them, and the
60 KB budget of the principle pages (on a small made-up site, then on the real build)."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import brotli

from hooks import precompress
from tools import budget

PAGE = "principles/attunement/index.html"
HTML = """<!doctype html><html><head>
<link rel="stylesheet" href="../../assets/stylesheets/site.00ff00ff.min.css">
<link rel="icon" href="../../images/favicon.svg">
<script src="../../assets/javascripts/bundle.1234abcd.min.js"></script>
<script src="https://example.org/outside.js"></script>
</head><body>{body}</body></html>
"""


def made_up_site(folder: Path, script_bytes: int) -> Path:
    """A page, its stylesheet, favicon and a script of `script_bytes` random (incompressible)
    bytes, with Brotli copies where hooks/precompress.py writes them."""
    files = {PAGE: HTML.format(body="<p>Attunement to the emotions in the room.</p>\n" * 50),
             "assets/stylesheets/site.00ff00ff.min.css": ".md-typeset{color:#123456}\n" * 50,
             "images/favicon.svg": "<svg></svg>"}
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    script = folder / "assets" / "javascripts" / "bundle.1234abcd.min.js"
    script.parent.mkdir(parents=True)
    script.write_bytes(random.Random(60).randbytes(script_bytes))
    precompress.precompress(folder)
    return folder


def test_brotli_files_are_counted_where_they_exist_and_gzip_elsewhere(tmp_path: Path) -> None:
    site = made_up_site(tmp_path, 1000)
    page, css = site / PAGE, site / "assets" / "stylesheets" / "site.00ff00ff.min.css"
    assert (site / f"{PAGE}.br").is_file() and not (site / "images" / "favicon.svg.br").exists()
    served = budget.page_cost(site, page)
    assert served["html"] == (site / f"{PAGE}.br").stat().st_size
    assert served["css"] == len(brotli.compress(css.read_bytes(), quality=11))
    assert served["images"] == len(gzip.compress(b"<svg></svg>", compresslevel=6))  # no .br: gzip
    gzipped = budget.page_cost(site, page, "gzip")
    assert gzipped["html"] == len(gzip.compress(page.read_bytes(), compresslevel=6)) > served["html"]
    assert served["fonts"] == 0 and served["js"] > 1000  # random bytes do not shrink; outside.js not counted


def test_a_page_over_the_budget_fails_the_report(tmp_path: Path) -> None:
    site = made_up_site(tmp_path / "light", 1000)
    text, within = budget.report(site, [PAGE])
    assert within and "(budgeted)" in text and "OVER BUDGET" not in text
    heavy = made_up_site(tmp_path / "heavy", budget.BUDGET_KB * 1024)  # its script alone is the budget
    text, within = budget.report(heavy, [PAGE])
    assert not within
    assert any(line.startswith("principles/attunement ") and line.endswith("OVER BUDGET") for line in text.splitlines())
    assert budget.main([str(heavy)]) == 1  # the default budgeted pages are missing there too
    text, within = budget.report(site, [PAGE, "principles/validation/index.html"])
    assert not within and "principles/validation/index.html" in text and "MISSING" in text


def test_the_budgeted_pages_are_the_four_principles() -> None:
    assert budget.principle_pages() == ["principles/attunement/index.html", "principles/validation/index.html",
                                        "principles/connection-and-mutuality/index.html",
                                        "principles/self-disclosure/index.html"]


def test_every_principle_page_of_the_build_is_within_the_budget(built_site: Path) -> None:
    text, within = budget.report(built_site)
    assert within, text
    assert text.count("(budgeted)") == 4, text
    for relative in budget.principle_pages():
        cost = budget.page_cost(built_site, built_site / relative)
        assert cost["js"] > 0 and cost["css"] > 0, relative  # the assets it loads are counted
        assert sum(cost.values()) < sum(budget.page_cost(built_site, built_site / relative, "gzip").values())
