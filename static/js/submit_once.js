// Forms marked data-submit-once are sent once: a second click (or Enter) while the page waits for
// the answer is ignored and the button is disabled. The server saves a form once anyway (a money
// form's one-time token, core/once.py; the state a decision changes): this spares the user the
// wait and the message. A page shown again from the browser's history gets its buttons back.
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      // After the browser has read the button that was pressed.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
    });
  });
})();
