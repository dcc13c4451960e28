// Nothing typed is lost without a word: a character counter instead of a hard maxlength, a
// warning before leaving a changed form, one inline edit open at a time, and a warning before
// the session's idle timeout. Every page works without this file (the server checks lengths
// and keeps a form sent after the timeout).
(function () {
  "use strict";

  var numbers = null;  // made at the first count: building it costs page load time
  function formatted(n) {
    numbers = numbers || new Intl.NumberFormat(document.documentElement.lang || "nb");
    return numbers.format(n);
  }

  function characters(text) {
    // As the server counts them: code points, a line break as one.
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  // --- character counter -------------------------------------------------------------------
  function updateCounter(counter) {
    var input = document.getElementById(counter.getAttribute("data-count-for"));
    if (!input) { return; }
    var max = parseInt(input.getAttribute("data-maxlength"), 10);
    var left = max - characters(input.value);
    var kind = left < 0 ? "over" : "left";
    var n = Math.abs(left);
    var text = counter.getAttribute("data-" + kind + (n === 1 ? "-one" : "-other"));
    counter.textContent = text.replace("{n}", formatted(n));
    counter.classList.toggle("character-count--over", left < 0);
  }
  var counterTimers = new WeakMap();
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.id || !input.hasAttribute || !input.hasAttribute("data-maxlength")) { return; }
    var counter = document.querySelector('[data-count-for="' + input.id + '"]');
    if (!counter) { return; }
    // The count is a live region: said once typing pauses, not at every key.
    clearTimeout(counterTimers.get(counter));
    counterTimers.set(counter, setTimeout(function () { updateCounter(counter); }, 300));
  });
  function startCounters(root) {
    root.querySelectorAll("[data-count-for]").forEach(updateCounter);
  }

  // --- changed forms -----------------------------------------------------------------------
  // Forms where a person types text; filters, switches and status selects are left out.
  var TYPED = "textarea, input[type=text], input[type=email], input[type=url], input[type=number], input[type=date], input:not([type])";
  function isChanged(form) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return false; }
    return Array.prototype.some.call(form.querySelectorAll(TYPED), function (el) {
      return el.value !== el.defaultValue;
    });
  }
  function changedForms(except) {
    return Array.prototype.filter.call(document.forms, function (form) {
      return form !== except && isChanged(form);
    });
  }
  var submitting = false;
  document.addEventListener("submit", function () { submitting = true; });
  document.addEventListener("htmx:afterRequest", function () { submitting = false; });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || changedForms(null).length === 0) { return; }
    event.preventDefault();
    event.returnValue = "";  // older browsers ask only when this is set
  });

  // --- one inline edit at a time -------------------------------------------------------------
  // An open inline edit is a form sent by htmx with a Cancel link (hx-get) that brings the
  // row back (plans/_activity_row.html); an opener is a clicked hx-get link of a region that
  // swaps itself (not a link that only polls, such as the notification badge), outside a form.
  function openEdits() {
    return Array.prototype.filter.call(document.querySelectorAll("form[hx-post]"), function (form) {
      return form.querySelector("a[hx-get]") !== null;
    });
  }
  var messages = document.getElementById("form-messages");
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("a[hx-get]:not([hx-trigger])");
    if (!opener || opener.closest("form") || !opener.closest('[hx-target="this"]')) { return; }
    // The opener's own region is swapped by its request (e.g. "Delete" beside the open edit).
    var region = opener.closest('[hx-target="this"]');
    var others = openEdits().filter(function (form) { return !region.contains(form); });
    var changed = others.filter(isChanged);
    if (changed.length && !window.confirm(messages.getAttribute("data-unsaved-edit"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      changed[0].querySelector(TYPED).focus();
      return;
    }
    others.forEach(function (form) { window.htmx.trigger(form.querySelector("a[hx-get]"), "click"); });
  }, true);

  // --- idle timeout warning --------------------------------------------------------------------
  var dialog = document.getElementById("session-warning");
  var warnTimer = null;
  var endTimer = null;
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function signedOut() {
    dialog.querySelector("[data-active]").hidden = true;
    dialog.querySelector("[data-ended]").hidden = false;
    dialog.querySelector("[data-keep-alive]").hidden = true;
    dialog.querySelector("[data-close]").hidden = false;
    if (!dialog.open) { dialog.showModal(); }
    dialog.querySelector("[data-close]").focus();
  }
  function schedule() {
    if (!dialog) { return; }
    var idle = parseInt(dialog.getAttribute("data-idle-seconds"), 10) * 1000;
    var warning = parseInt(dialog.getAttribute("data-warning-seconds"), 10) * 1000;
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      dialog.showModal();
      dialog.querySelector("[data-keep-alive]").focus();
    }, Math.max(idle - warning, 0));
    endTimer = setTimeout(signedOut, idle);
  }
  function keepAlive() {
    var body = new FormData();
    body.append("csrf_token", csrfToken());
    fetch(dialog.getAttribute("data-keep-alive-url"), {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: {"X-CSRFToken": csrfToken()}
    }).then(function (response) {
      if (response.status === 204) { dialog.close(); schedule(); } else { signedOut(); }
    }, signedOut);
  }
  if (dialog) {
    dialog.querySelector("[data-keep-alive]").addEventListener("click", function (event) {
      event.preventDefault();
      keepAlive();
    });
    dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
    // Escape means "I am here" as much as the button does.
    dialog.addEventListener("cancel", function (event) {
      if (!dialog.querySelector("[data-keep-alive]").hidden) { event.preventDefault(); keepAlive(); }
    });
    // Each request the server sees moves the session's last use on.
    document.addEventListener("htmx:afterRequest", schedule);
  }

  document.addEventListener("DOMContentLoaded", function () {
    startCounters(document);
    schedule();
  });
  document.addEventListener("htmx:afterSwap", function (event) { startCounters(event.target); });
})();
