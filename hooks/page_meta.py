"""MkDocs hook: every page carries the metadata readers see, or the build stops.

Runs at `on_page_markdown`. Each page's front matter must give `description` (the page's
summary for search engines and link previews), `last_reviewed` and `next_review` as dates
(YYYY-MM-DD), with the next review after the last. The theme shows the dates near the end of
the page and a suggested citation (overrides/partials/page-meta.html). An overdue review
never breaks the build (time alone would break it); `make check` lists overdue pages.
"""

from __future__ import annotations

import datetime

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from markdown_citations.mkdocs_plugin import shown_path

REQUIRED = ("title", "description", "last_reviewed", "next_review")


def problems(meta: dict, where: str) -> list[str]:
    """What is missing or malformed in one page's front matter."""
    found = [f"{where}: front matter needs '{name}'" for name in REQUIRED if not meta.get(name)]
    dates = {}
    for name in ("last_reviewed", "next_review"):
        value = meta.get(name)
        if value and not isinstance(value, datetime.date):
            found.append(f"{where}: '{name}: {value}' is not a date: write it as YYYY-MM-DD, for example 2026-11-27")
        elif value:
            dates[name] = value
    if len(dates) == 2 and dates["next_review"] <= dates["last_reviewed"]:
        found.append(f"{where}: next_review ({dates['next_review']}) must come after last_reviewed ({dates['last_reviewed']})")
    description = str(meta.get("description") or "")
    if len(description) > 200:
        found.append(f"{where}: description is {len(description)} characters: keep it under 200")
    return found


def overdue(meta: dict, today: datetime.date) -> bool:
    value = meta.get("next_review")
    return isinstance(value, datetime.date) and value < today


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    found = problems(page.meta, shown_path(config, page.file))
    if found:
        raise PluginError("page metadata to fix:\n" + "\n".join(found))
    return markdown
