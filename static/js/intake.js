// The health questionnaire: follow-up questions appear only when they apply. Without this script
// every follow-up is shown under its question with a note saying when to answer it, and the
// server ignores follow-ups of questions answered "No".
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

  function checkedValue(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function update(group) {
    var value = checkedValue(group.getAttribute("data-follow-ups-for"));
    var show = value === "yes" || value === "not_sure";
    // Keep follow-ups with an error visible, so the client can see what to fix.
    group.hidden = !show && !group.querySelector(".has-error");
  }

  var groups = form.querySelectorAll(".follow-ups[data-follow-ups-for]");
  Array.prototype.forEach.call(groups, function (group) {
    update(group);
    var name = group.getAttribute("data-follow-ups-for");
    Array.prototype.forEach.call(form.querySelectorAll('input[name="' + name + '"]'), function (radio) {
      radio.addEventListener("change", function () {
        update(group);
      });
    });
  });

  // The parent or guardian's name is only needed for someone under the adult age (a setting,
  // rendered as data-adult-age).
  var born = form.querySelector('input[name="date_of_birth"]');
  var guardian = form.querySelector("[data-guardian]");
  var adultAge = guardian ? Number(guardian.getAttribute("data-adult-age")) : 0;
  function updateGuardian() {
    if (!born || !guardian) {
      return;
    }
    var input = guardian.querySelector("input");
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(born.value);
    var minor = false;
    if (match) {
      var today = new Date();
      var age = today.getFullYear() - Number(match[1]);
      var month = today.getMonth() + 1 - Number(match[2]);
      if (month < 0 || (month === 0 && today.getDate() < Number(match[3]))) {
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
