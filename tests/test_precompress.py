"""hooks/precompress.py: a Brotli copy beside each text file of the built site (unit, and on
the real build; the offline build's lack of them is checked in tests/browser/test_offline.py,
nginx sending them in tests/browser/test_nginx.py)."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path
from types import SimpleNamespace

import brotli
import pytest
from mkdocs.config import load_config

from conftest import ROOT, digests
from hooks import precompress

TEXT = "<p>Peer practitioners bring their lived experience to the network meeting.</p>\n" * 40


def small_site(folder: Path) -> Path:
    """A folder shaped like a built site: compressible files big and small, and others."""
    files = {
        "index.html": TEXT,
        "principles/attunement/index.html": TEXT.replace("meeting", "room"),
        "assets/stylesheets/site.00ff00ff.min.css": ".md-typeset{color:#123456}\n" * 60,
        "assets/javascripts/bundle.1234abcd.min.js": "var a=function(){return 1};\n" * 60,
        "search/search_index.json": '{"docs":[' + ",".join(f'{{"text":"page {n}"}}' for n in range(80)) + "]}",
        "sitemap.xml": "<url><loc>https://example.org/</loc></url>\n" * 30,
        "references.bib": "@article{key, title = {A title}}\n" * 30,
        "tiny.js": "var a=1;",  # under MIN_BYTES
        "assets/javascripts/bundle.1234abcd.min.js.map": '{"mappings":"' + "AAAA," * 400 + '"}',
        "images/photo.png": TEXT,  # not a type nginx compresses
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_brotli_copies_decompress_to_their_originals(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    written = precompress.precompress(site)
    names = sorted(path.relative_to(site).as_posix() for path in written)
    assert names == sorted(path.relative_to(site).as_posix() for path in site.rglob("*.br"))
    assert names == ["assets/javascripts/bundle.1234abcd.min.js.br", "assets/stylesheets/site.00ff00ff.min.css.br",
                     "index.html.br", "principles/attunement/index.html.br", "references.bib.br",
                     "search/search_index.json.br", "sitemap.xml.br"]
    for path in written:
        original = path.with_name(path.name.removesuffix(".br")).read_bytes()
        assert brotli.decompress(path.read_bytes()) == original, path
        assert path.stat().st_size < len(original) // 4, path  # quality 11 on repetitive text


def test_small_unlisted_and_incompressible_files_get_none(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    noise = random.Random(20).randbytes(4000)  # a "script" Brotli cannot shrink
    (site / "noise.js").write_bytes(noise)
    (site / "tiny.js.br").write_bytes(b"left by an earlier build")  # stale: must go
    precompress.precompress(site)
    for name in ("tiny.js", "noise.js", "images/photo.png", "assets/javascripts/bundle.1234abcd.min.js.map"):
        assert not (site / f"{name}.br").exists(), name
    assert len((site / "tiny.js").read_bytes()) < precompress.MIN_BYTES


def test_the_output_is_the_same_every_time(tmp_path: Path) -> None:
    first = small_site(tmp_path / "first")
    second = tmp_path / "second"
    shutil.copytree(first, second)
    precompress.precompress(first)
    precompress.precompress(second)
    once = digests(first, "*.br")
    assert once and once == digests(second, "*.br")
    precompress.precompress(first)  # a second run over its own output changes nothing
    assert digests(first, "*.br") == once


def test_a_rebuild_takes_what_it_compressed_before_from_the_cache(tmp_path: Path) -> None:
    first = small_site(tmp_path / "first")
    second = tmp_path / "second"
    shutil.copytree(first, second)
    cache = tmp_path / "cache"
    precompress.precompress(first, cache)
    page = (first / "index.html").read_bytes()
    kept = cache / f"{hashlib.sha256(page).hexdigest()}.br"
    assert kept.read_bytes() == (first / "index.html.br").read_bytes() == brotli.compress(page, quality=11)
    kept.write_bytes(b"from the cache")
    precompress.precompress(second, cache)
    assert (second / "index.html.br").read_bytes() == b"from the cache"


@pytest.mark.parametrize("command, book_build, expected", [("build", "", True), ("serve", "", False),
                                                     ("build", "1", False)])
def test_skipped_under_serve_and_in_the_book_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   command: str, book_build: str, expected: bool) -> None:
    site = small_site(tmp_path / "site")
    monkeypatch.setenv("POD_BOOK_BUILD", book_build)
    precompress.on_startup(command=command, dirty=False)
    try:
        precompress.on_post_build(SimpleNamespace(site_dir=str(site), config_file_path=str(tmp_path / "mkdocs.yml")))
    finally:
        precompress.on_startup(command="build", dirty=False)
    assert (site / "index.html.br").exists() is expected


def test_it_runs_after_every_other_post_build_step() -> None:
    """Last of mkdocs.yml's on_post_build events: after the search index and the pruned CSS."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    modules = [event.__module__ for event in config.plugins.events["post_build"]]  # a hook's is its path
    assert modules[-1] == "hooks/precompress.py", modules
    assert "hooks/prune_css.py" in modules and "material.plugins.search.plugin" in modules, modules


def test_the_built_site_has_brotli_copies_of_what_a_page_loads(built_site: Path) -> None:
    page = built_site / "principles" / "attunement" / "index.html"
    css = next((built_site / "assets" / "stylesheets").glob("site.*.min.css"))
    bundle = next((built_site / "assets" / "javascripts").glob("bundle.*.min.js"))
    for path in (page, css, bundle, built_site / "javascripts" / "tooltips.js",
                 built_site / "search" / "search_index.json", built_site / "404.html"):
        packed = path.with_name(path.name + ".br")
        assert packed.is_file(), f"{packed.relative_to(built_site)} is missing"
    for packed in built_site.rglob("*.br"):
        original = packed.with_name(packed.name.removesuffix(".br"))
        assert original.suffix in precompress.SUFFIXES, packed
        assert brotli.decompress(packed.read_bytes()) == original.read_bytes(), packed
