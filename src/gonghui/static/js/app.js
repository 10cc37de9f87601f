// Small behaviours that CSP forbids inline. No framework needed for these.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.requestSubmit();
  });
  // Tree toggles: the first click loads children through htmx, later clicks fold and unfold.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-toggle-tree]");
    if (!button) return;
    var list = button.parentElement.querySelector(":scope > ul");
    var expanded = button.getAttribute("aria-expanded") === "true";
    if (button.dataset.loaded) {
      event.preventDefault();
      event.stopImmediatePropagation();
      list.hidden = expanded;
    }
    button.setAttribute("aria-expanded", expanded ? "false" : "true");
    button.textContent = expanded ? "+" : "−";
  }, true);
  document.addEventListener("htmx:afterSwap", function (event) {
    var li = event.detail.target.parentElement;
    var button = li && li.querySelector(":scope > [data-toggle-tree]");
    if (button) button.dataset.loaded = "1";
  });
})();
