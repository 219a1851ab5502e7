// The run page follows its run: it polls the run's state and reloads when it is finished.
(function () {
  "use strict";
  var box = document.querySelector(".run-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var state = box.querySelector(".run-state");
  var best = box.querySelector(".run-best");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        state.textContent = data.state_label;
        best.textContent = data.best_priority_total === null ? "—" : data.best_priority_total;
        if (data.state === "queued" || data.state === "running") {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
