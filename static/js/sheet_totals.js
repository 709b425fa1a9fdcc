// A figure that adds up the amounts typed in a sheet (the collection sheet's "entered", the
// contributions sheet's balance after it): an element with data-sum-of="<selector of the boxes>",
// and data-plus="<amount>" to start from, shows the total as it is typed (1.500.000 or 1500000).
// The server recomputes every figure when the sheet is saved: this only spares the sum in the head.
(function () {
  "use strict";
  var totals = document.querySelectorAll("[data-sum-of]");
  if (!totals.length) return;
  var format = new Intl.NumberFormat("vi-VN");

  function amount(text) {
    var digits = text.replace(/[^0-9]/g, "");
    return digits ? Number(digits) : 0;
  }

  function refresh() {
    totals.forEach(function (total) {
      var sum = Number(total.dataset.plus || 0);
      document.querySelectorAll(total.dataset.sumOf).forEach(function (input) {
        sum += amount(input.value);
      });
      total.textContent = format.format(sum) + "\u00a0đ";
    });
  }
  document.addEventListener("input", refresh);
})();
