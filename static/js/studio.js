// Small site-wide behaviour. Everything works without it; this only smooths the edges.
(function () {
  "use strict";
  // After htmx swaps content in, move focus to the swapped region's heading when it asks for it,
  // so keyboard and screen-reader users land on the new content.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var focusable = target && target.querySelector("[data-focus-after-swap]");
    if (focusable) {
      focusable.setAttribute("tabindex", "-1");
      focusable.focus();
    }
  });
})();
