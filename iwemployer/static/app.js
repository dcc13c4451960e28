// Small enhancements on top of htmx; every page works without this file.
(function () {
  "use strict";
  function focusFirstError(root) {
    var summary = root.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
  }
  // The header's menu link (#site-menu, shown by :target without JS) becomes a real toggle button.
  function enhanceMenuButton() {
    var link = document.querySelector("[data-menu-button]");
    var menu = document.getElementById("site-menu");
    if (!link || !menu) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "site-menu");
    button.addEventListener("click", function () {
      var open = menu.classList.toggle("is-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    link.replaceWith(button);
  }
  // A table wider than its box scrolls inside it (app.css): keyboard users reach it with Tab.
  function markScrollingTables() {
    document.querySelectorAll("table.data, .table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError(document);
    enhanceMenuButton();
    markScrollingTables();
  });
  document.addEventListener("htmx:afterSettle", markScrollingTables);
  window.addEventListener("resize", markScrollingTables);
  document.addEventListener("htmx:afterSwap", function (event) { focusFirstError(event.target); });
  // An upload's progress, in the sending form's <progress data-upload-progress>.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = event.target.querySelector && event.target.querySelector("progress[data-upload-progress]");
    if (bar && event.detail.lengthComputable) {
      bar.value = Math.round(event.detail.loaded / event.detail.total * 100);
    }
  });
})();
