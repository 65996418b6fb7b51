"""Checks for content that changes after the page loaded (HTMX swaps, dialogs).

- 4.1.3 Status messages: after a swap, the news is in a live region that already
  existed when the page loaded (a region added together with its text is not read out
  by most screen readers), or in role="alert".
- 2.4.3 Focus order: after a swap in the same document, focus is not lost to <body>.
- 2.2.1 Timing adjustable: the session-timeout warning is a labelled dialog that takes
  focus and offers a button to stay signed in.
"""

from __future__ import annotations

import contextlib

from a11y.browser import EVENT_WAIT_MS
from a11y.checks.context import CheckContext, js_with_path
from a11y.findings import VIOLATION, Finding, node

LIVE_SELECTOR = "[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log]"
MARK_LIVE_JS = f"""() => {{ window.__a11yDocument = true;
  document.querySelectorAll('{LIVE_SELECTOR}').forEach(el => el.dataset.a11yLiveAtLoad = '1'); }}"""
SAME_DOCUMENT_JS = "() => window.__a11yDocument === true"
LIVE_TEXT_JS = f"""() => [...document.querySelectorAll('{LIVE_SELECTOR}')]
  .map(el => ({{text: el.textContent.trim(), atLoad: el.dataset.a11yLiveAtLoad === '1',
              alert: el.getAttribute('role') === 'alert' || el.getAttribute('aria-live') === 'assertive'}}))
  .filter(r => r.text && (r.atLoad || r.alert))"""
FOCUS_JS = js_with_path("""() => { const a = document.activeElement;
  if (!a || a === document.body || a === document.documentElement) return null;
  return {selector: cssPath(a), connected: a.isConnected, visible: a.checkVisibility()}; }""")


def before_steps(page) -> None:
    """Run before a state's interaction steps."""
    page.evaluate(MARK_LIVE_JS)


def status_message(page, ctx: CheckContext) -> list[Finding]:
    if "announcement" not in ctx.expect:
        return []
    try:
        page.wait_for_function(f"({LIVE_TEXT_JS})().length > 0", timeout=EVENT_WAIT_MS)
        return []
    except Exception:  # Playwright TimeoutError: nothing was announced
        return [
            Finding(
                check="status-message",
                kind=VIOLATION,
                criteria=["4.1.3"],
                description="After the content changed, nothing was put in a live region, so screen-reader users "
                "are not told what happened.",
                help="Put a short message in the page's aria-live region (data-announce on the swapped content).",
                impact="serious",
                nodes=[node("#live-region")],
            )
        ]


def focus_after_swap(page, ctx: CheckContext) -> list[Finding]:
    if not ctx.interacted or ctx.navigated_by_steps or "focus-on-body-ok" in ctx.expect:
        return []
    active = page.evaluate(FOCUS_JS)
    if active is None or not active["visible"]:
        return [
            Finding(
                check="focus-after-swap",
                kind=VIOLATION,
                criteria=["2.4.3"],
                description="After the interaction, keyboard focus was lost (it is on the page itself), "
                "so keyboard users must start again from the top.",
                help="After a swap, move focus to the new content's heading or keep it on the control that was used "
                "(data-focus-after-swap).",
                impact="serious",
                nodes=[node(active["selector"] if active else "body")],
            )
        ]
    return []


DIALOG_JS = js_with_path("""() => {
  const dialogs = [...document.querySelectorAll('dialog[open], [role=dialog], [role=alertdialog]')].filter(d => d.checkVisibility());
  if (!dialogs.length) return null;
  const d = dialogs[0];
  const labelIds = (d.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
  const name = (d.getAttribute('aria-label') || labelIds.map(id => (document.getElementById(id) || {}).textContent || '').join(' ')).trim();
  const a = document.activeElement;
  return {selector: cssPath(d), html: d.outerHTML.slice(0, 300), name: name,
          focusInside: !!a && d.contains(a), buttons: d.querySelectorAll('button').length};
}""")


def timeout_dialog(page, ctx: CheckContext) -> list[Finding]:
    if "dialog" not in ctx.expect:
        return []
    with contextlib.suppress(Exception):  # Playwright TimeoutError: no dialog appeared
        page.wait_for_function(f"({DIALOG_JS})() !== null", timeout=EVENT_WAIT_MS)
    dialog = page.evaluate(DIALOG_JS)
    problems = []
    if dialog is None:
        problems.append("The warning before the session ends did not appear.")
    else:
        if not dialog["name"]:
            problems.append("The dialog has no accessible name (aria-labelledby).")
        if not dialog["focusInside"]:
            problems.append("Focus did not move into the dialog, so keyboard and screen-reader users miss it.")
        if not dialog["buttons"]:
            problems.append("The dialog has no button to stay signed in.")
    warning_seconds = page.evaluate(
        "() => { const m = document.querySelector('meta[name=session-warning-seconds]'); return m ? Number(m.content) : null; }"
    )
    if warning_seconds is not None and warning_seconds < 20:
        problems.append(f"The warning comes only {warning_seconds} seconds before the end; WCAG asks for at least 20.")
    if problems:
        return [
            Finding(
                check="timeout-warning",
                kind=VIOLATION,
                criteria=["2.2.1"],
                description=" ".join(problems),
                help="Warn at least 20 seconds before the session ends, in a labelled dialog that takes focus, "
                "with a button that extends the session.",
                impact="serious",
                nodes=[node(dialog["selector"], dialog["html"]) if dialog else node("body")],
            )
        ]
    return []
