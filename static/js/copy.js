// The new-key page. A copy button (hidden until this runs: without JavaScript the field itself
// is focusable and selectable), selecting the whole key on focus, and forgetting the key when
// the page is left, so that going back in the history never shows it again.
(function () {
  "use strict";
  var status = document.querySelector("[data-copy-status]");

  function say(text) { if (status) { status.textContent = text; } }

  document.querySelectorAll("input[data-secret]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      var fallback = function () {
        say(document.execCommand("copy") ? "Copied." : "Press Ctrl+C (⌘C) to copy the selected key.");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say("Copied."); }, fallback);
      } else {
        fallback();
      }
    });
  });

  window.addEventListener("pagehide", function () {
    document.querySelectorAll("[data-secret-box]").forEach(function (box) {
      var note = document.createElement("p");
      note.textContent = "This key is no longer shown. Only its prefix is.";
      box.replaceChildren(note);
    });
  });
})();
