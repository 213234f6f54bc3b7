// Small behaviours shared by every page. No inline scripts anywhere (CSP: script-src 'self').
(function () {
  "use strict";

  // <select data-autosubmit> submits its form on change (language switcher, filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });

  // <form data-confirm="..."> asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // <textarea data-count-target="id" data-count-min="15" data-count-goal="50"> live character count.
  function updateCount(area) {
    var target = document.getElementById(area.getAttribute("data-count-target"));
    if (!target) return;
    var length = Array.from(area.value.trim()).length;
    var min = parseInt(area.getAttribute("data-count-min") || "0", 10);
    target.textContent = String(length);
    target.classList.toggle("text-danger", length < min);
    target.classList.toggle("text-success", length >= min);
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-count-target]")) updateCount(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-count-target]").forEach(updateCount);
  });
})();
