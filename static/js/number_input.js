// Money and count boxes (core.forms.MoneyInput and CountInput: data-input="money" or "count") group
// thousands with "." as the user types: 1180000 shows 1.180.000, the Vietnamese way.
//
// It never fights the user, and the server stays the judge. A box holding anything but digits and
// dots (a comma, a minus, a letter) is left exactly as typed, and so are dots that grouping would
// not have put ("1.5"): the server reads the box and says what is wrong. Digits typed or pasted
// into a grouped box are regrouped; a digit removed from one too. A dot the user deletes stays
// deleted until the next digit. The caret stays after the same digit. What is sent is what is
// shown: the server reads 1.180.000, 1180000 and 1,180,000 alike.
(function () {
  "use strict";

  var SELECTOR = 'input[data-input="money"], input[data-input="count"]';
  var PLAIN = /^[0-9]+$/;
  var GROUPED = /^[0-9]{1,3}(\.[0-9]{3})+$/; // as group() writes it
  // Grouped, then grown by digits typed into a group: every group after a dot has 3 digits or more.
  var GROWN = /^[0-9]+(\.[0-9]{3,})*$/;
  var before = new WeakMap(); // each box's value the last time this script saw it

  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function digitCount(text) {
    return text.replace(/[^0-9]/g, "").length;
  }

  function shouldRegroup(value, previous) {
    var digitsNow = digitCount(value);
    var digitsBefore = digitCount(previous);
    if (digitsNow === digitsBefore && value.length < previous.length) return false; // a dot deleted
    if (GROWN.test(value)) return true;
    // A digit removed from a grouped box leaves a short group: the dots were this script's.
    var wasOurs = PLAIN.test(previous) || GROUPED.test(previous);
    return digitsNow < digitsBefore && wasOurs && /^[0-9.]+$/.test(value);
  }

  function regroup(input, previous) {
    var value = input.value;
    if (!shouldRegroup(value, previous)) return;
    var grouped = group(value.replace(/\./g, ""));
    if (grouped === value) return;
    var focused = document.activeElement === input;
    var digitsLeft = focused ? digitCount(value.slice(0, input.selectionStart)) : 0;
    input.value = grouped;
    if (!focused) return;
    var position = 0;
    for (var seen = 0; seen < digitsLeft; position += 1) {
      if (grouped[position] !== ".") seen += 1;
    }
    input.setSelectionRange(position, position);
  }

  function watch(input) {
    if (before.has(input)) return;
    // A value the server sent back as it was typed (1180000) is shown grouped too.
    if (PLAIN.test(input.value)) input.value = group(input.value);
    before.set(input, input.value);
    input.addEventListener("input", function () {
      regroup(input, before.get(input));
      before.set(input, input.value);
    });
  }

  document.querySelectorAll(SELECTOR).forEach(watch);
  // A box a page adds later (a new row of a formset) is watched from the moment it is used.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.matches(SELECTOR)) watch(target);
  });
})();
