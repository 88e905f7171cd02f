/*
 * The explainer change form's workflow moves (submit, approve, publish, assign...) and its edit
 * lock buttons post small forms of their own, outside the main form: edits typed into the main
 * form and not yet saved would be dropped without a word. Before such a move, ask when the main
 * form has changed since the page loaded (its fields, or a rich-text editor's content).
 */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var main = document.getElementById("explainer_form");
  if (!main) return;
  var loaded = null;

  function fields() {
    return new URLSearchParams(new FormData(main)).toString();
  }

  function editorsChanged() {
    var editors = window.CKEDITOR ? window.CKEDITOR.instances : {};
    return Object.keys(editors).some(function (name) {
      return editors[name].checkDirty();
    });
  }

  window.addEventListener("load", function () {
    loaded = fields();
  });
  main.addEventListener("submit", function () {
    loaded = null; // saving: nothing will be lost
  });
  var separate = "form.workflow-move, form.workflow-assign, form.edit-lock-form";
  document.querySelectorAll(separate).forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (loaded === null || (fields() === loaded && !editorsChanged())) return;
      var ask =
        "This page has changes that are not saved. They will be lost if you carry on.\n\n" +
        "Press Cancel, then Save, to keep them.";
      if (!window.confirm(ask)) event.preventDefault();
    });
  });
});
