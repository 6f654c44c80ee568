// Progressive enhancements; every page works without them.
(function () {
  "use strict";
  // The language switch submits itself when a language is picked.
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Sign-in sends the browser's time zone; the first sign-in makes it the user's (accounts.receivers).
  document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
    try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { input.value = ""; }
  });

  // A printable page's "Print" button.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // Irreversible actions ask once more.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // Customer picker: type a name, choose a suggestion, and the hidden field gets the customer's id.
  document.querySelectorAll("[data-autocomplete]").forEach(function (box) {
    var input = box.querySelector("input[type=search]");
    var results = box.querySelector(".autocomplete-results");
    var target = document.getElementById(box.dataset.target);
    var timer = null;
    function clear() { results.innerHTML = ""; }
    input.addEventListener("input", function () {
      if (target) { target.value = ""; }
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2) { clear(); return; }
      timer = setTimeout(function () {
        var url = box.dataset.url + (box.dataset.url.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(text);
        fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            clear();
            data.results.forEach(function (item) {
              var button = document.createElement("button");
              button.type = "button";
              button.className = "list-group-item list-group-item-action";
              button.setAttribute("role", "option");
              var detail = item.detail || item.city;
              button.textContent = item.text + (detail ? " · " + detail : "");
              button.addEventListener("click", function () {
                input.value = item.text;
                if (target) { target.value = item.id; }
                clear();
              });
              results.appendChild(button);
            });
          });
      }, 200);
    });
    document.addEventListener("click", function (event) { if (!box.contains(event.target)) { clear(); } });
  });

  // List bulk changes: tick every row of the page at once, count the ticked rows, show only the value the chosen
  // action needs (without this script every value field shows, and the server checks the pair).
  document.querySelectorAll("form[data-bulk]").forEach(function (form) {
    var all = form.querySelector("[data-bulk-all]");
    var count = form.querySelector("[data-bulk-count]");
    var action = form.querySelector("select[name=action]");
    function boxes() { return Array.prototype.slice.call(form.querySelectorAll("input[name=id]")); }
    function update() {
      var ticked = boxes().filter(function (box) { return box.checked; }).length;
      if (count) { count.textContent = ticked ? form.dataset.tickedLabel.replace("%s", ticked) : ""; }
      if (all) {
        all.checked = ticked > 0 && ticked === boxes().length;
        all.indeterminate = ticked > 0 && ticked < boxes().length;
      }
    }
    function show() {
      form.querySelectorAll("[data-bulk-for]").forEach(function (field) {
        field.hidden = field.dataset.bulkFor.split(" ").indexOf(action.value) < 0;
      });
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    form.addEventListener("change", function (event) { if (event.target.name === "id") { update(); } });
    if (action) { action.addEventListener("change", show); show(); }
  });
})();
