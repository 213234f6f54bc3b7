// 考实绩 pages: the live band counter on ballots, one-time submit, and the charts (Chart.js, local).
// No inline scripts anywhere (CSP: script-src 'self'); data comes from data-* and json_script.
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] !== undefined ? String(values[key]) : "";
    });
  }

  // --- Ballot: how many scores at or above the band threshold are still allowed ------------
  function updateBand(form) {
    var threshold = parseInt(form.getAttribute("data-threshold"), 10);
    var min = parseInt(form.getAttribute("data-min"), 10);
    var max = parseInt(form.getAttribute("data-max"), 10);
    var inputs = form.querySelectorAll(".score-input");
    var filled = 0;
    var high = 0;
    inputs.forEach(function (input) {
      var text = input.value.trim();
      var value = Number(text);
      var valid = text !== "" && Number.isInteger(value) && value >= min && value <= max;
      input.classList.toggle("is-invalid", text !== "" && !valid);
      input.classList.toggle("score-high", valid && value >= threshold);
      if (text !== "") filled += 1;
      if (valid && value >= threshold) high += 1;
    });
    var limit;
    if (form.hasAttribute("data-limit")) {
      limit = parseInt(form.getAttribute("data-limit"), 10);
    } else {
      // Paper sheets: N is the number of ratees actually on the sheet.
      var share = parseInt(form.getAttribute("data-share"), 10);
      var minimum = parseInt(form.getAttribute("data-minimum"), 10);
      limit = Math.min(filled, Math.max(Math.floor((filled * share) / 100), minimum));
    }
    var left = limit - high;
    var leftEl = form.querySelector("[data-band-left]");
    if (leftEl) leftEl.textContent = String(Math.max(left, 0));
    var filledEl = form.querySelector("[data-filled]");
    if (filledEl) filledEl.textContent = String(filled);
    var bar = form.querySelector(".band-bar");
    if (bar) bar.classList.toggle("is-over", left < 0);
    var over = form.querySelector("[data-band-over]");
    if (over) {
      over.classList.toggle("d-none", left >= 0);
      over.textContent = left < 0 ? fill(over.getAttribute("data-template"), { n: -left }) : "";
    }
    var status = form.querySelector("[data-band-status]");
    if (status) {
      status.textContent = fill(status.getAttribute("data-template"), {
        filled: filled, threshold: threshold, high: high, limit: limit,
      });
      status.classList.toggle("text-danger", left < 0);
    }
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-band]");
    if (form && event.target.classList.contains("score-input")) updateBand(form);
  });

  // --- Submit once, after a confirmation ----------------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm-submit]");
    if (button && !window.confirm(button.getAttribute("data-confirm-submit"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (!submitter || !submitter.hasAttribute("data-submit-once") || event.defaultPrevented) return;
    // A disabled button is left out of the form data, so carry its name in a hidden field.
    var carry = document.createElement("input");
    carry.type = "hidden";
    carry.name = submitter.name;
    carry.value = submitter.value;
    form.appendChild(carry);
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });

  // --- Charts ----------------------------------------------------------------------------------
  var BRAND = "#a31515";
  var MUTED = "#d9d9d9";

  function data(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }

  function fitHeight(canvas, count) {
    var box = canvas.parentElement;
    box.style.height = Math.max(220, count * 22 + 60) + "px";
  }

  var builders = {
    distribution: function (canvas, d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: canvas.getAttribute("data-label"), data: d.counts, backgroundColor: BRAND }] },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      };
    },
    rates: function (canvas, d) {
      fitHeight(canvas, d.length);
      return {
        type: "bar",
        data: {
          labels: d.map(function (r) { return r.unit; }),
          datasets: [{ label: canvas.getAttribute("data-label"), data: d.map(function (r) { return r.rate; }), backgroundColor: BRAND }],
        },
        options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { min: 0, max: 100 } } },
      };
    },
    completion: function (canvas, d) {
      fitHeight(canvas, d.labels.length);
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: canvas.getAttribute("data-label-submitted"), data: d.submitted, backgroundColor: BRAND },
            { label: canvas.getAttribute("data-label-pending"), data: d.pending, backgroundColor: MUTED },
          ],
        },
        options: { indexAxis: "y", scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } } },
      };
    },
    trend: function (canvas, d) {
      return {
        type: "line",
        data: {
          labels: d.labels,
          datasets: [{ label: canvas.getAttribute("data-label"), data: d.scores, borderColor: BRAND, backgroundColor: BRAND, tension: 0 }],
        },
        // The rating scale's own range (from the settings), so a small change does not look like a cliff.
        options: { plugins: { legend: { display: false } }, scales: { y: { min: d.min, max: d.max } } },
      };
    },
  };

  function drawCharts() {
    if (typeof window.Chart === "undefined") return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var build = builders[canvas.getAttribute("data-chart")];
      var d = data(canvas);
      if (!build || !d) return;
      var config = build(canvas, d);
      config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options);
      new window.Chart(canvas, config);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-band]").forEach(updateBand);
    drawCharts();
  });
})();
