// Upload progress on the subsidy pages (htmx's progress events); the plain form works without it.
(function () {
  "use strict";
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest ? event.target.closest("[data-upload-progress]") : null;
    if (!form || !event.detail.lengthComputable) { return; }
    var bar = form.querySelector("progress");
    if (!bar) { return; }
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });
})();
