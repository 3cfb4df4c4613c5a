// Citation previews (Material's footnote tooltips) for keyboard and screen-reader users.
//
// 1. Escape closes an open preview without moving keyboard focus, so that content shown on
//    hover or focus can be dismissed (WCAG 2.2, success criterion 1.4.13).
// 2. Material renders each preview as a dialog with no accessible name; name it after what
//    it holds (axe-core rule aria-dialog-name).
// 3. Short tooltips (glossary terms, abbreviations: role "tooltip") are moved from the end
//    of <body> into <main>, so that what they say is inside a landmark (axe-core rule
//    region). <main> is not positioned, so the tooltip is placed exactly as before.
// 4. Not a tooltip, but keyboard focus too: the colour-scheme switch is a pair of visually
//    hidden radio buttons, each followed by a label, of which Material shows only the one
//    after the current scheme's button, and draws that button's focus ring on it. Material
//    never marks that button as checked, so Shift+Tab, which enters a group with nothing
//    checked at its last button, could stop on the other button, whose label is hidden: no
//    focus ring anywhere, and a name ("Switch to light mode") that the visible switch does
//    not have. Checking the current scheme's button makes it the group's only stop.
// 5. Tab in the search box: Material closes the search and blurs the box before the browser
//    moves focus. Chromium and Firefox then move on from where the box was; WebKit (Safari)
//    starts again from the top of the page, so Tab never got past the search box, and
//    Shift+Tab left the page. For that one key press the box's blur() does nothing: the
//    search still closes, and the browser moves focus on from the box in every engine.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") {
    return;
  }
  document.querySelectorAll(".md-tooltip2--active, .md-tooltip--active").forEach(function (tip) {
    tip.classList.remove("md-tooltip2--active", "md-tooltip--active");
  });
});

new MutationObserver(function (changes) {
  changes.forEach(function (change) {
    change.addedNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.matches(".md-tooltip2[role='dialog']:not([aria-label])")) {
        node.setAttribute("aria-label", "Reference");
      }
      var main = document.querySelector("main");
      if (node.nodeType === 1 && main && node.matches(".md-tooltip2[role='tooltip']")) {
        main.appendChild(node);
      }
    });
  });
}).observe(document.body, { childList: true });

var palette = document.querySelector("form[data-md-component='palette']");
if (palette) {
  var checkCurrentScheme = function () {
    palette.querySelectorAll("input.md-option").forEach(function (input) {
      var label = input.nextElementSibling;
      if (label && label.tagName === "LABEL" && !label.hidden) {
        input.checked = true;
      }
    });
  };
  new MutationObserver(checkCurrentScheme).observe(palette, { attributes: true, attributeFilter: ["hidden"], subtree: true });
  checkCurrentScheme();
}

document.addEventListener("keydown", function (event) {
  var input = event.target;
  if (event.key !== "Tab" || !(input instanceof HTMLInputElement) || !input.matches(".md-search__input")) {
    return;
  }
  input.blur = function () {};
  setTimeout(function () {
    delete input.blur;
  }, 0);
}, true);
