// A button marked data-print opens the browser's print dialog (a listener, not an onclick
// attribute: the Content-Security-Policy runs no inline handlers).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
