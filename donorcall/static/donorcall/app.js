// donorcall: toasts bottom-right and htmx glue. No framework, no CDN.
(function () {
  "use strict";
  var TOAST_MS = 6000;

  function dismissLater(toast) {
    if (toast.dataset.sticky === "true") return;
    setTimeout(function () { toast.remove(); }, TOAST_MS);
  }

  function showToast(text, level) {
    var region = document.getElementById("toasts");
    if (!region) return;
    var toast = document.createElement("div");
    toast.className = "toast " + (level || "info");
    toast.setAttribute("role", level === "error" ? "alert" : "status");
    toast.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    toast.appendChild(close);
    region.appendChild(toast);
    dismissLater(toast);
  }
  window.donorcall = { toast: showToast };

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".toast button");
    if (button) button.parentElement.remove();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(dismissLater);
  });

  // A server response can ask for a toast with the HX-Trigger header: {"toast": {...}}.
  document.body && document.body.addEventListener("toast", function (event) {
    showToast(event.detail.message, event.detail.level);
  });
  document.addEventListener("htmx:responseError", function () {
    showToast("Something went wrong. Please try again.", "error");
  });
})();
