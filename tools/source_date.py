"""Print the build's SOURCE_DATE_EPOCH: the moment every date a build writes comes from.

The Makefile exports it, so the sitemap's `lastmod` (MkDocs reads SOURCE_DATE_EPOCH), the
gzip header of `sitemap.xml.gz` and the timestamps in the release and offline zips are the
same on any machine on any day, for the same commit. In order:

1. SOURCE_DATE_EPOCH from the environment, if it is set (a packager's choice wins);
2. the time of the last commit, `git log -1 --format=%ct`, in a git checkout;
3. outside git (for example GitHub's "Source code" download, whose files carry the commit's
   time), the newest modification time of the files the site is built from.

Runs with any Python 3 and only the standard library: `python3 tools/source_date.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("mkdocs.yml", "offline.yml", "references.bib", "docs", "overrides", "includes", "hooks")


def from_git(root: Path = ROOT) -> int | None:
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True,
                                text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    text = result.stdout.strip()
    return int(text) if result.returncode == 0 and text.isdigit() else None


def from_files(root: Path = ROOT) -> int:
    newest = 0.0
    for name in SOURCES:
        path = root / name
        paths = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for item in paths:
            newest = max(newest, item.stat().st_mtime)
    if not newest:
        raise SystemExit(f"tools/source_date.py: no git history and none of {', '.join(SOURCES)} in {root}")
    return int(newest)


def source_date_epoch(root: Path = ROOT) -> int:
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if given:
        if not given.isdigit():
            raise SystemExit(f"SOURCE_DATE_EPOCH={given!r} is not a number of seconds since 1970-01-01 UTC")
        return int(given)
    found = from_git(root)
    return found if found is not None else from_files(root)


if __name__ == "__main__":
    print(source_date_epoch(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))
