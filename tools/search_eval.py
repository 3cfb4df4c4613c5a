"""How well the built site's own search answers readers' questions: `make search-eval`.

Each question in tests/search_questions.yml is typed into Material's search box of the built
site in Debian's Chromium, and the results list is read as a reader sees it: the rank of the
first result on the question's page, and whether that result shows the question's section.
Prints one line per question, then the share found in the first three results and the mean
reciprocal rank (a page not among the ten results shown first counts 0), for the questions
used to tune the search and for the held-out ones apart.
Run `python -m tools.search_eval site` on an existing build (`--held-out` to include the
held-out questions, `--show N` for the first N titles of each list; `--from-disk` on the
offline build, opened from file:// as the offline zip is).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import yaml
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "search_questions.yml"
CHROMIUM = "/usr/bin/chromium"
KEYS = {"q", "who", "page", "section", "held_out"}
PLACEHOLDER = "Type to start searching"
RESULT = ".md-search-result__list > li.md-search-result__item"


@dataclass
class Question:
    q: str
    who: str
    page: str
    section: str | None = None
    held_out: bool = False
    line: int = 0


@dataclass
class Outcome:
    question: Question
    rank: int | None                 # 1-based rank of the first result on the page, or None
    section_shown: bool              # that result shows the section (not folded under "more")
    titles: list[str] = field(default_factory=list)

    @property
    def reciprocal(self) -> float:
        return 1 / self.rank if self.rank else 0.0


class QuestionError(ValueError):
    """A question file that cannot be used: names the file, the line and what to change."""


def load(path: Path = QUESTIONS, site: Path | None = None) -> list[Question]:
    """The questions, checked: known keys, a text and a page for each, no duplicate text and,
    given a built site, every page and section present in it."""
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    node = yaml.compose(path.read_text(encoding="utf-8"))
    if node is None or not isinstance(node, yaml.SequenceNode):
        raise QuestionError(f"{shown}:1: expected a list of questions (- q: ..., page: ...)")
    problems: list[str] = []
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for item in node.value:
        line = item.start_mark.line + 1
        data = yaml.safe_load(yaml.serialize(item))
        if not isinstance(data, dict):
            problems.append(f"{shown}:{line}: expected keys q, who and page")
            continue
        unknown = sorted(set(data) - KEYS)
        missing = sorted({"q", "who", "page"} - set(data))
        if unknown or missing:
            problems.append(f"{shown}:{line}: " + "; ".join(
                ([f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})"] if unknown else [])
                + ([f"missing key(s) {', '.join(missing)}"] if missing else [])))
            continue
        question = Question(str(data["q"]).strip(), str(data["who"]), str(data["page"] or ""),
                            data.get("section"), bool(data.get("held_out", False)), line)
        if question.q.lower() in seen:
            problems.append(f"{shown}:{line}: question '{question.q}' is already at line {seen[question.q.lower()]}")
        seen[question.q.lower()] = line
        if question.page and not question.page.endswith("/"):
            problems.append(f"{shown}:{line}: page '{question.page}': write the page's path in the built site, "
                            "ending in '/' (for example principles/attunement/)")
        elif site is not None:
            html = site / question.page / "index.html"
            if not html.is_file() and question.page:  # an offline build: principles/attunement.html
                html = site / (question.page.rstrip("/") + ".html")
            if not html.is_file():
                problems.append(f"{shown}:{line}: page '{question.page}' is not in the built site ({html} is missing)")
            elif question.section and f'id="{question.section}"' not in html.read_text(encoding="utf-8"):
                problems.append(f"{shown}:{line}: section '{question.section}' is not a heading id on {question.page}")
        questions.append(question)
    if problems:
        raise QuestionError("\n".join(problems))
    return questions


def _site_path(href: str, base: str) -> tuple[str, str]:
    """A result link as (page path relative to the site root, section id)."""
    target = urlparse(urljoin(base, href))
    path = target.path[len(urlparse(base).path):] if target.path.startswith(urlparse(base).path) else target.path
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    elif path.endswith(".html"):  # an offline build (use_directory_urls: false)
        path = path[: -len(".html")] + "/"
    return path, target.fragment


def ask(page: Page, base: str, question: Question, show: int = 3) -> Outcome:
    """Type one question into the open page's search box and read the results list.

    The box is emptied first (Material then shows its placeholder); all but the last character
    are set without a key event and the last is typed, so that Material sends exactly one
    query, and the list read is that query's answer."""
    box = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    box.fill("")
    box.press("End")  # a keyup: Material searches for the empty box and shows its placeholder
    page.wait_for_function("([el, text]) => el.textContent.trim() === text", arg=[meta.element_handle(), PLACEHOLDER])
    box.fill(question.q[:-1])
    box.press(question.q[-1])
    page.wait_for_function("([el, text]) => el.textContent.trim() !== text", arg=[meta.element_handle(), PLACEHOLDER])
    items = page.eval_on_selector_all(RESULT, """items => items.map(item => ({
        links: [...item.querySelectorAll('a.md-search-result__link')].map(a => ({
            href: a.getAttribute('href'), folded: !!a.closest('details')})),
        title: item.querySelector('h1') ? item.querySelector('h1').textContent.trim() : ''}))""")
    rank, section_shown = None, False
    for position, item in enumerate(items, start=1):
        pages = [(_site_path(link["href"], base), link["folded"]) for link in item["links"]]
        if pages and pages[0][0][0] == question.page:
            rank = position
            section_shown = bool(question.section) and any(
                fragment == question.section and not folded for (_, fragment), folded in pages)
            break
    return Outcome(question, rank, section_shown, [item["title"] for item in items[:show]])


def evaluate(page: Page, base: str, questions: list[Question], show: int = 3) -> list[Outcome]:
    """Every question asked on one page of the site served at `base`."""
    page.goto(base + ("index.html" if base.startswith("file:") else ""), wait_until="load")
    page.keyboard.press("s")  # Material's shortcut: focus the search box
    return [ask(page, base, question, show) for question in questions]


def summary(outcomes: list[Outcome]) -> dict[str, float]:
    """Counts and shares: found in the first three, first, at all (of the ten shown), the mean
    reciprocal rank, and the sections shown among the questions that name one."""
    total = len(outcomes) or 1
    sections = [o for o in outcomes if o.question.section]
    return {
        "questions": len(outcomes),
        "top3": sum(1 for o in outcomes if o.rank and o.rank <= 3),
        "first": sum(1 for o in outcomes if o.rank == 1),
        "found": sum(1 for o in outcomes if o.rank),
        "top3_share": sum(1 for o in outcomes if o.rank and o.rank <= 3) / total,
        "mrr": sum(o.reciprocal for o in outcomes) / total,
        "sections": len(sections),
        "sections_shown": sum(1 for o in sections if o.rank and o.rank <= 3 and o.section_shown),
    }


def report(outcomes: list[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        q = outcome.question
        mark = "ok " if outcome.rank and outcome.rank <= 3 else "-- "
        rank = str(outcome.rank) if outcome.rank else "-"
        section = "" if not q.section else (" [section shown]" if outcome.section_shown else " [section not shown]")
        lines.append(f"{mark}{rank:>2}  {q.q!r} -> {q.page or '(home)'}{section}")
        if not (outcome.rank and outcome.rank <= 3):
            lines.append(f"        first: {' | '.join(outcome.titles) or '(no results)'}")
    for name, group in (("tuning", [o for o in outcomes if not o.question.held_out]),
                        ("held out", [o for o in outcomes if o.question.held_out])):
        if group:
            s = summary(group)
            lines.append(f"{name}: {s['top3']}/{s['questions']} in the first three ({s['top3_share']:.0%}), "
                         f"{s['first']} first, {s['found']} found; mean reciprocal rank {s['mrr']:.3f}; "
                         f"section shown {s['sections_shown']}/{s['sections']}")
    return "\n".join(lines)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="site", type=Path, help="the built site (default: site)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--held-out", action="store_true", help="ask the held-out questions too")
    parser.add_argument("--show", type=int, default=3, help="titles listed for a question not in the first three")
    parser.add_argument("--from-disk", action="store_true",
                        help="open the site from disk (file://), as the offline zip is used, not over HTTP")
    args = parser.parse_args(argv)
    if not (args.site / "search" / "search_index.json").is_file():
        print(f"{args.site}: no built site with a search index here: run `make build` first", file=sys.stderr)
        return 2
    try:
        questions = load(args.questions, args.site)
    except QuestionError as error:
        print(error, file=sys.stderr)
        return 1
    if not args.held_out:
        questions = [q for q in questions if not q.held_out]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            base = args.site.resolve().as_uri() + "/" if args.from_disk else f"http://127.0.0.1:{server.server_address[1]}/"
            outcomes = evaluate(page, base, questions, args.show)
            browser.close()
    finally:
        server.shutdown()
    print(report(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
