// Citation previews (Material's footnote tooltips) for keyboard and screen-reader users.
//
// 1. Escape closes an open preview without moving keyboard focus, so that content shown on
//    hover or focus can be dismissed (WCAG 2.2, success criterion 1.4.13).
// 2. Material renders each preview as a dialog with no accessible name; name it after what
//    it holds (axe-core rule aria-dialog-name).
// 3. Short tooltips (glossary terms, abbreviations: role "tooltip") are moved from the end
//    of <body> into <main>, so that what they say is inside a landmark (axe-core rule
//    region). <main> is not positioned, so the tooltip is placed exactly as before.
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
