// Inventory rows of the installation form: "添加一行" copies the empty row (Django's formset
// empty_form, with __prefix__ for its index) and raises TOTAL_FORMS; "清空" blanks a row, which the
// server skips (rows left blank are not inventory lines).
(function () {
  "use strict";
  var form = document.getElementById("installation-form");
  if (!form) return;
  var rows = document.getElementById("line-rows");
  var template = document.getElementById("line-template");
  var total = form.querySelector('input[name="lines-TOTAL_FORMS"]');
  document.getElementById("add-line").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild;
    var first = added && added.querySelector("input");
    if (first) first.focus();
  });
  rows.addEventListener("click", function (event) {
    var button = event.target.closest(".clear-line");
    if (!button) return;
    var row = button.closest(".line-row");
    row.querySelectorAll("input, select").forEach(function (field) { field.value = ""; });
  });
})();
