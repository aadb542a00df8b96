// The dashboard's charts (Chart.js from static/vendor), drawn from the JSON the
// page holds in #chart-data; every chart has a table with the same numbers.
(function () {
  "use strict";

  function number(value) {
    return new Intl.NumberFormat(document.documentElement.lang || "vi").format(value);
  }

  function shade(percent) {
    // Grey for no reduction (or an increase), then darker green the larger it is.
    if (percent === null || percent <= 0) return "rgba(140, 140, 140, 0.7)";
    const lightness = Math.max(25, 75 - Math.min(percent, 50));
    return "hsla(150, 55%, " + lightness + "%, 0.85)";
  }

  function trend(canvas, data) {
    return new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "line", label: data.unitsLabel, data: data.units, yAxisID: "units",
            borderColor: "#b22222", backgroundColor: "#b22222", tension: 0.2 },
          { type: "bar", label: data.staffLabel, data: data.staff, yAxisID: "staff",
            backgroundColor: "rgba(70, 110, 160, 0.35)" },
        ],
      },
      options: {
        maintainAspectRatio: false, animation: false,
        scales: {
          units: { position: "left", beginAtZero: true, ticks: { callback: number } },
          staff: { position: "right", grid: { drawOnChartArea: false }, ticks: { callback: number } },
        },
      },
    });
  }

  function sectors(canvas, data) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.baseLabel, data: data.base, backgroundColor: "rgba(140, 140, 140, 0.6)" },
          { label: data.nowLabel, data: data.now, backgroundColor: "#b22222" },
        ],
      },
      options: { indexAxis: "y", maintainAspectRatio: false, animation: false,
                 scales: { x: { ticks: { callback: number } } } },
    });
  }

  function map(canvas, data) {
    const largest = Math.max(1, ...data.map.map((p) => p.units));
    return new Chart(canvas, {
      type: "bubble",
      data: {
        datasets: [{
          data: data.map.map((p) => ({ x: p.x, y: p.y, r: 3 + 14 * Math.sqrt(p.units / largest), p: p })),
          backgroundColor: data.map.map((p) => shade(p.percent)),
          borderColor: "rgba(0, 0, 0, 0.35)",
        }],
      },
      options: {
        maintainAspectRatio: false, animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => {
            const p = item.raw.p;
            const cut = p.percent === null ? "" : ", " + data.reducedWord + " " + number(p.percent) + " %";
            return p.name + ": " + number(p.units) + " " + data.unitsWord + cut;
          } } },
        },
        scales: { x: { display: false, min: 102, max: 110 }, y: { display: false, min: 8, max: 23.5 } },
        onClick: (_event, elements) => {
          if (elements.length) window.location.search = data.map[elements[0].index].url;
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });
  }

  function draw() {
    const source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") return;
    const data = JSON.parse(source.textContent);
    const found = (id) => document.getElementById(id);
    if (found("chart-trend")) trend(found("chart-trend"), data.trend);
    if (found("chart-sectors") && data.sectors.labels.length) sectors(found("chart-sectors"), data.sectors);
    if (found("chart-map") && data.map.length) map(found("chart-map"), data);
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
