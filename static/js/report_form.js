// The monthly report form on a phone that loses its connection and may be open on two devices.
//
// - Autosave: a couple of seconds after a change, POST only the inputs changed since the last
//   save the server confirmed, each with the value it had then ("base:<name>"), and the version
//   of the report the page is at (autosave=1, partial=1; the answer is JSON). The server merges
//   input by input: an input another device changed meanwhile comes back as a conflict, kept here
//   until the chair keeps hers or takes the other; values other devices saved are shown.
// - Nothing typed is lost: what is not confirmed yet is kept in localStorage (keyed by club,
//   month and user) and put back after a reload, a lost connection or a closed tab.
// - The status line says plainly whether the report is saved; the error list on top links to
//   each input in error.
// No library, no CDN.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = form.querySelector('[data-testid="autosave-status"]');
  var versionInput = form.querySelector('input[name="version"]');
  var summary = document.getElementById("error-summary");
  var conflictBox = document.getElementById("conflicts");
  var KEY = form.dataset.draftKey;
  var DELAY = 2000;
  var RETRY = 5000;
  var NOT_INPUTS = ["csrfmiddlewaretoken", "version", "device", "action", "confirmed"];
  var timer = null;
  var saving = false;
  var again = false;
  var leaving = false;
  var confirmChanged = false;
  var conflicts = {}; // name → {label, theirs}

  function store() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // private mode on some phones: the server still saves
    }
  }

  function deviceId() {
    var storage = store();
    var id = storage && storage.getItem("report-device");
    if (!id) {
      id = Date.now().toString(36) + Math.random().toString(36).slice(2);
      if (storage) storage.setItem("report-device", id);
    }
    return id;
  }
  form.querySelector('input[name="device"]').value = deviceId();

  function inputs() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && NOT_INPUTS.indexOf(element.name) < 0 && element.type !== "submit";
    });
  }
  function named(name) {
    return form.elements.namedItem(name);
  }
  function valueOf(element) {
    return element.type === "checkbox" ? (element.checked ? "on" : "") : element.value;
  }
  function setValue(element, value) {
    if (element.type === "checkbox") element.checked = value === "on";
    else element.value = value;
  }

  // What each input held at the last save the server confirmed.
  var base = {};
  inputs().forEach(function (element) {
    base[element.name] = valueOf(element);
  });

  function changedNames() {
    return inputs()
      .filter(function (element) {
        return valueOf(element) !== base[element.name];
      })
      .map(function (element) {
        return element.name;
      });
  }

  function show(text, tone) {
    status.textContent = text;
    status.className = status.className.replace(/\balert-(success|warning|danger|secondary)\b/g, "").trim();
    status.classList.add("alert-" + tone);
  }

  // --- kept on this phone until the server has it ------------------------------------------
  function keep() {
    var storage = store();
    if (!storage) return;
    var names = changedNames();
    if (!names.length) {
      storage.removeItem(KEY);
      return;
    }
    var record = { base: {}, values: {} };
    names.forEach(function (name) {
      record.base[name] = base[name];
      record.values[name] = valueOf(named(name));
    });
    try {
      storage.setItem(KEY, JSON.stringify(record));
    } catch (error) {
      // storage full: the page still holds the values
    }
  }

  function restore() {
    var storage = store();
    var text = storage && storage.getItem(KEY);
    if (!text) return false;
    var record;
    try {
      record = JSON.parse(text);
    } catch (error) {
      storage.removeItem(KEY);
      return false;
    }
    var restored = false;
    Object.keys(record.values || {}).forEach(function (name) {
      var element = named(name);
      if (!element || valueOf(element) === record.values[name]) return; // the server has it
      // Its base stays the one it was typed on: the server tells if another device changed it.
      base[name] = record.base[name];
      setValue(element, record.values[name]);
      restored = true;
    });
    if (!restored) storage.removeItem(KEY);
    return restored;
  }

  // --- errors and conflicts -------------------------------------------------------------------
  function showErrors(errors) {
    var list = summary.querySelector('[data-testid="error-list"]');
    list.textContent = "";
    form.querySelectorAll('[data-testid="area-errors"]').forEach(function (box) {
      box.textContent = "";
      box.closest('[data-testid="area-card"]').classList.remove("border-danger");
    });
    form.querySelectorAll('[data-testid="meeting-error"]').forEach(function (line) {
      line.remove();
    });
    form.querySelectorAll(".is-invalid").forEach(function (element) {
      element.classList.remove("is-invalid");
      element.removeAttribute("aria-invalid");
    });
    errors.forEach(function (error) {
      var item = document.createElement("li");
      var target = error.target && document.getElementById(error.target);
      if (target) {
        var link = document.createElement("a");
        link.href = "#" + error.target;
        link.textContent = error.message;
        item.appendChild(link);
        if (target.matches("input, textarea, select")) {
          target.classList.add("is-invalid");
          target.setAttribute("aria-invalid", "true");
        }
      } else {
        item.textContent = error.message;
      }
      list.appendChild(item);
      var card = error.area && document.getElementById("area-" + error.area);
      if (card) {
        card.classList.add("border-danger");
        var line = document.createElement("div");
        line.className = "alert alert-danger py-1 px-2 small mb-2";
        line.dataset.testid = "area-error";
        line.textContent = error.message;
        card.querySelector('[data-testid="area-errors"]').appendChild(line);
      } else if (target && target.matches("input, textarea")) {
        var under = document.createElement("div");
        under.className = "text-danger small";
        under.dataset.testid = "meeting-error";
        under.textContent = error.message;
        target.insertAdjacentElement("afterend", under);
      }
    });
    summary.classList.toggle("d-none", !errors.length);
  }

  // A link of the error list opens what holds its input (a closed section) and puts the cursor there.
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var holder = target.closest("details");
    if (holder) holder.open = true;
    target.scrollIntoView({ block: "center" });
    var input = target.matches("input, textarea") ? target : target.querySelector("input, textarea");
    if (input) input.focus({ preventScroll: true });
  });

  function showConflicts(messages) {
    var list = conflictBox.querySelector('[data-testid="conflict-list"]');
    list.textContent = "";
    var names = Object.keys(conflicts);
    if (messages) conflictBox.querySelector('[data-testid="conflict-messages"]').textContent = messages.join(" ");
    names.forEach(function (name) {
      var conflict = conflicts[name];
      var item = document.createElement("li");
      item.className = "mb-2";
      item.dataset.name = name;
      item.dataset.testid = "conflict";
      var text = document.createElement("div");
      text.textContent = conflict.label + " — " + form.dataset.theirsText + " " + (conflict.theirs || "—");
      item.appendChild(text);
      [
        ["mine", form.dataset.keepMineText, "btn-primary"],
        ["theirs", form.dataset.takeTheirsText, "btn-outline-secondary"],
      ].forEach(function (choice) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn " + choice[2] + " me-2 mt-1";
        button.textContent = choice[1];
        button.dataset.testid = "conflict-" + choice[0];
        button.addEventListener("click", function () {
          resolve(name, choice[0]);
        });
        item.appendChild(button);
      });
      list.appendChild(item);
    });
    conflictBox.classList.toggle("d-none", !names.length);
  }

  function resolve(name, choice) {
    var conflict = conflicts[name];
    delete conflicts[name];
    // Either way the page now knows the other device's value: keeping hers overwrites it knowingly.
    base[name] = conflict.theirs;
    if (choice === "theirs") setValue(named(name), conflict.theirs);
    showConflicts(null);
    keep();
    schedule(0);
  }

  // --- saving ---------------------------------------------------------------------------------
  function answered(answer, sent) {
    if (answer.version === undefined) {
      showErrors(answer.errors || []);
      show(form.dataset.conflictText, "danger");
      return;
    }
    versionInput.value = answer.version;
    (answer.conflicts || []).forEach(function (conflict) {
      conflicts[conflict.name] = conflict;
    });
    Object.keys(sent).forEach(function (name) {
      if (!conflicts[name]) base[name] = sent[name];
    });
    Object.keys(answer.values || {}).forEach(function (name) {
      var element = named(name);
      if (!element || conflicts[name]) return;
      if (valueOf(element) === base[name]) setValue(element, answer.values[name]); // not touched here
      if (valueOf(element) === answer.values[name]) base[name] = answer.values[name];
    });
    showErrors(answer.errors || []);
    showConflicts(answer.conflict_messages);
    keep();
    if (Object.keys(conflicts).length) show(form.dataset.conflictText, "danger");
    else if ((answer.kept || []).length) show(form.dataset.keptText.replace("%(time)s", answer.at), "warning");
    else if (!changedNames().length) show(form.dataset.savedText + " " + answer.at, "success");
  }

  function save() {
    timer = null;
    if (saving) {
      again = true;
      return;
    }
    var names = changedNames().filter(function (name) {
      return !conflicts[name];
    });
    if (!names.length && !confirmChanged) return;
    confirmChanged = false;
    var data = new FormData();
    data.set("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
    data.set("autosave", "1");
    data.set("partial", "1");
    data.set("version", versionInput.value);
    data.set("device", form.elements.namedItem("device").value);
    var confirm = named("confirmed");
    if (confirm && confirm.checked) data.set("confirmed", "on");
    var sent = {};
    names.forEach(function (name) {
      sent[name] = valueOf(named(name));
      data.set(name, sent[name]);
      data.set("base:" + name, base[name]);
    });
    saving = true;
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          answered(answer, sent);
        });
      })
      .catch(function () {
        show(navigator.onLine === false ? form.dataset.offlineText : form.dataset.retryText, "danger");
        again = true;
      })
      .finally(function () {
        saving = false;
        if (again) {
          again = false;
          schedule(changedNames().length ? RETRY : 0);
        }
      });
  }

  function schedule(delay) {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, delay === undefined ? DELAY : delay);
  }

  function changed(event) {
    if (event.target.name === "confirmed") confirmChanged = true;
    // A box left after typing fires "change" again: nothing new to save, the status stays.
    if (!confirmChanged && !changedNames().length) return;
    keep();
    show(form.dataset.pendingText, "secondary");
    schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.addEventListener("online", function () {
    schedule(0);
  });
  // The buttons post the whole form: each input says what it showed at the last save, so an
  // input not touched here does not overwrite another device's value.
  form.addEventListener("submit", function () {
    leaving = true;
    if (timer) window.clearTimeout(timer);
    Object.keys(base).forEach(function (name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "base:" + name;
      hidden.value = base[name]; // an unresolved conflict stays one
      form.appendChild(hidden);
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || (!changedNames().length && !timer && !saving)) return;
    event.preventDefault();
    event.returnValue = "";
  });

  if (restore()) {
    show(form.dataset.restoredText, "warning");
    schedule(0);
  }
})();
