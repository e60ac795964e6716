/* Upload with drag and drop and a progress bar. Progressive enhancement: without this script the form posts as usual.
   The form declares data-upload; the server answers an XHR with JSON ({location} or {error: {message}}). */
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest) { return; }

  // Numbers as the page's language writes them (14,3 in Vietnamese, 14.3 in English).
  var lang = document.documentElement.lang || "vi";

  function sizeText(bytes) {
    if (bytes < 1024) { return bytes + " byte"; }
    var units = ["KB", "MB", "GB"], value = bytes / 1024, i = 0;
    while (value >= 1024 && i < units.length - 1) { value /= 1024; i += 1; }
    return value.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " " + units[i];
  }

  // The page gives the texts, translated: data-text-chosen ("{name}", "{size}"), -progress ("{percent}"), -done.
  function say(form, name, values) {
    var text = form.getAttribute("data-text-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-dropzone]");
    var chosen = form.querySelector("[data-chosen]");
    var status = form.querySelector("[data-upload-status]");
    var bar = form.querySelector("progress");
    var problem = form.querySelector("[data-upload-error]");
    var button = form.querySelector("[type=submit]");
    var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    if (!input || !zone) { return; }
    zone.classList.add("dropzone-on");

    function showError(message) {
      problem.textContent = message;
      problem.hidden = !message;
      if (message) { problem.focus(); }
    }

    function describe() {
      var file = input.files && input.files[0];
      chosen.textContent = file ? say(form, "chosen", { name: file.name, size: sizeText(file.size) }) : "";
      showError("");
      if (file && limit && file.size > limit) {
        showError(form.getAttribute("data-too-large"));
      }
    }

    input.addEventListener("change", describe);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dropzone-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dropzone-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        describe();
      }
    });

    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (file && limit && file.size > limit) {
        event.preventDefault();
        showError(form.getAttribute("data-too-large"));
        return;
      }
      event.preventDefault();
      var data = new FormData(form);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      var token = form.querySelector("input[name=csrf_token]");
      if (token) { xhr.setRequestHeader("X-CSRFToken", token.value); }
      bar.hidden = false;
      bar.value = 0;
      button.disabled = true;
      showError("");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var percent = Math.round(100 * e.loaded / e.total);
          bar.value = percent;
          status.textContent = say(form, "progress", { percent: percent });
        }
      });
      xhr.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (ignored) { answer = null; }
        if (xhr.status < 300 && answer && answer.location) {
          status.textContent = say(form, "done");
          window.location.assign(answer.location);
          return;
        }
        button.disabled = false;
        bar.hidden = true;
        status.textContent = "";
        var message = answer && answer.error && answer.error.message;
        if (!message) {
          message = xhr.status === 413 ? form.getAttribute("data-too-large") : form.getAttribute("data-failed");
        }
        showError(message);
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        bar.hidden = true;
        status.textContent = "";
        showError(form.getAttribute("data-failed"));
      });
      xhr.send(data);
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(enhance);
}());
