// PurgeCSS settings for hooks/prune_css.py, which passes the stylesheets (--css), the
// built site's pages and scripts (--content) and the output folder on the command line.
//
// A selector is kept when what it names can occur in the site:
// - HTML pages are parsed (purgecss-from-html), so a selector is kept for the elements,
//   classes, ids and attributes the pages really have, not for every word of their prose;
// - JavaScript (Material's bundle and search worker, this site's scripts) adds elements,
//   classes and attributes as it runs: the search results, tooltips and highlights. From
//   scripts we take every Material class and data attribute they name ("md-...",
//   "data-..."), every element they write as markup ("<mark") and every word they quote
//   (an element, class, attribute value or state chosen as they run: "summary",
//   "focus-visible", role "tooltip"), so that nothing they can add loses its style.
//   The exception: Material components that this site's mkdocs.yml does not switch on
//   (hooks/prune_css.py works them out from theme.features and the plugins, and passes
//   them in PRUNE_CSS_UNUSED): their script is in the bundle, but never runs here.
// Unused custom properties, keyframes and font faces are removed too. PurgeCSS can drop a
// custom property that is still used, through another one (Material's dark palette sets
// --md-hue, which its colours use): hooks/prune_css.py then runs it again keeping those, by
// name, in PRUNE_CSS_KEEP_VARIABLES.
// If a page ever looks unstyled, add what it needs to `safelist` below, with the reason.
const fromHtml = require("purgecss-from-html");

const unused = (process.env.PRUNE_CSS_UNUSED || "").split(",").filter(Boolean);

const fromScript = (content) => [
  ...(content.match(/(?:data-)?md-[\w-]+|data-[\w-]+/g) || []),
  ...Array.from(content.matchAll(/<([a-z][a-z0-9]*)/g), (match) => match[1]),
  ...Array.from(content.matchAll(/["'`]([a-z][\w-]*)["'`]/g), (match) => match[1]),
].filter((token) => !unused.some((name) => token.startsWith(name) || token.startsWith(`data-${name}`)));

module.exports = {
  extractors: [
    { extensions: ["html"], extractor: fromHtml.default || fromHtml },
    { extensions: ["js"], extractor: fromScript },
  ],
  variables: true,
  keyframes: true,
  fontFace: true,
  safelist: {
    variables: (process.env.PRUNE_CSS_KEEP_VARIABLES || "").split(",").filter(Boolean),
  },
};
