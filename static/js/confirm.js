// A button with data-confirm asks before its form is sent (allauth's "Remove" address, for
// one): the browser's own dialog, which the keyboard and screen readers handle.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
