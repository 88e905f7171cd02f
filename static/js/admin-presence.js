/*
 * Who else has this explainer's change form open, said at the top of the form, and the edit lock
 * as it stands now. A heartbeat is posted every few seconds (articles/desk/locking.py answers
 * with the others present and the lock); leaving the page says so at once, and a page that
 * cannot say it drops out when its heartbeats stop. The notice is a polite live region: a
 * screen reader hears who arrives and who locks the explainer, once.
 */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var notice = document.getElementById("presence-notice");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!notice || !token) return;
  var interval = 1000 * (Number(notice.dataset.interval) || 5);
  var readOnly = notice.dataset.readOnly === "true";
  var timer = null;

  function listed(names) {
    if (names.length < 2) return names.join("");
    return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  }

  // Each line as [text, warning?]; the region is redrawn only when the words change.
  function say(lines) {
    var said = lines.map(function (line) { return line[0]; }).join("\n");
    if (notice.dataset.said === said) return;
    notice.dataset.said = said;
    notice.replaceChildren.apply(
      notice,
      lines.map(function (line) {
        var p = document.createElement("p");
        p.textContent = line[0];
        if (line[1]) p.className = "presence-warning";
        return p;
      })
    );
  }

  function show(answer) {
    var lines = [];
    var editing = answer.others.filter(function (p) { return p.editing; });
    var viewing = answer.others.filter(function (p) { return !p.editing; });
    var names = function (people) { return listed(people.map(function (p) { return p.name; })); };
    if (editing.length) {
      lines.push([names(editing) + (editing.length === 1 ? " is" : " are") +
        " also editing this explainer.", false]);
    }
    if (viewing.length) {
      lines.push([names(viewing) + (viewing.length === 1 ? " has" : " have") +
        " this explainer open, read-only.", false]);
    }
    var lock = answer.lock;
    if (lock && !lock.mine && !readOnly) {
      lines.push([lock.holder + " locked this explainer at " + lock.since +
        ": your changes cannot be saved until it is unlocked.", true]);
    } else if (!lock && readOnly) {
      lines.push(["The lock has been lifted: reload the page to edit.", true]);
    }
    say(lines);
  }

  function post() {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token.value);
    return body;
  }

  function beat() {
    fetch(notice.dataset.heartbeatUrl, {
      method: "POST",
      body: post(),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token.value },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) show(answer); else say([]); })
      .catch(function () { say([]); });
  }

  function start() {
    if (timer !== null) return;
    beat();
    timer = window.setInterval(beat, interval);
  }

  window.addEventListener("pagehide", function () {
    window.clearInterval(timer);
    timer = null;
    navigator.sendBeacon(notice.dataset.leaveUrl, post());
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) start(); // back from the browser's page cache
  });
  start();
});
