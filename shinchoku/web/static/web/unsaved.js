// Warn before leaving a form marked data-unsaved-warning whose fields changed and that is not being submitted.
// Progressive enhancement only: without JavaScript the form works the same, just without the warning.
(function () {
  "use strict";
  function snapshot(form) {
    var parts = [];
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") continue;
      if (el.type === "checkbox" || el.type === "radio") parts.push(el.name + "=" + el.checked);
      else parts.push(el.name + "=" + el.value);
    }
    return parts.join("\u0000");
  }
  function watch(form) {
    var initial = snapshot(form);
    var submitting = false;
    // A re-rendered form with unsaved list operations (the server says so) is already dirty.
    var dirty = form.querySelector("[data-unsaved]") !== null;
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting) return undefined;
      if (!dirty && snapshot(form) === initial) return undefined;
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
  }
  function init() {
    var forms = document.querySelectorAll("form[data-unsaved-warning]");
    for (var i = 0; i < forms.length; i++) watch(forms[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
