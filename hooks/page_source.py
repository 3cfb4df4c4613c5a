"""MkDocs hook: a page that mainly summarises one work says so once, at the top.

A page declares the work in its front matter, as a key of references.bib:

    source: hendy2023

* `on_files`, priority -10 (after hooks/citations.py has formatted the site's citations):
  stops the build on a `source` that is not a key of references.bib, naming the file, line
  and key; then has the note's citation formatted with all the others.
* `on_page_markdown`, priority 55 (before the citation hooks at 50 and mkdocs-bibtex): puts
  a note under the page's title, "This page summarises Hendy, Tew and Carr (2023) unless
  another source is named.", in which "(2023)" is an ordinary citation: it links to the
  reference, the work appears in the page's References and in the site's "Cited on" list.

`make check` runs the same key check (`source_problems`); tools/citation_density.py limits
how often a page cites its declared source.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import sys
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

sys.path.insert(0, os.path.dirname(__file__))
import bib_check  # noqa: E402
import bibliography  # noqa: E402
from citations import prefill  # noqa: E402  (a plain function: this copy of the module keeps no state)

FIELD = "source"
NOTE = "This page summarises {names} [-@{key}] unless another source is named.\n{{: .page-source }}\n"


def source_problems(where: str, markdown: str, known: set[str]) -> list[str]:
    """A declared source that references.bib lacks, as 'path:line: what to do'."""
    key = get_data(markdown)[1].get(FIELD)
    if key is None:
        return []
    line = next((n for n, text in enumerate(markdown.splitlines(), 1) if re.match(rf"{FIELD}\s*:", text)), 1)
    if not isinstance(key, str) or key not in known:
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "add the work to references.bib or fix the key"
        return [f"{where}:{line}: front matter '{FIELD}: {key}' is not a key in references.bib ({hint})"]
    return []


def note(key: str, names: str) -> str:
    """The Markdown of the note for a page whose source is `key`."""
    return NOTE.format(names=names, key=key)


def _shown(config: MkDocsConfig, src_uri: str) -> str:
    docs = os.path.relpath(config.docs_dir, os.path.dirname(config.config_file_path)).replace(os.sep, "/")
    return posixpath.join(docs, src_uri)


@event_priority(-10)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    if "attr_list" not in config.markdown_extensions:
        raise PluginError("mkdocs.yml: declared sources need the attr_list Markdown extension (add it under markdown_extensions)")
    registry: Any = config.plugins["bibtex"].registry
    entries = registry.bib_data.entries
    problems, keys = [], set()
    for file in files.documentation_pages():
        text = file.content_string
        found = source_problems(_shown(config, file.src_uri), text, set(entries))
        problems.extend(found)
        key = get_data(text)[1].get(FIELD)
        if key and not found:
            keys.add(str(key))
    if problems:
        raise PluginError("declared sources to fix:\n" + "\n".join(problems))
    prefill(registry, bib_check.bib_path(config), [f"[-@{key}]" for key in sorted(keys)],
            bib_check.cache_dir(config))
    return files


@event_priority(55)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    key = page.meta.get(FIELD)
    if not key:
        return markdown
    lines = markdown.split("\n")
    names = bibliography.author_names(config.plugins["bibtex"].registry.bib_data.entries[str(key)])
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "\n".join(lines[:at] + ["", note(str(key), names)] + lines[at:])
