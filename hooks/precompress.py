"""MkDocs hook: a Brotli copy beside each text file of the built site, for nginx to send.

When it runs: `on_post_build` at priority -100, after every other step has written its files
(hooks/prune_css.py's stylesheet, the search index), on `mkdocs build` (and ProperDocs).
Not under `mkdocs serve`, not in the book's build (POD_BOOK_BUILD, set by tools/pdf.py, whose
site is thrown away), and not in the offline build (offline.yml does not list this hook:
opened from disk, a browser never reads the .br files).

What it does: for every file whose type deploy/nginx.conf compresses (HTML, CSS, JavaScript,
JSON, SVG, XML, text, BibTeX) and that is at least MIN_BYTES long, writes `X.br` beside `X`,
compressed with Brotli at quality 11 (PyPI's `brotli`, pinned in requirements.txt), unless it
would not be smaller. Quality 11 is slow (seconds for a whole site), so each compressed file is
kept in `.cache/brotli-VERSION-qQUALITY/` beside mkdocs.yml, named by the digest of what it
compresses: a rebuild compresses only the files that changed. nginx's `brotli_static on;`
sends `X.br` to browsers that accept Brotli; the others get gzip as before. The same file and the same `brotli` version give the same
bytes, so builds stay reproducible.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import brotli
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

from markdown_citations.cache import write

# The types deploy/nginx.conf compresses (text/html and gzip_types). Source maps (.map) are
# left out: only developer tools read them, and nginx does not compress them either.
SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".bib"})
# Smaller files gain next to nothing; the same floor as gzip_min_length in deploy/nginx.conf.
MIN_BYTES = 512
QUALITY = 11
_state: dict[str, bool] = {"serving": False}


def on_startup(command: str, dirty: bool) -> None:
    _state["serving"] = command == "serve"


def compress(data: bytes, cache: Path | None) -> bytes:
    """`data` compressed with Brotli at QUALITY, from `cache` when it was compressed before."""
    kept = cache / f"{hashlib.sha256(data).hexdigest()}.br" if cache else None
    if kept and kept.is_file():
        return kept.read_bytes()
    packed = brotli.compress(data, quality=QUALITY)
    if kept:
        write(kept, packed)
    return packed


def precompress(folder: Path, cache: Path | None = None) -> list[Path]:
    """Write `X.br` beside every compressible file of `folder` (see the module docstring);
    remove a `.br` left beside a file that no longer gets one. The files written, sorted."""
    written = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        target = path.with_name(path.name + ".br")
        data = path.read_bytes()
        packed = compress(data, cache) if len(data) >= MIN_BYTES else None
        if packed is None or len(packed) >= len(data):
            target.unlink(missing_ok=True)
            continue
        target.write_bytes(packed)
        written.append(target)
    return written


@event_priority(-100)
def on_post_build(config: MkDocsConfig) -> None:
    if _state["serving"] or os.environ.get("POD_BOOK_BUILD"):
        return
    cache = Path(config.config_file_path).parent / ".cache" / f"brotli-{brotli.__version__}-q{QUALITY}"
    precompress(Path(config.site_dir), cache)
