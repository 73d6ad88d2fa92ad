// The health questionnaire. Each group asks for one active answer: ticks, or "None of these apply
// to me". With this script a tick opens its follow-up questions in place, and "none" and the ticks
// exclude each other. Without it the server shows the follow-ups on a second page: the hidden
// "in_place" input added here tells it the client has already seen them.
(function () {
  "use strict";

  var form = document.getElementById("questionnaire-form");
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  if (!form) {
    return;
  }
  form.classList.add("js-follow-ups");
  var marker = document.createElement("input");
  marker.type = "hidden";
  marker.name = "in_place";
  marker.value = "1";
  form.appendChild(marker);

  function panelOf(tick) {
    return document.getElementById(tick.getAttribute("aria-controls"));
  }

  function update(tick) {
    var panel = panelOf(tick);
    if (panel) {
      // Keep follow-ups with an error visible, so the client can see what to fix.
      panel.hidden = !tick.checked && !panel.querySelector(".has-error");
    }
  }

  function groupOf(input) {
    return form.querySelectorAll('input[name="' + input.name + '"]');
  }

  Array.prototype.forEach.call(form.querySelectorAll("input.tick-input"), function (tick) {
    if (tick.hasAttribute("aria-controls")) {
      update(tick);
    }
    tick.addEventListener("change", function () {
      if (!tick.checked) {
        update(tick);
        return;
      }
      // "None of these" unticks the conditions of its group, and a condition unticks "none".
      Array.prototype.forEach.call(groupOf(tick), function (other) {
        var clash = tick.hasAttribute("data-none") !== other.hasAttribute("data-none");
        if (other !== tick && clash && other.checked) {
          other.checked = false;
          if (other.hasAttribute("aria-controls")) {
            update(other);
          }
        }
      });
      if (tick.hasAttribute("aria-controls")) {
        update(tick);
      }
    });
  });

  // The parent or guardian's name is only needed for someone under the adult age (a setting,
  // rendered as data-adult-age). The date is typed as DD.MM.YYYY (or YYYY-MM-DD).
  var born = form.querySelector('input[name="date_of_birth"]');
  var guardian = form.querySelector("[data-guardian]");
  var adultAge = guardian ? Number(guardian.getAttribute("data-adult-age")) : 0;

  function parseDate(text) {
    var iso = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(text);
    if (iso) {
      return [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    }
    var local = /^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$/.exec(text) || /^\s*(\d{2})(\d{2})(\d{4})\s*$/.exec(text);
    return local ? [Number(local[3]), Number(local[2]), Number(local[1])] : null;
  }

  function updateGuardian() {
    if (!born || !guardian) {
      return;
    }
    var input = guardian.querySelector("input");
    var parts = parseDate(born.value);
    var minor = false;
    if (parts) {
      var today = new Date();
      var age = today.getFullYear() - parts[0];
      var month = today.getMonth() + 1 - parts[1];
      if (month < 0 || (month === 0 && today.getDate() < parts[2])) {
        age -= 1;
      }
      minor = age >= 0 && age < adultAge;
    }
    guardian.hidden = !minor && !(input && input.value) && !guardian.querySelector(".has-error");
  }
  if (born) {
    born.addEventListener("change", updateGuardian);
    born.addEventListener("input", updateGuardian);
    updateGuardian();
  }
})();
