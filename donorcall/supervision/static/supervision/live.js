// Live: clocks count up from the seconds the server gave (not the browser's clock), between
// the fragment's one-second refreshes.
(function () {
  "use strict";

  function format(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = ("0" + (seconds % 60)).slice(-2);
    if (hours) return hours + ":" + ("0" + minutes).slice(-2) + ":" + rest;
    return minutes + ":" + rest;
  }

  setInterval(function () {
    document.querySelectorAll("#floor [data-elapsed]").forEach(function (clock) {
      var elapsed = parseInt(clock.dataset.elapsed, 10) + 1;
      clock.dataset.elapsed = elapsed;
      clock.textContent = format(elapsed);
    });
  }, 1000);
})();
