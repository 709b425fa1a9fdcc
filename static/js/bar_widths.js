// Sizes the progress bars from their data attributes: data-bar-width (percent of the bar) and
// data-bar-left (percent from the left, the pace mark). Set through the DOM because the
// Content-Security-Policy refuses style attributes written in the HTML; the numbers stay in the
// text beside each bar when scripts are off.
(function () {
  "use strict";
  document.querySelectorAll("[data-bar-width]").forEach(function (bar) {
    bar.style.width = bar.dataset.barWidth + "%";
  });
  document.querySelectorAll("[data-bar-left]").forEach(function (mark) {
    mark.style.left = mark.dataset.barLeft + "%";
  });
})();
