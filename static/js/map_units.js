// Selects of administrative units of several maps (clubs.forms.MapGroupedSelect): the units come
// grouped by map, each option names its map (data-map), the select lists the maps' days
// (data-maps: code, first day, first day no longer in force; "" where open) and the map in force
// today (data-today). This script shows one map's units at a time:
// - data-map-date="<input name>": the map in force on the date typed there (the club form's
//   decision date), today's map while it is empty, every map while it is not a date;
// - data-map-select="<select name>": the map chosen there (the club list's Map), every map for "".
// A unit of a map no longer shown is unselected. Without JavaScript every map is offered, and the
// server refuses a unit of the wrong map with a message that names the right one.
(function () {
  "use strict";

  function isoDate(year, month, day) {
    var date = new Date(Date.UTC(+year, +month - 1, +day));
    if (date.getUTCFullYear() !== +year || date.getUTCMonth() !== +month - 1 || date.getUTCDate() !== +day) {
      return null;
    }
    return date.toISOString().slice(0, 10);
  }

  // dd/mm/yyyy as the product types dates (03/04/2025 is 3 April), or yyyy-mm-dd.
  function parseDate(text) {
    var match = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
    if (match) return isoDate(match[3], match[2], match[1]);
    match = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(text);
    if (match) return isoDate(match[1], match[2], match[3]);
    return null;
  }

  function mapOn(maps, day) {
    for (var i = 0; i < maps.length; i++) {
      if ((!maps[i].from || maps[i].from <= day) && (!maps[i].until || day < maps[i].until)) return maps[i].code;
    }
    return "";
  }

  function grouped(select) {
    var groups = Array.prototype.map.call(select.querySelectorAll("optgroup"), function (group) {
      var first = group.querySelector("option[data-map]");
      return { element: group, map: first ? first.dataset.map : "" };
    });
    return function show(map) {
      var selected = select.selectedOptions[0];
      var shown = 0;
      groups.forEach(function (group) {
        var visible = !map || group.map === map;
        if (visible) {
          select.appendChild(group.element); // in their first order, after the empty choice
          shown += 1;
        } else if (group.element.parentNode) {
          group.element.parentNode.removeChild(group.element);
        }
      });
      if (selected && !select.contains(selected)) select.value = "";
      select.disabled = shown === 0;
    };
  }

  document.querySelectorAll("select[data-maps]").forEach(function (select) {
    var form = select.form;
    if (!form) return;
    var maps = JSON.parse(select.dataset.maps || "[]");
    var show = grouped(select);
    var dateInput = select.dataset.mapDate ? form.elements[select.dataset.mapDate] : null;
    var mapSelect = select.dataset.mapSelect ? form.elements[select.dataset.mapSelect] : null;
    function update() {
      if (dateInput) {
        var text = dateInput.value.trim();
        if (!text) return show(select.dataset.today || "");
        var day = parseDate(text);
        return show(day ? mapOn(maps, day) || "" : "");
      }
      if (mapSelect) return show(mapSelect.value);
    }
    if (dateInput) {
      dateInput.addEventListener("input", update);
      dateInput.addEventListener("change", update);
    }
    if (mapSelect) mapSelect.addEventListener("change", update);
    update();
  });
})();
