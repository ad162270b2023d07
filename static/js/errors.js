// Error summaries (templates/includes/error_summary.html): after a failed submit, focus moves
// to the summary at the top of the form, so that keyboard and screen-reader users hear what
// to correct; each link in it moves focus to the field it names (the first control inside a
// fieldset or a field's wrapper), not just scrolls to it.
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && !summary.contains(document.activeElement)) {
      summary.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) { return; }
    var control = target.matches("input, select, textarea, button")
      ? target
      : target.querySelector("input:not([type=hidden]), select, textarea");
    if (!control) { return; }
    event.preventDefault();
    control.focus();
    var label = control.labels && control.labels[0];
    (target.matches("fieldset") ? target : (label || control)).scrollIntoView({ block: "start" });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
  // A form swapped in by htmx brings its own summary.
  document.addEventListener("htmx:afterSettle", focusSummary);
}());
