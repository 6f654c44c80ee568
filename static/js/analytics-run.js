// A run's page follows the run: while it is queued or running, its progress bar, step and status are read from
// the run's progress endpoint every second and a half; when it has finished, the page reloads to show the
// results (or the reason it failed). No inline script: the Content-Security-Policy forbids it.
(function () {
  "use strict";
  var box = document.querySelector("[data-run-progress]");
  if (!box || box.dataset.finished === "true") { return; }
  var bar = box.querySelector("[data-run-bar]");
  var percent = box.querySelector("[data-run-percent]");
  var step = box.querySelector("[data-run-step]");
  var status = box.querySelector("[data-run-status]");
  var error = box.querySelector("[data-run-error]");
  var classes = { queued: "text-bg-secondary", running: "text-bg-primary", succeeded: "text-bg-success", failed: "text-bg-danger" };
  var delay = 1500;
  var failures = 0;

  function show(data) {
    bar.value = data.progress;
    percent.textContent = data.progress;
    step.textContent = data.step;
    status.textContent = data.status_label;
    status.className = "badge " + (classes[data.status] || "text-bg-secondary");
    box.dataset.status = data.status;
    if (data.error) {
      error.textContent = data.error;
      error.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.finished) {
          box.dataset.finished = "true";
          window.setTimeout(function () { window.location.reload(); }, 600);
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // The server may be restarting: keep trying, less often.
        failures += 1;
        window.setTimeout(poll, Math.min(delay * (failures + 1), 15000));
      });
  }

  window.setTimeout(poll, delay);
})();
