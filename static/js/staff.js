// The staff area. Everything works without it; it only smooths the edges.
(function () {
  "use strict";
  // Lets the CSS hide controls that only the no-JavaScript fallback needs.
  document.documentElement.classList.add("js");

  // The session sheet's Print button (hidden without JavaScript: the browser's own Print works).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  // After htmx moved the day or week view to another date, say so in the tab's title too.
  document.addEventListener("htmx:afterSettle", function () {
    var heading = document.getElementById("schedule-title");
    if (!heading) {
      return;
    }
    var rest = document.title.split(" · ").slice(1).join(" · ");
    document.title = heading.textContent.replace(/\s+/g, " ").trim() + (rest ? " · " + rest : "");
  });
})();
