// The booking flow's small enhancements. Everything works without this file: the day and time
// pickers are plain GET forms, and htmx (loaded on every page) swaps the picker in place.
(function () {
  "use strict";

  // Lets the CSS hide the "Show their free times" button that only no-JavaScript visitors need.
  document.documentElement.classList.add("booking-js");

  // (htmx settles classes only, never "style": see the htmx-config meta tag in base.html.)

  var lastAction = "";

  // Remember what was pressed in the picker, to decide where attention goes after the swap.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#picker-form button");
    lastAction = button ? button.name : "";
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("#picker-form")) {
      lastAction = event.target.name;
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    var picker = document.getElementById("picker");
    if (!picker) {
      return;
    }
    var status = document.getElementById("picker-status");
    if (status) {
      status.textContent = picker.getAttribute("data-announce") || "";
    }
    var heading = document.getElementById("times-heading");
    // htmx puts focus back on the pressed control when it is still there (same id). When it is
    // not (e.g. "Later" is disabled now), move focus to the times so keyboard users are not lost.
    if (heading && (!document.activeElement || document.activeElement === document.body)) {
      heading.focus({ preventScroll: true });
    }
    // On a phone the times are below the days: bring them into view once a day is chosen.
    if (heading && lastAction === "day") {
      var box = heading.getBoundingClientRect();
      if (box.top > window.innerHeight - 120 || box.top < 0) {
        heading.scrollIntoView({ block: "start", behavior: "smooth" });
      }
    }
    lastAction = "";
  });

  // Confirm buttons say that something is happening, and a second press is not sent twice by the
  // browser (the server would still book only once: the form carries a one-time key).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-confirm-form]")) {
      return;
    }
    if (form.getAttribute("data-sent") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "1");
    var sender = event.submitter;
    var button = sender && sender.hasAttribute("data-busy-label") ? sender : form.querySelector("[data-busy-label]");
    if (button) {
      button.setAttribute("data-label", button.textContent);
      button.setAttribute("aria-disabled", "true");
      button.classList.add("is-busy");
      button.textContent = button.getAttribute("data-busy-label");
    }
  });

  // Coming back with the browser's Back button shows the page as it was left: make it usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("[data-confirm-form][data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
      form.querySelectorAll("[data-busy-label].is-busy").forEach(function (button) {
        button.removeAttribute("aria-disabled");
        button.classList.remove("is-busy");
        button.textContent = button.getAttribute("data-label") || button.textContent;
      });
    });
  });
})();
