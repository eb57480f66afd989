// What every page needs from script, and nothing it cannot do without:
// - the phone menu, a disclosure: the button is hidden until this runs, so without JS the menu stays open;
// - a box that scrolls sideways (a wide table on a phone) takes keyboard focus, named by its table's caption
//   or heading, so that keyboard users can scroll it too (WCAG 2.1.1; axe "scrollable-region-focusable").
(function () {
  "use strict";
  function scrollables() {
    var boxes = document.querySelectorAll(".table-scroll, .chart-wrap");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          var panel = box.closest("section, .panel");
          var caption = box.querySelector("caption") || (panel && panel.querySelector("h2, h3"));
          box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
        }
      } else if (box.getAttribute("tabindex") === "0" && box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
      }
    }
  }
  function setUp() {
    scrollables();
    // A form sent back with errors: the summary (links to each field) is read first and reachable at once.
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
    window.addEventListener("resize", scrollables);
    document.addEventListener("htmx:afterSwap", scrollables);
    var header = document.querySelector("[data-menu]");
    if (!header) return;
    var button = header.querySelector(".menu-btn");
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    var links = header.querySelectorAll(".nav a");
    for (var i = 0; i < links.length; i++) {
      var path = links[i].pathname;
      if (path !== "/" && location.pathname.indexOf(path) === 0) links[i].setAttribute("aria-current", "page");
    }
    header.classList.add("has-menu-js");
    button.hidden = false;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
