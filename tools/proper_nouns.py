"""Names of more than one word in references.bib titles keep their capitals: `make check`.

Pandoc, which reads references.bib for the site and for the CSL-JSON and RIS downloads,
turns an English title into sentence case, and so do reference managers with BibTeX
(Zotero's import, for one). Only a part in braces keeps its capitals: `{Open Dialogue}`.
This check reads every `title` and `booktitle` in the .bib and reports:

1. a name listed in `checks/proper-nouns.txt` written without braces, and
2. in a title written in sentence case, two or more capitalised words in a row without
   braces (a name the list does not have yet, such as "Open Dialogue compared ...").

Each problem is one line naming the file, the line, the entry and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = ROOT / "checks" / "proper-nouns.txt"

_ENTRY = re.compile(r"^\s*@\w+\s*\{\s*(?P<key>[^,\s]+)\s*,")
_FIELD = re.compile(r"^\s*(?P<field>title|booktitle)\s*=\s*\{", re.IGNORECASE)
_WORD = re.compile(r"[^\s{}]+")


@dataclass(frozen=True)
class Problem:
    where: str
    line: int
    key: str
    field: str
    words: str

    def __str__(self) -> str:
        return (f"{self.where}:{self.line}: entry '{self.key}': the {self.field} has '{self.words}' without "
                f"braces, so the site and reference managers print it as '{sentence(self.words)}'. "
                f"If it is a name, write {{{self.words}}}; if it is not, write it in lower case")


def sentence(words: str) -> str:
    first, *rest = words.split(" ")
    return " ".join([first, *(word.lower() for word in rest)])


def load_names(path: Path = NAMES) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def fields(text: str) -> list[tuple[int, str, str, str]]:
    """(line, entry key, field name, value) for each title and booktitle in a .bib text."""
    found, key = [], ""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        entry = _ENTRY.match(line)
        if entry:
            key = entry.group("key")
            continue
        match = _FIELD.match(line)
        if not match:
            continue
        value, depth, rest, index = "", 1, line[match.end():], number
        while True:  # a value may run over several lines: read to its closing brace
            for char in rest:
                depth += {"{": 1, "}": -1}.get(char, 0)
                if depth == 0:
                    break
                value += char
            if depth == 0 or index >= len(lines):
                break
            rest, index = " " + lines[index], index + 1
        found.append((number, key, match.group("field").lower(), value))
    return found


def unbraced(value: str) -> str:
    """The value with every braced part blanked out (a protected part is never reported)."""
    out, depth = [], 0
    for char in value:
        depth += char == "{"
        out.append(" | " if depth else char)
        depth -= char == "}" and depth > 0
    return "".join(out)


def capitalised(word: str) -> bool:
    letters = word.strip("`'\"(),;:.?!-")
    return bool(letters) and letters[0].isupper() and letters != "I"


def runs(value: str) -> list[str]:
    """Runs of two or more capitalised words, in each sentence-case part of a title
    (parts split at a colon, a question mark, a full stop or a dash)."""
    found = []
    for part in re.split(r"[:?.;]|--", unbraced(value)):
        words = _WORD.findall(part)
        later = [word for word in words[1:] if word != "|" and any(c.isalpha() for c in word)]
        if not later or sum(map(capitalised, later)) * 3 > len(later):
            continue  # title case (a book's own styling), or one word: the list covers names there
        run: list[str] = []
        for word in [*words, "|"]:
            if word != "|" and capitalised(word):
                run.append(word.strip("`'\"(),;:.?!"))
                continue
            if len(run) >= 2:
                found.append(" ".join(run))
            run = []
    return found


def check(path: Path, shown: str = "references.bib", names: list[str] | None = None) -> list[Problem]:
    names = load_names() if names is None else names
    problems = []
    for line, key, field, value in fields(path.read_text(encoding="utf-8")):
        plain = unbraced(value)
        listed = [name for name in names if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", plain)]
        for words in dict.fromkeys(listed + [run for run in runs(value)
                                             if not any(name in run for name in listed)]):
            problems.append(Problem(shown, line, key, field, words))
    return problems
