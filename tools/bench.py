"""Benchmark: what do citations cost, and how heavy is a page? Run with `make bench`.

Prints every row of the performance table measured in this one run, each with its
target beside it. Build times compare `mkdocs build --strict` with citations against the same
pages built without the citations plugin and Markdown extension (markdown_citations), side by
side in one run, so that the ratio holds on a busy machine where absolute times do not.

Rows (each one function below, so rows can be added without touching the others):
  real site, warm   with the on-disk citation cache left by an earlier build of the same .bib,
                    as when an author edits prose and rebuilds;
  real site, cold   no cache (POD_CITATION_CACHE=off): every citation formatted by pandoc, as
                    on a first build or after references.bib changed;
  stress site       a generated site of 300 pages x 30 citations with a 1,000-entry .bib,
                    warm and cold;
  serve rebuild     `mkdocs serve --strict` in subprocesses, one on a copy of the real site and
                    one on a copy without citations: after their first builds, and once a
                    server's log has been quiet for 3 s, one line is appended to a principle
                    page and the time is taken from that write to serve's next "Reloading
                    browsers" log line (what an author waits for: config reload, hooks, full
                    rebuild); the two servers are edited in turn, so both see the same load;
  page weight       each principle page's bytes as transferred: HTML, CSS, JavaScript, fonts
                    and images, search excluded (tools/budget.py), in site/ as `make build`
                    wrote it (`make bench` builds first); Brotli as deploy/nginx.conf serves it
                    (the .br files of hooks/precompress.py), against the target, and gzip -6,
                    what nginx sends without its Brotli module, shown only.
The timed builds leave out hooks/prune_css.py and hooks/precompress.py (NOT_TIMED_HOOKS):
PurgeCSS and Brotli cost the same with or without citations, and would only dilute the ratios.
Each build runs in a fresh process; each variant is measured `--repeat` times (the real site,
whose builds are short, three times as often), alternating, and the fastest time is kept.
The Lighthouse rows come from `make lighthouse`.
The book edition (`make pdf`, tools/pdf.py) is built once and its page count, size and
build time reported (no target: for watching the trend).
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

from tools import budget

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).with_name("mkdocs")
PRINCIPLE_PAGE = "principles/attunement"
# The hooks that need the bibliography plugin, left out of the build without citations.
# What citations are: the plugin and the Markdown extension (markdown_citations).
CITATION_PLUGINS = {"citations", "bibtex"}
CITATION_EXTENSIONS = {"markdown_citations", "markdown_citations.extension"}


def _name(entry: object) -> str:
    """The name of a plugin or extension entry in mkdocs.yml ("name" or {"name": options})."""
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)
ROWS = ("real", "stress", "serve", "bytes", "book")


@dataclass
class Row:
    what: str
    without: float | None  # seconds, or None where there is no "without" variant
    value: float  # seconds, or KB for the page weight
    target: float | None  # a ratio (x) for timings, KB for the page weight; None: shown only
    unit: str = "s"

    @property
    def measured(self) -> float:
        return self.value / self.without if self.without else self.value

    @property
    def met(self) -> bool:
        return self.target is None or self.measured <= self.target

    def line(self) -> str:
        without = f"{self.without:>7.2f}s" if self.without is not None else f"{'':>8}"
        value = f"{self.value:>7.2f}s" if self.unit == "s" else f"{self.value:>6.1f}KB"
        measured = f"{self.measured:>5.2f}x" if self.unit == "s" else f"{self.value:>5.1f}KB"
        if self.target is None:
            target, verdict = f"{'-':>8}", "(shown only)"
        else:
            target = f"<={self.target:.1f}x" if self.unit == "s" else f"<={self.target:.0f}KB"
            target, verdict = f"{target:>8}", "met" if self.met else "NOT met"
        return f"{self.what:<70} {without} {value} {measured:>7} {target} {verdict}"


HEADER = f"{'what':<70} {'without':>8} {'with':>8} {'measure':>7} {'target':>8} verdict"


# Left out of both timed builds: pruning the CSS and compressing the files after the build
# (hooks/prune_css.py, hooks/precompress.py) cost the same with or without citations, and
# would only dilute the ratio.
NOT_TIMED_HOOKS = {"prune_css.py", "precompress.py"}


def timed_config(config_file: Path, citations: bool) -> Path:
    """A copy of the config (beside it, so relative paths hold) without the citations plugin and
    extension, or with them if `citations`; neither has the NOT_TIMED_HOOKS. Without the plugin
    the glossary extension is told no page, so it marks no terms: the ratio counts that too."""
    with config_file.open("rb") as source:
        config = yaml_load(source)  # MkDocs' own loader: !ENV and INHERIT resolved as a build would
    left_out = set(NOT_TIMED_HOOKS)
    if not citations:
        config["plugins"] = [p for p in config["plugins"] if _name(p) not in CITATION_PLUGINS]
        config["markdown_extensions"] = [e for e in config["markdown_extensions"]
                                         if _name(e) not in CITATION_EXTENSIONS]
        # Without them, references.bib is not published and pages have no References section,
        # so links to either cannot resolve.
        config.setdefault("validation", {}).update(not_found="info", anchors="info")
    config["hooks"] = [h for h in config.get("hooks", []) if Path(h).name not in left_out]
    copy = config_file.with_name(".bench-with-citations.yml" if citations else ".bench-without-citations.yml")
    copy.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return copy


def build_seconds(config_file: Path, out: Path, **env_extra: str) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_extra)
    start = time.perf_counter()
    result = subprocess.run([str(MKDOCS), "build", "--strict", "-f", str(config_file), "-d", str(out)],
                            capture_output=True, text=True, env=env, cwd=config_file.parent)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build of {config_file} failed:\n{result.stderr[-3000:]}")
    return elapsed


def build_rows(name: str, config_file: Path, repeat: int, work: Path,
               warm_target: float | None, cold_target: float | None) -> list[Row]:
    """Fastest warm, cold and without-citations build times of one site, measured alternately."""
    plain = timed_config(config_file, citations=False)
    config_file = timed_config(config_file, citations=True)
    cache = work / "cache" / config_file.parent.name
    try:
        build_seconds(config_file, work / "warm", POD_CITATION_CACHE=str(cache))  # fills the cache
        cold, warm, without = [], [], []
        for _ in range(repeat):
            cold.append(build_seconds(config_file, work / "cold", POD_CITATION_CACHE="off"))
            warm.append(build_seconds(config_file, work / "warm", POD_CITATION_CACHE=str(cache)))
            without.append(build_seconds(plain, work / "without"))
    finally:
        plain.unlink()
        config_file.unlink()
    return [Row(f"{name}, warm cache, vs without citations", min(without), min(warm), warm_target),
            Row(f"{name}, cold (no cache), vs without citations", min(without), min(cold), cold_target)]


def stress_site(folder: Path, pages: int = 300, per_page: int = 30, entries: int = 1000) -> Path:
    """Generate the stress site: the fixture site's settings (citations plugin and extensions),
    the project's hooks, synthetic pages and .bib."""
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


def copy_of_site(folder: Path) -> Path:
    """The real site's sources (not its environment or build output) in `folder`, to edit freely."""
    skip = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", "site.partial", "site-offline",
                                  "dist", ".cache", "__pycache__", ".pytest_cache", "tests", ".bench-*.yml")
    shutil.copytree(ROOT, folder, ignore=skip)
    return folder / "mkdocs.yml"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`mkdocs serve --strict` in a subprocess, whose log lines are read as they come."""

    def __init__(self, config_file: Path, env_extra: dict[str, str]) -> None:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_extra)
        self.process = subprocess.Popen(
            [str(MKDOCS), "serve", "--strict", "-f", str(config_file), "--dev-addr", f"127.0.0.1:{_free_port()}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=config_file.parent)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for text in self.process.stderr:
            self.lines.put((time.perf_counter(), text))

    def _take(self, timeout: float) -> tuple[float, str]:
        stamp, text = self.lines.get(timeout=timeout)
        self.log.append(text)
        if re.search(r"\b(ERROR|WARNING)\b|Aborted", text):
            raise SystemExit("mkdocs serve reported a problem:\n" + "".join(self.log[-30:]))
        return stamp, text

    def wait_for(self, pattern: str, timeout: float = 600) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            try:
                stamp, text = self._take(max(0.1, deadline - time.perf_counter()))
            except queue.Empty:
                raise SystemExit(f"mkdocs serve: no {pattern!r} within {timeout:.0f} s:\n" + "".join(self.log[-30:]))
            if pattern in text:
                return stamp

    def settle(self, quiet: float = 3.0) -> None:
        """Wait until serve has logged nothing for `quiet` seconds: one write can raise two
        file events, and a second rebuild's log lines must not be taken for the next one's."""
        while True:
            try:
                self._take(quiet)
            except queue.Empty:
                return

    def rebuild_after_edit(self, page: Path, number: int) -> float:
        """Seconds from appending one line to `page` to serve's next "Reloading browsers"."""
        self.settle()
        original = page.read_text(encoding="utf-8")
        start = time.perf_counter()
        page.write_text(original + f"\nA one-line edit for the benchmark, number {number}.\n", encoding="utf-8")
        return self.wait_for("Reloading browsers") - start

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def serve_row(repeat: int, work: Path) -> Row:
    """`mkdocs serve` rebuild after a one-line edit, with and without citations: two servers
    on two copies of the site, edited in turn, so both see the same load on a busy machine."""
    with_config = copy_of_site(work / "serve-with")
    without_config = timed_config(copy_of_site(work / "serve-without"), citations=False)
    servers = {"with": Server(with_config, {"POD_CITATION_CACHE": str(work / "cache" / "serve")}),
               "without": Server(without_config, {})}
    times: dict[str, list[float]] = {"with": [], "without": []}
    try:
        for server in servers.values():
            server.wait_for("Serving on")
        for number in range(repeat):
            for name, config_file in (("with", with_config), ("without", without_config)):
                page = config_file.parent / "docs" / f"{PRINCIPLE_PAGE}.md"
                times[name].append(servers[name].rebuild_after_edit(page, number))
    finally:
        for server in servers.values():
            server.stop()
    return Row("mkdocs serve rebuild, one-line edit, vs without", min(times["without"]), min(times["with"]), 1.3)


def bytes_rows(site: Path) -> list[Row]:
    """Each principle page's transferred bytes, search excluded: Brotli as deploy/nginx.conf
    serves it (the target), and gzip only, as nginx sends it without the Brotli module (shown)."""
    rows = []
    for relative in budget.principle_pages():
        page = site / relative
        if not page.is_file():
            sys.exit(f"{page} is missing: build the site first")
        name = Path(relative).parent.name
        rows.append(Row(f"{name} page, Brotli (as served by deploy/nginx.conf)", None,
                        sum(budget.page_cost(site, page).values()) / 1024, budget.BUDGET_KB, unit="KB"))
        rows.append(Row(f"{name} page, gzip only (nginx without Brotli)", None,
                        sum(budget.page_cost(site, page, "gzip").values()) / 1024, None, unit="KB"))
    return rows


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
    parser.add_argument("--repeat", type=int, default=3, help="measurements per variant (the fastest counts)")
    parser.add_argument("--rows", default=",".join(ROWS), help=f"which rows, comma-separated, of: {', '.join(ROWS)}")
    args = parser.parse_args()
    wanted = set(args.rows.split(","))
    rows: list[Row] = []
    print(HEADER, flush=True)

    def show(new: list[Row]) -> None:
        for row in new:
            print(row.line(), flush=True)
        rows.extend(new)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "real" in wanted:
            # Short builds, where a busy machine's noise is a large share: three times the
            # measurements, so one slow patch does not decide the row.
            show(build_rows("real site", ROOT / "mkdocs.yml", 3 * args.repeat, work, 1.3, 1.5))
        if "bytes" in wanted:
            print("principle pages, KB transferred, search excluded (tools/budget.py):", flush=True)
            show(bytes_rows(ROOT / "site"))  # as `make build` writes it, CSS pruned and compressed
        if "serve" in wanted:
            show([serve_row(args.repeat, work)])
        if "stress" in wanted:
            stress = work / "stress"
            stress.mkdir()
            show(build_rows("stress site", stress_site(stress), args.repeat,
                            work / "stress-out", 2.0, None))
        if "book" in wanted:
            print(book(work), flush=True)
    print("Lighthouse (performance, accessibility, best practices, SEO; five page types, twice): "
          "`make lighthouse`")
    missed = [row.what for row in rows if not row.met]
    print(f"targets: {len(rows) - len(missed)} of {len(rows)} met" + (f"; not met: {'; '.join(missed)}" if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
