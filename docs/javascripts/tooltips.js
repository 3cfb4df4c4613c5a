// Citation previews (Material's footnote tooltips) for keyboard and screen-reader users.
//
// 1. Escape closes an open preview without moving keyboard focus, so that content shown on
//    hover or focus can be dismissed (WCAG 2.2, success criterion 1.4.13).
// 2. Material renders each preview as a dialog with no accessible name; name it after what
//    it holds (axe-core rule aria-dialog-name).
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
    });
  });
}).observe(document.body, { childList: true });
