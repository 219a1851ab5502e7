// Pages that show reports being made (the managers' page, a report in the admin) follow
// them: each ".report-progress" polls its report's state (JSON) and shows the progress; once
// every one has finished (done or failed), the page reloads to show the result. No library,
// nothing inline (the Content Security Policy allows our own scripts only).
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".report-progress[data-state-url]"));
  if (!boxes.length) { return; }
  var pending = boxes.length;
  boxes.forEach(function (box) {
    var url = box.getAttribute("data-state-url");
    var bar = box.querySelector("progress");
    var label = box.querySelector(".report-state");
    var finished = false;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          if (bar) { bar.value = data.progress; bar.textContent = data.progress + " %"; }
          if (label) { label.textContent = data.state_label; }
          if (data.is_active) {
            window.setTimeout(poll, 1500);
          } else if (!finished) {
            finished = true;
            pending -= 1;
            if (pending === 0) { window.location.reload(); }
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
