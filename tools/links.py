"""Links between pages, checked in the Markdown so that a broken one is reported with its line.

The strict build also refuses broken links (MkDocs `validation:`), but names no line; this
check, part of `make check`, says where the link is and suggests the page meant.
"""

from __future__ import annotations

import posixpath
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from markdown_citations.library import suggestion
from markdown_citations.syntax import blank_code

LINK = re.compile(r"\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def check(root: Path = ROOT, local: tuple[str, Path] | None = None) -> list[str]:
    """Broken links in docs/ and, with `local` (address prefix, folder), in an organisation's
    own pages, which the site serves under that prefix beside ours."""
    docs = root / "docs"
    folders = [("", docs)] + ([local] if local else [])
    files = {posixpath.join(prefix, path.relative_to(folder).as_posix())
             for prefix, folder in folders for path in folder.rglob("*") if path.is_file()}
    # published by the citations plugin (markdown_citations/mkdocs_plugin.py)
    files |= {"references.bib", "references.csl.json", "references.ris"}
    problems = []
    for prefix, folder in folders:
        for page in sorted(folder.rglob("*.md")):
            text = blank_code(page.read_text(encoding="utf-8"))
            source = posixpath.join(prefix, page.relative_to(folder).as_posix())
            shown = _shown(page, root)
            for match in LINK.finditer(text):
                target = match.group("target").split("#", 1)[0]
                if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                    continue  # an anchor on the same page, or another site (checked weekly)
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
                if resolved in files:
                    continue
                line = text.count("\n", 0, match.start()) + 1
                close = suggestion(resolved, list(files))
                hint = (f" (did you mean '{posixpath.relpath(close, posixpath.dirname(source) or '.')}'?)"
                        if close else "")
                missing = f"docs/{resolved}"
                if local and resolved.startswith(local[0] + "/"):
                    missing = posixpath.join(_shown(local[1], root), resolved[len(local[0]) + 1:])
                problems.append(f"{shown}:{line}: the link to '{match.group('target')}' goes nowhere: "
                                f"there is no {missing}{hint}")
    return problems


if __name__ == "__main__":
    found = check()
    print("\n".join(found))
    sys.exit(1 if found else 0)
