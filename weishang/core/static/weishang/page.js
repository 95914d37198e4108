// Small behaviours of every page, declared in the markup (no inline scripts, which the
// Content-Security-Policy refuses):
//   <button data-confirm="Cancel this order?">   asks before the form is sent
//   <input data-select-on-focus>                  selects its text when focused (links to copy)
//   <select data-submit-on-change>                sends its form when a choice is made
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-submit-on-change]");
    if (select && select.form) {
      select.form.submit();
    }
  });
})();
