// claimbase site: the theme toggle and sortable tables. No data leaves the page.
(function () {
  "use strict";

  function currentTheme() {
    var set = document.documentElement.getAttribute("data-theme");
    if (set) return set;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function setupTheme() {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    var sync = function () { button.setAttribute("aria-pressed", currentTheme() === "dark" ? "true" : "false"); };
    sync();
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      try { window.localStorage.setItem("claimbase-theme", next); } catch (e) { /* not saved */ }
      sync();
    });
  }

  function cellValue(row, col, numeric) {
    var cell = row.cells[col];
    if (!cell) return numeric ? -Infinity : "";
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (numeric || cell.hasAttribute("data-value")) {
      var x = parseFloat(raw);
      return isNaN(x) ? -Infinity : x;
    }
    return raw.toLocaleLowerCase();
  }

  function sortTable(table, col, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) { return { row: row, key: cellValue(row, col, numeric), i: i }; });
    keyed.sort(function (a, b) {
      var r = 0;
      if (typeof a.key === "number" && typeof b.key === "number") r = a.key - b.key;
      else r = String(a.key).localeCompare(String(b.key));
      if (r === 0) r = a.i - b.i;
      return ascending ? r : -r;
    });
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    for (var h = 0; h < heads.length; h++) heads[h].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) { fragment.appendChild(k.row); });
    body.appendChild(fragment);
  }

  function setupTables() {
    var tables = document.querySelectorAll("table.sortable");
    Array.prototype.forEach.call(tables, function (table) {
      if (!table.tHead) return;
      var heads = table.tHead.rows[0].cells;
      Array.prototype.forEach.call(heads, function (th, col) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener("click", function () { sortTable(table, col, th); });
      });
    });
  }

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }
  ready(function () { setupTheme(); setupTables(); });
})();
