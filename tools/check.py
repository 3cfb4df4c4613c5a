"""All the content checks, without building the site: `make check`.

Checks references.bib (names of more than one word in titles kept in braces,
tools/proper_nouns.py) and every citation (with the build's own code), links between
pages, page metadata, language (checks/language.yml), spelling (codespell, with checks/words.txt),
citation clutter (tools/citation_density.py), declared sources (the citations extension), glossary
entries (markdown_citations/glossary.py), reading grades (tools/readability.py, printed) and the
GitHub workflows (zizmor, offline: tools/workflows.py), and lists pages whose review is
overdue. With `--config organisation.yml` (`make check CONFIG=...`), an organisation's own
pages (`extra.local_pages`) and its own .bib are checked the same way. Each problem is one
line naming the file, the line and what to change. Exit status 0 when nothing must change
(warnings and overdue reviews do not fail), 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
from pathlib import Path

from mkdocs.utils.meta import get_data

from mkdocs.exceptions import PluginError

from hooks import local_pages, page_meta
from markdown_citations import bibliography
from markdown_citations import glossary as glossary_terms
from markdown_citations.extension import source_problems
from markdown_citations.library import check_keys
from tools import citation_density, language, links, proper_nouns, readability, workflows
from tools.offline_zip import read_config

ROOT = Path(__file__).resolve().parent.parent


def main(root: Path = ROOT, config: Path | None = None) -> int:
    problems: list[str] = []
    try:
        bib = bibliography.load(root / "references.bib", display="references.bib")
        known = set(bib.entries)
    except bibliography.BibError as error:
        problems.extend(str(problem) for problem in error.problems)
        known = set()
    problems.extend(str(problem) for problem in proper_nouns.check(root / "references.bib"))
    local = None
    if config is not None:
        try:
            local = local_pages.settings((read_config(config) or {}).get("extra") or {}, config.resolve(), root / "docs")
        except PluginError as error:
            problems.append(str(error))
    if local and local.bib:
        try:
            theirs = bibliography.load(local.bib, display=local.shown(local.bib))
            clash = [f"{local.shown(local.bib)}:{line}: entry '{key}': references.bib already has it: cite ours, "
                     "or give yours another key" for key, line in theirs.lines.items() if key.lower() in
                     {k.lower() for k in known}]
            problems.extend(clash)
            problems.extend(str(problem) for problem in proper_nouns.check(local.bib, local.shown(local.bib)))
            known |= set(theirs.entries)
        except bibliography.BibError as error:
            problems.extend(str(problem) for problem in error.problems)
    cited: set[str] = set()
    pages = sorted((root / "docs").rglob("*.md")) + (local_pages.pages(local) if local else [])
    metadata: list[str] = []
    overdue = []
    for page in pages:  # each page read once, for its citations and its front matter
        where = page.relative_to(root).as_posix() if page.is_relative_to(root) else page.as_posix()
        text = page.read_text(encoding="utf-8")
        blocks, trouble = check_keys(where, text, known)
        if known:
            problems.extend(trouble)
            problems.extend(source_problems(where, get_data(text)[1], text, known))
        cited.update(key for block in blocks for key in block.keys if key in known)
        if not trouble:
            problems.extend(str(problem) for problem in citation_density.check_page(where, text))
        meta = get_data(text)[1]
        metadata.extend(page_meta.problems(meta, where))
        if page_meta.overdue(meta, datetime.date.today()):
            overdue.append(f"{where}: review was due on {meta['next_review']}")
    problems.extend(metadata)
    for include in sorted((root / "includes").glob("*.md")):  # pulled into pages by pymdownx.snippets
        blocks, trouble = check_keys(include.relative_to(root).as_posix(), include.read_text(encoding="utf-8"), known)
        problems.extend(trouble if known else [])
        cited.update(key for block in blocks for key in block.keys if key in known)
    findings = language.check(root)
    if local:
        rules = language.load_rules(root / "checks" / "language.yml")
        findings += [finding for page in local_pages.pages(local)
                     for finding in language.check_page(page, rules, local.shown(page))]
    problems.extend(str(f) for f in findings if f.hard)
    warnings = [str(f) for f in findings if not f.hard]
    problems.extend(spelling(root, [local.folder] if local else []))
    long_definitions, glossary_problems = glossary(root)
    problems.extend(glossary_problems)
    warnings.extend(long_definitions)
    problems.extend(links.check(root, (local.prefix, local.folder) if local else None))
    problems.extend(workflows.check(root))
    measured = readability.grades(root)
    problems.extend(str(grade) for grade in measured if grade.too_hard)
    for problem in problems:
        print(problem)
    for warning in warnings:
        print(warning)
    if measured:
        print(f"Reading grades (Flesch-Kincaid; {readability.LIMIT:.0f} or below passes):")
        print("\n".join(f"  {grade.grade:4.1f}  {grade.where}" for grade in measured))
    if overdue:
        print("Pages due for review (this does not fail the check):")
        print("\n".join(f"  {line}" for line in overdue))
    print(f"check: {len(pages)} pages, {len(known)} references, {len(cited)} works cited, "
          f"{len(problems)} problem{'s' if len(problems) != 1 else ''} to fix, {len(warnings)} to consider, "
          f"{len(overdue)} overdue review{'s' if len(overdue) != 1 else ''}")
    return 1 if problems else 0


def glossary(root: Path) -> tuple[list[str], list[str]]:
    """(warnings, problems) of docs/glossary.md: terms without a definition fail; a short
    definition (the first sentence, shown in every term's tooltip) over 25 words warns."""
    path = root / "docs" / "glossary.md"
    if not path.is_file():
        return [], []
    terms, problems = glossary_terms.parse(path.read_text(encoding="utf-8"), "docs/glossary.md")
    long = [f"docs/glossary.md:{term.line + 1}: please consider: the short definition of '{term.headword}' has "
            f"{len(term.short.split())} words; its first sentence shows as a tooltip wherever the term appears, "
            "so keep it under 25 words and plain" for term in terms if len(term.short.split()) > 25]
    return long, problems


def spelling(root: Path, extra: list[Path] | None = None) -> list[str]:
    """codespell's findings, as 'file:line: ...: write X' lines."""
    exe = Path(sys.executable).with_name("codespell")
    result = subprocess.run([str(exe), "--ignore-words", str(root / "checks" / "words.txt"), "docs",
                             "README.md", "CONTRIBUTING.md", *map(str, extra or [])],
                            cwd=root, capture_output=True, text=True)
    lines = []
    for line in result.stdout.splitlines():
        where, _, change = line.rpartition(": ")
        wrong, _, right = change.partition(" ==> ")
        lines.append(f"{where}: spelling: '{wrong}' looks misspelt; did you mean '{right}'? "
                     "(if it is a name, add it to checks/words.txt)")
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, help="an organisation's override file, to check its own pages too")
    arguments = parser.parse_args()
    config = arguments.config if arguments.config and arguments.config.name != "mkdocs.yml" else None
    sys.exit(main(config=config))
