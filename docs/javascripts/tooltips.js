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
