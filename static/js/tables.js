/* Tables seen whole at every width (the app's pages and the admin's lists).
 *
 * Each data cell of a table of the page's main content (and of the admin's change lists and
 * history) gets the name of its column (data-label, from the header row) unless the page
 * gave one. A table wider
 * than the box it sits in is then shown stacked (class is-stacked): each row a small card,
 * each cell labelled, so that no column or button is hidden until scrolled sideways. The
 * fit is checked again when the window changes size. Without this script a wide table
 * scrolls inside its own box, as before.
 */
(function () {
  "use strict";

  var SELECTOR = "#main table, #result_list, #change-history";

  function headerNames(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var names = [];
    if (!head) {
      return names;
    }
    Array.prototype.forEach.call(head.cells, function (cell) {
      var name = cell.innerText.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i += 1) {
        names.push(name);
      }
    });
    return names;
  }

  function labelCells(table) {
    var names = headerNames(table);
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var name = names[column];
          if (cell.tagName === "TD" && name && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", name);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function fit(table) {
    table.classList.remove("is-stacked");
    var frame = table.parentElement;
    if (frame && table.getBoundingClientRect().width > frame.clientWidth + 1) {
      table.classList.add("is-stacked");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var tables = Array.prototype.slice.call(document.querySelectorAll(SELECTOR));
    if (!tables.length) {
      return;
    }
    tables.forEach(labelCells);
    var fitAll = function () { tables.forEach(fit); };
    fitAll();
    window.addEventListener("resize", fitAll);
  });
})();
