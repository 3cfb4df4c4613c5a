"""Check references.bib and every citation in docs/ without building the site.

Run it with `make check` (or `python -m tools.check` from the project root). It reads the
same files with the same code as the build hooks, and prints one line per problem, naming
the file, the line and what to change. Exit status 0 when all is well, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

import bibliography  # noqa: E402
from citations import check_keys  # noqa: E402


def main(root: Path = ROOT) -> int:
    problems: list[str] = []
    try:
        bib = bibliography.load(root / "references.bib", display="references.bib")
        known = set(bib.entries)
    except bibliography.BibError as error:
        problems.extend(str(problem) for problem in error.problems)
        known = set()
    cited: set[str] = set()
    pages = sorted((root / "docs").rglob("*.md"))
    for page in pages:
        where = page.relative_to(root).as_posix()
        blocks, trouble = check_keys(where, page.read_text(encoding="utf-8"), known)
        if known:
            problems.extend(trouble)
        cited.update(key for block in blocks for key in block.keys)
    for problem in problems:
        print(problem)
    print(f"check: {len(pages)} pages, {len(known)} references, {len(cited)} works cited, "
          f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
