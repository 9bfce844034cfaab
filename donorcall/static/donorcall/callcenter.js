// The Call Center screen: keyboard shortcuts, ticking clocks and countdowns, the dispositions
// of the chosen ended reason. The server keeps the state (htmx swaps #console); this only
// makes it pleasant to drive from the keyboard for a whole shift.
(function () {
  "use strict";

  var TYPING = /^(INPUT|TEXTAREA|SELECT)$/;
  var paused = false; // the Progressive wrap-up countdown, paused by the agent

  function visible(element) {
    return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
  }

  function shortcutFor(event) {
    if (event.ctrlKey && event.key === "Enter") return "ctrl+enter";
    if (event.ctrlKey || event.metaKey || event.altKey) return null;
    if (TYPING.test(event.target.tagName) && event.target.type !== "radio") return null;
    return event.key.toLowerCase();
  }

  document.addEventListener("keydown", function (event) {
    var key = shortcutFor(event);
    if (!key) return;
    // A key pressed the instant a new screen arrives must still go through htmx, not fall
    // back to a full page post: make sure the new forms are wired (idempotent).
    var screen = document.getElementById("console");
    if (screen && window.htmx) window.htmx.process(screen);
    var targets = document.querySelectorAll('#console [data-key="' + key + '"]');
    for (var i = 0; i < targets.length; i++) {
      var target = targets[i];
      if (target.disabled || !visible(target)) continue;
      event.preventDefault();
      if (target.type === "radio") {
        target.checked = true;
        target.dispatchEvent(new Event("change", { bubbles: true }));
        target.focus();
      } else {
        target.click();
      }
      return;
    }
  });

  // Ended reason → only the dispositions under it.
  document.addEventListener("change", function (event) {
    if (event.target.name !== "reason") return;
    document.querySelectorAll("#console .disposition-choice").forEach(function (choice) {
      choice.hidden = choice.dataset.reason !== event.target.value;
    });
  });

  // Clocks count up from the seconds the server gave; countdowns count down to zero, then
  // act: "heartbeat" asks the server now (the preview ran out), "ready" presses Ready for Call.
  function format(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = ("0" + (seconds % 60)).slice(-2);
    if (hours) return hours + ":" + ("0" + minutes).slice(-2) + ":" + rest;
    return minutes + ":" + rest;
  }

  function tick() {
    document.querySelectorAll("#console [data-elapsed]").forEach(function (clock) {
      var elapsed = parseInt(clock.dataset.elapsed, 10) + 1;
      clock.dataset.elapsed = elapsed;
      clock.textContent = format(elapsed);
    });
    document.querySelectorAll("#console .countdown[data-seconds]").forEach(function (countdown) {
      if (countdown.dataset.expire === "ready" && paused) return;
      var left = Math.max(0, parseInt(countdown.dataset.seconds, 10) - 1);
      countdown.dataset.seconds = left;
      countdown.textContent = countdown.dataset.expire === "ready" ? left : format(left);
      if (left === 0 && !countdown.dataset.fired) {
        countdown.dataset.fired = "true";
        expire(countdown.dataset.expire);
      }
    });
  }

  function expire(what) {
    if (what === "heartbeat") {
      var heartbeat = document.getElementById("heartbeat");
      if (heartbeat && window.htmx) window.htmx.trigger(heartbeat, "beat");
    } else if (what === "ready") {
      var ready = document.getElementById("ready-again");
      if (ready) ready.click();
    }
  }

  setInterval(tick, 1000);

  document.addEventListener("click", function (event) {
    var pause = event.target.closest("[data-pause]");
    if (!pause) return;
    paused = !paused;
    pause.firstChild.textContent = paused ? "Resume countdown " : "Pause ";
    pause.setAttribute("aria-pressed", paused ? "true" : "false");
  });

  // A new screen: the countdown starts unpaused, and the first thing to do has the focus.
  document.addEventListener("htmx:afterSwap", function () {
    paused = false;
    var first = document.querySelector("#console [autofocus]");
    if (first) first.focus();
  });
})();
