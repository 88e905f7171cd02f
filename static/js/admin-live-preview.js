/*
 * The explainer add and change forms' live preview (articles/desk/live_preview.py).
 *
 * While the panel is open, every edit (a field's input or change event, a rich-text editor's
 * change event) schedules an update 800 ms after the last one: the whole form, with each
 * editor's content copied back into its textarea first, is posted to the preview URL, which
 * saves nothing and answers with the page as readers would see it. The page is shown in a
 * sandboxed frame that runs no script, at a phone's or a desktop's width, scaled to fit.
 */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var panel = document.getElementById("live-preview");
  var form = document.getElementById("explainer_form");
  if (!panel || !form) return;
  var url = panel.getAttribute("data-url");
  var frame = panel.querySelector("iframe");
  var stage = panel.querySelector(".live-preview-stage");
  var status = panel.querySelector(".live-preview-status");
  var widthButtons = panel.querySelectorAll("[data-preview-width]");
  var openers = document.querySelectorAll("[data-live-preview-open]");
  var DELAY = 800;
  var width = 390;
  var timer = null;
  var pending = null; // the AbortController of the request in flight
  var shown = 0; // the number of the newest update shown, so a slow answer never replaces a newer one
  var sent = 0;
  var lastKey = null; // the form as last posted: the same form is not posted again
  var lastSaid = "";

  function say(text) {
    status.textContent = text;
  }

  function isOpen() {
    return !panel.hidden;
  }

  function formData() {
    var editors = window.CKEDITOR ? window.CKEDITOR.instances : {};
    Object.keys(editors).forEach(function (name) {
      editors[name].updateElement();
    });
    var data = new FormData(form);
    // Files are not previewed (the server ignores them too): do not upload a hero image on
    // every keystroke.
    Array.from(data.keys()).forEach(function (key) {
      if (data.getAll(key).some(function (value) { return value instanceof File; })) {
        data.delete(key);
      }
    });
    return data;
  }

  function fit() {
    var available = stage.clientWidth;
    var scale = Math.min(1, available / width);
    frame.style.width = width + "px";
    frame.style.height = stage.clientHeight / scale + "px";
    frame.style.transform = scale < 1 ? "scale(" + scale + ")" : "";
  }

  function show(html) {
    var doc = frame.contentDocument;
    var scrolled = doc && doc.scrollingElement ? doc.scrollingElement.scrollTop : 0;
    frame.addEventListener(
      "load",
      function () {
        var next = frame.contentDocument;
        if (next && next.scrollingElement) next.scrollingElement.scrollTop = scrolled;
      },
      { once: true }
    );
    frame.srcdoc = html;
  }

  function update() {
    timer = null;
    if (!isOpen()) return;
    var data = formData();
    var key = new URLSearchParams(data).toString();
    if (key === lastKey) {
      say(lastSaid); // a change event that changed nothing (a field left), or a reopened panel
      return;
    }
    lastKey = key;
    if (pending) pending.abort();
    pending = new AbortController();
    var number = ++sent;
    say("Updating…");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      signal: pending.signal,
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (response.redirected) {
          throw new Error("Your session has ended: sign in again in another tab.");
        }
        var outcome = response.headers.get("Live-Preview");
        if (!response.ok || !outcome) {
          throw new Error("The preview could not be updated (" + response.status + ").");
        }
        return response.text().then(function (html) {
          if (number < shown) return;
          shown = number;
          show(html);
          var time = new Date().toLocaleTimeString([], {
            hour: "2-digit",
            minute: "2-digit",
            second: "2-digit",
          });
          lastSaid = outcome === "shown" ? "Updated " + time : "Needs corrections (" + time + ")";
          say(lastSaid);
          panel.setAttribute("data-preview-state", outcome);
        });
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        lastKey = null; // try again on the next edit
        say(error.message);
        panel.setAttribute("data-preview-state", "failed");
      });
  }

  function schedule() {
    if (!isOpen()) return;
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(update, DELAY);
    say("Changes not shown yet…");
  }

  function setWidth(value) {
    width = value;
    widthButtons.forEach(function (button) {
      var on = Number(button.getAttribute("data-preview-width")) === value;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    panel.setAttribute("data-preview-width", String(value));
    fit();
  }

  function open() {
    panel.hidden = false;
    document.body.classList.add("live-preview-open");
    openers.forEach(function (opener) {
      opener.setAttribute("aria-expanded", "true");
    });
    fit();
    update();
    panel.querySelector("h2").focus();
  }

  function close() {
    panel.hidden = true;
    document.body.classList.remove("live-preview-open");
    openers.forEach(function (opener) {
      opener.setAttribute("aria-expanded", "false");
      opener.focus();
    });
  }

  openers.forEach(function (opener) {
    opener.hidden = false;
    opener.setAttribute("aria-controls", "live-preview");
    opener.setAttribute("aria-expanded", "false");
    opener.addEventListener("click", function (event) {
      event.preventDefault();
      if (isOpen()) close();
      else open();
    });
  });
  panel.querySelector("[data-live-preview-close]").addEventListener("click", close);
  widthButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      setWidth(Number(button.getAttribute("data-preview-width")));
    });
  });
  window.addEventListener("resize", function () {
    if (isOpen()) fit();
  });

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  // Rows added or removed by the admin's inline buttons.
  form.addEventListener("click", function (event) {
    if (event.target.closest(".inline-deletelink, .add-row a")) schedule();
  });

  function watchEditor(editor) {
    editor.on("change", schedule);
  }
  if (window.CKEDITOR) {
    Object.keys(window.CKEDITOR.instances).forEach(function (name) {
      watchEditor(window.CKEDITOR.instances[name]);
    });
    window.CKEDITOR.on("instanceCreated", function (event) {
      watchEditor(event.editor);
    });
  }
  setWidth(width);
});
