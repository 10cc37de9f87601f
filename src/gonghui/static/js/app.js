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
  // Org pickers (organizations/autocomplete.py): a click on a match fills in "name #id" and
  // closes the list; Escape closes it. Without JS the input takes a typed name or number.
  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest("[data-autocomplete-pick]");
    if (!pick) return;
    var box = pick.closest("[data-autocomplete]");
    var input = box.querySelector("input");
    input.value = pick.dataset.value;
    box.querySelector(".autocomplete-results").innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.focus();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    var box = event.target.closest("[data-autocomplete]");
    if (box) box.querySelector(".autocomplete-results").innerHTML = "";
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.classList.contains("autocomplete-results")) {
      var box = event.detail.target.closest("[data-autocomplete]");
      box.querySelector("input").setAttribute(
        "aria-expanded", event.detail.target.children.length ? "true" : "false");
      return;
    }
    var li = event.detail.target.parentElement;
    var button = li && li.querySelector(":scope > [data-toggle-tree]");
    if (button) button.dataset.loaded = "1";
  });
})();
