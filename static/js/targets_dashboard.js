// Draws the targets dashboard's charts with the vendored Chart.js, from the figures the page
// passes in <script id="targets-chart-data" type="application/json"> (Django's json_script).
// The tables beside each chart hold the same numbers: the charts are only a picture of them.
(function () {
  "use strict";
  const source = document.getElementById("targets-chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const locale = document.documentElement.lang || "vi";
  const green = "#198754";
  const teal = "#20c997";
  const dark = "#212529";

  // A target drawn as a line across the chart: horizontal on a vertical bar chart, vertical on
  // a horizontal one (options.plugins.targetLine = {value, label}).
  const targetLine = {
    id: "targetLine",
    afterDatasetsDraw(chart, _args, options) {
      if (options.value === undefined || options.value === null) {
        return;
      }
      const horizontal = chart.options.indexAxis === "y";
      const scale = horizontal ? chart.scales.x : chart.scales.y;
      const at = scale.getPixelForValue(options.value);
      const area = chart.chartArea;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = dark;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      if (horizontal) {
        ctx.moveTo(at, area.top);
        ctx.lineTo(at, area.bottom);
      } else {
        ctx.moveTo(area.left, at);
        ctx.lineTo(area.right, at);
      }
      ctx.stroke();
      ctx.fillStyle = dark;
      ctx.font = "12px sans-serif";
      if (horizontal) {
        ctx.fillText(options.label || "", Math.min(at + 4, area.right - 40), area.top + 12);
      } else {
        ctx.fillText(options.label || "", area.left + 4, at - 4);
      }
      ctx.restore();
    },
  };
  Chart.register(targetLine);
  Chart.defaults.animation = false; // a report, not a show; and the print preview draws at once
  Chart.defaults.maintainAspectRatio = false;

  const percentAxis = { min: 0, max: 100, ticks: { callback: (value) => value + " %" } };

  function draw(canvas, config) {
    if (canvas) {
      new Chart(canvas, config);
    }
  }

  const newClubs = data.new_clubs;
  draw(document.querySelector('canvas[data-chart="new_clubs"]'), {
    type: "bar",
    data: {
      labels: newClubs.labels,
      datasets: [
        { label: newClubs.labels_text.counted, data: newClubs.counted, backgroundColor: green },
        { label: newClubs.labels_text.launched, data: newClubs.launched, backgroundColor: teal },
      ],
    },
    options: {
      scales: { y: { beginAtZero: true, suggestedMax: newClubs.target + 1, ticks: { precision: 0 } } },
      plugins: { targetLine: { value: newClubs.target, label: newClubs.labels_text.target + ": " + newClubs.target } },
    },
  });

  for (const group of data.coverage) {
    draw(document.querySelector('canvas[data-chart="coverage"][data-group="' + group.id + '"]'), {
      type: "bar",
      data: { labels: group.labels, datasets: [{ label: group.label, data: group.shares, backgroundColor: green }] },
      options: {
        indexAxis: "y",
        scales: { x: percentAxis },
        plugins: { targetLine: { value: group.target, label: group.target_label + " " + group.target + " %" } },
      },
    });
  }

  const composition = data.composition;
  draw(document.querySelector('canvas[data-chart="composition"]'), {
    type: "bar",
    data: {
      labels: composition.labels,
      datasets: [{ label: composition.label, data: composition.shares, backgroundColor: green }],
    },
    options: { scales: { y: percentAxis } },
  });

  const capital = data.capital;
  const money = new Intl.NumberFormat(locale);
  draw(document.querySelector('canvas[data-chart="capital"]'), {
    type: "bar",
    data: { labels: capital.labels, datasets: [{ label: capital.label, data: capital.amounts, backgroundColor: green }] },
    options: {
      indexAxis: "y",
      scales: { x: { beginAtZero: true, ticks: { callback: (value) => money.format(value) } } },
    },
  });

  const par30 = data.par30;
  draw(document.querySelector('canvas[data-chart="par30"]'), {
    type: "bar",
    data: { labels: par30.labels, datasets: [{ label: par30.label, data: par30.shares, backgroundColor: "#dc3545" }] },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, suggestedMax: 10 } } },
  });
})();
