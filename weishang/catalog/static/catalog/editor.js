// The product description's small rich-text editor: an editable area with a toolbar that writes
// its HTML back into the form's textarea. Without JavaScript the plain textarea is used. The
// server sanitizes whatever arrives; the cleaning here only keeps a re-shown form from running
// markup that was typed into it.
(function () {
  "use strict";
  var DROPPED = "script,style,iframe,object,embed,link,meta,form,input,button,textarea,select";

  function inertCopy(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.body.querySelectorAll(DROPPED).forEach(function (node) { node.remove(); });
    doc.body.querySelectorAll("*").forEach(function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
        var name = attribute.name.toLowerCase();
        var value = attribute.value.replace(/\s+/g, "").toLowerCase();
        if (name.indexOf("on") === 0 || (/^(href|src)$/.test(name) && !/^(https?:|\/|#|[^:]*$)/.test(value))) {
          node.removeAttribute(attribute.name);
        }
      });
    });
    return doc.body.innerHTML;
  }

  function enhance(textarea) {
    var editor = document.querySelector('[data-rich-editor-for="' + textarea.id + '"]');
    if (!editor) { return; }
    var area = editor.querySelector(".rich-area");
    area.innerHTML = inertCopy(textarea.value);
    var sync = function () { textarea.value = area.innerHTML; };
    area.addEventListener("input", sync);
    textarea.form.addEventListener("submit", sync);
    editor.querySelectorAll("[data-command]").forEach(function (button) {
      button.addEventListener("click", function () {
        var command = button.dataset.command;
        var value = button.dataset.value || null;
        if (command === "createLink") {
          value = window.prompt(button.dataset.prompt, "https://");
          if (!value) { return; }
        }
        area.focus();
        document.execCommand(command, false, value);
        sync();
      });
    });
    textarea.hidden = true;
    editor.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-rich-text]").forEach(enhance);
  });
})();
