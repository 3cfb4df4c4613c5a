"""The W3C Nu HTML checker over every page of a built site, beside axe-core (`make a11y`).

Usage: python -m tools.a11y SITE_DIR

Runs vnu.jar (npm package `vnu-jar`, pinned in package.json; Java from Debian's
default-jre-headless) once over every HTML file, errors only. Errors that come from
Material for MkDocs's own markup are listed, each with its reason, in checks/a11y-known.yml;
any other error fails, with the file, line and message, and so does a listed error that no
longer occurs (remove it from the list).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
KNOWN = ROOT / "checks" / "a11y-known.yml"
JAR = Path(os.environ.get("VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))


@dataclass(frozen=True)
class Known:
    pattern: re.Pattern[str]
    reason: str
    since: str


def load_known(path: Path = KNOWN) -> list[Known]:
    """The theme's known errors; a malformed entry stops with its number and what to fix."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    known = []
    for number, entry in enumerate(entries, 1):
        missing = [key for key in ("message", "reason", "since") if not entry.get(key)]
        if missing:
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            raise SystemExit(f"{where}: entry {number} needs {', '.join(missing)}")
        known.append(Known(re.compile(entry["message"]), " ".join(str(entry["reason"]).split()), str(entry["since"])))
    return known


def sort_messages(messages: list[dict], known: list[Known]) -> tuple[list[dict], list[Known]]:
    """Split the checker's errors into ours (to fix) and the known entries that never matched."""
    ours, matched = [], set()
    for message in messages:
        if message.get("type") != "error":
            continue
        hit = next((entry for entry in known if entry.pattern.search(message.get("message", ""))), None)
        if hit:
            matched.add(hit)
        else:
            ours.append(message)
    return ours, [entry for entry in known if entry not in matched]


def run_checker(site: Path) -> list[dict]:
    java = shutil.which("java")
    if not java:
        raise SystemExit("java is missing: run `bash tools/system-packages.sh a11y` (Debian's default-jre-headless)")
    if not JAR.is_file():
        raise SystemExit(f"{JAR} is missing: run `npm ci` (vnu-jar is a devDependency in package.json)")
    result = subprocess.run([java, "-jar", str(JAR), "--errors-only", "--skip-non-html", "--format", "json", str(site)],
                            capture_output=True, text=True, timeout=900)
    return json.loads(result.stderr or "{}").get("messages", [])


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "site").resolve()
    if not (site / "index.html").is_file():
        raise SystemExit(f"{site}: no built site here; run `make build` first")
    known = load_known()
    messages = run_checker(site)
    ours, stale = sort_messages(messages, known)
    for message in ours:
        where = message.get("url", "").removeprefix("file:")
        where = os.path.relpath(where, site.parent) if where.startswith("/") else where
        print(f"{where}:{message.get('lastLine', '?')}: {message.get('message')}")
    for entry in stale:
        print(f"checks/a11y-known.yml: '{entry.pattern.pattern}' no longer occurs: remove it (and from docs/accessibility.md)")
    pages = len(list(site.rglob("*.html")))
    theme = sum(1 for m in messages if m.get("type") == "error") - len(ours)
    print(f"Nu HTML checker: {pages} pages, {len(ours)} errors in our markup, {theme} known theme errors "
          f"({len(known)} kinds, see checks/a11y-known.yml), {len(stale)} stale entries")
    return 1 if ours or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
