"""Benchmark: how much do citations cost a strict build? Run with `make bench`.

Prints, measured in this one run, the wall time of `mkdocs build --strict` with citations
against the same pages built without the bibliography plugin (and without the citation
hooks, which need it), as a ratio, for:

  (a) the real site, and
  (b) a generated stress site: 300 pages x 30 citations each, with a 1,000-entry .bib.

Each build runs in a fresh process; each variant is built `--repeat` times, alternating,
and the fastest time is kept. Builds with citations are measured twice:
  cold: no cache (POD_CITATION_CACHE=off), every citation formatted by pandoc, as on a
        first build or a build after references.bib changed;
  warm: with the on-disk citation cache left by an earlier build of the same .bib, as
        when an author edits prose and rebuilds, or in `mkdocs serve`.
Targets (from the platform issue): (a) <= 1.3x, (b) <= 2x.

It then builds the book edition (`make pdf`, tools/pdf.py) once and reports its page count,
size and build time (no target: for watching the trend).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).with_name("mkdocs")
TARGETS = {"real site": 1.3, "stress site": 2.0}


def without_citations(config_file: Path) -> Path:
    """A copy of the config (beside it, so relative paths hold) with no bibtex plugin or citation hooks."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "bibtex" in p)]
    config["hooks"] = [h for h in config.get("hooks", []) if Path(h).name not in {"bib_check.py", "citations.py"}]
    # Without the hooks, references.bib is not published, so the link to it cannot resolve.
    config.setdefault("validation", {})["not_found"] = "info"
    plain = config_file.with_name(".bench-without-citations.yml")
    plain.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return plain


def build_seconds(config_file: Path, out: Path, **env_extra: str) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_extra)
    start = time.perf_counter()
    result = subprocess.run([str(MKDOCS), "build", "--strict", "-f", str(config_file), "-d", str(out)],
                            capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build of {config_file} failed:\n{result.stderr[-3000:]}")
    return elapsed


def measure(config_file: Path, repeat: int, work: Path) -> tuple[float, float, float]:
    """Fastest (cold, warm, without citations) build times."""
    plain = without_citations(config_file)
    cache = work / "cache" / config_file.parent.name
    try:
        build_seconds(config_file, work / "warm", POD_CITATION_CACHE=str(cache))  # fills the cache
        cold, warm, without = [], [], []
        for _ in range(repeat):
            cold.append(build_seconds(config_file, work / "cold", POD_CITATION_CACHE="off"))
            warm.append(build_seconds(config_file, work / "warm", POD_CITATION_CACHE=str(cache)))
            without.append(build_seconds(plain, work / "without"))
        return min(cold), min(warm), min(without)
    finally:
        plain.unlink()


def stress_site(folder: Path, pages: int = 300, per_page: int = 30, entries: int = 1000) -> Path:
    """Generate the stress site: the project's hooks and theme settings, synthetic pages and .bib."""
    rng = random.Random(2023)
    shutil.copytree(ROOT / "hooks", folder / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    keys = []
    records = []
    for number in range(entries):
        letters = "".join(chr(97 + (number // 26 ** i) % 26) for i in range(3))
        year = 1950 + number % 70
        key = f"author{letters}{year}"
        keys.append(key)
        records.append(
            f"@article{{{key},\n  author = {{Author{letters.capitalize()}, Alex and Writer, Sam}},\n"
            f"  title = {{A study of dialogue, number {number}}},\n  journal = {{Journal of Examples}},\n"
            f"  year = {{{year}}},\n  volume = {{{number % 40 + 1}}},\n  pages = {{{number}--{number + 9}}},\n"
            f"  doi = {{10.5555/example.{number}}},\n}}\n")
    (folder / "references.bib").write_text("\n".join(records), encoding="utf-8")
    docs = folder / "docs"
    docs.mkdir()
    forms = ["[@{0}]", "[@{0}, p. {1}]", "[see @{0}; @{2}]", "Author [-@{0}]"]
    for page in range(pages):
        lines = [f"# Page {page}", ""]
        for cite in range(per_page):
            form = forms[cite % len(forms)]
            citation = form.format(rng.choice(keys), rng.randint(1, 300), rng.choice(keys))
            lines.append(f"Sentence {cite} of this page makes a claim {citation}.")
            if cite % 10 == 9:
                lines += ["", f"## Section {cite // 10}", ""]
        (docs / f"page-{page:03}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = yaml.safe_load((ROOT / "tests" / "fixtures" / "site" / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_name"] = "Stress"
    config["validation"]["omitted_files"] = "ignore"
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder / "mkdocs.yml"


def book(work: Path) -> str:
    """Build the book once into `work`; its pages, size and wall time, as one line."""
    from pypdf import PdfReader

    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "tools.pdf", "--out", str(work / "book")],
                            cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"the book failed:\n{result.stderr[-3000:]}")
    pdf = next((work / "book").glob("*.pdf"))
    return f"book (PDF)   {len(PdfReader(pdf).pages)} pages, {pdf.stat().st_size / 1e6:.1f} MB, built in {elapsed:.1f}s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="builds per variant (the fastest counts)")
    args = parser.parse_args()
    failed = False
    print(f"{'site':<12} {'without':>8} {'cold':>8} {'ratio':>6} {'warm':>8} {'ratio':>6} {'target':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = {"real site": ROOT / "mkdocs.yml", "stress site": stress_site(work / "stress")}
        for name, config_file in cases.items():
            cold, warm, without = measure(config_file, args.repeat, work)
            target = TARGETS[name]
            verdict = [f"{kind} over target" for kind, t in (("cold", cold), ("warm", warm)) if t / without > target]
            failed |= bool(verdict)
            print(f"{name:<12} {without:>7.2f}s {cold:>7.2f}s {cold / without:>5.2f}x {warm:>7.2f}s "
                  f"{warm / without:>5.2f}x {target:>6.1f}x  {'; '.join(verdict) or 'within target'}")
        print(book(work))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
