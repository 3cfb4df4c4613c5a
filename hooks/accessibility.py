"""MkDocs hook: accessibility fixes to Material's markup that CSS cannot make.

Runs at `on_post_page`, on every page's final HTML, and at `on_post_template` on the
"page not found" page (404.html), which MkDocs renders from a template, not a page.
Material renders its search overlay as `role="dialog"` without an accessible name (axe-core rule aria-dialog-name); this gives it
one. If a Material upgrade changes that markup, the build stops rather than silently
shipping the unnamed dialog again.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search this site">'


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return name_search_dialog(output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return name_search_dialog(output_content) if template_name == "404.html" else output_content


def name_search_dialog(output: str) -> str:
    if SEARCH_DIALOG not in output:
        if NAMED_SEARCH_DIALOG in output or 'data-md-component="search"' not in output:
            return output
        raise PluginError("hooks/accessibility.py: Material's search dialog markup has changed; "
                          "update SEARCH_DIALOG so the dialog keeps its accessible name")
    return output.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)
