/* Vertebro's few lines of behaviour; every page works without them.
 *
 * - Conditional blocks ([data-show-when]) show only while the named field has the
 *   value in data-show-value. A hidden block's inputs are disabled, so they are not
 *   sent: the server stores them empty, as the spec wants when they do not apply.
 * - The error summary takes the focus, and its links focus the field they name.
 * - Otherwise a step's form ([data-focus-first]) puts the focus in its first field, so the
 *   keyboard starts where the answers go, not at the top menu.
 * - Beside each date field, the date in words as soon as one is entered ("Tue 10 Mar 2026"),
 *   with the days to the date it is compared with (data-words-reference, an ISO date, and
 *   data-words-reference-label): the same words whatever order the browser's locale
 *   shows the day and month in.
 * - A panel marked [data-collapse-narrow] (the guidance so far) starts collapsed on narrow
 *   screens, where it sits below the form; it is open on wide screens, beside the form.
 * - A [data-copy] button copies the text of the field it names (the result's chart note);
 *   it stays hidden where the page has no script to run it.
 */
(function () {
  "use strict";

  function currentValue(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) {
      return checked.value;
    }
    var select = form.querySelector('select[name="' + name + '"]');
    return select ? select.value : "";
  }

  function updateConditionalBlocks(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var show = currentValue(form, block.dataset.showWhen) === block.dataset.showValue;
      block.hidden = !show;
      block.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !show;
      });
    });
  }

  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        event.preventDefault();
        target.scrollIntoView({ block: "center" });
        target.focus();
      }
    });
  }

  function focusFirstField(form) {
    var fields = form.querySelectorAll(
      "input:not([type=hidden]):not(:disabled), select:not(:disabled), textarea:not(:disabled)"
    );
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].offsetParent !== null) {
        fields[i].focus();
        return;
      }
    }
  }

  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAY_MS = 86400000;

  function parseIsoDate(text) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    if (!match) {
      return null;
    }
    var date = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]));
    return date.getUTCDate() === +match[3] ? date : null;
  }

  function dateInWords(input) {
    var date = parseIsoDate(input.value);
    if (!date) {
      return "";
    }
    var words =
      DAYS[date.getUTCDay()] + " " + date.getUTCDate() + " " + MONTHS[date.getUTCMonth()] +
      " " + date.getUTCFullYear();
    var reference = parseIsoDate(input.dataset.wordsReference);
    var label = input.dataset.wordsReferenceLabel;
    if (reference && label) {
      var days = Math.round((date - reference) / DAY_MS);
      var count = Math.abs(days) + (Math.abs(days) === 1 ? " day " : " days ");
      words += " — " + (days === 0 ? "the same day as " + label
        : count + (days < 0 ? "before " : "after ") + label);
    }
    return words;
  }

  function showDatesInWords(form) {
    form.querySelectorAll("input[type=date]").forEach(function (input) {
      var output = document.getElementById(input.id + "_words");
      if (!output) {
        return;
      }
      var update = function () {
        output.textContent = dateInWords(input);
      };
      input.addEventListener("input", update);
      input.addEventListener("change", update);
      update();
    });
  }

  function enableCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copy);
      var status = document.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
      if (!field || !navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(
          function () {
            status.textContent = "Copied.";
          },
          function () {
            field.select();
            status.textContent = "Select the text and copy it (Ctrl+C).";
          }
        );
      });
    });
  }

  var NARROW = "(max-width: 991.98px)";  /* below Bootstrap's lg breakpoint */

  function collapseOnNarrowScreens() {
    if (!window.matchMedia(NARROW).matches) {
      return;
    }
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (details) {
      details.open = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    collapseOnNarrowScreens();
    focusErrorSummary();
    enableCopyButtons();
    var form = document.getElementById("step-form");
    if (form && form.querySelector("[data-show-when]")) {
      updateConditionalBlocks(form);
      form.addEventListener("change", function () {
        updateConditionalBlocks(form);
      });
    }
    if (form) {
      showDatesInWords(form);
    }
    if (form && form.hasAttribute("data-focus-first") && !document.getElementById("error-summary")) {
      focusFirstField(form);
    }
  });
})();
