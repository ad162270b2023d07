// A table wider than the screen scrolls sideways inside its .table-scroll box. Such a box
// must be reachable by keyboard to be scrolled, so while it overflows it becomes a focusable,
// named region (named by the table's caption); when it fits, it is left out of the tab order.
(function () {
  "use strict";
  function mark(box) {
    var overflows = box.scrollWidth > box.clientWidth + 1;
    if (overflows) {
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (caption ? caption.textContent.trim() + ", " : "") + "table, scrolls sideways");
    } else if (box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
  function markAll() {
    document.querySelectorAll(".table-scroll").forEach(mark);
  }
  document.addEventListener("DOMContentLoaded", markAll);
  document.addEventListener("htmx:afterSettle", markAll);
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(markAll, 100);
  });
})();
