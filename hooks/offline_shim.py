"""MkDocs hook (offline build only, see offline.yml): serve search's worker shim locally.

Opened from disk (file://), a browser will not start Material's search worker; Material's
offline plugin then loads the iframe-worker shim from unpkg.com, which fails without a
network and is a third-party request. At `on_files` this adds the shim from the npm package
(node_modules/iframe-worker, pinned in package.json, installed by `npm ci`) to the site, and
`extra.polyfills` in offline.yml points Material at this local copy instead.
"""

from __future__ import annotations

import os

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

SHIM = "assets/javascripts/iframe-worker-shim.js"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = os.path.dirname(config.config_file_path)
    source = os.path.join(root, "node_modules", "iframe-worker", "shim", "index.js")
    if not os.path.isfile(source):
        raise PluginError("the offline build needs node_modules/iframe-worker: run `npm ci` first (make offline does)")
    if SHIM not in config.extra.get("polyfills", []):
        raise PluginError(f"offline.yml: extra.polyfills must list {SHIM} (or Material loads the shim from unpkg.com)")
    files.append(File.generated(config, SHIM, abs_src_path=source))
    return files
