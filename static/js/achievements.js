// 晒实绩: live character counter, participant picker, formset rows. No inline scripts (CSP).
(function () {
  "use strict";

  // <textarea data-counter data-counter-min="15" data-counter-target="50"> with
  // <div class="counter" data-counter-for="<textarea id>"><span class="count"></span><progress></progress></div>
  // Counts code points of the trimmed text with CRLF as one character, as the server does.
  function length(text) {
    return Array.from(text.replace(/\r\n?/g, "\n").trim()).length;
  }
  function updateCounter(area) {
    var box = document.querySelector('[data-counter-for="' + area.id + '"]');
    if (!box) return;
    var n = length(area.value);
    var min = parseInt(area.getAttribute("data-counter-min") || "0", 10);
    var target = parseInt(area.getAttribute("data-counter-target") || String(min), 10);
    var count = box.querySelector(".count");
    if (count) count.textContent = String(n);
    var bar = box.querySelector("progress");
    if (bar) { bar.max = target || 1; bar.value = Math.min(n, target || 1); }
    box.classList.toggle("is-short", n < min);
    box.classList.toggle("is-enough", n >= min);
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-counter]")) updateCounter(event.target);
  });

  // Participant picker: type a name or code, pick "姓名（编号）" from the suggestions.
  var lookupTimer = null;
  function lookup(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.closest("form") && input.closest("form").getAttribute("data-lookup-url");
    var q = input.value.trim();
    if (!list || !url || q.length < 1 || q.indexOf("（") !== -1) return;
    var target = new URL(url, window.location.origin);
    target.searchParams.set("q", q);
    fetch(target.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        list.replaceChildren();
        data.results.forEach(function (c) {
          var option = document.createElement("option");
          option.value = c.name + "（" + c.code + "）";
          option.textContent = c.unit;
          list.appendChild(option);
        });
      })
      .catch(function () { /* suggestions are a convenience; typing the code still works */ });
  }
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-participant]")) {
      window.clearTimeout(lookupTimer);
      lookupTimer = window.setTimeout(function () { lookup(el); }, 200);
    }
  });

  // Formsets: <button data-formset-add="figures"> appends a copy of <template id="figures-empty">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-formset-add]");
    if (!button) return;
    event.preventDefault();
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) return;
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input, select, textarea");
    if (first) first.focus();
  });

  // The log form edits one day: picking another date loads that day's log (heading, text and
  // version) instead of saving this text under it. Unsaved text is only dropped on confirmation.
  var daySwitchTimer = null;
  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.closest && input.closest("form[data-day-switch]");
    if (!form || input.name !== "day" || !input.value) return;
    window.clearTimeout(daySwitchTimer);
    daySwitchTimer = window.setTimeout(function () {
      var text = form.querySelector("textarea[name=text]");
      var dirty = text && text.value !== text.defaultValue;
      if (dirty && !window.confirm(form.getAttribute("data-unsaved-confirm"))) {
        input.value = input.defaultValue;
        return;
      }
      var target = new URL(form.getAttribute("data-day-switch"), window.location.origin);
      target.searchParams.set("day", input.value);
      target.hash = "composer";
      window.location.assign(target.toString());
    }, 300);
  });

  function init() {
    document.querySelectorAll("[data-counter]").forEach(updateCounter);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
