"""Lighthouse scores (mobile) for pages of the built site, served by nginx with
deploy/nginx.conf: `make lighthouse`.

Uses the npm package lighthouse@12.2.3 (newer versions need Node 22), installed by
`npm ci` from package.json's devDependencies, and Debian's Chromium (CHROME_PATH).
Every page type (home, principle, vignette, references, glossary) is measured twice in a
row, both runs printed, so that one lucky run does not hide a slow page.
Targets: performance, accessibility, best practices and SEO 100.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import nginx

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGES = {"home": "", "principle": "principles/attunement/", "vignette": "vignettes/the-unspoken-fear/",
         "references": "references/", "glossary": "glossary/"}
RUNS = 2
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
TARGETS = {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 100}


def scores(url: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.json"
        subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                        f"--chrome-flags={FLAGS}", "--form-factor=mobile"],
                       check=True, env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"))
        report = json.loads(out.read_text(encoding="utf-8"))
    return {name: round(category["score"] * 100) for name, category in report["categories"].items()}


def main() -> int:
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse is not installed: run `npm ci` (make lighthouse does)")
    print(f"{'page type':<11} {'run':>3} {'path':<30} " + " ".join(f"{name:>14}" for name in TARGETS))
    met = True
    with nginx.serving(ROOT / "site") as base:
        for kind, page in PAGES.items():
            for run in range(1, RUNS + 1):
                result = scores(base + page)
                met &= all(result[name] >= target for name, target in TARGETS.items())
                print(f"{kind:<11} {run:>3} {page or '/':<30} " + " ".join(f"{result[name]:>14}" for name in TARGETS),
                      flush=True)
    print("targets: " + ", ".join(f"{name} >= {target}" for name, target in TARGETS.items())
          + f": {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
