// The monthly report form: save the draft on the server a couple of seconds after a change
// (POST to the same URL with autosave=1; the answer is JSON), and warn before leaving the page
// while changes are not saved. No library, no CDN.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = form.querySelector('[data-testid="autosave-status"]');
  var DELAY = 2000;
  var timer = null;
  var dirty = false;
  var saving = false;
  var again = false;
  var leaving = false;

  function show(text) {
    if (status) status.textContent = text;
  }

  function save() {
    timer = null;
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    dirty = false;
    var data = new FormData(form);
    data.set("autosave", "1");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (answer.saved) {
            show(form.dataset.savedText + " " + answer.at);
            form.dataset.savedAt = answer.at;
          } else {
            dirty = true;
            show(form.dataset.errorText);
          }
        });
      })
      .catch(function () {
        dirty = true;
        show(form.dataset.offlineText);
        schedule();
      })
      .finally(function () {
        saving = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  function changed() {
    dirty = true;
    show(form.dataset.unsavedText);
    schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    leaving = true;
    if (timer) window.clearTimeout(timer);
  });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || (!dirty && !timer && !saving)) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
