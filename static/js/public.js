// Public pages: the large-text mode (适老化). A static file, run from <head> so that the page is
// drawn at the chosen size from the start (CSP: script-src 'self', no inline scripts).
(function () {
  "use strict";
  var KEY = "pub-large-text";
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (error) {
      return false; // storage switched off: the mode lasts for this page only
    }
  }

  function apply(large) {
    root.classList.toggle("pub-large", large);
    var toggle = document.getElementById("large-text-toggle");
    if (toggle) toggle.setAttribute("aria-pressed", large ? "true" : "false");
  }

  apply(stored());

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("large-text-toggle");
    if (!toggle) return;
    toggle.hidden = false;
    apply(root.classList.contains("pub-large"));
    toggle.addEventListener("click", function () {
      var large = !root.classList.contains("pub-large");
      try {
        window.localStorage.setItem(KEY, large ? "1" : "0");
      } catch (error) {
        // not remembered; still applied
      }
      apply(large);
    });
  });
})();
