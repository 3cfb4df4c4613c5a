"""Links between pages, checked in the Markdown so that a broken one is reported with its line.

The strict build also refuses broken links (MkDocs `validation:`), but names no line; this
check, part of `make check`, says where the link is and suggests the page meant.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from citation_syntax import blank_code  # noqa: E402

LINK = re.compile(r"\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")


def check(root: Path = ROOT) -> list[str]:
    docs = root / "docs"
    files = {path.relative_to(docs).as_posix() for path in docs.rglob("*") if path.is_file()}
    # published by hooks/bib_check.py and hooks/reference_formats.py
    files |= {"references.bib", "references.csl.json", "references.ris"}
    problems = []
    for page in sorted(docs.rglob("*.md")):
        text = blank_code(page.read_text(encoding="utf-8"))
        source = page.relative_to(docs).as_posix()
        for match in LINK.finditer(text):
            target = match.group("target").split("#", 1)[0]
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # an anchor on the same page, or another site (checked weekly)
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
            if resolved in files:
                continue
            line = text.count("\n", 0, match.start()) + 1
            close = difflib.get_close_matches(resolved, files, n=1)
            hint = (f" (did you mean '{posixpath.relpath(close[0], posixpath.dirname(source) or '.')}'?)"
                    if close else "")
            problems.append(f"docs/{source}:{line}: the link to '{match.group('target')}' goes nowhere: "
                            f"there is no docs/{resolved}{hint}")
    return problems


if __name__ == "__main__":
    found = check()
    print("\n".join(found))
    sys.exit(1 if found else 0)
