"""Scripted keyboard checks: the page is walked with the Tab key only, as a
keyboard user would, and we watch where focus goes.

- 2.1.1 Keyboard: every element that can take focus is reached with Tab.
- 2.1.2 No keyboard trap: Tab never gets stuck in a loop before leaving the page.
- 2.4.7 Focus visible: each element looks different when it has focus (outline,
  shadow, colours, border or underline change on it, its parent or a pseudo-element).
- 2.4.3 Focus order: the Tab order follows the reading (DOM) order; no positive tabindex.
- 3.2.1 On focus: pressing Tab never loads another page.
- 2.4.1 Bypass blocks: the first Tab stop is a skip link whose target exists and
  receives focus when the link is followed.
"""

from __future__ import annotations

from a11y.checks.context import CheckContext, js_with_path
from a11y.findings import VIOLATION, Finding, node

# Marks every element a keyboard user should reach with Tab, in DOM order, and
# remembers how each looks without focus. A radio group is one Tab stop.
MARK_JS = js_with_path("""() => {
  const selector = 'a[href], area[href], button, input, select, textarea, iframe, summary, [tabindex], '
    + '[contenteditable=""], [contenteditable="true"], audio[controls], video[controls]';
  const style = el => {
    const parts = [];
    for (const [target, pseudo] of [[el, null], [el, '::before'], [el, '::after'], [el.parentElement, null]]) {
      if (!target) continue;
      const cs = getComputedStyle(target, pseudo);
      parts.push([cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.boxShadow, cs.backgroundColor, cs.color,
                  cs.borderTopColor, cs.borderBottomColor, cs.borderBottomWidth, cs.textDecorationLine,
                  cs.textDecorationThickness].join('|'));
    }
    return parts.join('||');
  };
  window.__a11yStyle = style;
  // Compare against how elements look without focus: take focus away first.
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  // A modal dialog makes the rest of the page inert: only its content can be reached.
  const scope = document.querySelector('dialog:modal') || document;
  const stops = [];
  const groups = new Set();
  let k = 0;
  for (const el of scope.querySelectorAll(selector)) {
    if (el.disabled || el.tabIndex < 0 || el.closest('[inert]')) continue;
    if (el.matches('input[type=hidden]')) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    let group = null;
    if (el.matches('input[type=radio]') && el.name) {
      group = (el.form ? cssPath(el.form) : '') + '/' + el.name;
      el.dataset.a11yGroup = group;
      if (groups.has(group)) continue;
      groups.add(group);
    }
    el.dataset.a11yK = String(k);
    stops.push({k: k, selector: cssPath(el), html: el.outerHTML.slice(0, 200), group: group,
                positive: el.tabIndex > 0, style: style(el)});
    k += 1;
  }
  return stops;
}""")

START_JS = """() => {
  // Put the sequential-focus starting point at the top of the page.
  const start = document.createElement('span');
  start.tabIndex = -1;
  start.id = '__a11y-start';
  (document.querySelector('dialog:modal') || document.body).prepend(start);
  start.focus();
}"""
REMOVE_START_JS = "() => { const s = document.getElementById('__a11y-start'); if (s) s.remove(); }"

ACTIVE_JS = js_with_path("""() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  return window.__a11yDescribe(el);
}""")

# Records every focus change while we press Tab, so the walk needs no round trip per key.
LOG_JS = js_with_path("""() => {
  window.__a11yDescribe = el => {
    let k = el.dataset.a11yK;
    if (k === undefined && el.dataset.a11yGroup) {
      const first = document.querySelector('[data-a11y-group="' + CSS.escape(el.dataset.a11yGroup) + '"][data-a11y-k]');
      if (first) k = first.dataset.a11yK;
    }
    return {k: k === undefined ? null : Number(k), selector: cssPath(el), html: el.outerHTML.slice(0, 200),
            style: window.__a11yStyle(el)};
  };
  window.__a11yFocusLog = [];
  if (!window.__a11yLogging) {
    window.__a11yLogging = true;
    document.addEventListener('focusin', e => {
      if (window.__a11yFocusLog && e.target.id !== '__a11y-start') window.__a11yFocusLog.push(window.__a11yDescribe(e.target));
    }, true);
  }
}""")
READ_LOG_JS = "() => { const log = window.__a11yFocusLog || []; window.__a11yFocusLog = []; return log; }"


def walk(page, ctx: CheckContext) -> list[Finding]:
    stops = page.evaluate(MARK_JS)
    by_k = {stop["k"]: stop for stop in stops}
    page.evaluate(LOG_JS)
    page.evaluate(START_JS)
    start_url = page.url
    page.keyboard.press("Tab")
    page.evaluate(REMOVE_START_JS)
    for _ in range(len(stops)):
        page.keyboard.press("Tab")
    log = page.evaluate(READ_LOG_JS)
    # Focus still in the page after one Tab per stop: there may be stops we did not
    # know of (e.g. scrollable boxes Chromium makes focusable), or a trap. Go on slowly.
    extra = 0
    while page.evaluate(ACTIVE_JS) is not None and extra < 8 and not _repeats(log):
        page.keyboard.press("Tab")
        log += page.evaluate(READ_LOG_JS)
        extra += 1
    final = page.evaluate(ACTIVE_JS)

    visited: list[dict] = []
    seen: set = set()
    trapped: dict | None = None
    for active in log:
        key = active["k"] if active["k"] is not None else active["selector"]
        if key in seen:
            if len(seen) < len(stops):
                trapped = active
            break
        seen.add(key)
        visited.append(active)
    if trapped is None and final is not None and len({v["k"] for v in visited if v["k"] is not None}) < len(stops):
        trapped = final  # Tab no longer moves focus at all

    findings: list[Finding] = []
    if page.url.split("#")[0] != start_url.split("#")[0]:
        findings.append(
            Finding(
                check="on-focus",
                kind=VIOLATION,
                criteria=["3.2.1"],
                description=f"Only pressing Tab loaded another page ({page.url}).",
                help="Never navigate or submit on focus; wait for the user to activate the control.",
                impact="serious",
                nodes=[node(visited[-1]["selector"], visited[-1]["html"]) if visited else node("body")],
            )
        )
        return findings
    if trapped is not None:
        findings.append(
            Finding(
                check="keyboard-trap",
                kind=VIOLATION,
                criteria=["2.1.2"],
                description="Keyboard focus is trapped: pressing Tab keeps returning to the same elements "
                f"({len(seen)} of {len(stops)} reachable elements visited).",
                help="Never catch the Tab key or move focus back on blur; if a dialog keeps focus inside, "
                "it must close with Escape.",
                impact="critical",
                nodes=[node(trapped["selector"], trapped["html"], "focus returned here")],
            )
        )
    reached = {v["k"] for v in visited if v["k"] is not None}
    missing = [stop for stop in stops if stop["k"] not in reached]
    if missing and trapped is None:
        findings.append(
            Finding(
                check="keyboard-reach",
                kind=VIOLATION,
                criteria=["2.1.1"],
                description="Some interactive elements cannot be reached with the Tab key.",
                help="Use real links and buttons, and do not remove elements from the Tab order.",
                impact="serious",
                nodes=[node(s["selector"], s["html"]) for s in missing[:8]],
            )
        )
    invisible = [v for v in visited if v["k"] is not None and v["style"] == by_k[v["k"]]["style"]]
    if invisible:
        findings.append(
            Finding(
                check="focus-visible",
                kind=VIOLATION,
                criteria=["2.4.7"],
                description="These elements look the same with and without keyboard focus.",
                help="Give every focusable element a clear :focus-visible style (outline of at least 2 px with contrast).",
                impact="serious",
                nodes=[node(v["selector"], v["html"]) for v in invisible[:8]],
            )
        )
    positive = [s for s in stops if s["positive"]]
    order = [v["k"] for v in visited if v["k"] is not None]
    if positive or order != sorted(order):
        out_of_order = [by_k[k] for i, k in enumerate(order) if i and k < order[i - 1]]
        findings.append(
            Finding(
                check="focus-order",
                kind=VIOLATION,
                criteria=["2.4.3"],
                description="The Tab order does not follow the reading order of the page.",
                help="Remove positive tabindex values and put elements in the DOM in the order they are read.",
                impact="serious",
                nodes=[node(s["selector"], s["html"]) for s in (positive + out_of_order)[:8]],
            )
        )
    ctx.extra["tab_stops"] = len(visited)
    return findings


def _repeats(log: list[dict]) -> bool:
    keys = [entry["k"] if entry["k"] is not None else entry["selector"] for entry in log]
    return len(keys) != len(set(keys))


SKIP_TARGET_JS = """() => { const a = document.activeElement;
  if (!a || a.localName !== 'a' || !(a.getAttribute('href') || '').startsWith('#')) return {isSkip: false,
      html: a ? a.outerHTML.slice(0, 200) : ''};
  const id = decodeURIComponent(a.getAttribute('href').slice(1));
  return {isSkip: true, id: id, exists: !!document.getElementById(id), text: a.innerText.trim(), html: a.outerHTML.slice(0, 200)}; }"""
FOCUS_IN_JS = """id => { const t = document.getElementById(id); const a = document.activeElement;
  return !!t && !!a && (t === a || t.contains(a)); }"""


def skip_link(page, ctx: CheckContext) -> list[Finding]:
    page.evaluate(START_JS)
    page.keyboard.press("Tab")
    page.evaluate(REMOVE_START_JS)
    first = page.evaluate(SKIP_TARGET_JS)
    problem = None
    if not first["isSkip"]:
        problem = "The first Tab stop is not a link that skips to the main content."
    elif not first["exists"]:
        problem = f"The skip link points to #{first['id']}, which does not exist."
    else:
        page.keyboard.press("Enter")
        if not page.evaluate(FOCUS_IN_JS, first["id"]):
            problem = "Following the skip link does not move keyboard focus to the main content."
        else:
            page.keyboard.press("Tab")
            if not page.evaluate(FOCUS_IN_JS, first["id"]) and page.evaluate(
                "id => !!document.getElementById(id).querySelector('a[href], button, input, select, textarea')",
                first["id"],
            ):
                problem = "After the skip link, the next Tab does not go to the main content."
    if problem:
        return [
            Finding(
                check="skip-link",
                kind=VIOLATION,
                criteria=["2.4.1"],
                description=problem,
                help="Make the first focusable element a 'Skip to main content' link to the main element, "
                'and give that element tabindex="-1" so it takes focus.',
                impact="serious",
                nodes=[node("body", first.get("html", ""))],
            )
        ]
    return []


def keyboard(page, ctx: CheckContext) -> list[Finding]:
    """The Tab walk (2.1.1, 2.1.2, 2.4.3, 2.4.7) and the skip link (2.4.1)."""
    findings = walk(page, ctx)
    modal = page.evaluate("() => !!document.querySelector('dialog:modal')")
    if not modal and not any(f.check == "keyboard-trap" for f in findings):
        findings += skip_link(page, ctx)
    return findings
