// What a person types into a money sheet (form[data-keep-typed]) stays on the phone until the
// server confirms it: a reload, a lost connection or a closed tab brings it back. It is kept with
// the form's one-time token and version (core/once.py), and brought back with them: if the first
// sending did reach the server, sending again is answered with what it saved, never saved twice;
// if the books changed since, the server refuses the old version and says so.
// The server lists the tokens it has saved for this session (body[data-saved-tokens]): what was
// kept under one of them is dropped, not brought back.
(function () {
  "use strict";
  var saved = (document.body.dataset.savedTokens || "").split(" ");

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // private mode or storage off: the server still keeps what it received
    }
  }

  function boxes(form) {
    return Array.prototype.filter.call(form.elements, function (box) {
      return box.name && box.type !== "hidden" && box.type !== "submit" && box.type !== "button" && !box.disabled;
    });
  }

  // The form's own field (name, or prefix-name), not Django's csrfmiddlewaretoken.
  function hidden(form, name) {
    return form.querySelector('input[type="hidden"][name="' + name + '"], input[type="hidden"][name$="-' + name + '"]');
  }

  document.querySelectorAll("form[data-keep-typed]").forEach(function (form) {
    var store = storage();
    if (!store) return;
    var key = "kept:" + form.dataset.keepTyped;
    var token = hidden(form, "token");
    var version = hidden(form, "version");
    var kept = null;
    try {
      kept = JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      kept = null;
    }
    if (kept && saved.indexOf(kept.token) !== -1) {
      store.removeItem(key);
      kept = null;
    }
    if (kept && token && kept.token !== token.value) {
      boxes(form).forEach(function (box) {
        if (!(box.name in kept.values)) return;
        if (box.type === "checkbox" || box.type === "radio") {
          box.checked = kept.values[box.name] === true || kept.values[box.name] === box.value;
        } else {
          box.value = kept.values[box.name];
        }
        box.dispatchEvent(new Event("input", { bubbles: true }));
      });
      token.value = kept.token;
      if (version && kept.version !== undefined) version.value = kept.version;
      var note = document.createElement("div");
      note.className = "alert alert-warning";
      note.setAttribute("role", "status");
      note.dataset.testid = "kept-typed";
      note.textContent = form.dataset.keptNote || "";
      form.parentNode.insertBefore(note, form);
    }

    function keep(event) {
      // Only what the person did: scripts that tidy the boxes on load (grouping, totals) change nothing to keep.
      if (!event.isTrusted) return;
      var values = {};
      boxes(form).forEach(function (box) {
        if (box.type === "radio") {
          if (box.checked) values[box.name] = box.value;
        } else {
          values[box.name] = box.type === "checkbox" ? box.checked : box.value;
        }
      });
      try {
        store.setItem(
          key,
          JSON.stringify({ token: token ? token.value : "", version: version ? version.value : undefined, values: values })
        );
      } catch (error) {
        // storage full: the server still keeps what it received
      }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", keep);
  });
})();
