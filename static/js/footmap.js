// The foot map, enhanced. Without this file everything still works: the shapes and tabs are links
// and ?view= / ?system= are handled by the server. With it, the caption names the area under the
// pointer or keyboard focus, views switch in place as ARIA tabs, and choosing a body system relights
// the map and the list without a page load.
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function setParam(name, value) {
    if (!window.history || !window.history.replaceState) { return; }
    var url = new URL(window.location.href);
    if (value) { url.searchParams.set(name, value); } else { url.searchParams.delete(name); }
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }

  // Keep the other controls' links in step, so opening one in a new tab shows the same state.
  function retarget(links, name, value) {
    each(links, function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      if (value) { url.searchParams.set(name, value); } else { url.searchParams.delete(name); }
      link.setAttribute("href", url.pathname + url.search);
    });
  }

  // --- Caption and hover highlight -------------------------------------------------------------
  function initCaption(root) {
    var caption = root.querySelector(".fm-caption");
    if (!caption) { return; }
    var resting = caption.getAttribute("data-resting") || "";
    var current = null;

    // The outline of the zone under the pointer or focus is redrawn on top of the drawing, so shapes
    // drawn later (bands, small zones) never hide part of it.
    function echo(twin, focused) {
      var foot = twin.parentNode;
      var layer = foot.querySelector(":scope > .fm-echo");
      if (!layer) {
        layer = document.createElementNS("http://www.w3.org/2000/svg", "g");
        layer.setAttribute("class", "fm-echo");
        layer.setAttribute("aria-hidden", "true");
        foot.appendChild(layer);
      }
      each(twin.querySelectorAll("use, path"), function (path) {
        var copy = path.cloneNode(false);
        copy.removeAttribute("fill");
        if (focused) { copy.setAttribute("class", "is-focus"); }
        layer.appendChild(copy);
      });
    }

    function show(link) {
      if (link === current) { return; }
      clear();
      current = link;
      var zone = link.getAttribute("data-zone");
      each(root.querySelectorAll('a.fm-zone[data-zone="' + zone + '"]'), function (twin) {
        twin.classList.add("is-hover");
        echo(twin, twin === document.activeElement);
      });
      caption.textContent = "";
      var name = document.createElement("strong");
      name.textContent = link.getAttribute("aria-label");
      caption.appendChild(name);
      var more = link.getAttribute("data-caption");
      if (more) { caption.appendChild(document.createTextNode(" — " + more)); }
      caption.classList.add("is-naming");
    }

    function clear() {
      each(root.querySelectorAll("a.fm-zone.is-hover"), function (el) { el.classList.remove("is-hover"); });
      each(root.querySelectorAll(".fm-echo"), function (layer) { layer.textContent = ""; });
      current = null;
    }

    function rest() {
      clear();
      caption.textContent = resting;
      caption.classList.remove("is-naming");
    }

    root.addEventListener("focusin", function (event) {
      var link = event.target.closest && event.target.closest("a.fm-zone");
      if (link) { current = null; show(link); }
    });
    root.addEventListener("focusout", function (event) {
      var next = event.relatedTarget && event.relatedTarget.closest && event.relatedTarget.closest("a.fm-zone");
      if (!next || !root.contains(next)) { rest(); }
    });
    root.addEventListener("pointerover", function (event) {
      var link = event.target.closest && event.target.closest("a.fm-zone");
      if (link) { show(link); }
    });
    root.addEventListener("pointerout", function (event) {
      var into = event.relatedTarget && event.relatedTarget.closest && event.relatedTarget.closest("a.fm-zone");
      if (into) { return; }
      var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("a.fm-zone");
      if (focused && root.contains(focused)) { show(focused); } else { rest(); }
    });
  }

  // --- Views as tabs ------------------------------------------------------------------------------
  function initTabs(root) {
    var nav = root.querySelector(".fm-tabs");
    if (!nav) { return; }
    var list = nav.querySelector(".fm-tablist");
    var tabs = Array.prototype.slice.call(nav.querySelectorAll("a.fm-tab"));
    if (!tabs.length) { return; }
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", nav.getAttribute("aria-label") || "");
    each(list.children, function (item) { item.setAttribute("role", "presentation"); });

    function panelFor(tab) { return document.getElementById(tab.getAttribute("aria-controls")); }

    function select(tab, moveFocus) {
      tabs.forEach(function (other) {
        var selected = other === tab;
        other.setAttribute("aria-selected", selected ? "true" : "false");
        other.setAttribute("tabindex", selected ? "0" : "-1");
        other.classList.toggle("is-active", selected);
        if (selected) { other.setAttribute("aria-current", "page"); } else { other.removeAttribute("aria-current"); }
        var panel = panelFor(other);
        if (panel) { panel.hidden = !selected; }
      });
      if (moveFocus) { tab.focus(); }
      setParam("view", tab.getAttribute("data-view"));
      retarget(document.querySelectorAll("[data-fm-legend] a[data-system]"), "view", tab.getAttribute("data-view"));
    }

    tabs.forEach(function (tab, index) {
      tab.setAttribute("role", "tab");
      var panel = panelFor(tab);
      if (panel) {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
      }
      var active = tab.getAttribute("aria-current") === "page";
      tab.setAttribute("aria-selected", active ? "true" : "false");
      tab.setAttribute("tabindex", active ? "0" : "-1");
      tab.classList.toggle("is-active", active);
      tab.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button > 0) { return; }
        event.preventDefault();
        select(tab, false);
      });
      tab.addEventListener("keydown", function (event) {
        var to = null;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") { to = tabs[(index + 1) % tabs.length]; }
        else if (event.key === "ArrowLeft" || event.key === "ArrowUp") { to = tabs[(index - 1 + tabs.length) % tabs.length]; }
        else if (event.key === "Home") { to = tabs[0]; }
        else if (event.key === "End") { to = tabs[tabs.length - 1]; }
        else if (event.key === " ") { event.preventDefault(); select(tab, true); return; }
        if (to) { event.preventDefault(); select(to, true); }
      });
    });
  }

  // --- Body systems ---------------------------------------------------------------------------------
  function fillFor(shape, system) {
    var fills = shape.getAttribute("data-fills");
    if (system && fills) {
      var pairs = fills.split(" ");
      for (var i = 0; i < pairs.length; i++) {
        var parts = pairs[i].split(":");
        if (parts[0] === system) { return parts[1]; }
      }
    }
    return shape.getAttribute("data-fill");
  }

  function initLegend(legend) {
    var root = document.getElementById(legend.getAttribute("data-fm-target"));
    if (!root) { return; }
    var links = legend.querySelectorAll("a[data-system]");
    var clear = legend.querySelector(".fm-clear");
    var note = legend.querySelector(".fm-system-note");
    var listItems = document.querySelectorAll("[data-fm-list] .fm-zone-item");

    function has(element, system) {
      return (" " + (element.getAttribute("data-systems") || "") + " ").indexOf(" " + system + " ") !== -1;
    }

    function apply(system, link) {
      each(root.querySelectorAll(".fm-zone"), function (shape) {
        var lit = Boolean(system) && has(shape, system);
        shape.classList.toggle("is-lit", lit);
        shape.classList.toggle("is-dim", Boolean(system) && !lit);
        var fill = fillFor(shape, lit ? system : "");
        if (fill) { each(shape.querySelectorAll("use, path"), function (part) { part.setAttribute("fill", fill); }); }
      });
      each(listItems, function (item) {
        var lit = Boolean(system) && has(item, system);
        item.classList.toggle("is-lit", lit);
        item.classList.toggle("is-dim", Boolean(system) && !lit);
      });
      each(links, function (other) {
        var on = Boolean(system) && other.getAttribute("data-system") === system;
        other.classList.toggle("is-active", on);
        if (on) { other.setAttribute("aria-current", "true"); } else { other.removeAttribute("aria-current"); }
      });
      if (clear) { clear.hidden = !system; }
      if (note) {
        note.textContent = "";
        if (system && link) {
          var strong = document.createElement("strong");
          strong.textContent = link.getAttribute("data-name") + ". ";
          note.appendChild(strong);
          note.appendChild(document.createTextNode(link.getAttribute("data-description") || ""));
        }
      }
      setParam("system", system);
      retarget(root.querySelectorAll("a.fm-tab"), "system", system);
    }

    each(links, function (link) {
      link.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button > 0) { return; }
        event.preventDefault();
        var system = link.getAttribute("data-system");
        if (system && link.classList.contains("is-active")) { system = ""; }
        apply(system, link);
        if (!system && clear && link === clear.querySelector("a")) {
          var first = legend.querySelector("a.fm-system");
          if (first) { first.focus(); }
        }
      });
    });
  }

  function init() {
    each(document.querySelectorAll("[data-footmap]"), function (root) {
      initCaption(root);
      initTabs(root);
    });
    each(document.querySelectorAll("[data-fm-legend]"), initLegend);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
