// The processing state of revisions on the document page, polled until their file is converted or recognised.
// Progressive enhancement: without script the page shows the state it was rendered with, and a refresh updates it.
(function () {
  "use strict";
  var INTERVAL = 2000;

  function poll(element) {
    var url = element.getAttribute("data-processing-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        element.className = "processing processing-" + state.state;
        element.querySelector(".processing-label").textContent = state.label;
        element.querySelector(".processing-detail").textContent = state.detail || "";
        if (state.state === "queued" || state.state === "running") {
          window.setTimeout(function () { poll(element); }, INTERVAL);
        } else {
          // Done or failed: the actions, findings and citations that depend on it come with the page.
          element.querySelector(".processing-reload").hidden = false;
        }
      })
      .catch(function () { window.setTimeout(function () { poll(element); }, INTERVAL * 5); });
  }

  document.querySelectorAll("[data-processing-url]").forEach(function (element) {
    window.setTimeout(function () { poll(element); }, INTERVAL);
  });
})();
