/* Vertebro's few lines of behaviour; every page works without them.
 *
 * - Conditional blocks ([data-show-when]) show only while the named field has the
 *   value in data-show-value. A hidden block's inputs are disabled, so they are not
 *   sent: the server stores them empty, as the spec wants when they do not apply.
 * - The error summary takes the focus, and its links focus the field they name.
 * - Otherwise a step's form ([data-focus-first]) puts the focus in its first field, so the
 *   keyboard starts where the answers go, not at the top menu.
 * - Under each date (day, month and year boxes, [data-date-parts]), the date in words as soon
 *   as it is complete ("Tue 10 Mar 2026"), with the days to the date it is compared with
 *   (data-words-reference, an ISO date, and data-words-reference-label).
 * - A page's main heading marked [data-focus-on-load] (review) takes the focus, so the keyboard
 *   starts at the content, not at the top menu.
 * - A step with typing not yet saved saves it as a draft before a link leaves it, and the
 *   idle sign-out warns a minute ahead and saves such typing before it signs out.
 * - A [data-toggle-sign] button changes the sign of the number it names.
 * - A panel marked [data-collapse-narrow] (the guidance so far) starts collapsed on narrow
 *   screens, where it is one line at the top of the step; it is open on wide screens, beside the form.
 * - A [data-copy] button copies the text of the field it names (the result's chart note);
 *   it stays hidden where the page has no script to run it.
 * - The arrow keys in a group of radio buttons stop at its first and last option instead of
 *   wrapping round (an arrow past "Not recorded" would otherwise choose "Yes"); Home and End
 *   choose the first and the last option.
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

  function partsToIso(fieldset) {
    var boxes = fieldset.querySelectorAll("input, select");
    var day = (boxes[0].value || "").trim();
    var month = boxes[1].value;
    var year = (boxes[2].value || "").trim();
    if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
      return "";
    }
    var pad = function (text) { return text.length === 1 ? "0" + text : text; };
    return year + "-" + pad(month) + "-" + pad(day);
  }

  function dateInWords(fieldset) {
    var date = parseIsoDate(partsToIso(fieldset));
    if (!date) {
      return "";
    }
    var words =
      DAYS[date.getUTCDay()] + " " + date.getUTCDate() + " " + MONTHS[date.getUTCMonth()] +
      " " + date.getUTCFullYear();
    var reference = parseIsoDate(fieldset.dataset.wordsReference);
    var label = fieldset.dataset.wordsReferenceLabel;
    if (reference && label) {
      var days = Math.round((date - reference) / DAY_MS);
      var count = Math.abs(days) + (Math.abs(days) === 1 ? " day " : " days ");
      words += " — " + (days === 0 ? "the same day as " + label
        : count + (days < 0 ? "before " : "after ") + label);
    }
    return words;
  }

  function showDatesInWords(form) {
    form.querySelectorAll("fieldset[data-date-parts]").forEach(function (fieldset) {
      var output = document.getElementById(fieldset.id + "_words");
      if (!output) {
        return;
      }
      var update = function () {
        output.textContent = dateInWords(fieldset);
      };
      fieldset.addEventListener("input", update);
      fieldset.addEventListener("change", update);
      update();
    });
  }

  /* A phone's decimal keypad (iOS) has no minus key: the ± button beside a number that may
     be negative (the T-score) changes its sign. */
  function enableSignButtons(form) {
    form.querySelectorAll("[data-toggle-sign]").forEach(function (button) {
      var input = document.getElementById(button.dataset.toggleSign);
      if (!input) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var value = input.value.trim();
        if (/^[-\u2212\u2013]/.test(value)) {
          input.value = value.slice(1);
        } else {
          input.value = "-" + value.replace(/^\+/, "");
        }
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.focus();
      });
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

  /* Browsers move (and tick) the next radio button of a group on an arrow key and wrap from
     the last option to the first. A clinician arrowing one step too far would record the
     opposite answer ("Yes" after "Not recorded"); at either end the arrow does nothing.
     Home and End go to the first and the last option at once. */
  var ARROWS_FORWARD = { ArrowDown: true, ArrowRight: true, End: true };
  var ARROWS_BACK = { ArrowUp: true, ArrowLeft: true, Home: true };

  function stopRadioWrap(root) {
    root.addEventListener("keydown", function (event) {
      var radio = event.target;
      var forward = ARROWS_FORWARD[event.key];
      if (radio.type !== "radio" || !radio.name || !(forward || ARROWS_BACK[event.key]) ||
          event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      var group = Array.prototype.filter.call(
        (radio.form || document).querySelectorAll('input[type="radio"]'),
        function (other) { return other.name === radio.name && !other.disabled; }
      );
      if (getComputedStyle(radio).direction === "rtl" &&
          (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
        forward = !forward;
      }
      var end = forward ? group[group.length - 1] : group[0];
      if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        if (end !== radio || !end.checked) {
          end.focus();
          end.click();  /* ticks it, with the input and change events of a choice */
        }
      } else if (radio === end) {
        event.preventDefault();
      }
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

  /* Nothing typed is lost by leaving a step: once something was typed (or the page came back
     with errors), a link followed from the page (Back, a step, the menu) first saves the form
     as a draft, the link's address in its `go` field; the server then goes there (or, if an
     answer is wrong, stays with the message). */
  function saveBeforeLeaving(form) {
    var go = form.querySelector("[data-leaving-to]");
    if (!go) {
      return;
    }
    var dirty = form.hasAttribute("data-unsaved");
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (!dirty || !link || event.defaultPrevented || event.button !== 0 ||
          event.ctrlKey || event.metaKey || event.shiftKey || event.altKey ||
          link.target || link.hasAttribute("download") || link.origin !== window.location.origin ||
          link.getAttribute("href").charAt(0) === "#") {
        return;
      }
      event.preventDefault();
      go.value = link.pathname + link.search;
      dirty = false;
      form.submit();
    });
    form.isDirty = function () { return dirty; };
  }

  /* The idle sign-out (accounts.middleware): a minute before it, a warning with "Stay signed
     in"; just before it, a step's unsaved typing is posted as a draft (the server saves it and
     signs out); otherwise, once it is due, the page reloads to the sign-in page, so that no
     patient data stays on an unattended screen. */
  var WARN_BEFORE_S = 60;
  var SAVE_BEFORE_S = 15;

  function watchIdleSignOut(form) {
    var body = document.body;
    var left = parseInt(body.dataset.idleSecondsLeft, 10);
    var warning = document.getElementById("idle-warning");
    if (isNaN(left) || !warning) {
      return;
    }
    var timers = [];
    var schedule = function (seconds) {
      timers.forEach(clearTimeout);
      warning.hidden = true;
      timers = [
        setTimeout(function () { warning.hidden = false; }, Math.max(seconds - WARN_BEFORE_S, 0) * 1000),
        setTimeout(function () {
          var go = form && form.querySelector("[data-leaving-to]");
          if (go && form.isDirty && form.isDirty()) {
            go.value = "idle-sign-out";
            form.submit();
          }
        }, Math.max(seconds - SAVE_BEFORE_S, 0) * 1000),
        setTimeout(function () { window.location.reload(); }, (seconds + 2) * 1000)
      ];
    };
    warning.querySelector("[data-stay-signed-in]").addEventListener("click", function () {
      fetch(body.dataset.keepAliveUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && typeof data.seconds_left === "number") {
            schedule(data.seconds_left);
          } else {
            window.location.reload();
          }
        }, function () { window.location.reload(); });
    });
    schedule(left);
  }

  document.addEventListener("DOMContentLoaded", function () {
    collapseOnNarrowScreens();
    stopRadioWrap(document);
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
      enableSignButtons(form);
      saveBeforeLeaving(form);
    }
    watchIdleSignOut(form);
    var heading = document.querySelector("[data-focus-on-load]");
    if (heading && !document.getElementById("error-summary")) {
      heading.focus();
    }
    if (form && form.hasAttribute("data-focus-first") && !document.getElementById("error-summary")) {
      focusFirstField(form);
    }
  });
})();
