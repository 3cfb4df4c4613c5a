"""MkDocs hook: link vignettes and principles from one declaration in each vignette's front matter.

A vignette (any page under `vignettes/` except the index) declares the principles it shows,
for example `principles: [attunement, validation]`, using the names in `extra.principles` of
mkdocs.yml. From that one declaration, and nothing kept by hand:

* `on_files`: reads every vignette's front matter and stops the build on a missing or unknown
  principle, naming the file and the bad name.
* `on_page_markdown`, priority 60 (before the citations plugin tells the extensions which page they render): on a vignette, adds the
  "composite, fictional illustration" label, its content note, and the links to its
  principles, and asks the theme to show the crisis-support contacts; on a principle page,
  replaces `<!-- vignettes -->` with the list of vignettes that show it; on the vignettes
  index, replaces `<!-- vignettes:by-principle -->` with every vignette grouped by principle.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from markdown_citations.library import suggestion
from markdown_citations.mkdocs_plugin import shown_path

FOLDER = "vignettes/"
INDEX = "vignettes/index.md"
PRINCIPLE_MARKER = "<!-- vignettes -->"
INDEX_MARKER = "<!-- vignettes:by-principle -->"
FICTION_LABEL = (
    '!!! info "A composite, fictional illustration"\n\n'
    "    This scene is made up.\n"
    "    It draws on situations that peer practitioners describe in [the source article]({about}), "
    "but it is not about any real person, family, team or service, and every name is invented.\n"
)


@dataclass
class Vignette:
    src: str
    title: str
    principles: list[str] = field(default_factory=list)
    content_note: str = ""
    description: str = ""


_vignettes: list[Vignette] = []
_titles: dict[str, str] = {}  # principle name -> its page's title


def principles(config: MkDocsConfig) -> dict[str, str]:
    """Principle name -> source path of its page, from `extra.principles` in mkdocs.yml."""
    table = config.extra.get("principles")
    if not isinstance(table, dict) or not table:
        raise PluginError("mkdocs.yml: extra.principles must map each principle's name to its page")
    return table


def read_vignettes(files: Files, known: dict[str, str], config: MkDocsConfig) -> list[Vignette]:
    """Every vignette's declaration, checked; raises PluginError listing every problem."""
    found, problems = [], []
    for file in sorted(files.documentation_pages(), key=lambda f: f.src_uri):
        if not file.src_uri.startswith(FOLDER) or file.src_uri == INDEX:
            continue
        where = shown_path(config, file)
        _, meta = get_data(file.content_string)
        declared = meta.get("principles")
        if not isinstance(declared, list) or not declared:
            problems.append(f"{where}: front matter needs 'principles:', a list such as [attunement, validation]")
            continue
        for name in declared:
            if name not in known:
                close = suggestion(str(name), list(known))
                hint = f"did you mean '{close}'? " if close else ""
                problems.append(f"{where}: unknown principle '{name}' in 'principles' ({hint}known: {', '.join(known)})")
        if not meta.get("title"):
            problems.append(f"{where}: front matter needs a 'title'")
        found.append(Vignette(file.src_uri, str(meta.get("title", "")), list(declared),
                              str(meta.get("content_note") or ""), str(meta.get("description") or "")))
    if problems:
        raise PluginError("vignettes with problems, fix these and build again:\n" + "\n".join(problems))
    return found


def on_files(files: Files, config: MkDocsConfig) -> Files:
    known = principles(config)
    for name, target in known.items():
        file = files.get_file_from_path(target)
        if file is None:
            raise PluginError(f"mkdocs.yml: extra.principles names '{target}' for '{name}', but "
                              f"{shown_path(config, target)} does not exist")
        _titles[name] = str(get_data(file.content_string)[1].get("title") or name)
    _vignettes[:] = read_vignettes(files, known, config)
    return files


def _link(target: str, page: Page) -> str:
    return posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")


def _list(vignettes: list[Vignette], page: Page) -> str:
    return "\n".join(f"- [{v.title}]({_link(v.src, page)})" + (f": {v.description}" if v.description else "")
                     for v in vignettes)


@event_priority(60)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    known = principles(config)
    src = page.file.src_uri
    if src.startswith(FOLDER) and src != INDEX:
        return vignette_markdown(markdown, page, known)
    if src == INDEX and INDEX_MARKER in markdown:
        groups = []
        for name, target in known.items():
            shown = [v for v in _vignettes if name in v.principles]
            groups.append(f"## {_titles[name]}\n\n{len(shown)} vignettes show this principle "
                          f"([read about {_titles[name].lower()}]({_link(target, page)})).\n\n{_list(shown, page)}\n")
        return markdown.replace(INDEX_MARKER, "\n".join(groups))
    for name, target in known.items():
        if src == target and PRINCIPLE_MARKER in markdown:
            shown = [v for v in _vignettes if name in v.principles]
            block = ("These composite, fictional vignettes show this principle in a network meeting:\n\n"
                     f"{_list(shown, page)}\n") if shown else ""
            return markdown.replace(PRINCIPLE_MARKER, block)
    return markdown


def vignette_markdown(markdown: str, page: Page, known: dict[str, str]) -> str:
    """Label, content note and principle links around one vignette's own text."""
    vignette = next(v for v in _vignettes if v.src == page.file.src_uri)
    page.meta["crisis_support"] = True
    about = _link("about.md", page)
    head = FICTION_LABEL.format(about=about)
    if vignette.content_note:
        head += f'\n!!! warning content-note "Content note"\n\n    {vignette.content_note}\n    Support contacts are at the end of this page.\n'
    lines = markdown.splitlines()
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    links = "\n".join(f"- [{_titles[name]}]({_link(known[name], page)})" for name in vignette.principles)
    body = "\n".join(lines[:at] + ["", head] + lines[at:])
    return body.rstrip() + f"\n\n## Principles it shows\n\n{links}\n"
