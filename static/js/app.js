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

  // <button data-print> prints the page (its print styles hide the app's chrome).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
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

  // Tabs and pills scroll sideways on a narrow screen (app.css). Mark the edges past which more tabs
  // lie, so that the edge fades and an arrow shows, and bring the active tab into view.
  function markScroll(nav) {
    var wrap = nav.parentElement;
    var start = nav.scrollLeft > 2;
    var end = nav.scrollWidth - nav.clientWidth - nav.scrollLeft > 2;
    nav.classList.toggle("scroll-more-start", start);
    nav.classList.toggle("scroll-more-end", end);
    wrap.classList.toggle("more-start", start);
    wrap.classList.toggle("more-end", end);
    wrap.querySelectorAll(".scroll-arrow").forEach(function (arrow) {
      arrow.style.height = nav.offsetHeight + "px";
    });
  }
  function arrow(nav, direction, symbol, label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "scroll-arrow " + direction;
    button.textContent = symbol;
    button.setAttribute("aria-label", label);
    button.tabIndex = -1;
    button.addEventListener("click", function () {
      nav.scrollBy({ left: (direction === "next" ? 1 : -1) * nav.clientWidth * 0.6 });
    });
    return button;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var navs = document.querySelectorAll(".nav-tabs:not(.flex-wrap), .nav-pills:not(.flex-wrap)");
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    navs.forEach(function (nav) {
      var wrap = document.createElement("div");
      wrap.className = "scroll-wrap";
      nav.parentNode.insertBefore(wrap, nav);
      wrap.appendChild(nav);
      wrap.appendChild(arrow(nav, "prev", "\u2039", english ? "Previous tabs" : "\u5411\u5de6\u6eda\u52a8"));
      wrap.appendChild(arrow(nav, "next", "\u203a", english ? "More tabs" : "\u5411\u53f3\u6eda\u52a8"));
      var active = nav.querySelector(".active");
      if (active && nav.scrollWidth > nav.clientWidth) {
        nav.scrollLeft = Math.max(0, active.offsetLeft - nav.clientWidth / 2 + active.offsetWidth / 2);
      }
      markScroll(nav);
      nav.addEventListener("scroll", function () { markScroll(nav); }, { passive: true });
    });
    window.addEventListener("resize", function () { navs.forEach(markScroll); });
  });
})();
