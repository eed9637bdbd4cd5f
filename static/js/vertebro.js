/* Vertebro's few lines of behaviour; every page works without them.
 *
 * - Conditional blocks ([data-show-when]) show only while the named field has the
 *   value in data-show-value. A hidden block's inputs are disabled, so they are not
 *   sent: the server stores them empty, as the spec wants when they do not apply.
 * - The error summary takes the focus, and its links focus the field they name.
 * - Otherwise a step's form ([data-focus-first]) puts the focus in its first field, so the
 *   keyboard starts where the answers go, not at the top menu.
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

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    var form = document.getElementById("step-form");
    if (form && form.querySelector("[data-show-when]")) {
      updateConditionalBlocks(form);
      form.addEventListener("change", function () {
        updateConditionalBlocks(form);
      });
    }
    if (form && form.hasAttribute("data-focus-first") && !document.getElementById("error-summary")) {
      focusFirstField(form);
    }
  });
})();
