"""Where work derived from a .bib is kept between builds, named by what it depends on."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_file(folder: Path | None, name: str, parts: list[bytes]) -> Path | None:
    """A cache file in `folder` (or in POD_CITATION_CACHE), named by a digest of `parts`;
    None when POD_CITATION_CACHE=off (a cold build) or there is no folder."""
    setting = os.environ.get("POD_CITATION_CACHE", "")
    if setting == "off" or folder is None:
        return None
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return Path(setting or folder) / f"{name}-{digest.hexdigest()[:20]}.json"


def write(path: Path, content: str | bytes) -> None:
    """Write `content` (text as UTF-8) to `path` whole or not at all: a build running beside
    this one (tests run in parallel) never reads a half-written cache file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    os.replace(partial, path)
