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
