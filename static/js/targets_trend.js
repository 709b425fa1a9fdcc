// Draws the trend of active clubs (bars) and coverage (line, right axis) per year with the vendored
// Chart.js, from <script id="targets-trend-data" type="application/json">; the table above holds
// the same numbers. A year counted on a new administrative map is marked ★ in its label.
(function () {
  "use strict";
  const source = document.getElementById("targets-trend-data");
  const canvas = document.querySelector('canvas[data-chart="trend"]');
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  const trend = JSON.parse(source.textContent);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: trend.labels,
      datasets: [
        { label: trend.labels_text.clubs, data: trend.clubs, backgroundColor: "#198754", yAxisID: "y" },
        { label: trend.labels_text.coverage, data: trend.coverage, type: "line", borderColor: "#212529", yAxisID: "share" },
      ],
    },
    options: {
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        share: { min: 0, max: 100, position: "right", grid: { drawOnChartArea: false }, ticks: { callback: (value) => value + " %" } },
      },
      plugins: {
        subtitle: { display: trend.labels.some((label) => label.endsWith("★")), text: trend.labels_text.map_changed },
      },
    },
  });
})();
