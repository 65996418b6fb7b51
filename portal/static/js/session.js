/* Mijn Zaken: warn before the session times out (WCAG 2.2.1 Timing Adjustable).
   Only runs for signed-in users (the layout renders the dialog and the meta tags
   only then). Without JavaScript nothing breaks: the server still ends idle
   sessions and the next page says why. */
(function () {
  "use strict";

  var dialog, countdown, timer, tick, previousFocus;

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? parseInt(el.getAttribute("content"), 10) : NaN;
  }

  function csrfToken() {
    var el = document.querySelector('meta[name="csrf-token"]');
    return el ? el.getAttribute("content") : "";
  }

  function announce(message) {
    if (window.portalAnnounce) { window.portalAnnounce(message); }
  }

  var leaving = false;

  /* Go to the sign-in page once: the countdown and the timer can both find the session
     ended; a second navigation would replace the page that says why (the first request
     already ended the session on the server). */
  function signedOut() {
    if (leaving) { return; }
    leaving = true;
    window.clearTimeout(timer);
    window.clearInterval(tick);
    window.location.assign("/inloggen?volgende=" + encodeURIComponent(window.location.pathname + window.location.search));
  }

  function minutesText(seconds) {
    var minutes = Math.max(1, Math.ceil(seconds / 60));
    var template = minutes === 1 ? dialog.getAttribute("data-one-minute") : dialog.getAttribute("data-minutes");
    return template.replace("{n}", String(minutes));
  }

  function schedule(secondsLeft, warningSeconds) {
    window.clearTimeout(timer);
    var wait = Math.max(0, secondsLeft - warningSeconds);
    timer = window.setTimeout(check, wait * 1000);
  }

  /* Ask the server how long is left: another tab may have kept the session alive.
     /sessie/status itself does not count as activity. */
  function check() {
    if (leaving) { return; }
    fetch("/sessie/status", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (!status.signed_in || status.seconds_left <= 0) { signedOut(); return; }
        if (status.seconds_left > status.warning_seconds) {
          closeDialog(false);
          schedule(status.seconds_left, status.warning_seconds);
        } else {
          openDialog(status.seconds_left);
        }
      })
      .catch(function () { schedule(60, 0); });
  }

  function openDialog(secondsLeft) {
    var deadline = Date.now() + secondsLeft * 1000;
    countdown.textContent = minutesText(secondsLeft);
    if (!dialog.open) {
      previousFocus = document.activeElement;
      dialog.showModal();
      dialog.querySelector("[data-session-extend]").focus();
    }
    window.clearInterval(tick);
    tick = window.setInterval(function () {
      var left = Math.round((deadline - Date.now()) / 1000);
      if (left <= 0) { window.clearInterval(tick); check(); return; }
      countdown.textContent = minutesText(left);
    }, 15000);
    window.clearTimeout(timer);
    timer = window.setTimeout(check, secondsLeft * 1000 + 1000);
  }

  function closeDialog(restoreFocus) {
    window.clearInterval(tick);
    if (dialog.open) { dialog.close(); }
    if (restoreFocus && previousFocus && previousFocus.focus) { previousFocus.focus(); }
  }

  function extend(event) {
    if (event) { event.preventDefault(); }
    fetch("/sessie/verlengen", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrfToken() }
    })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (!status.signed_in) { signedOut(); return; }
        closeDialog(true);
        announce(dialog.getAttribute("data-extended"));
        schedule(status.seconds_left, meta("session-warning-seconds"));
      })
      .catch(function () { dialog.querySelector("form[data-session-extend-form]").submit(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    dialog = document.getElementById("session-warning");
    var idle = meta("session-idle-seconds");
    var warning = meta("session-warning-seconds");
    if (!dialog || isNaN(idle) || isNaN(warning) || typeof dialog.showModal !== "function") { return; }
    countdown = dialog.querySelector("[data-session-countdown]");
    dialog.querySelector("form[data-session-extend-form]").addEventListener("submit", extend);
    /* Escape closes the dialog; pressing a key shows the person is there, so it extends too. */
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); extend(); });
    schedule(idle, warning);
  });
})();
