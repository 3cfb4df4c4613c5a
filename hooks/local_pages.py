"""MkDocs hook: an organisation's own pages, from a folder of its own outside docs/.

An organisation hosting a copy names the folder in its override file:

    extra:
      local_pages:
        dir: local              # beside the override file; never inside docs/
        section: Our service    # the navigation section that lists them, after ours
        bib: local.bib          # optional: its own references, beside ours
        licence:                # optional: the licence its pages are under (else none is stated)
          name: All rights reserved

When it runs, and what it does:

* `on_config`, priority 110 (before the citations plugin at 100 reads the .bib): checks the settings,
  appends the section to the navigation (every Markdown file of the folder, by file name;
  our navigation is left as it is), and, with `bib`, checks that file on its own (file, line
  and key in every message), refuses a key that `references.bib` already has, and points
  the citations plugin's `bib_file` at the two files joined (in `.cache/bib/`).
* `on_files`, priority 90 (before the citations hook checks every page): adds every file
  of the folder to the site under the folder's name, so the pages go through the same
  checks as ours (strict links, citation keys, page metadata), and into search and the sitemap.
* `on_serve`: `mkdocs serve` watches their folder and .bib too.
* `on_page_markdown`: a local page has no "Edit this page" link into our repository, and
  states the licence given here (or none) instead of ours.

`settings` and `pages` are also used by `make check` (tools/check.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from markdown_citations import bibliography
from markdown_citations.cache import write
from markdown_citations.mkdocs_plugin import bib_path

KEYS = {"dir", "section", "bib", "licence"}


@dataclass(frozen=True)
class Settings:
    folder: Path          # the organisation's folder
    section: str          # its navigation section
    bib: Path | None      # its own .bib, if any
    licence: dict | None  # {name, url} for its pages, or None
    base: Path            # the folder of the config file, for messages

    @property
    def prefix(self) -> str:
        """The folder's name: the first part of its pages' addresses."""
        return self.folder.name

    def shown(self, path: Path) -> str:
        return os.path.relpath(path, self.base).replace(os.sep, "/")


def settings(extra: dict[str, Any], config_file: Path, docs_dir: Path) -> Settings | None:
    """The checked `extra.local_pages` settings, or None when there are none."""
    raw = extra.get("local_pages")
    if not raw:
        return None
    where = f"{config_file.name}: extra.local_pages"
    if not isinstance(raw, dict) or not raw.get("dir") or not raw.get("section"):
        raise PluginError(f"{where} needs 'dir' (your folder of pages, outside docs/) and 'section' "
                          "(the navigation heading for them), for example: {dir: local, section: Our service}")
    unknown = set(raw) - KEYS
    if unknown:
        raise PluginError(f"{where}: unknown setting(s) {sorted(unknown)}: use {sorted(KEYS)}")
    base = config_file.parent
    folder = (base / str(raw["dir"])).resolve()
    if not folder.is_dir():
        raise PluginError(f"{where}: dir '{raw['dir']}' is not a folder beside {config_file.name}")
    docs = docs_dir.resolve()
    if folder == docs or docs in folder.parents or folder in docs.parents:
        raise PluginError(f"{where}: dir '{raw['dir']}' must be outside docs/ (and not contain it), so an "
                          "update of the shared pages never touches yours")
    if (docs / folder.name).exists() or (docs / f"{folder.name}.md").exists():
        raise PluginError(f"{where}: dir '{raw['dir']}' has the name of a part of docs/ ('{folder.name}'): "
                          "rename your folder, for example to 'local'")
    bib = None
    if raw.get("bib"):
        bib = (base / str(raw["bib"])).resolve()
        if not bib.is_file():
            raise PluginError(f"{where}: bib '{raw['bib']}' is not a file beside {config_file.name}")
    licence = raw.get("licence")
    if licence is not None and not (isinstance(licence, dict) and licence.get("name")):
        raise PluginError(f"{where}: licence needs a 'name' (and may have a 'url'), for example "
                          "{name: All rights reserved}")
    return Settings(folder, str(raw["section"]), bib, licence, base)


def pages(local: Settings) -> list[Path]:
    """The organisation's Markdown pages, by file name."""
    return sorted(local.folder.rglob("*.md"))


def _settings(config: MkDocsConfig) -> Settings | None:
    return settings(config.extra, Path(config.config_file_path), Path(config.docs_dir))


@event_priority(110)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    local = _settings(config)
    if local is None:
        return config
    found = pages(local)
    if not found:
        raise PluginError(f"{local.shown(local.folder)}/ has no Markdown pages for the '{local.section}' section")
    if config.nav is None:
        raise PluginError("extra.local_pages needs the site's nav (mkdocs.yml lists it)")
    entries = [f"{local.prefix}/{page.relative_to(local.folder).as_posix()}" for page in found]
    config.nav = [*config.nav, {local.section: entries}]
    if local.bib is not None:
        config.plugins["citations"].config.bib_file = str(_joined_bib(config, local))
    return config


def _joined_bib(config: MkDocsConfig, local: Settings) -> Path:
    """Check the organisation's .bib on its own and against ours; write the two joined."""
    ours = Path(bib_path(config))
    problems: list[str] = []
    loaded = []
    for path in (ours, local.bib):
        try:
            loaded.append(bibliography.load(path, display=local.shown(path)))
        except bibliography.BibError as error:
            problems.extend(str(problem) for problem in error.problems)
    if not problems:
        shared = {key.lower(): key for key in loaded[0].entries}
        for key, line in loaded[1].lines.items():
            if key.lower() in shared:
                problems.append(f"{local.shown(local.bib)}:{line}: entry '{key}': references.bib already has "
                                f"'{shared[key.lower()]}': cite ours, or give yours another key")
    if problems:
        raise PluginError("references are not valid, fix these and build again:\n" + "\n".join(problems))
    target = Path(config.config_file_path).parent / ".cache" / "bib" / "references.bib"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = ours.read_text(encoding="utf-8").rstrip() + "\n\n% ---- " + local.shown(local.bib) + " ----\n\n" \
        + local.bib.read_text(encoding="utf-8")
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        write(target, text)
    return target


@event_priority(90)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    local = _settings(config)
    if local is None:
        return files
    for path in sorted(local.folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            uri = f"{local.prefix}/{path.relative_to(local.folder).as_posix()}"
            files.append(File(uri, str(local.folder.parent), config.site_dir, config.use_directory_urls))
    return files


def is_local(page: Page, config: MkDocsConfig) -> bool:
    local = _settings(config)
    return bool(local and page.file.abs_src_path
                and Path(page.file.abs_src_path).resolve().is_relative_to(local.folder))


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if is_local(page, config):
        page.edit_url = None  # their page is not in our repository
        page.meta["licence"] = _settings(config).licence or False
    return markdown


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """`make serve CONFIG=...` rebuilds when one of their pages (or their .bib) changes."""
    local = _settings(config)
    if local is not None:
        server.watch(str(local.folder))
        if local.bib is not None:
            server.watch(str(local.bib))
    return server
