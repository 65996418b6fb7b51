"""Scripted checks for the success criteria WCAG 2.2 added at level A and AA.

- 2.4.11 Focus not obscured (minimum): each element that takes keyboard focus is not
  entirely hidden by other content (a sticky header, a cookie bar, a dialog) once it has
  focus. We focus each element, let the browser scroll it into view, and ask which
  element is on top at nine points of its box.
- 2.5.7 Dragging movements: nothing can be dragged (``draggable``, drag listeners); move
  listeners that might implement a drag are left for review. Listeners are read through
  the DevTools protocol (``getEventListeners``), which page scripts cannot see or block.
- 2.5.8 Target size (minimum): every pointer target is at least 24 by 24 CSS px, or a
  24 px circle on its centre touches no other target (the spacing exception), or it is a
  link inside a sentence (the inline exception). axe-core's ``target-size`` rule checks
  the same with its own heuristics; ours also names the neighbour that is too close.
- 3.2.6 Consistent help: the help that repeats on every page (contact page, phone,
  e-mail in the header and footer) is in the same order on every page: each state
  records its help, the crawl compares them (``inconsistent_help``).
- 3.3.7 Redundant entry: after a form comes back with errors, what the person typed or
  chose is still there (the state's fill, check and select steps are compared).
- 3.3.8 Accessible authentication (minimum): no CAPTCHA or puzzle; password and code
  fields allow pasting and password managers (no ``autocomplete=off``).
"""

from __future__ import annotations

from a11y.checks.context import CheckContext, js_with_path
from a11y.findings import NEEDS_REVIEW, VIOLATION, Finding, node

FOCUSABLE = (
    "a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, "
    '[tabindex]:not([tabindex="-1"]), [contenteditable=""], [contenteditable="true"]'
)

OBSCURED_JS = js_with_path(
    """(selector) => {
  const MAX_STOPS = 250;
  const scope = document.querySelector('dialog:modal') || document;
  const before = document.activeElement;
  const scroll = [window.scrollX, window.scrollY];
  const hidden = [];
  let count = 0;
  for (const el of scope.querySelectorAll(selector)) {
    if (el.disabled || el.tabIndex < 0 || el.closest('[inert]')) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (count++ >= MAX_STOPS) break;
    el.focus();
    if (document.activeElement !== el) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const mine = top => top === el || el.contains(top) || top.contains(el)
      || [...(el.labels || [])].some(label => label === top || label.contains(top));
    let inView = 0, seen = false, cover = null;
    for (const fx of [0.1, 0.5, 0.9]) {
      for (const fy of [0.1, 0.5, 0.9]) {
        const x = r.left + r.width * fx, y = r.top + r.height * fy;
        if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
        inView += 1;
        const top = document.elementFromPoint(x, y);
        if (!top || mine(top)) { seen = true; } else if (!cover) { cover = top; }
      }
    }
    if (inView && !seen) {
      hidden.push({selector: cssPath(el), html: el.outerHTML.slice(0, 200),
                   cover: cover ? cssPath(cover) : ''});
    }
  }
  if (before && before.focus) before.focus(); else if (document.activeElement) document.activeElement.blur();
  window.scrollTo(scroll[0], scroll[1]);
  return hidden;
}"""
)


def focus_not_obscured(page, ctx: CheckContext) -> list[Finding]:
    hidden = page.evaluate(OBSCURED_JS, FOCUSABLE)
    if not hidden:
        return []
    return [
        Finding(
            check="focus-not-obscured",
            kind=VIOLATION,
            criteria=["2.4.11"],
            description="An element with keyboard focus is entirely hidden by other content.",
            help="Keep sticky or fixed content from covering the focused element (scroll-padding, "
            "or do not fix the content in place).",
            impact="serious",
            nodes=[node(item["selector"], item["html"], f"covered by {item['cover']}") for item in hidden[:10]],
        )
    ]


TARGETS = (
    "a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[role=button], [role=link], [role=checkbox], [role=radio], [role=tab], [role=menuitem], [role=switch]"
)

TARGET_SIZE_JS = js_with_path("""(selector) => {
  const targets = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.closest('[inert]')) continue;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    // A control hidden off-screen until it has focus (the skip link) is not a pointer target.
    if (r.right <= 0 || r.bottom <= 0 || r.left >= document.documentElement.scrollWidth) continue;
    const cs = getComputedStyle(el);
    if (cs.clip === 'rect(0px, 0px, 0px, 0px)' || cs.clipPath === 'inset(50%)') continue;
    targets.push({el, r, small: r.width < 23.5 || r.height < 23.5});
  }
  const inline = el => {
    if (!el.matches('a')) return false;
    if (!getComputedStyle(el).display.startsWith('inline')) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (!block) return false;
    const own = (el.textContent || '').trim().length;
    return (block.textContent || '').trim().length > own + 1;
  };
  const distance = (x, y, r) => {
    const dx = Math.max(r.left - x, 0, x - r.right), dy = Math.max(r.top - y, 0, y - r.bottom);
    return Math.hypot(dx, dy);
  };
  const related = (a, b) => a.contains(b) || b.contains(a)
    || [...(a.labels || [])].some(l => l.contains(b)) || [...(b.labels || [])].some(l => l.contains(a));
  const problems = [];
  for (const t of targets) {
    if (!t.small || inline(t.el)) continue;
    const cx = t.r.left + t.r.width / 2, cy = t.r.top + t.r.height / 2;
    let near = null;
    for (const o of targets) {
      if (o === t || related(t.el, o.el)) continue;
      const ox = o.r.left + o.r.width / 2, oy = o.r.top + o.r.height / 2;
      const tooClose = o.small && !inline(o.el) ? Math.hypot(cx - ox, cy - oy) < 24 : distance(cx, cy, o.r) < 12;
      if (tooClose) { near = o; break; }
    }
    if (near) {
      problems.push({selector: cssPath(t.el), html: t.el.outerHTML.slice(0, 200),
                     size: Math.round(t.r.width) + 'x' + Math.round(t.r.height), near: cssPath(near.el)});
    }
  }
  return problems;
}""")


def target_size(page, ctx: CheckContext) -> list[Finding]:
    problems = page.evaluate(TARGET_SIZE_JS, TARGETS)
    if not problems:
        return []
    return [
        Finding(
            check="target-size",
            kind=VIOLATION,
            criteria=["2.5.8"],
            description="A pointer target is smaller than 24 by 24 CSS pixels and too close to another target.",
            help="Make the target at least 24 by 24 px (padding counts), or keep 24 px between the centres "
            "of small targets.",
            impact="serious",
            nodes=[node(p["selector"], p["html"], f"{p['size']} px, too close to {p['near']}") for p in problems[:10]],
        )
    ]


# Run through the DevTools protocol with the console's command-line API (getEventListeners).
LISTENERS_JS = """(() => {
  const drag = ['dragstart', 'drag', 'dragover', 'drop'];
  const move = ['pointermove', 'mousemove', 'touchmove'];
  const path = el => {
    if (el === window) return 'window';
    if (el === document) return 'document';
    const parts = [];
    while (el && el.nodeType === 1 && parts.length < 4) {
      parts.unshift(el.id ? '#' + el.id : el.localName);
      if (el.id) break;
      el = el.parentElement;
    }
    return parts.join(' > ');
  };
  const found = [];
  for (const el of [window, document, ...document.querySelectorAll('*')]) {
    const listeners = getEventListeners(el);
    const kinds = Object.keys(listeners);
    const dragging = kinds.filter(k => drag.includes(k));
    const moving = kinds.filter(k => move.includes(k));
    const draggable = el.nodeType === 1 && el.getAttribute('draggable') === 'true';
    // Move listeners on window and document are everywhere (browser tooling adds them too);
    // a drag needs them on the element that is dragged.
    if (el === window || el === document) moving.length = 0;
    if (draggable || dragging.length || moving.length) {
      found.push({selector: path(el), html: el.nodeType === 1 ? el.outerHTML.slice(0, 200) : '',
                  drag: draggable || dragging.length > 0, events: dragging.concat(moving).join(', ')});
    }
  }
  return found;
})()"""


def dragging(page, ctx: CheckContext) -> list[Finding]:
    session = page.context.new_cdp_session(page)
    try:
        answer = session.send(
            "Runtime.evaluate", {"expression": LISTENERS_JS, "includeCommandLineAPI": True, "returnByValue": True}
        )
    finally:
        session.detach()
    found = answer.get("result", {}).get("value") or []
    findings = []
    drags = [item for item in found if item["drag"]]
    moves = [item for item in found if not item["drag"]]
    if drags:
        findings.append(
            Finding(
                check="dragging",
                kind=VIOLATION,
                criteria=["2.5.7"],
                description="Something on the page is dragged (draggable or drag listeners).",
                help="Offer a single-pointer alternative (buttons, a form) for every dragging movement, "
                "then mark this finding as reviewed.",
                impact="serious",
                nodes=[node(i["selector"], i["html"], i["events"] or "draggable") for i in drags[:10]],
            )
        )
    if moves:
        findings.append(
            Finding(
                check="dragging",
                kind=NEEDS_REVIEW,
                criteria=["2.5.7"],
                description="Needs review: pointer-move listeners may implement a dragging movement.",
                help="Check that whatever they do can also be done with single clicks or taps.",
                nodes=[node(i["selector"], i["html"], i["events"]) for i in moves[:10]],
            )
        )
    return findings


HELP_JS = """() => {
  const kinds = [
    ['contact-page', 'a[href$="/contact"]'],
    ['phone', 'a[href^="tel:"]'],
    ['e-mail', 'a[href^="mailto:"]'],
    ['chat', '[data-help="chat"]'],
  ];
  const found = [];
  // Help that repeats on every page lives outside <main>: header, footer, aside.
  for (const el of document.querySelectorAll('a[href], [data-help]')) {
    if (el.closest('main')) continue;
    for (const [kind, selector] of kinds) {
      if (el.matches(selector)) {
        const region = el.closest('header') ? 'header' : (el.closest('footer') ? 'footer' : 'other');
        const item = region + ':' + kind;
        if (!found.includes(item)) found.push(item);
      }
    }
  }
  return found;
}"""


def consistent_help(page, ctx: CheckContext) -> list[Finding]:
    """Records the help this page repeats (its order); the crawl compares pages."""
    ctx.extra["help"] = page.evaluate(HELP_JS)
    return []


def inconsistent_help(pages: list[tuple[str, str, list[str]]]) -> list[tuple[str, Finding]]:
    """pages: (state id, url, help items in order) of one language. The order of the help
    items two pages share must be the same (3.2.6); the most common order is the norm."""
    orders: dict[tuple[str, ...], int] = {}
    for _state, _url, items in pages:
        if items:
            orders[tuple(items)] = orders.get(tuple(items), 0) + 1
    if not orders:
        return []
    norm = max(orders, key=lambda order: (orders[order], len(order)))
    found = []
    for state, url, items in pages:
        shared = [item for item in items if item in norm]
        expected = [item for item in norm if item in shared]
        if shared != expected:
            found.append(
                (
                    state,
                    Finding(
                        check="consistent-help",
                        kind=VIOLATION,
                        criteria=["3.2.6"],
                        description="The help on this page is in another order than on the other pages: "
                        f"{', '.join(items)} (elsewhere: {', '.join(norm)}).",
                        help="Put the contact details and the link to the contact page in the same place and "
                        "order on every page (the footer).",
                        impact="moderate",
                        nodes=[node(url)],
                    ),
                )
            )
    return found


def redundant_entry(page, ctx: CheckContext) -> list[Finding]:
    """After a form came back with errors, what the person entered is still there."""
    if "form-errors" not in ctx.expect or not ctx.filled:
        return []
    lost = []
    for action, selector, value in ctx.filled:
        locator = page.locator(selector)
        if locator.count() != 1 or not locator.is_visible():
            continue  # the form shown again has no such field (another form's page)
        if action == "check":
            kept = locator.is_checked()
        elif action == "select":  # a step may pick an option by its label or by its value
            kept = value in locator.evaluate("el => [el.value, ...Array.from(el.selectedOptions, o => o.label)]")
        else:
            kept = locator.input_value() == value
        if not kept:
            html = locator.evaluate("el => el.outerHTML.slice(0, 200)")
            lost.append(node(selector, html, f"entered {value!r}" if action != "check" else "was checked"))
    if not lost:
        return []
    return [
        Finding(
            check="redundant-entry",
            kind=VIOLATION,
            criteria=["3.3.7"],
            description="After the form came back with errors, something the person entered was gone.",
            help="Show the form again with every value as it was sent, also the wrong ones, so they can be corrected.",
            impact="serious",
            nodes=lost,
        )
    ]


AUTHENTICATION_JS = js_with_path("""() => {
  const found = {blocked: [], captcha: []};
  const secret = 'input[type=password], input[autocomplete~="one-time-code"], input[autocomplete~="current-password"], '
    + 'input[autocomplete~="new-password"]';
  for (const el of document.querySelectorAll(secret)) {
    const off = (el.getAttribute('autocomplete') || '').trim().toLowerCase() === 'off';
    const event = new Event('paste', {bubbles: true, cancelable: true});
    el.dispatchEvent(event);
    if (off || event.defaultPrevented) {
      found.blocked.push({selector: cssPath(el), html: el.outerHTML.slice(0, 200),
                          why: off ? 'autocomplete=off' : 'pasting is blocked'});
    }
  }
  const puzzle = /captcha|recaptcha|hcaptcha|turnstile|arkose|funcaptcha/i;
  for (const el of document.querySelectorAll('iframe[src], img, script[src], [class], [id]')) {
    const text = [el.getAttribute('src'), el.getAttribute('alt'), el.id, el.getAttribute('class')].join(' ');
    if (puzzle.test(text)) {
      found.captcha.push({selector: cssPath(el), html: el.outerHTML.slice(0, 200)});
      if (found.captcha.length >= 5) break;
    }
  }
  return found;
}""")


def accessible_authentication(page, ctx: CheckContext) -> list[Finding]:
    found = page.evaluate(AUTHENTICATION_JS)
    findings = []
    if found["blocked"]:
        findings.append(
            Finding(
                check="accessible-authentication",
                kind=VIOLATION,
                criteria=["3.3.8"],
                description="A password or code field cannot be filled by pasting or by a password manager.",
                help="Allow paste and do not set autocomplete=off on sign-in fields.",
                impact="serious",
                nodes=[node(b["selector"], b["html"], b["why"]) for b in found["blocked"]],
            )
        )
    if found["captcha"]:
        findings.append(
            Finding(
                check="accessible-authentication",
                kind=NEEDS_REVIEW,
                criteria=["3.3.8"],
                description="Needs review: this looks like a CAPTCHA or puzzle (a cognitive function test).",
                help="Offer a way in without a puzzle, or use object recognition or personal content only.",
                nodes=[node(c["selector"], c["html"]) for c in found["captcha"]],
            )
        )
    return findings
