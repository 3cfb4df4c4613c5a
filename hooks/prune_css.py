"""MkDocs hook: one small stylesheet per site, holding only the CSS rules the site uses.

When it runs: `on_post_build`, once every page has been written, on `mkdocs build` (and
ProperDocs, and the offline and book builds, which run a build); not under `mkdocs serve`,
where pages change as they are edited (serve shows the full, unpruned stylesheets).

What it does, with PurgeCSS (npm package `purgecss`, pinned in package.json, installed by
`npm ci`, which `make install` runs):

1. Finds the stylesheets every page links in its head: Material's `main` and `palette`
   and this site's `extra_css`.
2. Runs PurgeCSS over them with the content that can use a selector: every built HTML
   page, and every JavaScript file of the site (Material's bundle and search worker, which
   add classes such as the search results' or the tooltips' as they run, name them there;
   PurgeCSS keeps any selector whose words appear anywhere in that content). Unused
   custom properties, keyframes and font faces go too.
3. Writes the result, in the pages' order, as one file named by its content,
   `assets/stylesheets/site.<8 hex>.min.css` (a new name whenever it changes, so the
   year-long caching of fingerprinted files in deploy/nginx.conf stays safe), points every
   page's first stylesheet link at it, drops the others, and deletes the original files
   and their source maps.

A page that links only some of those stylesheets, or a file still naming a deleted one,
stops the build: a half-styled site must not look built. The browser tests compare
screenshots of pages built with and without this hook (tests/browser/test_pruned_css.py).
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

COMBINED = "assets/stylesheets/site.{digest}.min.css"
_LINK = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"]+)">\n?')
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")
_state: dict[str, bool] = {"serving": False}


def unused_components(config: MkDocsConfig) -> list[str]:
    """Material components whose script is in its bundle but never runs on this site, as the
    class prefixes PurgeCSS should not take from scripts (HTML that uses them still keeps them)."""
    features = set(config.theme.get("features", []))
    version = config.extra.get("version")
    unused = []
    if "content.code.annotate" not in features:
        unused.append("md-annotation")
    if not (isinstance(version, dict) and version.get("provider")):
        unused.append("md-version")  # the version selector needs extra.version.provider (mike)
    if "tags" not in config.plugins and "material/tags" not in config.plugins:
        unused.append("md-tag")
    if not features & {"content.code.copy", "content.action.copy"}:
        unused.append("md-dialog")  # the "Copied to clipboard" notice
    return unused


def on_startup(command: str, dirty: bool) -> None:
    _state["serving"] = command == "serve"


def purgecss(root: str) -> list[str]:
    """The project's PurgeCSS command with its settings (purgecss.config.cjs), or a
    build-stopping error that says how to get it."""
    exe = Path(root).resolve() / "node_modules" / ".bin" / "purgecss"
    settings = Path(root).resolve() / "purgecss.config.cjs"
    if not exe.is_file() or shutil.which("node") is None:
        raise PluginError("hooks/prune_css.py: PurgeCSS is not installed (node_modules/.bin/purgecss and Node.js): "
                          "run `make install` (it runs `npm ci`), then build again")
    if not settings.is_file():
        raise PluginError(f"hooks/prune_css.py: {settings} is missing")
    return [str(exe), "--config", str(settings)]


def site_path(page: str, href: str, base: str = "") -> str:
    """The site-relative path of a link's target, from the page's own site-relative path;
    `base` is the URL path of the site root, for links that start with "/" (the 404 page)."""
    if re.match(r"^[a-z]+:", href):
        return href
    if href.startswith("/"):
        return (href[len(base):] if base and href.startswith(base) else href).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def stylesheets(site: Path, page: str) -> list[str]:
    """Site-relative paths of the stylesheets a built page links, in order."""
    html = (site / page).read_text(encoding="utf-8")
    return [site_path(page, match.group("href")) for match in _LINK.finditer(html)]


def relink(html: str, page: str, sheets: list[str], combined: str, base: str = "") -> str:
    """Point the page's link to the first of `sheets` at `combined`, drop the others.

    `base` is the URL path of the site root for pages that link absolutely (the 404 page)."""
    found: list[str] = []

    def swap(match: re.Match[str]) -> str:
        href = match.group("href")
        target = site_path(page, href, base)
        if target not in sheets:
            return match.group(0)
        found.append(target)
        if len(found) > 1:
            return ""
        if href.startswith("/"):
            new = base.rstrip("/") + "/" + combined
        else:
            new = posixpath.relpath(combined, posixpath.dirname(page) or ".")
        return f'<link rel="stylesheet" href="{new}">\n'

    result = _LINK.sub(swap, html)
    if found and found != sheets:
        raise PluginError(f"{page}: links the stylesheets {found}, expected all of {sheets} in that order; "
                          "the CSS cannot be combined")
    return result


_DEFINED = re.compile(r"(--[\w-]+)\s*:")
_USED = re.compile(r"var\(\s*(--[\w-]+)")


def lost_variables(original: str, pruned: str) -> set[str]:
    """Custom properties the original CSS defines and the pruned CSS still uses, but no
    longer defines (PurgeCSS misses a property used only through another one)."""
    return (set(_DEFINED.findall(original)) - set(_DEFINED.findall(pruned))) & set(_USED.findall(pruned))


def purge_once(site: Path, sheets: list[str], command: list[str], env: dict[str, str]) -> str:
    with tempfile.TemporaryDirectory() as out:
        content = [str(site / "**" / "*.html"), str(site / "**" / "*.js")]
        result = subprocess.run(
            [*command, "--css", *[str(site / sheet) for sheet in sheets], "--content", *content,
             "--preserve-paths", "--output", out],
            capture_output=True, text=True, cwd=site, env=dict(os.environ, **env))
        if result.returncode != 0:
            raise PluginError(f"hooks/prune_css.py: PurgeCSS failed:\n{result.stderr[-2000:]}")
        parts = []
        for sheet in sheets:
            written = list(Path(out).rglob(Path(sheet).name))
            if len(written) != 1:
                raise PluginError(f"hooks/prune_css.py: PurgeCSS wrote no single output for {sheet}")
            parts.append(_SOURCE_MAP.sub("", written[0].read_text(encoding="utf-8")).strip())
    return "\n".join(parts) + "\n"


def prune(site: Path, sheets: list[str], command: list[str], unused: list[str]) -> str:
    """PurgeCSS over `sheets` (site-relative), against every HTML and JavaScript file of the
    site: the pruned CSS of all of them, concatenated in order, with every custom property
    it still uses defined."""
    original = "\n".join((site / sheet).read_text(encoding="utf-8") for sheet in sheets)
    keep: set[str] = set()
    for _ in range(5):
        css = purge_once(site, sheets, command, {"PRUNE_CSS_UNUSED": ",".join(unused),
                                                 "PRUNE_CSS_KEEP_VARIABLES": ",".join(sorted(keep))})
        lost = lost_variables(original, css)
        if not lost:
            return css
        keep |= lost
    raise PluginError(f"hooks/prune_css.py: PurgeCSS keeps dropping the custom properties {sorted(lost)}")


def on_post_build(config: MkDocsConfig) -> None:
    if _state["serving"]:
        return
    site = Path(config.site_dir)
    sheets = stylesheets(site, "index.html")
    if not sheets:
        raise PluginError("hooks/prune_css.py: the home page links no stylesheet")
    css = prune(site, sheets, purgecss(os.path.dirname(config.config_file_path)), unused_components(config))
    combined = COMBINED.format(digest=hashlib.sha256(css.encode("utf-8")).hexdigest()[:8])
    (site / combined).write_text(css, encoding="utf-8")
    base = "/" + (config.site_url or "/").split("://", 1)[-1].partition("/")[2]
    for file in sorted(site.rglob("*.html")):
        page = file.relative_to(site).as_posix()
        html = file.read_text(encoding="utf-8")
        new = relink(html, page, sheets, combined, base)
        left = [sheet for sheet in sheets if re.search(rf'(?:href|src)="[^"]*{re.escape(posixpath.basename(sheet))}"', new)]
        if left:
            raise PluginError(f"{page} still links the removed stylesheet(s) {left}")
        if new != html:
            file.write_text(new, encoding="utf-8")
    for sheet in sheets:
        for gone in (site / sheet, site / f"{sheet}.map"):
            gone.unlink(missing_ok=True)
