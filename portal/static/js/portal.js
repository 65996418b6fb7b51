/* Mijn Zaken: progressive enhancement only. Every page works without this file.
   No inline script anywhere (strict CSP), so all behaviour lives here. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* Say something to screen-reader users through the page's live region (WCAG 4.1.3). */
  function announce(message) {
    var region = document.getElementById("live-region");
    if (!region || !message) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }
  window.portalAnnounce = announce;

  /* After a failed form submit, move focus to the error summary (WCAG 3.3.1). */
  function focusAutofocusTarget(root) {
    var target = (root || document).querySelector("[data-autofocus]");
    if (target) { target.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () { focusAutofocusTarget(document); });

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  /* After HTMX swaps content in: announce what changed and put focus somewhere
     sensible (WCAG 2.4.3). The server marks the element with data-announce and
     optionally data-focus-after-swap. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.detail.target;
    /* With hx-swap="outerHTML" the target itself was replaced: look in its successor. */
    if (!root.isConnected && root.id) { root = document.getElementById(root.id) || root; }
    var messageEl = root.querySelector("[data-announce]") || (root.hasAttribute("data-announce") ? root : null);
    if (messageEl) { announce(messageEl.getAttribute("data-announce")); }
    var focusEl = root.querySelector("[data-autofocus]") || root.querySelector("[data-focus-after-swap]");
    /* The swap removed the element that had focus (e.g. the submit button): rather than
       dropping keyboard users at the top of the page, put focus on the new message. */
    if (!focusEl && (!document.activeElement || document.activeElement === document.body)) {
      focusEl = root.querySelector("[role=status], [role=alert], h2, h3");
    }
    if (focusEl) {
      if (!focusEl.hasAttribute("tabindex")) { focusEl.setAttribute("tabindex", "-1"); }
      focusEl.focus();
    }
  });
})();
