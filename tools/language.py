"""Language check: terms to avoid in docs/, from checks/language.yml.

Used by `make check` and by the tests. Quotations (double-quoted text and blockquotes),
code, front matter and lines marked <!-- not-a-quote --> are skipped. Each finding names
the file, line, term, reason and what to write instead.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

from markdown_citations.syntax import blank_code, blank_front_matter

QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    term: str
    reason: str
    suggest: str
    hard: bool

    def __str__(self) -> str:
        kind = "must change" if self.hard else "please consider"
        return (f"{self.path}:{self.line}: {kind}: '{self.term}': {self.reason}. "
                f"Write {self.suggest} instead.")


def load_rules(path: Path = ROOT / "checks" / "language.yml") -> list[tuple[dict, bool]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(rule, True) for rule in data["hard"]] + [(rule, False) for rule in data["soft"]]


def prose_lines(markdown: str) -> list[tuple[int, str]]:
    """(line number, text) for each line of prose, with code, quotations and front matter blanked."""
    lines = blank_front_matter(blank_code(markdown).splitlines())
    result = []
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(">") or "<!-- not-a-quote -->" in line:
            continue
        result.append((number, QUOTED.sub(" ", line)))
    return result


def check_page(path: Path, rules: list[tuple[dict, bool]], shown: str) -> list[Finding]:
    findings = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        for rule, hard in rules:
            if re.search(rule["pattern"], line, re.IGNORECASE):
                findings.append(Finding(shown, number, rule["term"], rule["reason"], rule["suggest"], hard))
    return findings


def check(root: Path = ROOT) -> list[Finding]:
    rules = load_rules(root / "checks" / "language.yml")
    return [finding for page in sorted((root / "docs").rglob("*.md"))
            for finding in check_page(page, rules, page.relative_to(root).as_posix())]


if __name__ == "__main__":
    found = check()
    for finding in found:
        print(finding)
    sys.exit(1 if any(f.hard for f in found) else 0)
