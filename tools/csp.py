"""Content-Security-Policy script hashes for deploy/nginx.conf, derived from a built site.

Material puts a few small inline scripts in every page (palette, scope, tab targets); a
policy without 'unsafe-inline' must list the SHA-256 hash of each. This finds them all in
the built site and prints the script-src sources, or updates deploy/nginx.conf:

    python -m tools.csp site             # print the hashes
    python -m tools.csp site --write     # rewrite the script-src list in deploy/nginx.conf
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx.conf"
INLINE = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL)
SCRIPT_SRC = re.compile(r"script-src 'self'(?: 'sha256-[A-Za-z0-9+/=]+')*")


def inline_script_hashes(site: Path) -> list[str]:
    """Sorted 'sha256-...' sources for every executable inline script in the site's HTML."""
    hashes = set()
    for page in site.rglob("*.html"):
        for match in INLINE.finditer(page.read_text(encoding="utf-8")):
            attrs = match.group("attrs")
            if "src=" in attrs or "application/json" in attrs:
                continue  # external scripts and JSON data blocks need no hash
            digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
            hashes.add("sha256-" + base64.b64encode(digest).decode("ascii"))
    return sorted(hashes)


def script_src(site: Path) -> str:
    return "script-src 'self' " + " ".join(f"'{h}'" for h in inline_script_hashes(site))


def configured_hashes(config: Path = CONFIG) -> list[str]:
    match = SCRIPT_SRC.search(config.read_text(encoding="utf-8"))
    return sorted(re.findall(r"'(sha256-[^']+)'", match.group(0))) if match else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="the built site folder")
    parser.add_argument("--write", action="store_true", help="update deploy/nginx.conf")
    args = parser.parse_args()
    value = script_src(args.site)
    if args.write:
        text = CONFIG.read_text(encoding="utf-8")
        CONFIG.write_text(SCRIPT_SRC.sub(value, text, count=1), encoding="utf-8")
        print(f"updated {CONFIG.relative_to(ROOT)}")
    else:
        print(value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
