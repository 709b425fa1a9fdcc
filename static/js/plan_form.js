// The target plan form: "Add a group" copies the blank coverage row (Django's formset empty_form,
// kept in a <template>) with the next row number, and counts it in the management form. Without
// JavaScript the button stays hidden and the blank row that the page always has is used instead.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (fieldset) {
    var prefix = fieldset.dataset.formset;
    var rows = fieldset.querySelector("[data-formset-rows]");
    var empty = fieldset.querySelector("template[data-formset-empty]");
    var total = fieldset.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = fieldset.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var button = fieldset.querySelector("[data-formset-add]");
    if (!rows || !empty || !total || !button) return;
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = empty.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild.querySelector("input[type=text]");
      if (added) added.focus();
    });
  });
})();
