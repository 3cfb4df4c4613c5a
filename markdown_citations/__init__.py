"""Citations and glossary terms for Markdown sites, as Python-Markdown extensions.

Write Pandoc-style citations (`[@key]`, `[@key, p. 3]`, `[see @a; @b]`, `[-@key]`) and they
become APA author-date links to a References list at the end of the page, formatted by
pandoc's citeproc from a .bib file; glossary terms link to their entry at first use.

| Module | What it does |
|---|---|
| `syntax` | finds citations in Markdown, skipping code |
| `bibliography` | reads and checks a .bib (file, line and key in every message); formats with pandoc |
| `library` | one checked .bib and its formatted citations, cached on disk |
| `extension` | the citations extension (`markdown_citations`) |
| `glossary` | the glossary extension (`markdown_citations.glossary`) |
| `context` | which page a Markdown run renders (from a builder's plugin, or Zensical) |
| `site`, `formats`, `coins` | site-wide work: the References page, CSL-JSON and RIS, COinS |
| `mkdocs_plugin` | the MkDocs and ProperDocs layer (plugin `citations`, alias `bibtex`) |

Any builder that runs Python-Markdown extensions (MkDocs, ProperDocs, Zensical) resolves the
citations; the site-wide work needs the plugin. Each extension's module docstring gives its
processors and their priorities; `mkdocs_plugin` gives the events it uses.
"""

from .extension import CitationError, CitationsExtension, makeExtension

__all__ = ["CitationError", "CitationsExtension", "makeExtension"]
